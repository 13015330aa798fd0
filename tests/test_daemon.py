"""The daemon as an operator runs it: a real process, real signals, a real page server."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

from click.testing import CliRunner

from monitor.cli import main
from tests.servers import CaseSite, text_of
from tests.test_end_to_end import page_source, write_config


def start_daemon(config: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "monitor", "run", "-c", str(config)],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


def cycles_done(db: Path, source_id: str = "cases") -> str | None:
    """The last successful cycle time of a source, read straight from the database."""
    if not db.exists():
        return None
    try:
        with sqlite3.connect(db, timeout=5) as conn:
            row = conn.execute(
                "select last_success_at from source_state where source_id = ?", (source_id,)
            ).fetchone()
    except sqlite3.OperationalError:
        return None
    return row[0] if row else None


def wait_until(predicate, timeout: float = 20.0, step: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise AssertionError("condition not reached in time")


def custody_case(site: CaseSite) -> str:
    return site.add(
        "a",
        title="Custody death – Kent Police",
        status="Investigation ongoing",
        force="Kent Police",
        reference="2024/7",
        body="An independent investigation.",
    )


def fast_source(url: str) -> str:
    return page_source(url) + "interval_minutes = 0.02\n"  # every 1.2 s


def test_daemon_runs_cycles_and_stops_cleanly_on_sigterm(tmp_path, site, smtp):
    controller, _ = smtp
    url = custody_case(site)
    config = write_config(tmp_path, controller.port, fast_source(url))
    proc = start_daemon(config)
    try:
        wait_until(lambda: site.hits.get("a", 0) >= 3)  # several cycles
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=20)
    finally:
        proc.kill()
    assert proc.returncode == 0, err
    assert "stopped cleanly" in err
    assert "Traceback" not in err


def test_kill_9_mid_cycle_neither_loses_nor_duplicates_an_alert(tmp_path, site, smtp):
    controller, sink = smtp
    url = custody_case(site)
    config = write_config(tmp_path, controller.port, fast_source(url))
    db = tmp_path / "state" / "monitor.db"

    proc = start_daemon(config)
    first = wait_until(lambda: cycles_done(db))  # the silent baseline is in
    site.pages["a"]["status"] = "Misconduct hearing arranged"
    # Kill as soon as the daemon has started the cycle that sees the change.
    hits = site.hits["a"]
    wait_until(lambda: site.hits["a"] > hits, step=0.01)
    proc.kill()
    proc.wait()

    proc = start_daemon(config)
    try:
        wait_until(lambda: cycles_done(db) not in (None, first))
        wait_until(lambda: sink.messages, timeout=15)
        time.sleep(3)  # two more cycles: nothing further may arrive
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=20)
    assert len(sink.messages) == 1
    assert "Misconduct hearing arranged" in text_of(sink.messages[0])


class StallingServer:
    """Accepts connections and never answers: every fetch hangs until it is cancelled."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.accepted: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted.append(conn)

    def close(self) -> None:
        for conn in self.accepted:
            conn.close()
        self.sock.close()


def stalled_daemon(tmp_path: Path) -> tuple[subprocess.Popen[str], StallingServer]:
    server = StallingServer()
    config = tmp_path / "config.toml"
    config.write_text(
        "[monitor]\ndatabase = 'm.db'\n[http]\ncontact = 't@example.org'\nretries = 3\n"
        "timeout_seconds = 30\n[[sources]]\nid = 'slow'\nplugin = 'page'\n"
        f"options = {{ urls = ['http://127.0.0.1:{server.port}/case'] }}\n"
    )
    proc = start_daemon(config)
    wait_until(lambda: server.accepted)  # a fetch is in flight
    return proc, server


def signal_and_time(proc: subprocess.Popen, sig: int, *, timeout: float) -> tuple[float, str]:
    """Send `sig`, wait for the exit; how long it took and what it wrote to stderr."""
    started = time.monotonic()
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=timeout)
    return time.monotonic() - started, err


def test_a_stop_during_network_retries_takes_under_two_seconds_without_a_traceback(tmp_path):
    proc, server = stalled_daemon(tmp_path)
    try:
        took, err = signal_and_time(proc, signal.SIGTERM, timeout=10)
    finally:
        proc.kill()
        server.close()
    assert proc.returncode == 0, err
    assert took < 2.0, f"stop took {took:.1f} s"
    assert "stopped cleanly" in err
    assert "Traceback" not in err and "CancelledError" not in err


def test_a_second_interrupt_exits_at_once_with_130(tmp_path):
    proc, server = stalled_daemon(tmp_path)
    try:
        proc.send_signal(signal.SIGINT)
        time.sleep(0.2)
        took, err = signal_and_time(proc, signal.SIGINT, timeout=10)
    finally:
        proc.kill()
        server.close()
    assert proc.returncode == 130, err
    assert took < 0.5 and "exiting at once" in err
    assert "Traceback" not in err


