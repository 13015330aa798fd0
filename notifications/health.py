"""The maintainers' daily note of dead letters: once a day, only when there is something to say.

The note is itself an event (kind `dead_letters`, one dedupe key per local day), so it goes
through the outbox like any other message: it survives a restart, is retried, and two daemons
on one database write it once.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from monitor.config import Config
from monitor.store.tables import Delivery, Event
from monitor.store.types import utcnow
from notifications import channels
from notifications.outbox import DEAD, enqueue, resolve_url
from notifications.render import subject_for

log = logging.getLogger(__name__)

KIND = "dead_letters"
MAX_LISTED = 50
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def dead_letter_note(engine: Engine, config: Config, *, now: datetime | None = None) -> bool:
    """Write today's dead-letter note if its time has passed; True if one was written."""
    now = now or utcnow()
    local = now.astimezone(ZoneInfo(config.monitor.timezone))
    slot = datetime.combine(local.date(), config.health.dead_letter_time, tzinfo=local.tzinfo)
    if now < slot:
        return False
    with Session(engine) as session:
        newest_first = col(Event.created_at).desc()
        last = session.exec(
            select(Event.created_at).where(Event.kind == KIND).order_by(newest_first)
        ).first()
        if last is not None and last >= slot:
            return False  # already noted today
        letters = _dead_since(session, last or _EPOCH)
        if not letters:
            return False
        payload = _payload(config, letters, last)
        event = Event(
            dedupe_key=f"{KIND}:{local.date().isoformat()}", kind=KIND,
            payload_json=json.dumps(payload), created_at=now,
        )
        session.add(event)
        try:
            session.flush()
        except IntegrityError:
            return False  # another daemon wrote today's note first
        rows = enqueue(session, event, config, text="", now=now)
        session.commit()
    if rows == 0:
        log.warning(
            "%d notification(s) could not be delivered, but no [health] urls are configured to "
            "tell anyone; see the delivery table (status 'dead')", len(letters),
        )
    return True


def _dead_since(session: Session, since: datetime) -> list[tuple[Delivery, Event]]:
    # Notes about undeliverable notes would only repeat the same broken channel every day.
    rows = session.exec(
        select(Delivery, Event)
        .join(Event, Delivery.event_id == Event.id)
        .where(Delivery.status == DEAD, Delivery.next_attempt_at > since, Event.kind != KIND)
        .order_by(Delivery.next_attempt_at, Delivery.id)
    )
    return list(rows)


def _payload(
    config: Config, letters: list[tuple[Delivery, Event]], since: datetime | None
) -> dict[str, Any]:
    items = []
    for delivery, event in letters[:MAX_LISTED]:
        url, _ = resolve_url(config, delivery.subscriber, delivery.channel_key, event.kind)
        channel = channels.privacy_url(url) if url else f"channel {delivery.channel_key}"
        try:
            payload = json.loads(event.payload_json or "{}")
        except ValueError:
            payload = {}
        items.append({
            "subscriber": delivery.subscriber,
            "channel": channel,
            "subject": subject_for(event.kind, payload),
            "error": (delivery.last_error or "unknown error")[:300],
        })
    return {
        "count": len(letters),
        "since": since.isoformat() if since else None,
        "max_attempts": config.outbox.max_attempts,
        "items": items,
    }


def send_direct_note(config: Config, subject: str, body: str) -> int:
    """Send a plain note straight to the [health] urls, bypassing the outbox: for faults of the
    database the outbox lives in. Returns how many channels took it."""
    if not config.health.urls:
        log.warning("no [health] urls are configured to tell the maintainers: %s", subject)
        return 0
    sent = 0
    for url in config.health.urls:
        result = channels.send(url, channels.Message(subject, body, "text"))
        sent += result.ok
        if not result.ok:
            log.warning("maintainers' note to %s failed: %s", result.url, result.error)
    return sent
