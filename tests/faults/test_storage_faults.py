"""Storage faults: a full disk, a read-only filesystem, damaged pages, files that are not ours.

Each is one typed line (never a traceback), one maintainers' note per episode, a STORAGE state
in `sources`, and nothing lost once the storage works again. A 0-byte or foreign file is
refused unless `--create-db` says to make the database there.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import event

from monitor.cli import main
from monitor.errors import DiskFull, ReadOnlyStorage, StoreError
from monitor.store.watch import StorageWatch
from notifications.health import send_direct_note
from tests.faults.rig import Rig, case_fields, page_source
from tests.faults.test_process import FAST, start_daemon, wait_until
from tests.servers import CaseSite


def cli(config: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, [*args, "-c", str(config)])
    return result.exit_code, result.output


def bare_config(tmp_path: Path, database: Path) -> Path:
    config = tmp_path / "config.toml"
    config.write_text(f"[monitor]\ndatabase = {json.dumps(str(database))}\n")
    return config


# ---- files that are not an oversight-monitor database ---------------------------------------


def test_empty_database_file_is_refused_unless_told_to_create_it(tmp_path):
    database = tmp_path / "monitor.db"
    database.touch()  # truncated, or a restore gone wrong
    config = bare_config(tmp_path, database)
    for command in (["check"], ["run"], ["sources"], ["cases"]):
        code, out = cli(config, *command)
        assert code == 3, out
        assert out.startswith("database error:") and out.count("\n") == 1, out
        assert "is empty (0 bytes)" in out and "--create-db" in out and "Traceback" not in out
    assert database.stat().st_size == 0  # nothing was made in its place
    assert cli(config, "check", "--create-db")[0] == 0
    assert cli(config, "sources")[0] == 0  # from now on it is an ordinary database


def test_a_file_that_is_not_a_database_is_refused_and_left_alone(tmp_path):
    database = tmp_path / "monitor.db"
    database.write_bytes(b"# my notes\nnot a database at all\n" * 20)
    before = database.read_bytes()
    config = bare_config(tmp_path, database)
    for command in (["check"], ["check", "--create-db"], ["sources"]):
        code, out = cli(config, *command)
        assert code == 3 and "is not a SQLite database" in out and "Traceback" not in out, out
    assert database.read_bytes() == before


def test_another_programs_sqlite_file_is_refused_unless_told(tmp_path):
    database = tmp_path / "monitor.db"
    with sqlite3.connect(database) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
        conn.execute("INSERT INTO invoices (total) VALUES (12.5)")
    config = bare_config(tmp_path, database)
    code, out = cli(config, "check")
    assert code == 3 and "another program's tables (invoices)" in out, out
    with sqlite3.connect(database) as conn:
        assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master")] == ["invoices"]
    assert cli(config, "check", "--create-db")[0] == 0
    with sqlite3.connect(database) as conn:
        assert conn.execute("SELECT total FROM invoices").fetchall() == [(12.5,)]
        assert conn.execute("SELECT value FROM meta").fetchone() is not None


# ---- damaged pages --------------------------------------------------------------------------


def damage_index(path: Path, index: str) -> None:
    """Overwrite the root page of one index with garbage, as a bad sector or a torn copy would."""
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        query = "SELECT rootpage FROM sqlite_master WHERE name = ?"
        (root,) = conn.execute(query, (index,)).fetchone()
    with path.open("r+b") as file:
        file.seek((root - 1) * page_size)
        file.write(bytes(range(256)) * (page_size // 256))


async def test_damaged_pages_are_a_typed_error_and_sources_is_not_ok(tmp_path, httpserver):
    site = CaseSite(httpserver)
    rig = Rig(tmp_path, httpserver, page_source("cases", site.add("a", **case_fields(1))))
    assert (await rig.cycle())["cases"].ok
    rig.db.dispose()
    path = Path(rig.config.database_url.removeprefix("sqlite:///"))
    damage_index(path, "ix_document_source_id")

    code, out = await asyncio.to_thread(rig.cli, "check")  # check runs its own event loop
    assert code == 3, out
    assert out.startswith("database error: the database") and "is damaged" in out, out
    assert out.count("\n") == 1
    assert "restore a backup" in out and "Traceback" not in out
    rows = json.loads(CliRunner().invoke(main, ["sources", "--json", "-c", str(rig.path)]).output)
    assert [(r["status"], r["last_error_kind"]) for r in rows] == [("STORAGE", "corrupt")]
    table = CliRunner().invoke(main, ["sources", "-c", str(rig.path)]).output
    assert "STORAGE" in table and "corrupt: the database" in table and " ok " not in table


# ---- a full disk ----------------------------------------------------------------------------


def cap_size(rig: Rig, pages: int | None) -> None:
    """SQLite's max_page_count: the file cannot grow past `pages`, as if the disk were full."""
    for listener in getattr(rig, "_caps", []):
        event.remove(rig.db, "connect", listener)
    rig._caps = []  # type: ignore[attr-defined]
    if pages is not None:

        def cap(conn, _record) -> None:
            conn.execute(f"PRAGMA max_page_count = {pages}")

        event.listen(rig.db, "connect", cap)
        rig._caps.append(cap)  # type: ignore[attr-defined]
    rig.db.dispose()  # new connections take the cap


