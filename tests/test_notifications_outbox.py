"""The outbox against real local servers: retried, never lost, never doubled, never blocked."""

from __future__ import annotations

from datetime import timedelta

from notify_servers import (
    NOW,
    SmtpSink,
    add_event,
    deliveries,
    free_port,
    make_config,
    make_db,
    webhook_bodies,
)

from monitor.config import OutboxSettings
from monitor.store.tables import Delivery
from notifications.health import dead_letter_note
from notifications.outbox import claim, deliver_due, retry_delay


def hook(httpserver, path: str = "/hook") -> str:
    httpserver.expect_request(path, method="POST").respond_with_data("ok")
    return f"json://127.0.0.1:{httpserver.port}{path}"


def closed_hook() -> str:
    return f"json://127.0.0.1:{free_port()}/nobody-listens"


def test_pending_delivery_is_sent_once(tmp_path, httpserver) -> None:
    config = make_config([{"name": "port", "urls": [hook(httpserver)], "cases": ["Stephen Port"]}])
    engine = make_db(tmp_path)
    add_event(engine, config)

    assert deliver_due(engine, config, now=NOW).sent == 1
    assert deliver_due(engine, config, now=NOW + timedelta(hours=1)).sent == 0

    (posted,) = webhook_bodies(httpserver)
    assert posted["title"] == "Stephen Port: gross misconduct notices served to 8 officers"
    (row,) = deliveries(engine)
    assert (row.status, row.attempts, row.sent_at) == ("sent", 1, NOW)


def test_smtp_down_then_back_is_retried_and_delivered_exactly_once(tmp_path) -> None:
    smtp = SmtpSink()  # not started yet: the mail server is down
    config = make_config([{"name": "port", "urls": [smtp.url()], "cases": ["Stephen Port"]}])
    engine = make_db(tmp_path)
    add_event(engine, config)

    first = deliver_due(engine, config, now=NOW)
    assert (first.sent, first.retrying) == (0, 1)
    (row,) = deliveries(engine)
    assert row.status == "pending" and row.attempts == 1
    assert "127.0.0.1" in row.last_error
    assert NOW + timedelta(seconds=8) <= row.next_attempt_at <= NOW + timedelta(seconds=10)

    with smtp:
        assert deliver_due(engine, config, now=NOW + timedelta(seconds=5)).sent == 0  # not due
        assert deliver_due(engine, config, now=NOW + timedelta(seconds=11)).sent == 1
        assert deliver_due(engine, config, now=NOW + timedelta(days=1)).sent == 0
    assert len(smtp.messages) == 1
    (row,) = deliveries(engine)
    assert (row.status, row.attempts) == ("sent", 2)


def test_restart_between_event_and_delivery_delivers_once(tmp_path, httpserver) -> None:
    config = make_config([{"name": "all", "urls": [hook(httpserver)]}])
    before = make_db(tmp_path)
    add_event(before, config)
    before.dispose()  # the daemon is killed after the commit, before any send

    after = make_db(tmp_path)
    assert deliver_due(after, config, now=NOW).sent == 1
    assert deliver_due(after, config, now=NOW + timedelta(minutes=1)).sent == 0
    assert len(webhook_bodies(httpserver)) == 1


def test_row_held_by_a_killed_sender_is_retried_after_its_lease(tmp_path, httpserver) -> None:
    config = make_config([{"name": "all", "urls": [hook(httpserver)]}])
    engine = make_db(tmp_path)
    add_event(engine, config)
    assert claim(engine, [Delivery.status == "pending"], NOW)  # then the process dies

    assert deliver_due(engine, config, now=NOW + timedelta(minutes=1)).sent == 0
    assert deliver_due(engine, config, now=NOW + timedelta(minutes=6)).sent == 1


