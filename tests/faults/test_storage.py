"""The database under faults: locked by another process, unwritable, from another version."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import stat
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

import monitor.app  # noqa: F401 - loaded before any privilege drop (see as_unprivileged)
from monitor.cli import main
from monitor.errors import StoreError
from monitor.store import db as store_db
from monitor.store.db import open_database
from monitor.store.tables import SCHEMA_VERSION
from tests.faults.rig import Rig, case_fields, page_source
from tests.servers import CaseSite


@pytest.fixture
def site(httpserver):
    return CaseSite(httpserver)


def db_path(rig: Rig) -> Path:
    return Path(rig.config.database_url.removeprefix("sqlite:///"))


def hold_write_lock(path: Path, seconds: float) -> threading.Thread:
    """Another connection holds a write transaction on the database for `seconds`."""
    ready = threading.Event()

    def hold() -> None:
        conn = sqlite3.connect(path, timeout=30, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("UPDATE meta SET value = value WHERE key = 'schema_version'")
        ready.set()
        time.sleep(seconds)
        conn.execute("COMMIT")
        conn.close()

    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    ready.wait(5)
    return thread


async def test_short_lock_by_another_process_is_waited_out(tmp_path, httpserver, site):
    url = site.add("a", **case_fields(1))
    rig = Rig(tmp_path, httpserver, page_source("cases", url))
    holder = hold_write_lock(db_path(rig), 1.0)
    report = (await rig.cycle())["cases"]
    holder.join()
    assert report.ok and report.new == 1  # it waited (busy timeout), then wrote


async def test_long_lock_fails_the_cycle_with_a_typed_error_then_the_next_succeeds(
    tmp_path, httpserver, site, monkeypatch
):
    monkeypatch.setattr(store_db, "BUSY_TIMEOUT_MS", 300)
    url = site.add("a", **case_fields(1))
    rig = Rig(tmp_path, httpserver, page_source("cases", url))
    holder = hold_write_lock(db_path(rig), 1.0)
    with pytest.raises(StoreError, match="locked"):
        await rig.cycle()
    holder.join()
    report = (await rig.cycle())["cases"]
    assert report.ok and report.new == 1


def test_locked_database_in_check_is_exit_4_not_a_traceback(
    tmp_path, httpserver, site, monkeypatch
):
    monkeypatch.setattr(store_db, "BUSY_TIMEOUT_MS", 300)
    url = site.add("a", **case_fields(1))
    rig = Rig(tmp_path, httpserver, page_source("cases", url))
    holder = hold_write_lock(db_path(rig), 1.0)
    code, out = rig.cli("check")
    holder.join()
    assert code == 4, out  # may clear by itself: a supervisor tries again
    assert "database error: the database is locked by another process" in out
    assert rig.cli("check")[0] == 0  # the next run simply works


# ---- unwritable places ----------------------------------------------------------------------

NOBODY = 65534


def as_unprivileged(run: Callable[[], tuple[int, str]]) -> tuple[int, str]:
    """Run `run` as a user file permissions apply to: root ignores them, so drop to nobody in a
    forked child (the interpreter and every module are already loaded)."""
    if os.geteuid() != 0:
        return run()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 99
        try:
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            result = run()
            os.write(write, json.dumps(result).encode())
            code = 0
        finally:
            os._exit(code)
    os.close(write)
    with os.fdopen(read) as pipe:
        data = pipe.read()
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0 and data, "the unprivileged child failed"
    code, out = json.loads(data)
    return code, out


@pytest.fixture
def open_dir() -> Iterator[Path]:
    """A folder the unprivileged user can enter (pytest's tmp_path is private to root)."""
    path = Path(tempfile.mkdtemp(prefix="om-faults-"))
    path.chmod(0o777)
    yield path
    for sub in sorted(path.rglob("*"), reverse=True):
        sub.chmod(0o700) if sub.is_dir() else None
    import shutil

    shutil.rmtree(path, ignore_errors=True)


def cli_check(config: Path) -> Callable[[], tuple[int, str]]:
    """`check`: a command that may create the database (read-only ones never do)."""

    def run() -> tuple[int, str]:
        result = CliRunner().invoke(main, ["check", "-c", str(config)])
        return result.exit_code, result.output

    return run


def prepared(root: Path, database: str) -> Path:
    config = root / "config.toml"
    config.write_text(f"[monitor]\ndatabase = {json.dumps(database)}\n")
    config.chmod(0o644)
    return config


@pytest.mark.parametrize(
    ("layout", "says"),
    [
        ("read-only-folder", "cannot create the database file"),
        ("missing-folder-under-read-only", "cannot create the database file"),
        ("read-only-file", "not writable"),
        ("file-in-read-only-folder", "not writable"),
    ],
)
def test_unwritable_database_is_exit_3_with_a_clear_message(open_dir, layout, says):
    folder = open_dir / "db"
    folder.mkdir()
    database = folder / ("sub/monitor.db" if layout.startswith("missing") else "monitor.db")
    if layout.endswith("file") or layout == "file-in-read-only-folder":
        open_database(f"sqlite:///{database}").dispose()  # an existing, valid database
        database.chmod(0o444 if layout == "read-only-file" else 0o666)
    if layout != "read-only-file":
        folder.chmod(stat.S_IRUSR | stat.S_IXUSR | stat.S_IRGRP | stat.S_IXGRP | 0o005)
    else:
        folder.chmod(0o777)
    code, out = as_unprivileged(cli_check(prepared(open_dir, str(database))))
    assert code == 3, out
    assert out.startswith("database error:") and says in out and "Traceback" not in out


# ---- another schema version -----------------------------------------------------------------


def dump(path: Path) -> str:
    with sqlite3.connect(path) as conn:
        return "\n".join(conn.iterdump())


@pytest.mark.parametrize("version", ["0", str(SCHEMA_VERSION + 1), "999"])
def test_schema_version_mismatch_is_exit_3_and_nothing_changes(tmp_path, version):
    config = tmp_path / "config.toml"
    config.write_text("[monitor]\ndatabase = 'monitor.db'\n")
    assert CliRunner().invoke(main, ["check", "-c", str(config)]).exit_code == 0
    path = tmp_path / "monitor.db"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (version,))
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    before = dump(path), hashlib.sha256(path.read_bytes()).hexdigest()
    for command in (["check"], ["cases"], ["sources"], ["held", "--release", "x"]):
        result = CliRunner().invoke(main, [*command, "-c", str(config)])
        assert result.exit_code == 3, result.output
        assert f"schema version {version}" in result.output
        assert "docs/operations.md" in result.output and "nothing was changed" in result.output
    assert (dump(path), hashlib.sha256(path.read_bytes()).hexdigest()) == before


