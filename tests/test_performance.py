"""What keeps a quiet cycle cheap and a first run bounded: checked by behaviour, not by timing."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from werkzeug.wrappers import Request, Response

from tests.servers import CASE_PAGE

REPO = Path(__file__).resolve().parent.parent


class EtagSite:
    """Case pages with strong ETags that answer 304 to a matching If-None-Match."""

    def __init__(self, httpserver) -> None:  # type: ignore[no-untyped-def]
        self.server, self.pages = httpserver, {}
        self.answers_304 = True  # False: a site that ignores validators (200 every time)
        self.statuses: list[int] = []
        httpserver.expect_request("/robots.txt").respond_with_data("User-agent: *\nAllow: /\n")
        httpserver.no_handler_status_code = 404

    def add(self, slug: str, status: str) -> str:
        self.pages[slug] = status
        self.server.expect_request(f"/case/{slug}").respond_with_handler(self._handle)
        return self.server.url_for(f"/case/{slug}")

    def _handle(self, request: Request) -> Response:
        slug = request.path.rsplit("/", 1)[-1]
        html = CASE_PAGE.format(
            clock="10:00", title=f"Investigation {slug}", status=self.pages[slug],
            force="Kent Police", reference=f"2024/{slug}", body="An investigation continues.",
        )
        etag = '"' + hashlib.sha256(html.encode()).hexdigest()[:16] + '"'
        matches = request.headers.get("If-None-Match") == etag
        code = 304 if matches and self.answers_304 else 200
        self.statuses.append(code)
        return Response(
            "" if code == 304 else html, status=code, headers={"ETag": etag},
            content_type="text/html; charset=utf-8",
        )


def write_config(tmp_path: Path, urls: list[str]) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(f"""
[monitor]
database = "{tmp_path / 'monitor.db'}"

[http]
contact = "tests@example.org"
min_delay_seconds = 0
retries = 0

[[sources]]
id = "cases"
plugin = "page"
options = {{ urls = {json.dumps(urls)} }}
""")
    return path


CHECK_AND_LIST_IMPORTS = """
import asyncio, json, sys
from pathlib import Path
from monitor.checking import run_check
reports = asyncio.run(run_check(Path(sys.argv[1]), None, dry_run=False))
heavy = ("numpy", "apprise", "jinja2", "alembic", "monitor.stages.reader", "notifications.outbox",
         "sources.feed", "feedparser", "multiprocessing", "monitor.stages.forces",
         "monitor.recorder", "monitor.cases.linking")
print(json.dumps({"imported": [m for m in heavy if m in sys.modules],
                  "not_modified": reports[0].not_modified, "fetched": reports[0].fetched,
                  "events": len(reports[0].events)}))
