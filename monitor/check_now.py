"""The "check now" button: a request in the database that the daemon picks up.

The web page (or anyone with the database) sets `source_state.check_requested_at`; the daemon
looks for requests every few seconds, runs each requested source's next cycle at once, and
clears the request. The two share only the database, so the daemon may be another process.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine as DbEngine
from sqlalchemy import update
from sqlmodel import Session, col, select

from monitor.store.tables import SourceState

POLL_SECONDS = 5


def request_check(db: DbEngine, source_id: str, plugin: str, now: datetime) -> None:
    with Session(db) as session:
        state = session.get(SourceState, source_id) or SourceState(
            source_id=source_id, plugin=plugin
        )
        state.check_requested_at = now
        session.add(state)
        session.commit()


def take_requests(db: DbEngine) -> list[str]:
    """The sources asked for, clearing each request (one daemon takes one request)."""
    with Session(db) as session:
        wanted = list(session.exec(
            select(SourceState.source_id).where(col(SourceState.check_requested_at).is_not(None))
        ))
        taken = []
        for source_id in wanted:
            cleared = session.exec(  # type: ignore[call-overload]
                update(SourceState)
                .where(col(SourceState.source_id) == source_id,
                       col(SourceState.check_requested_at).is_not(None))
                .values(check_requested_at=None)
            )
            if cleared.rowcount:
                taken.append(source_id)
        session.commit()
        return taken
