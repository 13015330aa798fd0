"""`oversight-monitor outbox`: what the outbox holds, newest first, from the command line.

Read-only: it opens an existing database only (never creates one) and changes no row.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import click
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from monitor.cli import _config_and_db, _print_json, config_option, json_option
from monitor.config import Config
from monitor.redact import redact
from monitor.store.tables import Delivery, Event
from monitor.terminal import plain, say
from notifications.outbox import DEAD, DIGEST, PENDING, SENT, WITHDRAWN, _payload, resolve_url

STATUSES = (PENDING, DIGEST, SENT, DEAD, WITHDRAWN)


@click.command("outbox")
@config_option
@click.option("--status", type=click.Choice([*STATUSES, "all"]), default="all",
              show_default=True, help="Only deliveries with this status.")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True,
              help="Show at most N deliveries.")
@json_option
def outbox(config_path: Path, status: str, limit: int, as_json: bool) -> None:
    """List the outbox's deliveries, newest first: who, what, when, and why one failed."""
    config, db = _config_and_db(config_path)
    rows = listed(db, config, status=None if status == "all" else status, limit=limit)
    if as_json:
        _print_json(rows)
        return
    if not rows:
        say("the outbox is empty" if status == "all" else f"no {status} deliveries")
    for r in rows:
        when = f"sent {r['sent_at']}" if r["sent_at"] else f"created {r['created_at']}"
        say(f"#{r['id']} {r['status']:<9} {r['subscriber']} via {r['channel']}  "
            f"{when}  attempts {r['attempts']}")
        say(f"    {r['subject']}")
        if r["last_error"]:
            say(f"    last error: {r['last_error']}")


def listed(
    db: Engine, config: Config, *, status: str | None = None, limit: int = 50
) -> list[dict[str, Any]]:
    """Deliveries newest first, times in [monitor] timezone, secrets masked."""
    from notifications.render import subject_for

    zone = ZoneInfo(config.monitor.timezone)
    query = (
        select(Delivery, Event).join(Event, col(Event.id) == col(Delivery.event_id))
        .order_by(col(Delivery.id).desc()).limit(limit)
    )
    if status is not None:
        query = query.where(Delivery.status == status)
    with Session(db) as session:
        found = session.exec(query).all()
    return [
        {
            "id": d.id, "status": d.status, "subscriber": d.subscriber,
            "channel": _channel(config, d, e.kind), "event_id": e.id, "kind": e.kind,
            "subject": _shown(subject_for(e.kind, _payload(e))),
            "created_at": _local(d.created_at, zone), "sent_at": _local(d.sent_at, zone),
            "attempts": d.attempts,
            "last_error": _shown(d.last_error) if d.last_error else None,
        }
        for d, e in found
    ]


def _channel(config: Config, delivery: Delivery, kind: str) -> str:
    """The channel in apprise's privacy form, or its key where the config no longer has it."""
    from notifications.channels import privacy_url

    url, _ = resolve_url(config, delivery.subscriber, delivery.channel_key, kind)
    if url is None:
        return f"channel {delivery.channel_key} (no longer configured)"
    return privacy_url(url).split("?", 1)[0]  # apprise's options (?method=POST&…) are noise


def _shown(text: str) -> str:
    """Masked and without control characters, in the JSON too: scripts echo it to terminals."""
    return plain(redact(text))


def _local(when: datetime | None, zone: ZoneInfo) -> str | None:
    return when.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z") if when else None
