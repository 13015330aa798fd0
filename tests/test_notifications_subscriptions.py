"""Who gets what: filters are AND across axes, OR within one; no filters follows everything."""

from __future__ import annotations

import pytest
from notify_servers import add_event, deliveries, make_config, make_db, payload

from monitor.config import Subscriber
from notifications.channels import channel_key
from notifications.subscriptions import force_key, keyword_found, reasons

URL = "json://127.0.0.1:9/hook"


def sub(**filters: object) -> Subscriber:
    return Subscriber.model_validate({"name": "s", "urls": [URL], **filters})


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, ["everything (no filters set)"]),
        ({"cases": ["stephen port"]}, ["the case stephen port"]),
        ({"forces": ["Met"]}, ["the force Met"]),
        ({"forces": ["Greater Manchester Police", "the Met"]}, ["the force the Met"]),
        ({"stages": ["misconduct_notices_served"]}, ["the stage misconduct_notices_served"]),
        ({"sources": ["iopc"]}, ["the source iopc"]),
        (
            {"cases": ["Stephen Port"], "forces": ["MPS"]},
            ["the case Stephen Port", "the force MPS"],
        ),
        ({"forces": ["Kent"]}, None),
        ({"cases": ["Stephen Port"], "stages": ["criminal_charge"]}, None),
        ({"events": ["case_update"]}, None),
    ],
)
def test_filters(filters: dict[str, object], expected: list[str] | None) -> None:
    assert reasons(sub(**filters), "stage_changed", payload(), text="") == expected


def test_keywords_match_whole_words_accent_folded() -> None:
    assert keyword_found("Kovari", "the death of Gabriel Kovári")
    assert keyword_found("barking deaths", "the Barking deaths inquiry")
    assert not keyword_found("port", "the IOPC report")
    assert reasons(sub(keywords=["Walgate"]), "stage_changed", payload(), text="Anthony Walgate")
    assert reasons(sub(keywords=["Walgate"]), "stage_changed", payload(), text="nothing") is None


def test_keyword_in_title_counts() -> None:
    found = reasons(sub(keywords=["eight officers"]), "stage_changed", payload(), text="")
    assert found == ["the keyword eight officers"]


@pytest.mark.parametrize("name", ["Met", "the Met", "Metropolitan Police Service", "MPS"])
def test_force_names_normalise(name: str) -> None:
    assert force_key(name) == force_key("Metropolitan Police Service") == "metropolitan"


def test_default_events_are_stage_changes_and_every_announcement_of_a_tracked_case() -> None:
    assert reasons(sub(), "new_case", payload(), text="")
    assert reasons(sub(), "announcement", payload(), text="")
    # An edit of an announcement about a tracked case is an announcement to its followers …
    assert reasons(sub(), "document_changed", payload(), text="")
    # … but not about an untracked case, and not for a subscriber who left announcements out.
    assert reasons(sub(), "document_changed", payload(tracked=False), text="") is None
    quiet = sub(events=["stage_changed", "new_case"])
    assert reasons(quiet, "document_changed", payload(), text="") is None
    assert reasons(quiet, "announcement", payload(), text="") is None


def test_subscriber_whose_filters_match_nothing_gets_nothing(tmp_path) -> None:
    config = make_config([
        {"name": "kent-watch", "urls": [URL], "forces": ["Kent Police"]},
        {"name": "port", "urls": [URL, URL], "cases": ["Stephen Port"], "mode": "daily"},
    ])
    engine = make_db(tmp_path)
    _, created = add_event(engine, config)
    rows = deliveries(engine)
    assert created == 1
    assert [(d.subscriber, d.status, d.channel_key) for d in rows] == [
        ("port", "digest", channel_key(URL))
    ]


def test_events_that_are_not_live_get_no_deliveries(tmp_path) -> None:
    config = make_config([{"name": "all", "urls": [URL]}])
    engine = make_db(tmp_path)
    assert add_event(engine, config, status="held")[1] == 0
    assert add_event(engine, config, status="baseline")[1] == 0
    assert deliveries(engine) == []


def test_health_events_go_to_the_maintainers_only(tmp_path) -> None:
    config = make_config([{"name": "all", "urls": [URL]}], health=["json://127.0.0.1:9/ops"])
    engine = make_db(tmp_path)
    add_event(engine, config, "source_failing", source_name="IOPC", failures=3)
    assert [d.subscriber for d in deliveries(engine)] == ["maintainers"]


def test_channel_key_is_a_short_hash_not_the_url() -> None:
    key = channel_key("slack://T1/B2/secret-token/#x")
    assert len(key) == 16 and "secret" not in key
