"""Digests: on the subscriber's wall clock across clock changes, one message, quiet when empty."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from notify_servers import (
    SmtpSink,
    add_event,
    deliveries,
    free_port,
    make_config,
    make_db,
    webhook_bodies,
)

from monitor.config import Subscriber
from notifications.digest import next_digest_at, send_due_digests
from notifications.outbox import deliver_due


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def daily(**extra: object) -> Subscriber:
    return Subscriber.model_validate(
        {"name": "d", "urls": ["json://127.0.0.1/x"], "mode": "daily", "digest_time": "08:00",
         **extra}
    )


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        # Spring forward (31 March 2024): 08:00 London is 08:00Z before, 07:00Z after.
        (utc(2024, 3, 30, 8, 0), utc(2024, 3, 31, 7, 0)),
        (utc(2024, 3, 31, 7, 0), utc(2024, 4, 1, 7, 0)),
        # Fall back (27 October 2024): 07:00Z before, 08:00Z after.
        (utc(2024, 10, 26, 7, 0), utc(2024, 10, 27, 8, 0)),
        (utc(2024, 10, 27, 7, 30), utc(2024, 10, 27, 8, 0)),
    ],
)
def test_daily_digest_stays_at_local_time_across_clock_changes(after, expected) -> None:
    assert next_digest_at(daily(), after) == expected


def test_weekly_digest_falls_on_its_day() -> None:
    sub = daily(mode="weekly", digest_day="sunday")
    assert next_digest_at(sub, utc(2024, 3, 25, 12, 0)) == utc(2024, 3, 31, 7, 0)  # BST Sunday
    assert next_digest_at(sub, utc(2024, 3, 31, 7, 0)) == utc(2024, 4, 7, 7, 0)


def test_digest_timing_across_the_spring_change(tmp_path, httpserver) -> None:
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    url = f"json://127.0.0.1:{httpserver.port}/hook"
    config = make_config([{"name": "port", "urls": [url], "cases": ["Stephen Port"],
                           "mode": "daily", "digest_time": "08:00"}])
    engine = make_db(tmp_path)
    saturday = utc(2024, 3, 30, 8, 30)
    assert send_due_digests(engine, config, now=saturday) == 0  # starts the schedule

    add_event(engine, config, now=saturday + timedelta(hours=1))
    add_event(engine, config, now=saturday + timedelta(hours=2), case_name="Stephen Port",
              to_stage="case_to_answer", officers=3)
    assert deliver_due(engine, config, now=saturday + timedelta(hours=3)).sent == 0

    assert send_due_digests(engine, config, now=utc(2024, 3, 31, 6, 59)) == 0
    assert send_due_digests(engine, config, now=utc(2024, 3, 31, 7, 0)) == 1  # 08:00 BST
    assert send_due_digests(engine, config, now=utc(2024, 3, 31, 7, 30)) == 0

    (digest,) = webhook_bodies(httpserver)
    assert digest["title"] == "Your daily oversight digest: 2 updates"
    assert "gross misconduct notices served to 8 officers" in digest["message"]
    assert "case to answer for gross misconduct (3 officers)" in digest["message"]
    assert {d.status for d in deliveries(engine)} == {"sent"}


def test_quiet_digest_sends_nothing(tmp_path, httpserver) -> None:
    url = f"json://127.0.0.1:{httpserver.port}/hook"
    config = make_config([{"name": "port", "urls": [url], "mode": "daily"}])
    engine = make_db(tmp_path)
    send_due_digests(engine, config, now=utc(2024, 3, 1, 9, 0))
    assert send_due_digests(engine, config, now=utc(2024, 3, 2, 9, 0)) == 0
    assert httpserver.log == []


def test_failed_digest_is_retried_with_backoff_not_a_day_later(tmp_path) -> None:
    smtp = SmtpSink()  # down at digest time
    config = make_config([{"name": "port", "urls": [smtp.url()], "mode": "daily"}])
    engine = make_db(tmp_path)
    send_due_digests(engine, config, now=utc(2024, 3, 1, 9, 0))
    add_event(engine, config, now=utc(2024, 3, 1, 10, 0))

    assert send_due_digests(engine, config, now=utc(2024, 3, 2, 8, 0)) == 0
    (row,) = deliveries(engine)
    assert (row.status, row.attempts) == ("digest", 1)

    with smtp:
        assert send_due_digests(engine, config, now=utc(2024, 3, 2, 8, 0, 5)) == 0  # backing off
        assert send_due_digests(engine, config, now=utc(2024, 3, 2, 8, 0, 11)) == 1
    assert len(smtp.messages) == 1
    assert smtp.messages[0]["Subject"] == "Your daily oversight digest: 1 update"
    (row,) = deliveries(engine)
    assert (row.status, row.attempts) == ("sent", 2)


def test_digest_subscriber_switched_to_immediate_gets_rows_sent_now(tmp_path) -> None:
    url = f"json://127.0.0.1:{free_port()}/hook"
    digest = make_config([{"name": "port", "urls": [url], "mode": "daily"}])
    engine = make_db(tmp_path)
    add_event(engine, digest)
    immediate = make_config([{"name": "port", "urls": [url]}])
    send_due_digests(engine, immediate, now=utc(2024, 3, 2, 9, 0))
    assert [d.status for d in deliveries(engine)] == ["pending"]
