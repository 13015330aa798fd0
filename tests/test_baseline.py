"""The baseline is what the first listing showed; what appears after it is news (issue 20.5)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlmodel import Session, select

from monitor.app import build_sources, database
from monitor.config import load_config
from monitor.engine import Engine
from monitor.http.fetcher import Fetcher
from monitor.stages.reader import Classification
from monitor.store.tables import DocumentRow, Event, SourceState
from monitor.views import source_health

ARTICLE = "<html><body><main><h1>{title}</h1><p>{body}</p></main></body></html>"


class NewsSite:
    """A listing (newest first) of article links, and the articles."""

    def __init__(self, httpserver) -> None:  # type: ignore[no-untyped-def]
        self.server, self.items = httpserver, []
        httpserver.expect_request("/robots.txt").respond_with_data("")
        httpserver.expect_request("/news").respond_with_handler(self._listing)

    def publish(self, slug: str, title: str) -> None:
        self.items.insert(0, slug)
        body = f"The IOPC has begun an investigation into the death of {title}."
        self.server.expect_request(f"/news/{slug}").respond_with_data(
            ARTICLE.format(title=f"Investigation into the death of {title}", body=body),
            content_type="text/html",
        )

    def _listing(self, request):  # type: ignore[no-untyped-def]
        from werkzeug.wrappers import Response

        links = "".join(f'<li><a href="/news/{s}">{s}</a></li>' for s in self.items)
        return Response(f"<html><body><main><ul>{links}</ul></main></body></html>",
                        content_type="text/html")


def opened(title: str, text: str) -> Classification:
    return Classification("investigation_opened", "Investigation opened", text[:40])


def config_for(tmp_path: Path, base: str, per_cycle: int) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(f"""
[monitor]
database = "{tmp_path / 'monitor.db'}"
max_documents_per_cycle = {per_cycle}

[http]
contact = "tests@example.org"
min_delay_seconds = 0
retries = 0

[[sources]]
id = "news"
plugin = "listing"
options = {{ url = "{base}/news", item_selector = "li a" }}
""")
    return path


class Monitor:
    def __init__(self, config_path: Path) -> None:
        self.config = load_config(config_path)
        self.db = database(self.config)
        (self.cs,) = build_sources(self.config)
        self.now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)

    def cycle(self):  # type: ignore[no-untyped-def]
        async def go():  # type: ignore[no-untyped-def]
            async with Fetcher(self.config.http) as fetcher:
                engine = Engine(self.config, self.db, fetcher, classifier=opened,
                                enqueue=lambda *a, **k: None, clock=lambda: self.now)
                return await engine.run_source(self.cs.config, self.cs.source)

        report = asyncio.run(go())
        self.now += timedelta(minutes=30)
        return report

    def live_events(self) -> list[str]:
        with Session(self.db) as session:
            rows = session.exec(
                select(DocumentRow.title).join(Event, Event.document_id == DocumentRow.id)
                .where(Event.status == "live")
            ).all()
        return sorted(set(rows))


def test_news_published_while_a_big_first_listing_is_absorbed_is_alerted(tmp_path, httpserver):
    site = NewsSite(httpserver)
    for i in range(5):
        site.publish(f"old-{i}", f"Old Person {i}")
    monitor = Monitor(config_for(tmp_path, httpserver.url_for("").rstrip("/"), per_cycle=2))

    first = monitor.cycle()
    assert (first.baseline, first.new, first.deferred) == (True, 2, 3)
    assert first.progress is not None
    assert (first.progress["done"], first.progress["total"]) == (2, 5)

    site.publish("hugo-late", "Hugo Late")  # 30 minutes into the baseline
    second = monitor.cycle()

    assert second.new == 2  # the news first, then one more of the first listing
    assert monitor.live_events() == ["Investigation into the death of Hugo Late"]
    assert second.progress is not None and second.progress["done"] == 3

    monitor.cycle()
    last = monitor.cycle()
    assert last.progress is None and last.deferred == 0
    assert monitor.live_events() == ["Investigation into the death of Hugo Late"]  # none else
    with Session(monitor.db) as session:
        state = session.get(SourceState, "news")
        assert state is not None and state.baseline_done
        assert len(session.exec(select(DocumentRow)).all()) == 6


def test_sources_shows_how_far_a_baseline_has_got(tmp_path, httpserver):
    site = NewsSite(httpserver)
    for i in range(4):
        site.publish(f"old-{i}", f"Old Person {i}")
    monitor = Monitor(config_for(tmp_path, httpserver.url_for("").rstrip("/"), per_cycle=1))
    monitor.cycle()
    monitor.cycle()  # 2 of 4 after 30 minutes: 4 an hour, done in another 30 minutes

    (row,) = source_health(monitor.db, monitor.config)

    assert row["baseline"]["done"] == 2 and row["baseline"]["total"] == 4
    assert row["baseline"]["rate_per_hour"] == 4.0
    assert row["baseline"]["eta"].startswith("2026-12-01T10:00")