def test_foreign_database_without_a_version_is_refused(tmp_path):
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE event (id INTEGER PRIMARY KEY, note TEXT)")
    config = tmp_path / "config.toml"
    config.write_text(f"[monitor]\ndatabase = '{path}'\n")
    result = CliRunner().invoke(main, ["cases", "-c", str(config)])
    assert result.exit_code == 3 and "refusing to touch it" in result.output


@pytest.mark.parametrize(
    "made_by", ["schema1-demo.db", "schema2-demo.db", "schema4-demo.db"]
)
def test_a_database_made_by_an_earlier_release_migrates_without_losing_a_row(tmp_path, made_by):
    source = Path(__file__).parent.parent / "data" / made_by
    path = tmp_path / "monitor.db"
    path.write_bytes(source.read_bytes())
    tables = (
        "document", "document_version", "stage_update", "case_record", "case_document", "event",
        "delivery", "source_state", "http_validator",
    )
    with sqlite3.connect(path) as conn:
        before = {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in tables}
    config = tmp_path / "config.toml"
    config.write_text(f"[monitor]\ndatabase = '{path}'\n")
    result = CliRunner().invoke(main, ["cases", "-c", str(config)])
    assert result.exit_code == 0, result.output
    assert "Stephen Port" in result.output
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0] == (
            str(SCHEMA_VERSION)
        )
        for table, rows in before.items():
            after = conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
            # Old columns keep their values; columns added since are appended with defaults.
            assert [row[: len(rows[0])] for row in after] == rows, table
    history = CliRunner().invoke(main, ["history", "-c", str(config), "Stephen Port"])
    assert history.exit_code == 0, history.output
    assert "re-investigation" in history.output and "IOPC" in history.output
    # The general-news pages an older release made cases of are kept, searchable, not listed.
    assert "Hendon" not in result.output
    found = CliRunner().invoke(main, ["search", "-c", str(config), "Hendon"])
    assert "New constables pass out at Hendon" in found.output


def test_instances_starting_at_once_on_a_new_sqlite_file_all_start(tmp_path):
    """The schema is made under SQLite's writer lock (BEGIN IMMEDIATE): no 'table already
    exists' for the instances that lose the race."""
    import subprocess
    import sys

    from tests.faults.test_postgres import STARTER

    rounds, instances = 8, 4
    urls = [f"sqlite:///{tmp_path / f'fresh{n}.db'}" for n in range(rounds)]
    procs = [
        subprocess.Popen([sys.executable, "-c", STARTER, str(tmp_path), *urls],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(instances)
    ]
    for n in range(rounds):
        deadline = time.monotonic() + 60
        while len(list(tmp_path.glob(f"ready{n}.*"))) < instances:
            assert time.monotonic() < deadline, "the instances did not get ready"
            time.sleep(0.005)
        (tmp_path / f"go{n}").touch()
    outcomes = [proc.communicate(timeout=60)[0].splitlines() for proc in procs]
    assert [lines.count("started") for lines in outcomes] == [rounds] * instances, outcomes
