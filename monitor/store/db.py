"""Open the database: SQLite by default (WAL, busy timeout, foreign keys), PostgreSQL by URL."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, insert, inspect, text
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlmodel import SQLModel, select

from monitor.errors import CorruptDatabase, ReadOnlyStorage, StoreError
from monitor.store import faults, migrations, tables
from monitor.store.tables import SCHEMA_VERSION, Meta

BUSY_TIMEOUT_MS = 15_000
assert migrations.LATEST == SCHEMA_VERSION, "a schema change needs its step in migrations.py"


def _sqlite_path(url: str) -> Path | None:
    if not url.startswith("sqlite:///"):
        return None
    raw = url.removeprefix("sqlite:///")
    return None if raw in ("", ":memory:") else Path(raw)


SQLITE_HEADER = b"SQLite format 3\x00"
CREATE_HINT = "`oversight-monitor check --create-db` (or `run --create-db`)"


def _prepare_sqlite_file(path: Path, *, create_empty: bool) -> None:
    """Create the folder and an owner-only file, or say plainly why we cannot. An existing file
    must be a SQLite database: an empty one (truncated, or a restore gone wrong) would silently
    become a new database, losing all history and starting a fresh, silent baseline."""
    if path.exists():
        _check_sqlite_file(path, create_empty=create_empty)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            _create_sqlite_file(path)
    except OSError as exc:
        raise StoreError(
            f"cannot create the database file {path}: {exc.strerror}. "
            "Point [monitor] database at a writable location."
        ) from None
    if not os.access(path, os.R_OK | os.W_OK) or not os.access(path.parent, os.W_OK):
        raise ReadOnlyStorage(
            f"the database {path} (or its folder) is not writable by this user; "
            "SQLite needs to write the file and its -wal/-shm files beside it."
        )


def _create_sqlite_file(path: Path) -> None:
    """An owner-only SQLite file that is never seen empty: made beside, given its header, then
    linked into place. Another instance starting at the same moment finds either nothing or a
    database, never the 0-byte file refused above; a kill midway leaves only the side file."""
    side = path.with_name(f".{path.name}.{os.getpid()}.new")
    os.close(os.open(side, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600))
    try:
        conn = sqlite3.connect(side)
        try:
            conn.execute("PRAGMA journal_mode=WAL")  # writes page 1, with the SQLite header
        finally:
            conn.close()
        try:
            os.link(side, path)
        except FileExistsError:
            pass  # another instance made it first: use theirs
    finally:
        side.unlink(missing_ok=True)


def _check_sqlite_file(path: Path, *, create_empty: bool) -> None:
    try:
        with path.open("rb") as file:
            head = file.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise StoreError(f"cannot read the database file {path}: {exc.strerror}") from None
    wal = path.with_name(path.name + "-wal")
    if not head and not (wal.exists() and wal.stat().st_size) and not create_empty:
        raise StoreError(
            f"the database file {path} is empty (0 bytes); refusing to start a new database "
            "in its place, which would lose all history and start a fresh silent baseline. "
            f"Restore a backup (docs/operations.md, 'Backup and restore'), or if this is a new "
            f"installation run {CREATE_HINT}"
        )
    if head and head != SQLITE_HEADER:
        raise CorruptDatabase(
            f"{path} is not a SQLite database (it does not start with the SQLite header); "
            "nothing was changed. Point [monitor] database at the right file, or restore a "
            "backup (docs/operations.md, 'Backup and restore')"
        )


def _on_sqlite_connect(dbapi_conn: sqlite3.Connection, _record: object) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")  # safe with WAL: a crash loses no committed row
    cur.close()


def _typed_errors(engine: Engine, where: str) -> None:
    """Every storage fault on this engine is raised as a typed StoreError, never a traceback."""

    def handle(context: ExceptionContext) -> None:
        fault = faults.typed(context.original_exception, where, BUSY_TIMEOUT_MS / 1000)
        if fault is not None:
            raise fault from None

    event.listen(engine, "handle_error", handle)


def open_database(url: str, *, create: bool = True, create_empty: bool = False) -> Engine:
    """An engine with the schema in place and its version checked. `create_empty` allows
    making the database in an empty file or beside another program's tables."""
    path = _sqlite_path(url)
    if path is not None:
        _prepare_sqlite_file(path, create_empty=create_empty)
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _on_sqlite_connect)
        _typed_errors(engine, str(path))
    else:
        engine = create_engine(url, pool_pre_ping=True)
        _typed_errors(engine, _safe(url))
    try:
        _ensure_schema(engine, create=create, create_empty=create_empty)
    except StoreError:
        engine.dispose()
        raise
    except OperationalError as exc:
        engine.dispose()
        raise StoreError(f"cannot use the database {_safe(url)}: {exc.orig}") from None
    except SQLAlchemyError as exc:
        engine.dispose()
        raise StoreError(f"database error on {_safe(url)}: {exc}") from None
    return engine


def _ensure_schema(engine: Engine, *, create: bool, create_empty: bool) -> None:
    """Check, create or migrate the schema in one transaction, under the schema lock: several
    instances starting at once on an empty database then create it once, the others wait and
    find it made (no UniqueViolation on CREATE TABLE)."""
    with engine.connect() as conn:
        _take_schema_lock(conn)
        _check_or_create(conn, create=create, create_empty=create_empty)
        conn.commit()  # also ends the lock: it is held by this transaction


# Any constant both instances agree on; "oversight" in ASCII, as a bigint.
SCHEMA_LOCK_KEY = 0x6F76657273696768


def _take_schema_lock(conn: Connection) -> None:
    """PostgreSQL: a transaction-scoped advisory lock. SQLite: BEGIN IMMEDIATE, the writer lock
    (waits up to the busy timeout), so DDL and the version row are one transaction there too."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK_KEY})
    elif conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def _check_or_create(conn: Connection, *, create: bool, create_empty: bool) -> None:
    existing = set(inspect(conn).get_table_names())
    if "meta" in existing:
        found_raw = conn.execute(
            select(Meta.value).where(Meta.key == "schema_version")
        ).scalar_one_or_none()
        found = int(found_raw) if found_raw is not None and found_raw.isdigit() else None
        if found is None or not 1 <= found <= SCHEMA_VERSION:
            raise StoreError(
                f"the database has schema version {found}, this program knows 1 to "
                f"{SCHEMA_VERSION}; nothing was changed. Run the release that made it, or "
                "restore a backup (docs/operations.md, 'Upgrading')."
            )
        if found < SCHEMA_VERSION:
            migrations.migrate(conn, found)
        SQLModel.metadata.create_all(conn)  # tables added since need no step
        return
    if existing - {"meta"} & {t.name for t in SQLModel.metadata.sorted_tables}:
        raise StoreError("the database has our tables but no schema version; refusing to touch it")
    if existing and not create_empty:
        shown = ", ".join(sorted(existing)[:5]) + (", …" if len(existing) > 5 else "")
        raise StoreError(
            f"the database holds another program's tables ({shown}), not oversight-monitor's; "
            "nothing was changed. Point [monitor] database at our own file or database, or to "
            f"add our tables beside them run {CREATE_HINT}"
        )
    if not create:
        raise StoreError(
            "the database has not been initialised; run `oversight-monitor check` once"
        )
    assert tables  # the import registers the tables on SQLModel.metadata
    SQLModel.metadata.create_all(conn)
    conn.execute(insert(Meta).values(key="schema_version", value=str(SCHEMA_VERSION)))


def _safe(url: str) -> str:
    """A database URL without its password, for messages."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - a malformed URL is still worth naming
        return "<database url>"
