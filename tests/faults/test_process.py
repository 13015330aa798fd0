"""The daemon as a process: killed with -9 at random points, and reloaded with a broken config."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest

from monitor.store.types import utcnow
from tests.faults.rig import Rig, case_fields, page_source
from tests.servers import CaseSite

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


def kill_loop(tmp_path: Path, httpserver, *, changes: int, kills: int, seed: int) -> None:
    """Publish `changes` status changes while killing the daemon at least `kills` times."""
    rng = random.Random(seed)
    site = CaseSite(httpserver)
    urls = [site.add(f"c{n}", **case_fields(n)) for n in range(3)]
    rig = Rig(
        tmp_path,
        httpserver,
        page_source("cases", *urls, extra=FAST),
        outbox={"interval_seconds": 0.3, "first_retry_seconds": 1},
    )
    db = Path(rig.config.database_url.removeprefix("sqlite:///"))
    log = tmp_path / "daemon.log"
    proc: subprocess.Popen[bytes] | None = start_daemon(rig.path, log)
    wait_until(lambda: query(db, "select 1 from source_state where baseline_done"))
    wait_until(lambda: "daemon started" in log.read_text())

    killed, expected = 0, []
    for step in range(changes):
        status = f"Status report {step:03d} filed"
        site.pages[f"c{step % 3}"]["status"] = status
        expected.append(status)
        while not recorded(db, status) or killed < kills * (step + 1) // changes:
            if proc is None:
                started = log.read_text().count("daemon started")
                proc = start_daemon(rig.path, log)
                if rng.random() < 0.75:  # else: somewhere in start-up
                    wait_until(lambda n=started: log.read_text().count("daemon started") > n)
            time.sleep(rng.uniform(0.0, 1.4))  # mid-cycle, mid-send, idle, or still starting
            proc.kill()
            proc.wait()
            proc, killed = None, killed + 1

    started = log.read_text().count("daemon started")
    proc = start_daemon(rig.path, log)  # a last, clean run
    try:
        wait_until(lambda: log.read_text().count("daemon started") > started)
        for status in expected:
            wait_until(lambda s=status: recorded(db, s))
        time.sleep(1.5)  # its outbox runs
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
    # Rows a killed daemon had claimed are retried once their 5-minute lease ends.
    rig.now = utcnow() + timedelta(minutes=6)
    rig.deliver()

    assert killed >= kills
    events = {json.loads(e.payload_json)["to_status"]: e for e in rig.events("stage_changed")}
    assert sorted(events) == sorted(expected)  # one event per change: none lost, none doubled
    assert {d.status for d in rig.deliveries()} == {"sent"}
    posts = [p["message"] for p in rig.posted("/hook")]
    counts = {s: sum(s in m for m in posts) for s in expected}
    assert all(n >= 1 for n in counts.values()), counts  # every alert delivered
    duplicates = len(posts) - len(expected)
    assert 0 <= duplicates <= killed and all(n <= 2 for n in counts.values()), counts
    for url in urls:  # every version the site published was kept
        assert rig.versions()[url]
    text = log.read_text()
    assert "Traceback" not in text, text[-3000:]


def test_kill_9_at_random_points_loses_and_doubles_nothing(tmp_path, httpserver):
    kill_loop(tmp_path, httpserver, changes=3, kills=6, seed=8)


@pytest.mark.soak
def test_kill_9_soak(tmp_path, httpserver):
    kill_loop(tmp_path, httpserver, changes=12, kills=30, seed=int(time.time()))


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
