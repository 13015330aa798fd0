"""Storage faults as typed one-line errors, and what is known about the database's health.

SQLite and PostgreSQL report a full disk, a read-only file, damaged pages or a lost server as
driver exceptions with long tracebacks. `typed` turns each into a StoreError subclass with one
line saying what happened, where, and what to do; `db.open_database` installs it on every
engine, so callers only ever see StoreError. The daemon marks an engine faulty while its jobs
fail (`mark`/`clear`), and `health` adds a quick check for the `sources` command and the web.
"""

from __future__ import annotations

import shutil
import sqlite3
import weakref
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from monitor.errors import (
    CorruptDatabase,
    DatabaseLocked,
    DatabaseUnreachable,
    DiskFull,
    ReadOnlyStorage,
    StoreError,
)

RETRIED = "nothing was lost, the work is tried again each cycle"
RESTORE = (
    "stop the daemon and restore a backup (docs/operations.md, 'Backup and restore'); "
    "`sqlite3 FILE 'PRAGMA integrity_check'` shows the damage"
)
# Below this much free space SQLite cannot be counted on to grow its -wal file.
LOW_DISK_BYTES = 1 << 20


def typed(orig: BaseException, where: str, busy_timeout_s: float) -> StoreError | None:
    """The StoreError for a driver exception, or None when it is not a storage fault."""
    if isinstance(orig, sqlite3.Error):
        return _sqlite(orig, where, busy_timeout_s)
    return _postgres(orig, where)


def _sqlite(orig: sqlite3.Error, where: str, busy_timeout_s: float) -> StoreError | None:
    name = getattr(orig, "sqlite_errorname", "") or ""
    said = str(orig)
    lowered = said.lower()
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in lowered:
        return DatabaseLocked(
            f"the database is locked by another process (waited {busy_timeout_s:g} s); "
            f"{RETRIED}. If it persists, look for another program holding a write transaction "
            f"on {where}"
        )
    if name == "SQLITE_FULL" or "disk is full" in lowered:
        return DiskFull(
            f"the database {where} cannot grow: the disk (or its size limit) is full ({said}); "
            f"{RETRIED}. Free some space and it resumes by itself"
        )
    if name.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN")) or "readonly" in lowered:
        return ReadOnlyStorage(
            f"the database {where} cannot be written ({said}); {RETRIED}. Check the file's "
            "owner and mode and that its filesystem is mounted read-write"
        )
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or "malformed" in lowered:
        return CorruptDatabase(f"the database {where} is damaged ({said}); {RESTORE}")
    if name.startswith("SQLITE_IOERR"):  # typically a filesystem gone read-only or away
        return ReadOnlyStorage(
            f"the database {where} could not be read or written ({said}); {RETRIED}. Check "
            "the disk and that its filesystem is mounted read-write (dmesg says why)"
        )
    return None


def _postgres(orig: BaseException, where: str) -> StoreError | None:
    try:
        import psycopg
        from psycopg import errors as pg
    except ImportError:
        return None
    if not isinstance(orig, psycopg.Error):
        return None
    first = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    if isinstance(orig, pg.DiskFull):
        return DiskFull(f"the database server's disk is full ({where}: {first}); {RETRIED}")
    if isinstance(orig, pg.ReadOnlySqlTransaction):
        return ReadOnlyStorage(
            f"the database {where} is read-only ({first}): is it a standby? {RETRIED}"
        )
    if isinstance(orig, pg.DataCorrupted | pg.IndexCorrupted):
        return CorruptDatabase(f"the database {where} reports damaged data ({first}); {RESTORE}")
    if isinstance(orig, psycopg.OperationalError):
        return DatabaseUnreachable(
            f"cannot reach the database server {where} ({first}); {RETRIED}. Check that the "
            "server is running and reachable from this host"
        )
    return None


# ---- what is known about an engine's health ------------------------------------------------

_faults: weakref.WeakKeyDictionary[Engine, StoreError] = weakref.WeakKeyDictionary()


def mark(engine: Engine, fault: StoreError) -> bool:
    """Remember that `engine`'s storage is failing; True if it was working until now."""
    first = engine not in _faults
    _faults[engine] = fault
    return first


def clear(engine: Engine) -> StoreError | None:
    """The storage works again; returns the fault it had, if any."""
    return _faults.pop(engine, None)


def current(engine: Engine) -> StoreError | None:
    return _faults.get(engine)


def health(engine: Engine) -> StoreError | None:
    """The fault this process has seen, else a quick look: damaged pages, a full disk, an
    unreadable database. Costs one PRAGMA quick_check on SQLite (reads every page once)."""
    if (fault := current(engine)) is not None:
        return fault
    try:
        with engine.connect() as conn:
            if engine.dialect.name != "sqlite":
                conn.execute(text("SELECT 1"))
                return None
            problems = [row[0] for row in conn.execute(text("PRAGMA quick_check(3)"))]
    except StoreError as exc:
        return exc
    except SQLAlchemyError as exc:
        return StoreError(f"the database cannot be read: {exc.orig or exc}")
    where = engine.url.database or ""
    if problems != ["ok"]:
        return CorruptDatabase(f"the database {where} is damaged ({'; '.join(problems)}); "
                               f"{RESTORE}")
    folder = Path(where).resolve().parent
    if folder.exists() and shutil.disk_usage(folder).free < LOW_DISK_BYTES:
        return DiskFull(
            f"the disk holding the database {where} is full (under 1 MiB free); new data "
            "cannot be recorded. Free some space and it resumes by itself"
        )
    return None
