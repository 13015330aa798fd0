"""Messages: right words, escaped page text in every format, trimmed to the channel's limit."""

from __future__ import annotations

import json

import pytest
from notify_servers import (
    SLACK_PATH,
    SLACK_URL,
    SmtpSink,
    payload,
    slack_webhooks_at,
    webhook_bodies,
)

from notifications import channels
from notifications.render import Reader, render_digest, render_event, subject_for

HOSTILE = "<script>alert(1)</script> <!channel> *bold* `code` [x](javascript:y) @here & co"
READER = Reader("advocates", ["the case Stephen Port"])


def _send(url: str, **fields: object) -> channels.SendResult:
    plugin = channels.load(url)
    assert plugin is not None
    message = render_event("stage_changed", payload(**fields), channels.target(plugin), READER)
    return channels.send(url, message)


def test_subject_names_case_stage_and_officers() -> None:
    assert subject_for("stage_changed", payload()) == (
        "Stephen Port: gross misconduct notices served to 8 officers"
    )


def test_message_says_what_changed_in_plain_words() -> None:
    target = channels.target(channels.load("json://127.0.0.1/hook"))
    body = render_event("stage_changed", payload(), target, READER).body
    assert "Before: The case has been reopened for a new investigation" in body
    assert "Now: Officers told they are under investigation for gross misconduct" in body
    assert "16 November 2023" in body
    assert "Independent Office for Police Conduct" in body
    assert "8 officers (gross misconduct)" in body
    assert '"Five serving and three former' in body
    assert PORT_2023_URL in body
    assert "You get this because you follow the case Stephen Port." in body
    assert "To stop or change these alerts: ask the people who run this monitor" in body


PORT_2023_URL = payload()["url"]


def test_unknown_stage_falls_back_to_its_id() -> None:
    target = channels.target(channels.load("json://127.0.0.1/hook"))
    body = render_event("stage_changed", payload(to_stage="brand_new_stage"), target, READER).body
    assert "Now: brand new stage" in body


def test_hostile_title_is_inert_in_slack(httpserver) -> None:
    httpserver.expect_request(SLACK_PATH, method="POST").respond_with_data("ok")
    with slack_webhooks_at(httpserver.url_for("")):
        assert _send(SLACK_URL, title=HOSTILE, evidence=HOSTILE).ok
    (posted,) = webhook_bodies(httpserver, SLACK_PATH)
    text = json.dumps(posted, ensure_ascii=False)
    # Slack has no Markdown links, so "[x](javascript:y)" is shown as the text it is.
    for live in ("<script>", "<!channel>", "*bold*", "`code`", "@here"):
        assert live not in text
    assert "&lt;script&gt;" in text and "&amp; co" in text
    # The link we put in stays a real Slack link.
    assert f"<{PORT_2023_URL}>" in text


def test_hostile_title_is_escaped_in_html_email() -> None:
    with SmtpSink() as smtp:
        assert _send(smtp.url(), title=HOSTILE).ok
    (mail,) = smtp.messages
    html = mail.get_body(("html",)).get_content()
    plain = mail.get_body(("plain",)).get_content()
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Stephen Port: gross misconduct notices served to 8 officers" in mail["Subject"]
    assert "gross misconduct" in plain and PORT_2023_URL in plain


def test_hostile_title_is_escaped_in_markdown() -> None:
    target = channels.target(channels.load("matrix://user:pw@localhost/#room"))
    assert target.flavour == "markdown"
    body = render_event("stage_changed", payload(title=HOSTILE), target, READER).body
    assert r"\<script\>" in body
    assert r"\*bold\*" in body and r"\[x\]\(javascript:y\)" in body
    assert "<!channel>" not in body and "@here" not in body


def test_hostile_title_is_plain_in_a_json_webhook(httpserver) -> None:
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    assert _send(f"json://127.0.0.1:{httpserver.port}/hook", title=HOSTILE).ok
    (posted,) = webhook_bodies(httpserver)
    assert "<script>alert(1)</script>" in posted["message"]  # text is text: nothing renders it
    assert "<!channel>" not in posted["message"]