def test_two_claims_never_share_a_row(tmp_path) -> None:
    config = make_config([{"name": "all", "urls": [closed_hook()]}])
    engine = make_db(tmp_path)
    for _ in range(5):
        add_event(engine, config)
    first = claim(engine, [Delivery.status == "pending"], NOW, limit=3)
    second = claim(engine, [Delivery.status == "pending"], NOW)
    assert len(first) == 3 and len(second) == 2 and not set(first) & set(second)


def test_one_bad_url_does_not_block_another_subscriber(tmp_path, httpserver) -> None:
    good = hook(httpserver)
    config = make_config([
        {"name": "broken", "urls": [closed_hook()]},
        {"name": "fine", "urls": [good]},
    ])
    engine = make_db(tmp_path)
    add_event(engine, config)
    add_event(engine, config)

    report = deliver_due(engine, config, now=NOW)
    assert report.sent == 2
    assert report.retrying + report.deferred == 2  # the second send to a dead channel waits
    assert len(webhook_bodies(httpserver)) == 2
    assert {d.status for d in deliveries(engine) if d.subscriber == "broken"} == {"pending"}


def test_permanent_failure_goes_dead_and_maintainers_get_one_note(tmp_path, httpserver) -> None:
    bad = "mailto://monitor:hunter2secret@127.0.0.1:%d?from=a@example.org&to=b@example.org"
    bad %= free_port()
    config = make_config(
        [{"name": "port", "urls": [bad], "cases": ["Stephen Port"]}],
        health=[hook(httpserver, "/ops")],
    )
    engine = make_db(tmp_path)
    add_event(engine, config)

    for step in range(4):
        deliver_due(engine, config, now=NOW + timedelta(seconds=100 * step))
    (row,) = deliveries(engine)
    assert (row.status, row.attempts) == ("dead", 4)
    assert "hunter2secret" not in row.last_error

    later = NOW + timedelta(seconds=400)
    assert dead_letter_note(engine, config, now=later) is True
    assert dead_letter_note(engine, config, now=later + timedelta(hours=1)) is False
    assert deliver_due(engine, config, now=later).sent == 1
    assert dead_letter_note(engine, config, now=later + timedelta(days=1)) is False  # nothing new

    (note,) = webhook_bodies(httpserver, "/ops")
    assert note["title"] == "1 notification could not be delivered"
    assert "port via mailto://monitor:****@127.0.0.1" in note["message"]
    assert "Stephen Port: gross misconduct notices served to 8 officers" in note["message"]
    assert "hunter2secret" not in note["message"]


def test_dead_letter_note_waits_for_its_time_of_day(tmp_path) -> None:
    config = make_config([{"name": "all", "urls": [closed_hook()]}], max_attempts=1)
    engine = make_db(tmp_path)
    add_event(engine, config)
    deliver_due(engine, config, now=NOW)
    morning = NOW.replace(hour=8, minute=59) + timedelta(days=1)  # 08:59 GMT, note due 09:00
    assert dead_letter_note(engine, config, now=morning) is False
    assert dead_letter_note(engine, config, now=morning + timedelta(minutes=1)) is True


def test_removed_channel_is_dead_with_a_clear_reason(tmp_path, httpserver) -> None:
    old = make_config([{"name": "port", "urls": [closed_hook()]}])
    engine = make_db(tmp_path)
    add_event(engine, old)
    new = make_config([{"name": "port", "urls": [hook(httpserver)]}])

    report = deliver_due(engine, new, now=NOW)
    assert report.dead == 1
    (row,) = deliveries(engine)
    assert row.status == "dead"
    assert "no longer one of the URLs of subscriber 'port'" in row.last_error


def test_backoff_doubles_is_capped_and_jittered() -> None:
    settings = OutboxSettings(first_retry_seconds=60, max_retry_seconds=300)
    delays = [retry_delay(n, settings).total_seconds() for n in range(1, 6)]
    assert 48 <= delays[0] <= 60
    assert 96 <= delays[1] <= 120
    assert all(240 <= d <= 300 for d in delays[3:])
