"""Digests: a subscriber's 'digest' deliveries gathered into one message per channel.

The schedule is the subscriber's wall clock (zoneinfo), so "08:00 Europe/London" stays 08:00
across the clock changes. A digest with nothing in it sends nothing. A channel that fails keeps
its rows and retries them with the outbox's backoff until they are sent or dead.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, func, update
from sqlmodel import Session, select

from monitor.config import Config, Subscriber
from monitor.store.tables import Delivery, DigestState, Event
from monitor.store.types import utcnow
from notifications import channels
from notifications.outbox import DEAD, DIGEST, PENDING, claim, record, release
from notifications.render import reader_for, render_digest
from notifications.subscriptions import digest_period, reasons

log = logging.getLogger(__name__)

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def next_digest_at(sub: Subscriber, after: datetime) -> datetime:
    """The first digest time strictly after `after`, in UTC, read on the subscriber's clock."""
    tz = ZoneInfo(sub.timezone)
    start = after.astimezone(tz).date()
    for offset in range(8):
        day = start + timedelta(days=offset)
        if sub.mode == "weekly" and _WEEKDAYS[day.weekday()] != sub.digest_day:
            continue
        at = _wall_clock(day, sub, tz)
        if at > after:
            return at
    raise AssertionError("a weekly digest always falls within eight days")  # pragma: no cover


def _wall_clock(day: date, sub: Subscriber, tz: ZoneInfo) -> datetime:
    # A time the clocks skip (01:30 on the spring change) maps to the hour after; a time they
    # repeat (01:30 in autumn) is its first occurrence (fold=0).
    return datetime.combine(day, sub.digest_time, tzinfo=tz).astimezone(UTC)


def send_due_digests(engine: Engine, config: Config, *, now: datetime | None = None) -> int:
    """Send each digest subscriber's digest if its time has come; returns messages sent."""
    now = now or utcnow()
    _settle_strays(engine, config, now)
    sent = 0
    for sub in config.subscribers:
        if digest_period(sub) is None:
            continue
        last = _last_sent(engine, sub.name, now)
        scheduled = now >= next_digest_at(sub, last)
        for url in dict.fromkeys(sub.urls):
            sent += _send_channel(engine, config, sub, url, now, scheduled=scheduled)
        if scheduled:
            _mark_sent(engine, sub.name, now)
    return sent


def _send_channel(
    engine: Engine, config: Config, sub: Subscriber, url: str, now: datetime, *, scheduled: bool
) -> int:
    key = channels.channel_key(url)
    mine = [Delivery.status == DIGEST, Delivery.subscriber == sub.name, Delivery.channel_key == key]
    if not scheduled and not _retry_due(engine, mine, now):
        return 0
    ids = claim(engine, mine, now, limit=10_000)
    if not ids:
        return 0
    plugin = channels.load(url)
    if plugin is None:
        record(engine, ids, now, config.outbox, error="not a valid apprise URL", give_up=True)
        return 0
    target = channels.target(plugin)
    waiting = _events(engine, ids)
    reader = reader_for(config, sub.name, _why(sub, [event for _, event in waiting]))
    sent = part = 0
    while waiting:
        part += 1
        message, shown = render_digest(
            [(e.kind, _payload(e)) for _, e in waiting], target, reader,
            period=digest_period(sub) or "daily", part=part,
        )
        batch = [delivery_id for delivery_id, _ in waiting[:shown]]
        result = channels.send(url, message)
        outcome = record(engine, batch, now, config.outbox, error=result.error)
        if not result.ok:
            rest = [delivery_id for delivery_id, _ in waiting[shown:]]
            if rest:
                release(engine, rest)  # untried: due again with the failed part's retry
            log.warning(
                "digest for %s to %s failed: %s; %s", sub.name, result.url, result.error,
                "given up" if outcome == DEAD else "will retry with backoff",
            )
            break
        log.info("digest for %s: %d update(s) sent to %s", sub.name, shown, result.url)
        sent += 1
        waiting = waiting[shown:]
    return sent


def _retry_due(engine: Engine, mine: Sequence[Any], now: datetime) -> bool:
    """A failed digest is retried on the outbox's backoff, not held to the next digest time."""
    with Session(engine) as session:
        row = session.exec(
            select(Delivery.id).where(*mine, Delivery.attempts > 0, Delivery.next_attempt_at <= now)
        ).first()
    return row is not None


def _events(engine: Engine, ids: Sequence[int]) -> list[tuple[int, Event]]:
    """(delivery id, event) pairs, oldest event first."""
    with Session(engine) as session:
        rows = session.exec(
            select(Delivery.id, Event)
            .join(Event, Delivery.event_id == Event.id)
            .where(Delivery.id.in_(ids))
            .order_by(Event.created_at, Event.id)
        )
        return [(delivery_id, event) for delivery_id, event in rows]


def _why(sub: Subscriber, events: Sequence[Event]) -> list[str]:
    found: dict[str, None] = {}
    for event in events:
        for reason in reasons(sub, event.kind, _payload(event)) or ():
            found[reason] = None
    return list(found) or ["events that matched your filters"]


def _payload(event: Event) -> dict[str, Any]:
    try:
        payload = json.loads(event.payload_json or "{}")
    except ValueError:
        return {}
    if not isinstance(payload, dict):
        return {}
    payload.setdefault("case_id", event.case_id)
    return payload


def _last_sent(engine: Engine, name: str, now: datetime) -> datetime:
    """When this subscriber's last digest went out. A new subscriber starts counting from its
    oldest waiting item (so the first digest after it arrives carries it), else from now."""
    with Session(engine) as session:
        state = session.get(DigestState, name)
        if state is None:
            oldest = session.exec(
                select(func.min(Delivery.created_at)).where(
                    Delivery.status == DIGEST, Delivery.subscriber == name
                )
            ).first()
            start = min(oldest, now) if oldest else now
            state = DigestState(subscriber=name, last_sent_at=start)
            session.add(state)
            session.commit()
        return state.last_sent_at or now


def _mark_sent(engine: Engine, name: str, now: datetime) -> None:
    with Session(engine) as session:
        state = session.get(DigestState, name) or DigestState(subscriber=name)
        state.last_sent_at = now
        session.add(state)
        session.commit()


def _settle_strays(engine: Engine, config: Config, now: datetime) -> None:
    """Digest rows whose subscriber left, changed channel, or switched to immediate."""
    table = Delivery.__table__
    with Session(engine) as session:
        waiting = session.exec(
            select(Delivery.subscriber, Delivery.channel_key)
            .where(Delivery.status == DIGEST)
            .distinct()
        ).all()
    by_name = {s.name: s for s in config.subscribers}
    for name, key in waiting:
        sub = by_name.get(name)
        where = [table.c.status == DIGEST, table.c.subscriber == name, table.c.channel_key == key]
        if sub is None or key not in {channels.channel_key(u) for u in sub.urls}:
            reason = (
                f"subscriber '{name}' is no longer in the config" if sub is None
                else f"channel {key} is no longer one of the URLs of subscriber '{name}'"
            )
            values: dict[str, Any] = {"status": DEAD, "next_attempt_at": now, "last_error": reason}
        elif digest_period(sub) is None:
            values = {"status": PENDING, "next_attempt_at": now}
        else:
            continue
        with engine.begin() as conn:
            conn.execute(update(table).where(*where).values(**values))
