"""Several instances on one PostgreSQL database share the work without doubling anything.

Needs a server: OM_TEST_POSTGRES_URL=postgresql+psycopg://user@host:port/db (.ci/run starts a
throwaway one). Each test gets a fresh database of its own, dropped afterwards.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy.engine import make_url

from monitor.app import build_sources
from monitor.engine import CycleReport, Engine
from monitor.errors import DatabaseUnreachable
from monitor.http.fetcher import Fetcher
from notifications.outbox import deliver_due
from tests.faults.rig import Rig, case_fields, page_source
from tests.servers import CaseSite

pytestmark = pytest.mark.postgres
SERVER = os.environ.get("OM_TEST_POSTGRES_URL")


class FreshDatabases:
    """Empty databases on the test server, each dropped at the end."""

    def __init__(self) -> None:
        self.psycopg = pytest.importorskip("psycopg")
        self.admin = make_url(SERVER)
        self.dsn = self.admin.set(drivername="postgresql").render_as_string(hide_password=False)
        self.names: list[str] = []

    def new(self) -> str:
        name = f"om_faults_{uuid.uuid4().hex[:12]}"
        with self.psycopg.connect(self.dsn, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        self.names.append(name)
        return self.admin.set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        with self.psycopg.connect(self.dsn, autocommit=True) as conn:
            for name in self.names:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def fresh_databases():
    if not SERVER:
        pytest.skip("OM_TEST_POSTGRES_URL is not set (see .ci/run for a throwaway server)")
    databases = FreshDatabases()
    yield databases
    databases.drop_all()


@pytest.fixture
def pg_url(fresh_databases):
    return fresh_databases.new()


def run_instance(rig: Rig, owner: str, reports: list[CycleReport]) -> None:
    """One daemon's worth of work: every source once, then the outbox."""

    async def cycle() -> None:
        async with Fetcher(rig.config.http) as fetcher:
            engine = Engine(rig.config, rig.db, fetcher, clock=lambda: rig.now, owner=owner)
            sources = build_sources(rig.config)
            reports.extend(
                await asyncio.gather(*(engine.run_source(s.config, s.source) for s in sources))
            )

    asyncio.run(cycle())
    deliver_due(rig.db, rig.config, now=rig.now)