async def test_disk_full_is_one_typed_error_one_note_and_nothing_lost(tmp_path, httpserver):
    site = CaseSite(httpserver)
    rig = Rig(tmp_path, httpserver, page_source("cases", site.add("a", **case_fields(1))))
    assert (await rig.cycle())["cases"].ok  # the baseline
    watch = StorageWatch(rig.db, ["cases"], lambda s, b: send_direct_note(rig.config, s, b))
    with rig.db.connect() as conn:
        used = conn.exec_driver_sql("PRAGMA page_count").scalar()
    cap_size(rig, used)
    site.pages["a"].update(status="Gross misconduct hearing scheduled", body="x " * 4000)

    seen = []
    for _ in range(3):  # three cycles on a full disk
        with pytest.raises(StoreError) as caught:
            await rig.cycle()
        seen.append(caught.value)
        watch.failed(caught.value)
    assert all(isinstance(f, DiskFull) for f in seen)
    assert "cannot grow: the disk (or its size limit) is full" in str(seen[0])
    assert "\n" not in str(seen[0]) and "Free some space" in str(seen[0])
    notes = [p for p in rig.posted("/ops") if "database" in p["title"]]
    assert [n["title"] for n in notes] == ["oversight-monitor: the database cannot be used "
                                           "(disk_full)"]  # once, not per cycle

    cap_size(rig, None)  # space freed
    report = (await rig.cycle())["cases"]
    watch.source_worked("cases")
    assert report.ok and report.changed == 1
    notes = [p["title"] for p in rig.posted("/ops") if "database" in p["title"]]
    assert notes[-1] == "oversight-monitor: the database works again" and len(notes) == 2
    alerts = [p["message"] for p in rig.posted("/hook")]
    assert any("hearing" in m.lower() for m in alerts)  # the change made during the fault


# ---- a read-only database -----------------------------------------------------------------


async def test_database_turning_read_only_is_a_typed_error_then_recovers(tmp_path, httpserver):
    """Root ignores file modes and a busy filesystem cannot be remounted read-only, so SQLite's
    query_only pragma makes the same SQLITE_READONLY error a read-only file or mount gives."""
    site = CaseSite(httpserver)
    rig = Rig(tmp_path, httpserver, page_source("cases", site.add("a", **case_fields(1))))
    assert (await rig.cycle())["cases"].ok

    def read_only(conn, _record) -> None:
        conn.execute("PRAGMA query_only = ON")

    event.listen(rig.db, "connect", read_only)
    rig.db.dispose()
    site.pages["a"]["status"] = "Officer dismissed without notice"
    with pytest.raises(ReadOnlyStorage, match="cannot be written .*readonly database.* mounted"):
        await rig.cycle()
    event.remove(rig.db, "connect", read_only)
    rig.db.dispose()
    assert (await rig.cycle())["cases"].changed == 1  # nothing was lost meanwhile


# ---- a disk filling up under the real daemon ------------------------------------------------


@pytest.fixture
def small_disk(tmp_path):
    """A 24 MiB tmpfs of its own, so it can really fill up (needs root; skipped otherwise)."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small filesystem needs root")
    mount = tmp_path / "disk"
    mount.mkdir()
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=24m,mode=0700", "tmpfs", str(mount)],
        capture_output=True,
    )
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {made.stderr.decode().strip()}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(disk: Path) -> Path:
    """Write a file until the disk is full."""
    filler = disk / "filler"
    chunk = b"\0" * (1 << 16)
    with filler.open("wb") as file:
        try:
            while True:
                file.write(chunk)
                file.flush()
        except OSError:
            pass
    return filler


def failed_cycles(log: Path) -> int:
    return sum("job _cycle failed" in line and "cannot grow" in line
               for line in log.read_text().splitlines())


def test_disk_filling_up_under_the_daemon(tmp_path, httpserver, small_disk):
    site = CaseSite(httpserver)
    rig = Rig(
        tmp_path, httpserver, page_source("cases", site.add("a", **case_fields(1)), extra=FAST),
        monitor={"database": str(small_disk / "monitor.db")}, outbox={"interval_seconds": 0.3},
    )
    log = tmp_path / "daemon.log"
    proc = start_daemon(rig.path, log)
    try:
        wait_until(lambda: "daemon started" in log.read_text())
        wait_until(lambda: site.hits.get("a", 0) >= 2)  # baseline done, a cycle after it
        filler = fill(small_disk)
        # A change big enough that recording it must grow the database.
        site.pages["a"].update(status="Officer dismissed", body="Misconduct panel. " * 60_000)
        wait_until(lambda: failed_cycles(log) >= 3)  # several cycles fail
        rows = rig.health()
        assert (rows["cases"]["status"], rows["cases"]["last_error_kind"]) == (
            "STORAGE", "disk_full")
        filler.unlink()
        wait_until(lambda: "the database works again" in log.read_text())
        wait_until(lambda: any("dismissed" in p["message"] for p in rig.posted("/hook")))
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=30)
    text = log.read_text()
    assert code == 0 and "Traceback" not in text, text[-3000:]
    failing = [line for line in text.splitlines() if "cannot grow" in line]
    assert all(len(line) < 700 for line in failing), failing[0]  # one line each, not a dump
    notes = [p["title"] for p in rig.posted("/ops") if "database" in p["title"]]
    assert notes == ["oversight-monitor: the database cannot be used (disk_full)",
                     "oversight-monitor: the database works again"]
