"""The outbox: a delivery row exists before any send, so a crash can lose nothing.

`enqueue` writes one row per (event, subscriber, channel) in the caller's transaction, next to
the event itself. `deliver_due` claims due rows, sends each through apprise, and records the
result: sent, a retry with exponential backoff, or dead after `max_attempts`. Rows are claimed
with a lease (`claimed_until`) before sending, so two daemons on one database never send the
same row at once. A claim names its sender (host:pid): a row held by a sender on this host that
no longer exists (kill -9) is taken back at once, one held by another host once its lease ends.
At worst one duplicate per in-flight send, never a loss.
"""

from __future__ import annotations

import json
import logging
import os
import random
import socket
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, or_, select, update
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session

from monitor.config import Config, OutboxSettings, Subscriber
from monitor.redact import redact
from monitor.store.tables import Delivery, Event
from monitor.store.types import utcnow
from notifications.channels import channel_key
from notifications.subscriptions import HEALTH_KINDS, MAINTAINERS, reasons, sends_at_once

# apprise and jinja2 (channels, render) load where a message is sent or addressed: a cycle
# with nothing to send never imports them.
if TYPE_CHECKING:
    from notifications import channels

log = logging.getLogger(__name__)

PENDING, DIGEST, SENT, DEAD = "pending", "digest", "sent", "dead"
# Never sent: a later correction of the same case made it moot (monitor/corrections.py).
WITHDRAWN = "withdrawn"
# Longer than any send can take (apprise's socket timeouts are seconds), short enough that a
# row held by a killed daemon is retried soon.
LEASE = timedelta(minutes=5)
BATCH = 50
HEALTH_WHY = ("this address is in [health] urls",)


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    dead: int = 0
    deferred: int = 0  # not tried this run: the same channel had just failed
    errors: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"{self.sent} sent, {self.retrying} to retry, {self.dead} dead, "
            f"{self.deferred} deferred"
        )


# ---- writing rows ---------------------------------------------------------------------------


def enqueue(session: Session, event: Event, config: Config, *, text: str, now: datetime) -> int:
    """Create the Delivery rows for an event; the caller commits them with the event."""
    if event.status != "live":
        return 0
    if event.id is None:
        session.add(event)
        session.flush()
    payload = _payload(event)
    rows: dict[tuple[str, str], str] = {}
    if event.kind in HEALTH_KINDS:
        for url in config.health.urls:
            rows.setdefault((MAINTAINERS, channel_key(url)), PENDING)
    else:
        for sub in config.subscribers:
            if reasons(sub, event.kind, payload, text) is None:
                continue
            status = PENDING if sends_at_once(sub, event.kind, payload) else DIGEST
            for url in sub.urls:
                rows.setdefault((sub.name, channel_key(url)), status)
    for (name, key), status in rows.items():
        session.add(
            Delivery(
                event_id=event.id, subscriber=name, channel_key=key, status=status,
                next_attempt_at=now, created_at=now,
            )
        )
    return len(rows)


# ---- sending --------------------------------------------------------------------------------


def deliver_due(engine: Engine, config: Config, *, now: datetime | None = None) -> DeliveryReport:
    """Send every due pending delivery; one failing channel never holds up another."""
    now = now or utcnow()
    report = DeliveryReport()
    failed: dict[str, str] = {}  # channel key -> why it failed in this run
    seen: set[int] = set()
    while batch := claim(engine, [Delivery.status == PENDING], now, exclude=seen):
        seen.update(batch)
        for delivery_id in batch:
            _deliver_one(engine, config, delivery_id, now, failed, report)
    if seen:
        log.info("outbox: %s", report)
    return report


