"""Several daemons on one database behave towards the sites like one (monitor/lease.py), and a
killed daemon's claimed deliveries are taken back at once (notifications/outbox.py)."""

from __future__ import annotations

import asyncio
import signal
import socket
import subprocess
import threading
import time
from datetime import timedelta

from sqlmodel import Session, select

from monitor.app import build_sources
from monitor.engine import Engine
from monitor.http.fetcher import Fetcher
from monitor.lease import claim, release
from monitor.store.tables import Delivery
from tests.faults.rig import Rig, case_fields, page_source
from tests.faults.test_process import start_daemon, wait_until
from tests.servers import CaseSite


class TimedSite(CaseSite):
    """A CaseSite that notes when each page request arrived."""

    def __init__(self, httpserver) -> None:
        super().__init__(httpserver)
        self.times: list[float] = []
        self.lock = threading.Lock()

    def _handle(self, request):
        with self.lock:
            self.times.append(time.monotonic())
        return super()._handle(request)


async def run_as(rig: Rig, owner: str, interval: timedelta) -> dict[str, str | None]:
    """One daemon's cycle of every source, on the rig's clock; what each skipped, if anything."""
    async with Fetcher(rig.config.http) as fetcher:
        engine = Engine(rig.config, rig.db, fetcher, clock=lambda: rig.now, owner=owner,
                        intervals=lambda sc, source: interval)
        reports = [await engine.run_source(s.config, s.source) for s in build_sources(rig.config)]
    return {r.source_id: r.skipped for r in reports}


async def test_a_source_another_daemon_ran_is_not_run_again_within_its_interval(
    tmp_path, httpserver
):
    site = CaseSite(httpserver)
    rig = Rig(tmp_path, httpserver, page_source("cases", site.add("a", **case_fields(1))))
    every = timedelta(minutes=30)  # the scheduler may move a run by up to a minute
    assert await run_as(rig, "daemon-a", every) == {"cases": None}
    rig.now += timedelta(seconds=10)
    skipped = (await run_as(rig, "daemon-b", every))["cases"]
    assert skipped == "it ran 10 s ago (by any daemon; its interval is 30 min)"
    rig.now += timedelta(minutes=28)
    assert (await run_as(rig, "daemon-b", every))["cases"] is not None  # 28 min: still early
    rig.now += timedelta(minutes=1, seconds=30)
    assert await run_as(rig, "daemon-b", every) == {"cases": None}  # either daemon, once
    assert site.hits["a"] == 2


async def test_a_host_another_daemon_is_fetching_from_is_left_alone(tmp_path, httpserver):
    site = CaseSite(httpserver)
    sources = page_source("one", site.add("a", **case_fields(1)))
    sources += page_source("two", site.add("b", **case_fields(2)))
    rig = Rig(tmp_path, httpserver, sources, http={"min_delay_seconds": 2})
    one, two = build_sources(rig.config)
    host = next(iter(one.source.allowed_hosts))
    # daemon-a is in the middle of source "one" ...
    held = claim(rig.db, one.config, "daemon-a", rig.now, hosts=one.source.allowed_hosts)
    assert not isinstance(held, str)
    skipped = await run_as(rig, "daemon-b", timedelta(minutes=30))
    assert skipped["one"] == "another daemon is running this source"
    assert skipped["two"] == (
        f"another daemon is fetching from {host} (one daemon per host at a time)"
    )
    assert site.hits == {}
    # ... then finishes: the host rests for its min_delay_seconds, then daemon-b may use it.
    with Session(rig.db) as session:
        state = session.merge(held)
        release(state, rig.now)
        session.commit()
    rig.now += timedelta(seconds=1)
    assert (await run_as(rig, "daemon-b", timedelta(minutes=30)))["two"] is not None
    rig.now += timedelta(seconds=2)
    assert (await run_as(rig, "daemon-b", timedelta(minutes=30)))["two"] is None
    assert site.hits == {"b": 1}  # "one" was run by daemon-a just now: not due


def test_two_daemons_poll_no_more_often_and_no_faster_per_host_than_one(tmp_path, httpserver):
    """Two real daemons, two sources on one host: the site sees one daemon's rate and gaps."""
    site = TimedSite(httpserver)
    every = "interval_minutes = 0.02"  # 1.2 s, so the scheduler's jitter is 0.12 s
    sources = page_source("one", site.add("a", **case_fields(1)), extra=every)
    sources += page_source("two", site.add("b", **case_fields(2)), extra=every)
    rig = Rig(tmp_path, httpserver, sources, http={"min_delay_seconds": 0.4})
    logs = [tmp_path / "a.log", tmp_path / "b.log"]
    procs = [start_daemon(rig.path, log) for log in logs]
    try:
        for log in logs:
            wait_until(lambda log=log: "daemon started" in log.read_text())
        wait_until(lambda: site.hits.get("a", 0) >= 2 and site.hits.get("b", 0) >= 2)
        start, hits = time.monotonic(), dict(site.hits)
        time.sleep(6)
        elapsed = time.monotonic() - start
        polled = {slug: site.hits[slug] - hits[slug] for slug in hits}
        with site.lock:
            times = [t for t in site.times if t >= start]
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        codes = [proc.wait(timeout=30) for proc in procs]
    assert codes == [0, 0]
    # The most one daemon could have polled: runs start at least 1.08 s apart, and a request
    # may leave up to ~0.5 s after its run starts (robots.txt, the host's delay).
    one_daemon = (elapsed + 0.5) / (1.2 - 0.12) + 1
    assert all(n <= one_daemon for n in polled.values()), (polled, one_daemon)
    gaps = [later - earlier for earlier, later in zip(times, times[1:], strict=False)]
    # min_delay_seconds less its -25 % jitter, less what a loaded machine adds on arrival.
    assert min(gaps) >= 0.4 * 0.75 - 0.15, sorted(gaps)[:5]
    texts = [log.read_text() for log in logs]
    assert all("Traceback" not in t for t in texts)
    assert any("ran " in t and "ago (by any daemon" in t for t in texts)  # they did share


def test_a_delivery_claimed_by_a_killed_daemon_is_sent_at_once(tmp_path, httpserver):
    site = CaseSite(httpserver)
    rig = Rig(tmp_path, httpserver, page_source("cases", site.add("a", **case_fields(1))))
    asyncio.run(rig.cycle())
    site.pages["a"]["status"] = "Officer dismissed without notice"
    asyncio.run(rig.cycle())
    assert len(rig.posted("/hook")) == 1
    dead = subprocess.Popen(["true"])
    dead.wait()
    for claimant, sent in ((f"{socket.gethostname()}:{dead.pid}", True),  # killed, this host
                           ("elsewhere:4242", False)):  # another host: trusted until it expires
        with Session(rig.db) as session:
            row = session.exec(select(Delivery)).one()
            row.status, row.claimed_by = "pending", claimant
            row.claimed_until = rig.now + timedelta(minutes=5)
            session.add(row)
            session.commit()
        report = rig.deliver()
        assert report.sent == int(sent), (claimant, report)
    assert len(rig.posted("/hook")) == 2
    rig.now += timedelta(minutes=6)  # the other host's claim ran out
    assert rig.deliver().sent == 1

