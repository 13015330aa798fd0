"""A multi-case feed replayed day by day: each tracked case's followers get every announcement.

RECONSTRUCTED data, written for this test: the titles and texts below are modelled on the kind
of IOPC announcements made in these cases, not copied from any published page, and the dates
are arranged for the replay. The reading of each text is injected (the reader is retrained
elsewhere and its readings may shift), so the test checks what the alerts do with a reading,
including an uncertain one, not the reader. Everything else is the real code: engine, feed
source, store, outbox, apprise and a local SMTP server.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

from werkzeug import Response

from monitor.app import build_sources, database
from monitor.config import load_config
from monitor.engine import Engine
from monitor.http.fetcher import Fetcher
from monitor.stages.reader import Classification
from monitor.stages.vocabulary import label
from monitor.text import slug
from notifications.outbox import deliver_due
from tests.fakes import FakeTime
from tests.servers import text_of

DAY0 = datetime(2023, 11, 6, 9, 0, tzinfo=UTC)


def day(n: int) -> datetime:
    return DAY0 + timedelta(days=n)


# (appears on day, title, text, published) — RECONSTRUCTED
PORT_2019 = (0, "Stephen Port: outcome of IOPC investigation",
             "Officers will take part in reflective practice after our investigation into the "
             "Stephen Port murders.", datetime(2019, 8, 20, tzinfo=UTC))
BIANCA_NOTICE = (0, "Two officers face gross misconduct hearing over Bianca Williams stop",
                 "Two Met officers have a case to answer for gross misconduct over the stop of "
                 "Bianca Williams and Ricardo dos Santos.", day(0) - timedelta(days=30))
CHILD_Q_OPENED = (1, "IOPC investigates strip search of Child Q",
                  "We have started an investigation into the strip search of a schoolgirl, "
                  "known as Child Q, by Met officers.", day(1))
KENT = (1, "Kent officer dismissed after drink-driving",
        "A Kent Police constable has been dismissed after driving while over the limit.", day(1))
PORT_WEIGHS = (2, "IOPC weighs reopening Stephen Port investigation",
               "The IOPC is considering new information about the Stephen Port murders. No "
               "decision has yet been made on whether to reinvestigate.", day(2))
PORT_DECIDED = ("The IOPC has decided to reinvestigate the police response to the Stephen Port "
                "murders after considering new information.")
BIANCA_DISMISSED = (3, "Officers dismissed after Bianca Williams stop",
                    "Two officers were dismissed after a gross misconduct hearing found they lied "
                    "about the stop of Bianca Williams.", day(3))
PORT_STATEMENT = (3, "Statement on the Stephen Port inquest anniversary",
                  "Our thoughts remain with the families of the men Stephen Port murdered.",
                  day(3))
CHILD_Q_ANSWER = (4, "Child Q: officers to face disciplinary proceedings",
                  "In 2021, 17 officers gave accounts as witnesses. The IOPC has found a case to "
                  "answer for gross misconduct.", day(4))
ITEMS = [PORT_2019, BIANCA_NOTICE, CHILD_Q_OPENED, KENT, PORT_WEIGHS, BIANCA_DISMISSED,
         PORT_STATEMENT, CHILD_Q_ANSWER]
EDITED_ON, WITHDRAWN_ON = 4, 5  # PORT_WEIGHS is edited, PORT_STATEMENT withdrawn


def reading(title: str, text: str) -> Classification:
    """The injected reader: a fixed reading per announcement (the edit reads differently)."""
    def c(stage: str, evidence: str, **kw) -> Classification:
        return Classification(stage, label(stage, kw.get("severity")), evidence, **kw)

    if PORT_DECIDED in text:
        return c("reinvestigation", PORT_DECIDED, confidence=0.93, runner_up="referral")
    readings = {
        PORT_2019[1]: c("reflective_practice", PORT_2019[2]),
        BIANCA_NOTICE[1]: c("case_to_answer", BIANCA_NOTICE[2], officers=2,
                            severity="gross_misconduct"),
        CHILD_Q_OPENED[1]: c("investigation_opened", CHILD_Q_OPENED[2]),
        KENT[1]: c("outcome_dismissal", KENT[2], officers=1),
        PORT_WEIGHS[1]: c("reinvestigation", PORT_WEIGHS[2].split(". ")[1], confidence=0.41,
                          runner_up="not_a_case_update", uncertain=True),
        # Severity of the hearing, read from the same sentence: not a severity of a dismissal.
        BIANCA_DISMISSED[1]: c("outcome_dismissal", BIANCA_DISMISSED[2], officers=2,
                               severity="gross_misconduct"),
        PORT_STATEMENT[1]: c("not_a_case_update", None),
        # The reader counted the 2021 witnesses; the sentence it quotes names no officers.
        CHILD_Q_ANSWER[1]: c("case_to_answer", "The IOPC has found a case to answer for gross "
                             "misconduct.", officers=17, severity="gross_misconduct"),
    }
    return readings.get(title, c("not_a_case_update", None))


class Site:
    """The feed and its articles as they stand on the replay's current day."""

    def __init__(self, server) -> None:
        self.base = server.url_for("").rstrip("/")
        self.today = 0
        server.expect_request("/robots.txt").respond_with_data("User-agent: *\nAllow: /\n")
        server.expect_request("/feed.xml").respond_with_handler(self.feed)
        for item in ITEMS:
            server.expect_request(f"/news/{slug(item[1])}").respond_with_handler(
                lambda _request, item=item: self.article(item)
            )

    def live(self) -> list[tuple]:
        return [i for i in ITEMS if i[0] <= self.today
                and not (i is PORT_STATEMENT and self.today >= WITHDRAWN_ON)]

    def feed(self, _request) -> Response:
        entries = "".join(
            f"<item><title>{t}</title><link>{self.base}/news/{slug(t)}</link>"
            f"<guid>{self.base}/news/{slug(t)}</guid><pubDate>{format_datetime(when)}</pubDate>"
            f"<description>{text}</description></item>"
            for _, t, text, when in self.live()
        )
        body = ('<?xml version="1.0"?><!-- RECONSTRUCTED test feed -->'
                f'<rss version="2.0"><channel><title>IOPC news (replay)</title>'
                f"<link>{self.base}</link>{entries}</channel></rss>")
        return Response(body, content_type="application/rss+xml")

    def article(self, item: tuple) -> Response:
        if item not in self.live():
            return Response("gone", status=410)
        _, title, text, when = item
        if item is PORT_WEIGHS and self.today >= EDITED_ON:
            text = PORT_DECIDED
        return Response(
            f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
            f'<time datetime="{when.isoformat()}">{when:%d %B %Y}</time><p>{text}</p>'
            "</article></body></html>",
            content_type="text/html",
        )


