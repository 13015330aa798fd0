"""The daemon as a process: killed with -9 at random points, and reloaded with a broken config."""

from __future__ import annotations

import json
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from notifications.channels import channel_key
from tests.faults.rig import ALL_EVENTS, Rig, case_fields, page_source
from tests.servers import CaseSite, text_of

FAST = "interval_minutes = 0.01"  # a cycle every 0.6 s


def start_daemon(config: Path, log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as err:
        return subprocess.Popen(
            [sys.executable, "-m", "monitor", "run", "-c", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=err,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )


def query(db: Path, sql: str, *args: object) -> list[tuple]:
    if not db.exists():
        return []
    try:
        with sqlite3.connect(db, timeout=5) as conn:
            return conn.execute(sql, args).fetchall()
    except sqlite3.OperationalError:  # not created yet
        return []


def wait_until(predicate, timeout: float = 30.0, step: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := predicate():
            return value
        time.sleep(step)
    raise AssertionError("condition not reached in time")


def recorded(db: Path, status: str) -> bool:
    return bool(query(db, "select 1 from document_version where fields_json like ?", f"%{status}%"))


class FlakyHook:
    """A JSON webhook that fails one request in four (HTTP 500), seeded; keeps what it took."""

    def __init__(self, httpserver, seed: int) -> None:
        self.rng, self.lock = random.Random(seed), threading.Lock()
        self.taken: list[str] = []
        httpserver.expect_request("/flaky", method="POST").respond_with_handler(self._handle)

    def _handle(self, request):
        from werkzeug.wrappers import Response

        with self.lock:
            if self.rng.random() < 0.25:
                return Response("try later", status=500)
            self.taken.append(json.loads(request.get_data())["message"])
        return Response("ok")


def kill_loop(
    tmp_path: Path, httpserver, smtp, *, daemons: int, changes: int, kills: int, seed: int
) -> None:
    """Publish `changes` status changes over two sources and four cases while killing one of
    `daemons` daemons at random points at least `kills` times; then count, per channel (SMTP
    and a webhook failing one request in four), the alerts lost and doubled. A doubled alert
    is allowed only for a delivery a killed daemon had claimed (a send in flight)."""
    rng = random.Random(seed)
    controller, sink = smtp
    site = CaseSite(httpserver)
    hook = FlakyHook(httpserver, seed)
    slugs = [f"c{n}" for n in range(4)]
    urls = {slug: site.add(slug, **case_fields(n)) for n, slug in enumerate(slugs)}
    sources = page_source("north", urls["c0"], urls["c1"], extra=FAST)
    sources += page_source("south", urls["c2"], urls["c3"], extra=FAST)
    mail = f"mailto://127.0.0.1:{controller.port}?from=monitor@example.org&to=a@example.org"
    webhook = f"json://127.0.0.1:{httpserver.port}/flaky"
    subscribers = (
        f'[[subscribers]]\nname = "advocate"\nurls = ["{mail}", "{webhook}"]\n'
        f"events = {ALL_EVENTS}\n"
    )
    rig = Rig(tmp_path, httpserver, sources, subscribers=subscribers,
              outbox={"interval_seconds": 0.3, "first_retry_seconds": 0.5})
    db = Path(rig.config.database_url.removeprefix("sqlite:///"))
    logs = [tmp_path / f"daemon{i}.log" for i in range(daemons)]
    procs: list[subprocess.Popen[bytes] | None] = [start_daemon(rig.path, log) for log in logs]
    wait_until(lambda: len(query(db, "select 1 from source_state where baseline_done")) == 2)
    for log in logs:
        wait_until(lambda log=log: "daemon started" in log.read_text())

    killed, expected, in_flight = 0, [], set()
    for step in range(changes):
        status = f"Status report {step:03d} filed"
        site.pages[slugs[step % len(slugs)]]["status"] = status
        expected.append(status)
        while not recorded(db, status) or killed < kills * (step + 1) // changes:
            i = rng.randrange(daemons)
            if procs[i] is None:
                started = logs[i].read_text().count("daemon started")
                procs[i] = start_daemon(rig.path, logs[i])
                in_start_up = rng.random() < 0.2
                if not in_start_up:
                    wait_until(lambda n=started, i=i: logs[i].read_text().count(
                        "daemon started") > n)
            else:
                in_start_up = False
            # Somewhere in start-up; or mid-cycle, mid-send or idle: the sources' first runs
            # come 0-1 s and 2-3 s after start (daemon.py spreads them), then their sends.
            time.sleep(rng.uniform(0.0, 0.8) if in_start_up else rng.uniform(0.0, 3.2))
            proc = procs[i]
            assert proc is not None
            proc.kill()
            proc.wait()
            # What it had claimed and not recorded: the sends that may have been in flight.
            owner = f"{socket.gethostname()}:{proc.pid}"
            in_flight |= {row[0] for row in query(
                db, "select id from delivery where status = 'pending' and claimed_by = ?", owner)}
            procs[i], killed = None, killed + 1

    for i, log in enumerate(logs):  # a last, clean run of every daemon
        if procs[i] is None:
            started = log.read_text().count("daemon started")
            procs[i] = start_daemon(rig.path, log)
            wait_until(lambda n=started, log=log: log.read_text().count("daemon started") > n)
    try:
        for status in expected:
            wait_until(lambda s=status: recorded(db, s))
        # Everything is sent by the running daemons themselves: a killed daemon's claims are
        # taken back at once, not after their 5-minute lease.
        wait_until(lambda: not query(db, "select 1 from delivery where status = 'pending'"))
    finally:
        for proc in procs:
            if proc is not None:
                proc.send_signal(signal.SIGTERM)
        codes = [proc.wait(timeout=30) for proc in procs if proc is not None]
    assert codes == [0] * daemons

    assert killed >= kills
    events = {json.loads(e.payload_json)["to_status"]: e for e in rig.events("stage_changed")}
    assert sorted(events) == sorted(expected)  # one event per change: none lost, none doubled
    channel = {channel_key(mail): "smtp", channel_key(webhook): "webhook"}
    received = {"smtp": [text_of(m) for m in sink.messages], "webhook": list(hook.taken)}
    lost, doubled = [], []
    for delivery in rig.deliveries():
        event = next((e for e in events.values() if e.id == delivery.event_id), None)
        if event is None:
            continue
        status, where = json.loads(event.payload_json)["to_status"], channel[delivery.channel_key]
        got = sum(status in body for body in received[where])
        if got == 0:
            lost.append((status, where))
        elif got > 1 and (got > 2 or delivery.id not in in_flight):
            doubled.append((status, where, got))
    assert {d.status for d in rig.deliveries()} == {"sent"}
    assert lost == [] and doubled == [], (lost, doubled, sorted(in_flight))
    for url in urls.values():  # every version the site published was kept
        assert rig.versions()[url]
    for log in logs:
        assert "Traceback" not in log.read_text(), log.read_text()[-3000:]


@pytest.mark.parametrize("daemons", [1, 2])
def test_kill_9_at_random_points_loses_and_doubles_nothing(tmp_path, httpserver, smtp, daemons):
    kill_loop(tmp_path, httpserver, smtp, daemons=daemons, changes=3, kills=5, seed=8 + daemons)


@pytest.mark.soak
@pytest.mark.parametrize("daemons", [1, 2])
def test_kill_9_soak(tmp_path, httpserver, smtp, daemons):
    kill_loop(tmp_path, httpserver, smtp, daemons=daemons, changes=12, kills=30,
              seed=int(time.time()))


def test_sighup_with_a_broken_config_keeps_the_running_one(tmp_path, httpserver):
    site = CaseSite(httpserver)
    first = site.add("a", **case_fields(1))
    rig = Rig(tmp_path, httpserver, page_source("cases", first, extra=FAST))
    good = rig.path.read_text()
    log = tmp_path / "daemon.log"
    proc = start_daemon(rig.path, log)
    try:
        wait_until(lambda: site.hits.get("a", 0) >= 1)
        for broken, why in (
            ("[monitor\n", "not valid TOML"),
            (good.replace("[monitor]", "[monitor]\ndatabse = 'x'"), "monitor.databse: unknown key"),
        ):
            rig.path.write_text(broken)
            proc.send_signal(signal.SIGHUP)
            wait_until(lambda w=why: w in log.read_text())
            hits = site.hits["a"]
            wait_until(lambda h=hits: site.hits["a"] > h + 1)  # still running the old config
        refused = [line for line in log.read_text().splitlines() if "reload refused" in line]
        assert len(refused) == 2 and all(str(rig.path) in line for line in refused)

        second = site.add("b", **case_fields(2))
        rig.path.write_text(good.replace(json.dumps(first), f"{json.dumps(first)}, "
                                         f"{json.dumps(second)}"))  # fmt: skip
        proc.send_signal(signal.SIGHUP)
        wait_until(lambda: site.hits.get("b", 0) >= 1)  # the new config is in force
        assert "config reloaded" in log.read_text()
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=30)
    assert code == 0 and "Traceback" not in log.read_text()