def test_after_a_failed_cycle_the_daemon_says_and_stores_when_it_tries_next(
    tmp_path, httpserver
):
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/case").respond_with_data("down", status=500)
    config = tmp_path / "config.toml"
    config.write_text(
        "[monitor]\ndatabase = 'm.db'\ntimezone = 'UTC'\n[http]\ncontact = 't@example.org'\n"
        "retries = 0\n[[sources]]\nid = 'down'\nplugin = 'page'\ninterval_minutes = 30\n"
        f"options = {{ urls = ['{httpserver.url_for('/case')}'] }}\n"
    )
    proc = start_daemon(config)
    try:
        def next_run():
            if not (tmp_path / "m.db").exists():
                return None
            try:
                with sqlite3.connect(tmp_path / "m.db", timeout=5) as conn:
                    row = conn.execute("select next_run_at from source_state").fetchone()
            except sqlite3.OperationalError:
                return None  # the daemon is still creating the tables
            return row[0] if row else None

        stored = wait_until(next_run)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=10)
    finally:
        proc.kill()
    assert "down: next try at" in err, err
    said = err.split("down: next try at ", 1)[1][:5]
    assert stored[11:16] == said  # the stored time (UTC) is the one logged
    result = CliRunner().invoke(main, ["sources", "-c", str(config)])
    assert f" {said} " in result.output, result.output  # the "next run" column


def test_check_runs_once_so_it_never_promises_a_next_cycle(tmp_path, httpserver):
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/case").respond_with_data("down", status=500)
    url = httpserver.url_for("/case")
    config = tmp_path / "config.toml"
    config.write_text(
        "[monitor]\ndatabase = 'm.db'\n[http]\ncontact = 't@example.org'\nretries = 0\n"
        f"[[sources]]\nid = 'down'\nplugin = 'page'\noptions = {{ urls = ['{url}'] }}\n"
    )
    result = CliRunner().invoke(main, ["check", "-c", str(config)])
    assert result.exit_code == 1
    assert "next cycle" not in result.output
    assert result.output.count(url) == 1, result.output  # the failure is told once
    assert f"answered HTTP 500 — {url}" in result.output  # the cause before the URL
    loud = CliRunner().invoke(main, ["check", "-c", str(config), "--log-level", "debug"])
    assert "cycle failed" in loud.output  # the engine's own lines, shown at debug…
    assert "next cycle" not in loud.output  # …promise no next cycle either


def test_check_now_from_another_process_runs_the_source_at_once(tmp_path, site, smtp):
    from monitor.check_now import request_check
    from monitor.store import open_database
    from monitor.store.types import utcnow

    controller, _ = smtp
    url = custody_case(site)
    config = write_config(tmp_path, controller.port, page_source(url) + "interval_minutes = 60\n")
    path = tmp_path / "state" / "monitor.db"
    proc = start_daemon(config)
    try:
        wait_until(lambda: cycles_done(path))  # the first cycle, at start
        first = site.hits.get("a", 0)
        db = open_database(f"sqlite:///{path}")
        request_check(db, "cases", "page", utcnow())  # what the web page's button does
        wait_until(lambda: site.hits.get("a", 0) > first, timeout=15)
        with sqlite3.connect(path) as conn:
            left = conn.execute("select check_requested_at from source_state").fetchone()[0]
        assert left is None  # the request was taken
        db.dispose()
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=20)
    finally:
        proc.kill()
    assert "checking cases now, as a maintainer asked" in err


def test_a_stop_does_not_wait_for_a_send_hung_on_a_silent_server(tmp_path):
    hook = StallingServer()  # the maintainers' webhook accepts, then never answers
    config = tmp_path / "config.toml"
    config.write_text(
        "[monitor]\ndatabase = 'm.db'\n[http]\ncontact = 't@example.org'\nretries = 0\n"
        f"[health]\nurls = ['json://127.0.0.1:{hook.port}/hook']\nafter_failures = 1\n"
        "[[sources]]\nid = 'dead'\nplugin = 'page'\noptions = { urls = ['http://127.0.0.1:9/x'] }\n"
    )
    proc = start_daemon(config)
    try:
        wait_until(lambda: hook.accepted)  # the "source failing" note is being sent
        took, err = signal_and_time(proc, signal.SIGTERM, timeout=20)
    finally:
        proc.kill()
        hook.close()
    assert proc.returncode == 0, err
    assert took < 2.0, f"stop took {took:.1f} s"
    assert "stopped cleanly" in err and "Traceback" not in err