def test_only_http_links_are_linked() -> None:
    target = channels.target(channels.load("json://127.0.0.1/hook"))
    body = render_event("stage_changed", payload(url="javascript:alert(1)"), target, READER).body
    assert "javascript" not in body and "Read it" not in body


def test_long_message_trimmed_for_slack_without_cutting_the_link(httpserver) -> None:
    httpserver.expect_request(SLACK_PATH, method="POST").respond_with_data("ok")
    evidence = "The officers failed to link the deaths & <missed> the signs. " * 800  # ~50k
    url = PORT_2023_URL + "?" + "&".join(f"p{i}=v{i}" for i in range(40))
    plugin = channels.load(SLACK_URL)
    target = channels.target(plugin)
    message = render_event("stage_changed", payload(evidence=evidence, url=url), target, READER)
    assert target.measure(message.body) <= plugin.body_maxlen
    assert "…" in message.body
    with slack_webhooks_at(httpserver.url_for("")):
        assert channels.send(SLACK_URL, message).ok
    (posted,) = webhook_bodies(httpserver, SLACK_PATH)
    text = posted["attachments"][0]["text"]
    assert len(text) <= plugin.body_maxlen
    assert f"<{url.replace('&', '&amp;')}>" in text
    assert "To stop or change these alerts" in text


def test_digest_that_does_not_fit_is_split_into_parts() -> None:
    target = channels.target(channels.load("discord://4174216298/JHMHI8qBe7bk2ZwO5U711o3dV_js"))
    events = [("stage_changed", payload(case_name=f"Case {i}")) for i in range(6)]
    message, shown = render_digest(events, target, READER, period="daily")
    assert 1 <= shown < 6
    assert target.measure(message.body) <= target.max_body
    assert "follow in the next message" in message.body or "follows in" in message.body


@pytest.mark.parametrize(
    ("url", "flavour"),
    [
        ("mailto://user@127.0.0.1:25?from=a@example.org&to=b@example.org", "html"),
        (SLACK_URL, "slack"),
        ("matrix://user:pw@localhost/#room", "markdown"),
        ("json://127.0.0.1/hook", "text"),
        (SLACK_URL + "?format=text", "text"),
    ],
)
def test_format_follows_the_channel(url: str, flavour: str) -> None:
    assert channels.target(channels.load(url)).flavour == flavour


@pytest.mark.parametrize(
    ("kind", "fields", "subject", "says"),
    [
        (
            "source_failing",
            {"source_name": "IOPC", "error_kind": "blocked", "error_message": "HTTP 403",
             "failures": 3, "since": "2024-03-01T06:00:00+00:00"},
            "Source failing: IOPC",
            "IOPC has failed 3 checks in a row since 1 March 2024, 06:00.",
        ),
        ("source_recovered", {"source_name": "IOPC"}, "Source working again: IOPC", "working"),
        (
            "mass_change_held",
            {"source_id": "met", "changed": 40, "known": 50},
            "Alerts held for met: 40 known documents changed at once",
            "40 of the 50 known documents",
        ),
    ],
)
def test_health_messages(kind: str, fields: dict, subject: str, says: str) -> None:
    target = channels.target(channels.load("json://127.0.0.1/hook"))
    message = render_event(kind, fields, target, Reader("maintainers", ["you maintain it"]))
    assert message.title == subject
    assert says in message.body
    assert "remove this address from [health] urls" in message.body


def test_a_status_only_move_does_not_claim_a_new_stage() -> None:
    target = channels.target(channels.load("json://127.0.0.1/hook"))
    moved = payload(from_stage="reinvestigation", to_stage="reinvestigation",
                    from_status="Investigation ongoing", to_status="Investigation complete")
    body = render_event("stage_changed", moved, target, READER).body
    assert "has not" in body and "has moved to a new stage" not in body
    assert "Investigation ongoing -> Investigation complete" in body
    assert subject_for("stage_changed", moved) == (
        "Stephen Port: status on the source's page now Investigation complete"
    )