def _deliver_one(
    engine: Engine,
    config: Config,
    delivery_id: int,
    now: datetime,
    failed: dict[str, str],
    report: DeliveryReport,
) -> None:
    with Session(engine) as session:
        delivery = session.get(Delivery, delivery_id)
        event = session.get(Event, delivery.event_id) if delivery else None
    if delivery is None or event is None:
        return
    url, problem = resolve_url(config, delivery.subscriber, delivery.channel_key, event.kind)
    if url is None:
        record(engine, [delivery_id], now, config.outbox, error=problem, give_up=True)
        report.dead += 1
        report.errors.append(problem)
        log.warning("delivery %d given up: %s", delivery_id, problem)
        return
    if delivery.channel_key in failed:
        # Trying the same broken channel again in this run would only cost another timeout;
        # the row stays due and is tried first next run.
        release(engine, [delivery_id])
        report.deferred += 1
        return
    result = send_event(config, url, delivery.subscriber, event)
    outcome = record(engine, [delivery_id], now, config.outbox, error=result.error)
    _count(outcome, report)
    if not result.ok:
        failed[delivery.channel_key] = result.error or "failed"
        report.errors.append(f"{result.url}: {result.error}")
        log.warning(
            "delivery %d (%s, %s) to %s failed: %s; %s", delivery_id, event.kind,
            delivery.subscriber, result.url, result.error, _next_step(outcome),
        )


def send_event(config: Config, url: str, subscriber: str, event: Event) -> channels.SendResult:
    """Render one event for one channel and send it."""
    from notifications import channels
    from notifications.render import reader_for, render_event

    plugin = channels.load(url)
    if plugin is None:
        return channels.SendResult(False, channels.privacy_url(url), "not a valid apprise URL")
    payload = _payload(event)
    reader = reader_for(config, subscriber, why_for(config, subscriber, event.kind, payload))
    message = render_event(event.kind, payload, channels.target(plugin), reader)
    return channels.send(url, message)


def why_for(config: Config, subscriber: str, kind: str, payload: dict[str, Any]) -> Sequence[str]:
    if kind in HEALTH_KINDS:
        return HEALTH_WHY
    sub = find_subscriber(config, subscriber)
    found = reasons(sub, kind, payload) if sub else None
    # Filters may have changed since the event matched; the row was owed, so it is still sent.
    return found or ("an event that matched your filters when it happened",)


def resolve_url(
    config: Config, subscriber: str, key: str, kind: str
) -> tuple[str | None, str]:
    """The configured URL behind a channel key, or why there is none any more."""
    from notifications.channels import channel_key
    if kind in HEALTH_KINDS:
        urls, owner = config.health.urls, "[health] urls"
    else:
        sub = find_subscriber(config, subscriber)
        if sub is None:
            return None, f"subscriber '{subscriber}' is no longer in the config"
        urls, owner = sub.urls, f"subscriber '{subscriber}'"
    for url in urls:
        if channel_key(url) == key:
            return url, ""
    return None, f"channel {key} is no longer one of the URLs of {owner} (changed or removed)"


def find_subscriber(config: Config, name: str) -> Subscriber | None:
    return next((s for s in config.subscribers if s.name == name), None)


# ---- claiming and recording -----------------------------------------------------------------


def claim(
    engine: Engine,
    where: Sequence[ColumnElement[bool]],
    now: datetime,
    *,
    exclude: Iterable[int] = (),
    limit: int = BATCH,
) -> list[int]:
    """Lease up to `limit` due rows matching `where`; returns the ids this caller now holds."""
    table = Delivery.__table__
    free = or_(
        table.c.claimed_until.is_(None),
        table.c.claimed_until < now,
        table.c.claimed_by.in_(_dead_senders(engine, now)),
    )
    conditions = [*where, table.c.next_attempt_at <= now, free]
    excluded = list(exclude)
    if excluded:
        conditions.append(table.c.id.not_in(excluded))
    due = select(table.c.id).where(*conditions).order_by(table.c.next_attempt_at, table.c.id)
    due = due.limit(limit)
    lease = now + LEASE
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            ids = list(conn.execute(due.with_for_update(skip_locked=True)).scalars())
            if ids:
                conn.execute(
                    update(table).where(table.c.id.in_(ids))
                    .values(claimed_until=lease, claimed_by=_sender())
                )
        return ids
    # SQLite has one writer at a time: read the candidates without holding a snapshot, then
    # take each with a conditional update; a row another daemon took in between is skipped.
    with engine.connect() as conn:
        ids = list(conn.execute(due).scalars())
    won: list[int] = []
    if ids:
        with engine.begin() as conn:
            for row_id in ids:
                taken = conn.execute(
                    update(table).where(table.c.id == row_id, *where, free)
                    .values(claimed_until=lease, claimed_by=_sender())
                )
                if taken.rowcount == 1:
                    won.append(row_id)
    return won