def test_each_tracked_case_gets_its_alert_sequence(tmp_path, httpserver, smtp):
    controller, sink = smtp
    site = Site(httpserver)
    path = tmp_path / "config.toml"
    path.write_text(f"""
[monitor]
database = "m.db"
operator_contact = "Jo Bloggs, oversight@example.org"
[http]
min_delay_seconds = 0
retries = 0
[web]
public_url = "https://monitor.example.org"
[[sources]]
id = "iopc-feed"
plugin = "feed"
options = {{ url = "{site.base}/feed.xml", fetch_articles = true }}
[[cases]]
name = "Stephen Port"
[[cases]]
name = "Child Q"
[[cases]]
name = "Bianca Williams"
[[subscribers]]
name = "followers"
urls = ["mailto://127.0.0.1:{controller.port}?from=monitor@example.org&to=f@example.org"]
cases = ["Stephen Port", "Child Q", "Bianca Williams"]
""")
    config = load_config(path)
    db = database(config)
    fake = FakeTime()

    async def cycle(n: int) -> None:
        site.today = n
        async with Fetcher(config.http, sleep=fake.sleep, clock=fake.clock) as fetcher:
            engine = Engine(config, db, fetcher, classifier=reading, clock=lambda: day(n))
            for configured in build_sources(config):
                report = await engine.run_source(configured.config, configured.source)
                assert report.ok and not report.held, report

    received: dict[int, list] = {}
    for n in range(7):
        asyncio.run(cycle(n))
        before = len(sink.messages)
        deliver_due(db, config, now=day(n))
        received[n] = sink.messages[before:]

    def subjects(case: str) -> list[tuple[int, str]]:
        return [(n, str(m["Subject"])) for n, ms in received.items() for m in ms
                if case in str(m["Subject"])]

    assert received[0] == []  # the first day is a silent baseline
    port = subjects("Stephen Port")
    assert [n for n, _ in port] == [2, 3, 4, 5]
    assert port[0][1] == "Stephen Port: re-investigation (uncertain reading)"
    assert port[1][1] == "New announcement about Stephen Port"
    assert port[2][1] == "New announcement about Stephen Port"  # the edit
    assert port[3][1] == "Stephen Port: announcement removed from the source's website"
    child_q = subjects("Child Q")
    assert [n for n, _ in child_q] == [1, 4]
    assert "investigation opened" in child_q[0][1]
    assert child_q[1][1] == "Child Q: case to answer for gross misconduct"  # no "(17 officers)"
    assert subjects("Bianca Williams") == [(3, "Bianca Williams: officer dismissed (2 officers)")]
    assert not any("Kent" in str(m["Subject"]) for ms in received.values() for m in ms)

    by_subject = {str(m["Subject"]): text_of(m) for ms in received.values() for m in ms}
    weighs = by_subject["Stephen Port: re-investigation (uncertain reading)"]
    assert ("Uncertain: reads as re-investigation, possibly not a case update — check the "
            "quote.") in weighs
    assert '> "No decision has yet been made on whether to reinvestigate."' in weighs
    dismissed = by_subject["Bianca Williams: officer dismissed (2 officers)"]
    assert "Before: Officers have a case to answer for gross misconduct" in dismissed
    assert "Officers: 2 officers\r\n" in dismissed  # not "(gross misconduct)" beside a dismissal
    assert "Published by: IOPC news (replay)" in dismissed
    assert "write to Jo Bloggs, oversight@example.org, who runs this monitor" in dismissed
    assert "The case's history: https://monitor.example.org/cases/" in dismissed
    answer = by_subject["Child Q: case to answer for gross misconduct"]
    assert "17" not in answer and "Officers: not stated (gross misconduct)" in answer
    edited = [text_of(m) for m in received[4] if "Stephen Port" in str(m["Subject"])][0]
    assert "(edited)" in edited and PORT_DECIDED in edited
    assert received[6] == []  # a quiet day sends nothing