"""


def check_in_subprocess(config: Path) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", CHECK_AND_LIST_IMPORTS, str(config)],
        capture_output=True, text=True, cwd=REPO, timeout=120, check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.fixture
def etag_site(httpserver):  # type: ignore[no-untyped-def]
    return EtagSite(httpserver)


def test_a_quiet_check_imports_neither_the_reader_nor_the_outbox(tmp_path, etag_site):
    config = write_config(tmp_path, [etag_site.add(s, "Investigation ongoing") for s in "abc"])
    first = check_in_subprocess(config)
    assert first["fetched"] == 3 and "monitor.stages.reader" in first["imported"]

    quiet = check_in_subprocess(config)

    assert quiet["not_modified"] == 3
    # No numpy/model, no apprise/jinja2, no alembic; no other plugin (feedparser), no worker
    # process machinery, no force list (there are no subscribers to check it for); nothing was
    # recorded, so not the recorder either.
    assert quiet["imported"] == []


def test_a_page_answered_afresh_but_unchanged_does_not_load_the_reader(tmp_path, etag_site):
    # A site that ignores validators answers 200 every time: each page is parsed and hashed,
    # but the reader (numpy, the model) is loaded only for a page whose content changed.
    config = write_config(tmp_path, [etag_site.add(s, "Investigation ongoing") for s in "ab"])
    check_in_subprocess(config)
    etag_site.answers_304 = False

    again = check_in_subprocess(config)

    assert again["fetched"] == 2 and again["not_modified"] == 0 and again["events"] == 0
    assert "numpy" not in again["imported"] and "monitor.stages.reader" not in again["imported"]


def test_a_change_with_no_channel_to_send_to_loads_neither_apprise_nor_jinja2(tmp_path, etag_site):
    # The events of a change are written to the outbox in their transaction; rendering and
    # sending (jinja2, apprise) are only needed when a delivery is due.
    config = write_config(tmp_path, [etag_site.add("a", "Investigation ongoing")])
    check_in_subprocess(config)
    etag_site.pages["a"] = "Two officers were dismissed without notice at a misconduct hearing"

    changed = check_in_subprocess(config)

    assert changed["events"] >= 1 and "notifications.outbox" in changed["imported"]
    assert "apprise" not in changed["imported"] and "jinja2" not in changed["imported"]


def test_the_page_hash_ignores_clocks_however_the_colons_fall():
    from monitor.text import content_hash

    def digest(text: str) -> str:
        return content_hash("Title", text, {"Status": "Open"})

    assert digest("Update 0: rendered at 10:45 GMT.") == digest("Update 0: rendered at 9:02 GMT.")
    generated = "Status: open. Page generated at "
    assert digest(generated + "11:59:59") == digest(generated + "1:05")
    assert digest("Update 0: open") != digest("Update 1: open")  # no clock: every digit counts
    assert digest("Ratio 3:2 today") != digest("Ratio 3:4 today")  # one digit after: no clock


def run_once(config_path: Path, **engine_options):  # type: ignore[no-untyped-def]
    import asyncio

    from monitor.app import build_sources, database
    from monitor.config import load_config
    from monitor.engine import Engine
    from monitor.http.fetcher import Fetcher

    config = load_config(config_path)
    db = database(config)
    (cs,) = build_sources(config)

    async def go():  # type: ignore[no-untyped-def]
        async with Fetcher(config.http) as fetcher:
            engine = Engine(config, db, fetcher, enqueue=lambda *a, **k: None, **engine_options)
            return await engine.run_source(cs.config, cs.source)

    return asyncio.run(go()), db


def recorded(db) -> list[tuple]:  # type: ignore[no-untyped-def]
    from sqlmodel import Session, select

    from monitor.store.tables import Case, DocumentRow, HttpValidator, StageUpdate

    with Session(db) as session:
        docs = session.exec(select(DocumentRow.url, DocumentRow.content_hash)).all()
        stages = session.exec(select(StageUpdate.stage, StageUpdate.reported_status)).all()
        cases = session.exec(select(Case.key, Case.stage, Case.reported_status)).all()
        validators = session.exec(select(HttpValidator.url)).all()
    return [sorted(docs), sorted(stages), sorted(cases), sorted(validators)]


def test_a_first_run_read_in_a_worker_and_written_in_batches_records_what_one_by_one_does(
    tmp_path, etag_site, monkeypatch
):
    import monitor.engine

    monkeypatch.setattr(monitor.engine, "BATCH", 2)  # three batches of five pages
    urls = [etag_site.add(f"p{i}", s) for i, s in enumerate(
        ["Investigation ongoing", "Referred to CPS", "Closed", "Report published", "Closed"])]
    results = {}
    for workers in (0, 1):
        home = tmp_path / f"w{workers}"
        home.mkdir()
        report, db = run_once(write_config(home, urls), workers=workers)
        assert (report.baseline, report.new, report.errors) == (True, 5, [])
        results[workers] = recorded(db)

    assert results[1] == results[0]
    assert len(results[1][0]) == 5 and len(results[1][3]) == 5  # documents, validators


def test_a_big_feed_is_parsed_off_the_event_loop():
    import asyncio
    import time

    from monitor.models import Page
    from sources.base import SourceContext
    from sources.feed import FeedOptions, FeedSource

    items = "".join(
        f"<item><title>Item {i}</title><link>https://example.org/n/{i}</link>"
        f"<guid>n{i}</guid><description>Words {i}</description></item>" for i in range(3000)
    )
    feed = f'<rss version="2.0"><channel><title>Big</title>{items}</channel></rss>'
    source = FeedSource("big", FeedOptions(url="https://example.org/feed"))

    async def fetch(url: str, conditional: bool = True) -> Page:
        return Page(url=url, status=200, content_type="application/rss+xml", text=feed)

    async def main() -> tuple[int, float, int]:
        ticks = 0

        async def ticker() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.005)
                ticks += 1

        task = asyncio.create_task(ticker())
        await asyncio.sleep(0)
        start = time.perf_counter()
        refs = [r async for r in source.discover(SourceContext(fetch=fetch))]
        took = time.perf_counter() - start
        task.cancel()
        return len(refs), took, ticks

    count, took, ticks = asyncio.run(main())
    assert count == 3000
    # On the loop the parse would allow one tick at most; off it, the ticker shares the GIL with
    # the parsing thread (one switch per 5 ms), so it gets a fraction of the ticks, less on a
    # loaded machine.
    assert ticks >= max(3, int(took / 0.005 / 10))