def _sender() -> str:
    """This process, as a claim names it (the same form as a source lease's owner)."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _dead_senders(engine: Engine, now: datetime) -> list[str]:
    """Senders still holding claims that are processes of this host no longer running."""
    from monitor.lease import lease_holder_alive

    table = Delivery.__table__
    with engine.connect() as conn:
        holders = conn.execute(
            select(table.c.claimed_by).distinct()
            .where(
                table.c.status.in_((PENDING, DIGEST)),  # indexed: claims are on these only
                table.c.claimed_until >= now,
                table.c.claimed_by.is_not(None),
            )
        ).scalars()
        return [h for h in holders if not lease_holder_alive(h)]


def release(engine: Engine, ids: Sequence[int]) -> None:
    table = Delivery.__table__
    with engine.begin() as conn:
        conn.execute(
            update(table).where(table.c.id.in_(ids)).values(claimed_until=None, claimed_by=None)
        )


def record(
    engine: Engine,
    ids: Sequence[int],
    now: datetime,
    settings: OutboxSettings,
    *,
    error: str | None,
    give_up: bool = False,
) -> str:
    """Store the result of one send for the rows it carried; returns sent, retry or dead."""
    table = Delivery.__table__
    error = redact(error) if error else error  # a channel's error may quote its URL
    with engine.begin() as conn:
        attempts = max(conn.execute(select(table.c.attempts).where(table.c.id.in_(ids))).scalars())
        attempts += 1
        if error is None:
            outcome = SENT
            values: dict[str, Any] = {"status": SENT, "sent_at": now, "last_error": None}
        elif give_up or attempts >= settings.max_attempts:
            # A dead row's next_attempt_at records when it was given up, for the daily note.
            outcome = DEAD
            values = {"status": DEAD, "next_attempt_at": now, "last_error": error}
        else:
            outcome = "retry"
            values = {"next_attempt_at": now + retry_delay(attempts, settings), "last_error": error}
        conn.execute(
            update(table).where(table.c.id.in_(ids))
            .values(attempts=attempts, claimed_until=None, claimed_by=None, **values)
        )
    return outcome


def retry_delay(attempts: int, settings: OutboxSettings) -> timedelta:
    """first_retry_seconds doubling per attempt, capped, and jittered so retries spread out."""
    seconds = min(settings.first_retry_seconds * 2 ** (attempts - 1), settings.max_retry_seconds)
    return timedelta(seconds=seconds * random.uniform(0.8, 1.0))


def _count(outcome: str, report: DeliveryReport) -> None:
    if outcome == SENT:
        report.sent += 1
    elif outcome == DEAD:
        report.dead += 1
    else:
        report.retrying += 1


def _next_step(outcome: str) -> str:
    if outcome == DEAD:
        return "given up; it will be listed in the maintainers' dead-letter note"
    return "will retry later"


def _payload(event: Event) -> dict[str, Any]:
    try:
        payload = json.loads(event.payload_json or "{}")
    except ValueError:
        payload = {}
    if not isinstance(payload, dict):
        payload = {}
    payload.setdefault("source_id", event.source_id)
    payload.setdefault("from_stage", event.from_stage)
    payload.setdefault("to_stage", event.to_stage)
    payload.setdefault("case_id", event.case_id)
    return payload
