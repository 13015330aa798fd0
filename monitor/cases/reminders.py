"""A day before a hearing, inquest or court date: one `hearing_reminder` event per date.

Subscribers choose it like any event kind (`events = ["hearing_reminder", …]`). A date announced
less than a day ahead is reminded at once; a date that moves gets a reminder for its new time.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Engine as DbEngine
from sqlmodel import Session, col, select

from monitor.config import Config
from monitor.diff import dedupe_key
from monitor.store.tables import Case, DocumentRow, Event, Hearing

log = logging.getLogger("monitor.cases")
AHEAD = timedelta(days=1)


def send_reminders(db: DbEngine, config: Config, now: datetime) -> int:
    """Create the reminder events (and their deliveries) due at `now`; how many were new."""
    zone = ZoneInfo(config.monitor.timezone)
    created = 0
    with Session(db) as session:
        due = session.exec(
            select(Hearing, Case, DocumentRow)
            .join(Case, col(Case.id) == col(Hearing.case_id))
            .join(DocumentRow, col(DocumentRow.id) == col(Hearing.document_id))
            .where(col(Hearing.starts_at) > now, col(Hearing.starts_at) <= now + AHEAD)
            .where(col(Case.merged_into).is_(None))
        ).all()
        if due:  # the recorder's helpers and the outbox (apprise, jinja2): only when needed
            from monitor.cases.hearings import KINDS
            from monitor.recorder import add_event, event_payload
            from notifications.outbox import enqueue
        for hearing, case, doc in due:
            local = hearing.starts_at.astimezone(zone)
            when = local.strftime("%A %-d %B %Y")
            if not hearing.all_day:
                when += local.strftime(" at %H:%M")
            payload = event_payload(
                case,
                title=doc.title,
                url=doc.url,
                source_id=doc.source_id,
                to_stage=case.stage,
                from_stage=case.stage,
                force=case.force,
                hearing_kind=KINDS.get(hearing.kind, hearing.kind),
                hearing_when=when,
                hearing_place=hearing.place,
            )
            event = add_event(
                session,
                Event(
                    dedupe_key=dedupe_key(
                        "hearing_reminder", case.key, hearing.id, hearing.starts_at.isoformat()
                    ),
                    kind="hearing_reminder",
                    source_id=doc.source_id,
                    case_id=case.id,
                    document_id=doc.id,
                    from_stage=case.stage,
                    to_stage=case.stage,
                    payload_json=json.dumps(payload),
                    status="live",
                    created_at=now,
                ),
            )
            if event is not None:
                enqueue(session, event, config, text=doc.title, now=now)
                created += 1
                log.info("%s: reminder for the %s %s", case.name, payload["hearing_kind"], when)
        session.commit()
    return created
