"""Helpers for the notification tests: a config, a database, events, local servers.

Every channel in these tests is a real server on 127.0.0.1 (SMTP via aiosmtpd, webhooks via
pytest-httpserver), because apprise sends through `requests` and smtplib, which no HTTP mock sees.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, select

from monitor.config import Config
from monitor.store.db import open_database
from monitor.store.tables import Delivery, Event
from notifications.examples import PORT_2023, SmtpSink, free_port, slack_webhooks_at
from notifications.outbox import enqueue

__all__ = ["SmtpSink", "free_port", "slack_webhooks_at"]

NOW = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
SLACK_PATH = "/services/T1234ABCD/B1234ABCD/abcdefghijklmnopqrstuvwx"
SLACK_URL = "slack://T1234ABCD/B1234ABCD/abcdefghijklmnopqrstuvwx/#cases"


def make_config(
    subscribers: list[dict[str, Any]] | None = None,
    *,
    health: list[str] | None = None,
    cases: tuple[str, ...] = ("Stephen Port",),
    **outbox: Any,
) -> Config:
    """A config with fast retries, so the tests can walk a whole retry schedule."""
    settings = {"first_retry_seconds": 10, "max_retry_seconds": 80, "max_attempts": 4, **outbox}
    return Config.model_validate({
        "cases": [{"name": name} for name in cases],
        "subscribers": subscribers or [],
        "health": {"urls": health or []},
        "outbox": settings,
    })


def make_db(tmp_path: Path) -> Engine:
    return open_database(f"sqlite:///{tmp_path / 'monitor.db'}")


def payload(**overrides: Any) -> dict[str, Any]:
    return {**PORT_2023, **overrides}


def add_event(
    engine: Engine,
    config: Config,
    kind: str = "stage_changed",
    *,
    text: str = "",
    now: datetime = NOW,
    status: str = "live",
    **fields: Any,
) -> tuple[int, int]:
    """Insert an event the way the engine does (event + deliveries, one commit).

    Returns (event id, deliveries created)."""
    body = payload(**fields)
    event = Event(
        dedupe_key=f"test:{uuid.uuid4()}", kind=kind, source_id=body.get("source_id"),
        from_stage=body.get("from_stage"), to_stage=body.get("to_stage"),
        payload_json=json.dumps(body), status=status, created_at=now,
    )
    with Session(engine) as session:
        session.add(event)
        session.flush()
        created = enqueue(session, event, config, text=text, now=now)
        session.commit()
        return event.id, created


def deliveries(engine: Engine) -> list[Delivery]:
    with Session(engine) as session:
        return list(session.exec(select(Delivery).order_by(Delivery.id)))


def webhook_bodies(httpserver: Any, path: str = "/hook") -> list[dict[str, Any]]:
    return [json.loads(req.get_data()) for req, _ in httpserver.log if req.path == path]