def race(rig: Rig, reports: list[CycleReport], errors: list[BaseException]) -> None:
    """Both instances run a full cycle at the same moment."""
    rig.now += timedelta(minutes=30)

    def instance(owner: str) -> None:
        try:
            run_instance(rig, owner, reports)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)

    threads = [threading.Thread(target=instance, args=(o,)) for o in ("inst-a", "inst-b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)


def shared_rig(tmp_path, httpserver, pg_url: str) -> tuple[Rig, CaseSite]:
    site = CaseSite(httpserver)
    sources = ""
    for s in range(3):
        urls = [site.add(f"s{s}p{p}", **case_fields(f"{s}{p}")) for p in range(3)]
        sources += page_source(f"src{s}", *urls)
    rig = Rig(tmp_path, httpserver, sources, monitor={"database": pg_url})
    assert rig.db.dialect.name == "postgresql"
    return rig, site


def test_two_instances_share_sources_and_outbox_without_duplicates(tmp_path, httpserver, pg_url):
    rig, site = shared_rig(tmp_path, httpserver, pg_url)
    run_instance(rig, "inst-a", [])  # the baseline (racing it: see the next test)

    reports: list[CycleReport] = []
    errors: list[BaseException] = []
    expected: list[str] = []
    for round_ in range(1, 5):  # publish a change on every page, then both instances race
        for slug in site.pages:
            status = f"Status {slug} round {round_}"
            site.pages[slug]["status"] = status
            expected.append(status)
        race(rig, reports, errors)
    assert errors == []
    rig.deliver()

    ran = [r for r in reports if r.skipped is None]
    assert all(r.ok for r in ran), [str(r.failure) for r in ran if not r.ok]
    changes = Counter(json.loads(e.payload_json)["to_status"] for e in rig.events("stage_changed"))
    assert sorted(changes) == sorted(expected) and set(changes.values()) == {1}
    assert {d.status for d in rig.deliveries()} == {"sent"}
    posts = Counter(p["message"] for p in rig.posted("/hook"))
    assert len(posts) == len(expected) and set(posts.values()) == {1}  # each sent once


def test_two_instances_starting_together_on_a_fresh_database(tmp_path, httpserver, pg_url):
    rig, _ = shared_rig(tmp_path, httpserver, pg_url)
    errors: list[BaseException] = []
    for _ in range(3):
        race(rig, [], errors)
    assert errors == []


def test_one_case_named_by_two_sources_on_two_daemons_moves_once(tmp_path, httpserver, pg_url):
    """Both daemons see the move at once: the case row is locked, so one move is one alert."""
    site = CaseSite(httpserver)
    sources = "".join(
        page_source(f"src{s}", site.add(
            f"harbour{s}", **case_fields(f"9{s}", reference="2024/7777",
                                         body="The IOPC is investigating the Harbour Street death.")
        ))
        for s in range(2)
    )
    sources += '[[cases]]\nname = "Harbour Street"\n'
    rig = Rig(tmp_path, httpserver, sources, monitor={"database": pg_url})
    run_instance(rig, "inst-a", [])  # the baseline
    reports: list[CycleReport] = []
    errors: list[BaseException] = []
    expected = []
    for round_ in range(1, 6):  # both sources report the same move, both daemons race
        status = f"Harbour Street round {round_}"
        for page in site.pages.values():
            page["status"] = status
        expected.append(status)
        race(rig, reports, errors)
    assert errors == []
    assert all(r.ok for r in reports if r.skipped is None), [str(r.failure) for r in reports]
    moves = Counter(json.loads(e.payload_json)["to_status"] for e in rig.events("stage_changed"))
    assert moves == Counter(expected)  # each move once, whoever saw it first
    rig.deliver()
    posts = Counter(p["message"] for p in rig.posted("/hook") if "round" in p["message"])
    assert set(posts.values()) == {1}


# Each instance loads everything once, then for every fresh database waits for the starting
# gun, so they all open it at the same moment: the race the schema lock must win.
STARTER = """
import os, sys, time
from monitor.store.db import open_database
folder, urls = sys.argv[1], sys.argv[2:]
for n, url in enumerate(urls):
    open(os.path.join(folder, f"ready{n}.{os.getpid()}"), "w").close()
    while not os.path.exists(os.path.join(folder, f"go{n}")):
        time.sleep(0.002)
    try:
        open_database(url).dispose()
        print("started", flush=True)
    except Exception as exc:
        print(f"failed: {type(exc).__name__}: {exc}", flush=True)
"""


def test_instances_starting_at_once_on_an_empty_database_all_start(tmp_path, fresh_databases):
    """Schema creation is serialised by an advisory lock: every instance starts, every time."""
    rounds, instances = 10, 4
    urls = [fresh_databases.new() for _ in range(rounds)]
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", STARTER, str(tmp_path), *urls],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for _ in range(instances)
    ]
    for n in range(rounds):
        deadline = time.monotonic() + 60
        while len(list(tmp_path.glob(f"ready{n}.*"))) < instances:  # all waiting at the line
            assert time.monotonic() < deadline, "the instances did not get ready"
            time.sleep(0.005)
        (tmp_path / f"go{n}").touch()
    outcomes = [proc.communicate(timeout=60)[0].splitlines() for proc in procs]
    assert [lines.count("started") for lines in outcomes] == [rounds] * instances, outcomes


async def test_connection_lost_is_a_typed_error_and_the_next_cycle_reconnects(
    tmp_path, httpserver, fresh_databases
):
    url = fresh_databases.new()
    name = make_url(url).database
    site = CaseSite(httpserver)
    rig = Rig(tmp_path, httpserver, page_source("cases", site.add("a", **case_fields(1))),
              monitor={"database": url})
    assert (await rig.cycle())["cases"].ok

    def server(sql: str) -> None:
        with fresh_databases.psycopg.connect(fresh_databases.dsn, autocommit=True) as conn:
            conn.execute(sql)

    server(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')  # the server goes away ...
    server(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")
    site.pages["a"]["status"] = "Officer dismissed without notice"
    with pytest.raises(DatabaseUnreachable) as caught:
        await rig.cycle()
    assert "cannot reach the database server" in str(caught.value)
    assert "\n" not in str(caught.value) and "postgres@" in str(caught.value)
    code, out = await asyncio.to_thread(rig.cli, "check")
    assert code == 4 and out.startswith("database error: cannot reach"), out  # restart me
    server(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')  # ... and comes back
    assert (await rig.cycle())["cases"].changed == 1  # reconnected, nothing lost
