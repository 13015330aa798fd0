"""Issue 16, one test per promise: alerts people can trust and act on.

Messages go through apprise to real local servers: SMTP (aiosmtpd) and a JSON webhook
(pytest-httpserver). The day-by-day replay of a multi-case feed is tests/test_alerts_replay.py.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from click.testing import CliRunner
from notify_servers import NOW, add_event, deliveries, make_db, webhook_bodies

from monitor.cli import main
from monitor.config import Config, MonitorSettings
from monitor.guard import trips
from monitor.stages.reader import Classification
from notifications.digest import send_due_digests
from notifications.facts import reading_facts
from notifications.outbox import deliver_due
from sources.base import SITE_TITLE, display_name
from sources.feed import FeedOptions, FeedSource
from sources.iopc import IopcSource


def hook(httpserver, path: str = "/hook") -> str:
    httpserver.expect_request(path, method="POST").respond_with_data("ok")
    return f"json://127.0.0.1:{httpserver.port}{path}"


def config(subscribers: list[dict[str, Any]], **sections: Any) -> Config:
    return Config.model_validate(
        {"cases": [{"name": "Stephen Port"}], "subscribers": subscribers, **sections}
    )


# ---- 1. never miss a followed case ---------------------------------------------------------


def test_announcement_that_moves_nothing_reaches_followers_in_their_digest(tmp_path, httpserver):
    settings = config([{"name": "port", "urls": [hook(httpserver)], "cases": ["Stephen Port"],
                        "mode": "daily"}])
    db = make_db(tmp_path)
    add_event(db, settings, "announcement", reading="not_a_case_update",
              from_stage="reinvestigation", to_stage="reinvestigation", officers=None,
              title="Statement on the Stephen Port inquest anniversary", evidence=None)
    assert send_due_digests(db, settings, now=NOW + timedelta(days=1)) == 1
    (body,) = webhook_bodies(httpserver)
    assert "1. New announcement about Stephen Port" in body["message"]
    assert "Case stage: The case has been reopened for a new investigation" in body["message"]
    assert "Read as: No change in any case" in body["message"]
    assert "Statement on the Stephen Port inquest anniversary" in body["message"]


def test_subscriber_can_leave_announcements_out(tmp_path, httpserver):
    settings = config([{"name": "port", "urls": [hook(httpserver)], "cases": ["Stephen Port"],
                        "events": ["stage_changed", "new_case"]}])
    db = make_db(tmp_path)
    assert add_event(db, settings, "announcement")[1] == 0
    assert add_event(db, settings, "document_changed")[1] == 0
    assert add_event(db, settings, "stage_changed")[1] == 1


# ---- 2. say when unsure --------------------------------------------------------------------

UNSURE = {"uncertain": True, "confidence": 0.41, "runner_up": "not_a_case_update",
          "from_stage": "no_case_to_answer", "to_stage": "reinvestigation",
          "reading": "reinvestigation", "officers": None, "severity": None}


def test_uncertain_move_says_so_and_names_the_second_reading(tmp_path, httpserver):
    settings = config([{"name": "port", "urls": [hook(httpserver)], "cases": ["Stephen Port"]}])
    db = make_db(tmp_path)
    add_event(db, settings, **UNSURE)
    assert deliver_due(db, settings, now=NOW).sent == 1
    (body,) = webhook_bodies(httpserver)
    assert body["title"] == "Stephen Port: re-investigation (uncertain reading)"
    assert ("Uncertain: reads as re-investigation, possibly not a case update — check the "
            "quote.") in body["message"]


def test_follower_can_get_uncertain_moves_in_the_digest_and_sure_ones_at_once(
    tmp_path, httpserver
):
    settings = config([{"name": "port", "urls": [hook(httpserver)], "cases": ["Stephen Port"],
                        "uncertain": "digest", "digest_time": "08:00"}])
    db = make_db(tmp_path)
    add_event(db, settings, **UNSURE)
    add_event(db, settings)  # a sure move
    assert [d.status for d in deliveries(db)] == ["digest", "pending"]
    assert deliver_due(db, settings, now=NOW).sent == 1
    assert send_due_digests(db, settings, now=NOW + timedelta(days=1)) == 1
    sure, digest = webhook_bodies(httpserver)
    assert "uncertain" not in sure["title"]
    assert digest["title"].startswith("Your daily oversight digest: 1 update")
    assert "re-investigation (uncertain reading)" in digest["message"]


def test_digest_follower_can_get_uncertain_moves_at_once(tmp_path, httpserver):
    settings = config([{"name": "port", "urls": [hook(httpserver)], "cases": ["Stephen Port"],
                        "mode": "weekly", "uncertain": "immediate"}])
    db = make_db(tmp_path)
    add_event(db, settings, **UNSURE)
    add_event(db, settings)
    assert [d.status for d in deliveries(db)] == ["pending", "digest"]


# ---- 3. right content ----------------------------------------------------------------------


def test_before_is_worded_with_the_earlier_stages_severity(tmp_path, httpserver):
    settings = config([{"name": "port", "urls": [hook(httpserver)], "cases": ["Stephen Port"]}])
    db = make_db(tmp_path)
    add_event(db, settings, from_stage="case_to_answer", from_severity="gross_misconduct",
              to_stage="outcome_sanction", severity="misconduct", officers=2)
    deliver_due(db, settings, now=NOW)
    (body,) = webhook_bodies(httpserver)
    assert "Before: Officers have a case to answer for gross misconduct" in body["message"]
    # The officers line belongs to the stage under which it stands: no severity by a warning.
    assert "Officers: 2 officers\n" in body["message"]


def test_officer_count_from_background_is_not_attached():
    background = Classification(
        "reinvestigation", "", "We have decided to reinvestigate the police response.",
        officers=17,
    )
    assert reading_facts(background, "IOPC to reinvestigate")["officers"] is None
    stated = Classification("misconduct_notices_served", "", "Eight officers have been served "
                            "with gross misconduct notices.", officers=8)
    assert reading_facts(stated, "Notices served")["officers"] == 8


# ---- 4. every source has a display name ----------------------------------------------------


def test_source_display_name_config_then_site_title_then_id():
    feed = FeedSource("kent-feed", FeedOptions(url="https://example.org/feed.xml"))
    assert display_name(feed, "Kent Police news", {SITE_TITLE: "News"}) == "Kent Police news"
    assert display_name(feed, None, {SITE_TITLE: " Kent  Police\nnews "}) == "Kent Police news"
    assert display_name(feed, None, {}) == "kent-feed"  # never "RSS/Atom feed"
    iopc = IopcSource("iopc", IopcSource.Options())
    assert display_name(iopc, None, {}) == "Independent Office for Police Conduct"


# ---- 5. a plain-text part written for reading ----------------------------------------------


def test_email_has_its_own_plain_text_part_and_the_html_part(tmp_path, smtp):
    controller, sink = smtp
    url = f"mailto://127.0.0.1:{controller.port}?from=monitor@example.org&to=f@example.org"
    settings = config([{"name": "port", "urls": [url], "cases": ["Stephen Port"]}])
    db = make_db(tmp_path)
    add_event(db, settings)
    assert deliver_due(db, settings, now=NOW).sent == 1
    (mail,) = sink.wait_for(1)
    plain = mail.get_body(preferencelist=("plain",)).get_content()
    html = mail.get_body(preferencelist=("html",)).get_content()
    assert "Now: Officers told they are under investigation for gross misconduct" in plain
    assert '> "Five serving and three former Metropolitan Police officers' in plain
    assert "\n " not in plain.replace("\r\n", "\n")  # no stray spaces opening a line
    assert "<table" in html and "<blockquote" in html


# ---- 6. footers for recipients -------------------------------------------------------------


def test_footer_names_the_operator_and_links_the_public_case_page(tmp_path, httpserver):
    settings = config(
        [{"name": "port", "urls": [hook(httpserver)], "cases": ["Stephen Port"]}],
        monitor={"operator_contact": "the Port monitor team, port@example.org"},
        web={"public_url": "https://monitor.example.org/"},
    )
    db = make_db(tmp_path)
    add_event(db, settings, case_id=5)
    deliver_due(db, settings, now=NOW)
    (body,) = webhook_bodies(httpserver)
    assert "write to the Port monitor team, port@example.org, who runs this monitor" in (
        body["message"])
    assert "The case's history: https://monitor.example.org/cases/5\n" in body["message"]
    assert "[[subscribers]]" not in body["message"]  # recipients cannot edit the config


def test_no_case_page_link_when_the_web_interface_is_not_public(tmp_path, httpserver):
    settings = config([{"name": "port", "urls": [hook(httpserver)], "cases": ["Stephen Port"]}])
    db = make_db(tmp_path)
    add_event(db, settings, case_id=5)
    deliver_due(db, settings, now=NOW)
    (body,) = webhook_bodies(httpserver)
    assert "/cases/" not in body["message"]


def test_notify_test_is_plainly_a_test_about_no_real_case(tmp_path, httpserver):
    path = tmp_path / "config.toml"
    path.write_text(f'[[subscribers]]\nname = "port"\nurls = ["{hook(httpserver)}"]\n')
    result = CliRunner().invoke(main, ["notify-test", "-c", str(path)])
    assert result.exit_code == 0, result.output
    (body,) = webhook_bodies(httpserver)
    assert body["title"] == "[test] oversight-monitor test message (not a real alert)"
    assert body["message"].startswith("TEST MESSAGE")
    assert "Stephen Port" not in body["title"] + body["message"]


# ---- 7. the mass-change guard holds only real floods ---------------------------------------


def test_guard_counts_changed_known_documents_not_new_ones():
    settings = MonitorSettings(mass_change_share=0.5, mass_change_min=5)
    quiet = dict(known=10, removed=0, discovered=40, lists=True, settings=settings)
    assert trips(changed=0, **quiet) is None  # 30 new announcements after downtime: news
    assert trips(changed=6, **quiet) == "changed"
    assert trips(**{**quiet, "removed": 6, "discovered": 4}, changed=0) == "changed"
    assert trips(**{**quiet, "discovered": 0}, changed=0) == "emptied"
    assert trips(**{**quiet, "discovered": 0, "lists": False}, changed=0) is None


def test_held_message_names_the_documents_and_how_to_release(tmp_path, httpserver):
    settings = Config.model_validate({"health": {"urls": [hook(httpserver, "/ops")]}})
    db = make_db(tmp_path)
    add_event(db, settings, "mass_change_held", source_id="cases", source_name="Case pages",
              reason="changed", changed=8, known=8, documents=[
                  {"title": f"Death in custody {n}", "url": f"https://example.org/c{n}",
                   "how": "changed"} for n in range(3)])
    deliver_due(db, settings, now=NOW)
    (body,) = webhook_bodies(httpserver, "/ops")
    assert body["title"] == "Alerts held for Case pages: 8 known documents changed at once"
    assert "- Death in custody 0 (changed): https://example.org/c0" in body["message"]
    assert "...and 5 more" in body["message"]
    assert "oversight-monitor held --release cases" in body["message"]
    assert "oversight-monitor held --discard cases" in body["message"]
