"""Issue 6 end to end: a tracked case moves stage → exactly the right people hear, once.

A local RSS feed (reconstructed, IOPC-style wording, not a captured feed) publishes the 2022
Stephen Port re-investigation, then the 2023 gross misconduct notices. Everything between the
feed and the inbox is the real code: engine, classifier, store, outbox, apprise, SMTP.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

from click.testing import CliRunner
from werkzeug import Response

from monitor.app import database
from monitor.cli import main
from monitor.config import load_config
from monitor.text import slug
from notifications.digest import send_due_digests
from tests.servers import text_of

REINVESTIGATION = (
    "IOPC to re-investigate Met response to Stephen Port murders",
    "We have decided to re-investigate the Metropolitan Police response to the deaths of "
    "Anthony Walgate, Gabriel Kovari, Daniel Whitworth and Jack Taylor, after finding that the "
    "original investigation was materially flawed and that there is significant new information.",
    datetime(2022, 6, 23, 10, 0, tzinfo=UTC),
)
NOTICES = (
    "Eight officers under investigation in Stephen Port re-investigation",
    "Five serving and three former Metropolitan Police officers have been served with gross "
    "misconduct notices as part of our re-investigation into the police response to the deaths "
    "of Anthony Walgate, Gabriel Kovari, Daniel Whitworth and Jack Taylor.",
    datetime(2023, 11, 16, 11, 0, tzinfo=UTC),
)
UNRELATED = (
    "Officer dismissed after drink-driving in Kent",
    "A Kent Police constable has been dismissed without notice after a misconduct hearing found "
    "he drove a police car while over the legal limit.",
    datetime(2023, 11, 10, 9, 0, tzinfo=UTC),
)


def rss(items: list[tuple[str, str, datetime]], base: str) -> str:
    entries = "".join(
        f"<item><title>{title}</title><link>{base}/news/{slug(title)}</link>"
        f"<guid>{base}/news/{slug(title)}</guid>"
        f"<pubDate>{format_datetime(when)}</pubDate><description>{text}</description></item>"
        for title, text, when in items
    )
    return (
        '<?xml version="1.0"?><!-- RECONSTRUCTED test feed, not captured -->'
        f'<rss version="2.0"><channel><title>News</title><link>{base}</link>{entries}'
        "</channel></rss>"
    )



def mail(port: int, to: str) -> str:
    return f"mailto://127.0.0.1:{port}?from=monitor@example.org&to={to}"


def test_tracked_case_move_reaches_followers_once_and_digest_later(tmp_path, httpserver, smtp):
    controller, sink = smtp
    base = httpserver.url_for("").rstrip("/")
    published = [REINVESTIGATION, UNRELATED]
    httpserver.expect_request("/robots.txt").respond_with_data("User-agent: *\nAllow: /\n")
    httpserver.expect_request("/feed.xml").respond_with_handler(
        lambda _request: Response(rss(published, base), content_type="application/rss+xml")
    )
    config_path = tmp_path / "config.toml"
    config_path.write_text(f"""
[monitor]
database = "m.db"
[http]
min_delay_seconds = 0
retries = 0
[[sources]]
id = "iopc-feed"
plugin = "feed"
options = {{ url = "{base}/feed.xml", fetch_articles = false }}
[[cases]]
name = "Stephen Port"
aliases = ["Anthony Walgate", "Gabriel Kovari", "Daniel Whitworth", "Jack Taylor"]
[[subscribers]]
name = "family"
urls = ["{mail(controller.port, "family@example.org")}"]
cases = ["Stephen Port"]
[[subscribers]]
name = "solicitor"
urls = ["{mail(controller.port, "solicitor@example.org")}"]
cases = ["Stephen Port"]
[[subscribers]]
name = "kent-watch"
urls = ["{mail(controller.port, "kent@example.org")}"]
forces = ["Kent Police"]
stages = ["case_to_answer"]
[[subscribers]]
name = "weekly-desk"
urls = ["{mail(controller.port, "desk@example.org")}"]
cases = ["Stephen Port"]
mode = "daily"
digest_time = "08:00"
timezone = "Europe/London"
""")
    run = CliRunner()
    assert run.invoke(main, ["check", "-c", str(config_path)]).exit_code == 0  # baseline
    assert sink.wait_for(1, timeout=1) == []

    published.insert(0, NOTICES)
    result = run.invoke(main, ["check", "-c", str(config_path)])
    assert result.exit_code == 0, result.output
    messages = sink.wait_for(2)
    recipients = sorted(m["To"] for m in messages)
    assert recipients == ["family@example.org", "solicitor@example.org"]
    for message in messages:
        body = text_of(message)
        assert "Stephen Port" in message["Subject"]
        assert "Five serving and three former Metropolitan Police officers" in body  # evidence
        assert f"{base}/news/{slug(NOTICES[0])}" in body

    # Nothing more on the next cycle; kent-watch never hears about a case it does not follow.
    assert run.invoke(main, ["check", "-c", str(config_path)]).exit_code == 0
    assert len(sink.wait_for(3, timeout=1.5)) == 2

    # The digest subscriber gets it in its next digest, and only then.
    config = load_config(config_path)
    db = database(config)
    tomorrow_8am = datetime.now(UTC).replace(hour=8, minute=5) + timedelta(days=1)
    assert send_due_digests(db, config, now=tomorrow_8am) == 1
    digest = [m for m in sink.wait_for(3) if m["To"] == "desk@example.org"]
    assert len(digest) == 1
    assert "Five serving and three former" in text_of(digest[0])
    assert send_due_digests(db, config, now=tomorrow_8am + timedelta(hours=1)) == 0
