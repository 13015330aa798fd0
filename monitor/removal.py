"""A document the site took down: keep our copy, mark it removed, tell its followers."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from monitor.diff import dedupe_key
from monitor.recorder import add_event, event_payload
from monitor.store.tables import Case, CaseDocument, DocumentRow, Event


def record_removal(
    session: Session,
    document_id: int,
    *,
    source_name: str,
    now: datetime,
    status: str,  # live, held (mass-change guard) or baseline (first run, not sent)
    enqueue: Callable[[Session, Event], Any],
) -> list[Event]:
    row = session.get(DocumentRow, document_id)
    if row is None or row.removed_at is not None:
        return []
    row.removed_at = now
    session.add(row)
    cases = session.exec(
        select(Case).join(CaseDocument).where(CaseDocument.document_id == document_id)
    ).all()
    events = []
    for case in cases:
        payload = event_payload(
            case,
            title=row.title,
            url=row.url,
            source_id=row.source_id,
            source_name=source_name,
            from_stage=case.stage,
            to_stage=case.stage,
            force=case.force,
        )
        event = add_event(
            session,
            Event(
                dedupe_key=dedupe_key(
                    "document_removed", case.key, row.source_id, row.external_id, row.content_hash
                ),
                kind="document_removed",
                source_id=row.source_id,
                case_id=case.id,
                document_id=row.id,
                from_stage=case.stage,
                to_stage=case.stage,
                payload_json=json.dumps(payload),
                status=status,
                created_at=now,
            ),
        )
        if event is not None:
            events.append(event)
            if event.status == "live":
                enqueue(session, event)
    return events
