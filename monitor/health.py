"""Source health: consecutive failures, one alert when a source starts failing, one on recovery."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlmodel import Session

from monitor.config import Config
from monitor.diff import dedupe_key
from monitor.store.tables import Event, SourceState

if TYPE_CHECKING:
    from monitor.engine import CycleReport


def record_health(
    session: Session,
    state: SourceState,
    report: CycleReport,
    config: Config,
    *,
    source_name: str,
    now: datetime,
    enqueue: Callable[[Session, Event], Any],
) -> None:
    """Update the health columns; create a failing/recovered event at the edges, never per fetch."""
    if report.skipped:
        return
    if report.failure is None:
        if report.errors:  # some documents failed, the source as a whole works
            state.last_error_at, state.last_error_kind = now, report.errors[0].split(":", 1)[0]
            state.last_error_message = report.errors[0][:1000]
        if state.failing_alerted:
            _health_event(session, "source_recovered", state, source_name, now, enqueue)
        state.last_success_at, state.consecutive_failures = now, 0
        state.failing_since, state.failing_alerted = None, False
        return
    state.consecutive_failures += 1
    state.failing_since = state.failing_since or now
    state.last_error_at, state.last_error_kind = now, report.failure.kind
    state.last_error_message = str(report.failure)[:1000]
    if state.consecutive_failures >= config.health.after_failures and not state.failing_alerted:
        _health_event(session, "source_failing", state, source_name, now, enqueue)
        state.failing_alerted = True


def _health_event(
    session: Session,
    kind: str,
    state: SourceState,
    source_name: str,
    now: datetime,
    enqueue: Callable[[Session, Event], Any],
) -> None:
    from monitor.recorder import add_event  # at an edge only: a healthy cycle does without

    since = state.failing_since.isoformat() if state.failing_since else None
    payload = {
        "source_id": state.source_id,
        "source_name": source_name,
        "error_kind": state.last_error_kind,
        "error_message": state.last_error_message,
        "failures": state.consecutive_failures,
        "since": since,
    }
    event = add_event(
        session,
        Event(
            dedupe_key=dedupe_key(kind, state.source_id, since),
            kind=kind,
            source_id=state.source_id,
            payload_json=json.dumps(payload),
            created_at=now,
        ),
    )
    if event is not None:
        enqueue(session, event)


MAX_LISTED = 20  # documents named in the maintainers' message; the rest are counted


def mass_change_event(
    session: Session, source_id: str, source_name: str, report: CycleReport, now: datetime
) -> Event | None:
    from monitor.recorder import add_event

    payload = {
        "source_id": source_id,
        "source_name": source_name,
        "reason": report.held_reason,
        "changed": len(report.held_documents),
        "known": report.known,
        # The note must not say alerts were held when the changes made none.
        "held_alerts": sum(1 for e in report.events if e.get("status") == "held"),
        "documents": report.held_documents[:MAX_LISTED],
    }
    return add_event(
        session,
        Event(
            dedupe_key=dedupe_key("mass_change_held", source_id, now.date().isoformat()),
            kind="mass_change_held",
            source_id=source_id,
            payload_json=json.dumps(payload),
            created_at=now,
        ),
    )
