"""Discovery against mocked sites: feeds, cursors, pagers, conditional GET, empty listings."""

from __future__ import annotations

import httpx
import pytest
import respx

from monitor.errors import Blocked, HttpStatusError, ParseError
from monitor.models import NotModified, Page
from sources.base import SourceContext
from sources.feed import FeedSource
from sources.iopc import IopcSource
from sources.met import MetSource
from sources.page import PageSource
from sources.policeuk import PoliceUkSource

MET = "https://news.met.police.uk"
IOPC = "https://www.policeconduct.gov.uk"


class Ctx(SourceContext):
    """A context whose fetch is a bare conditional GET over httpx (respx intercepts it)."""

    def __init__(self, state: dict | None = None) -> None:
        self.etags: dict[str, str] = {}
        self.requested: list[str] = []
        super().__init__(fetch=self._fetch, state=state if state is not None else {})

    async def _fetch(self, url: str, conditional: bool = True) -> Page | NotModified:
        self.requested.append(url)
        headers = {"If-None-Match": self.etags[url]} if conditional and url in self.etags else {}
        async with httpx.AsyncClient() as client:
            response = await client.get(url, headers=headers)
        if response.status_code == 304:
            return NotModified(url)
        if response.status_code >= 400:  # typed, as the real fetcher does
            raise HttpStatusError(
                f"HTTP {response.status_code}", url=url, status=response.status_code
            )
        if etag := response.headers.get("etag"):
            self.etags[url] = etag
        kind = response.headers.get("content-type", "text/html").split(";")[0]
        return Page(str(response.url), response.status_code, kind, response.text)


def site(pages: dict[str, str]) -> None:
    """Serve exact URLs (query included) from a dict; anything else is a 404."""

    def answer(request: httpx.Request) -> httpx.Response:
        body = pages.get(str(request.url))
        return httpx.Response(200, text=body) if body is not None else httpx.Response(404)

    respx.route().mock(side_effect=answer)


async def collect(source, ctx) -> list:
    return [ref async for ref in source.discover(ctx)]


def met(**options) -> MetSource:
    return MetSource("met", MetSource.Options(**options))


def rss(*ids: int) -> str:
    items = "".join(
        f"<item><title>Item {i}</title><link>{MET}/news/item-{i}</link>"
        f"<guid>{MET}/news/item-{i}</guid><pubDate>Thu, 16 Nov 2023 10:00:00 GMT</pubDate></item>"
        for i in ids
    )
    channel = f"<channel><title>Met</title>{items}</channel>"
    return f'<?xml version="1.0"?><rss version="2.0">{channel}</rss>'


def listing(ids: list[int], after: str | None) -> str:
    links = "".join(
        f'<li><a href="/news/story-number-{i}-{i}">Story number {i}</a></li>' for i in ids
    )
    more = f'<a href="/latest_news?after={after}">Show more</a>' if after else ""
    return f"<html><body><main><h1>News archive</h1><ul>{links}</ul>{more}</main></body></html>"


@respx.mock
async def test_met_rss_items_become_refs_keyed_on_the_numeric_id():
    site({f"{MET}/rss/current_news/66871": rss(512901, 512902)})
    refs = await collect(met(), Ctx())
    assert [r.external_id for r in refs] == ["512901", "512902"]
    assert refs[0].published_at.isoformat() == "2023-11-16T10:00:00+00:00"


@respx.mock
async def test_met_falls_back_to_the_listing_when_the_feed_fails():
    site({f"{MET}/latest_news": listing([7, 8], None)})  # the feed URL answers 404
    refs = await collect(met(), Ctx())
    assert [r.external_id for r in refs] == ["7", "8"]


FIRST, SECOND = "1700000000000_28--News", "1690000000000_26--News"  # epoch-ms_id--type cursors


@respx.mock
async def test_met_backfill_follows_the_cursor_across_pages_and_saves_it():
    site({
        f"{MET}/rss/current_news/66871": rss(30),
        f"{MET}/latest_news": listing([30, 29, 28], FIRST),
        f"{MET}/latest_news?after={FIRST}": listing([27, 26], SECOND),
        f"{MET}/latest_news?after={SECOND}": listing([25], None),
    })  # fmt: skip
    ctx = Ctx()
    refs = await collect(met(backfill=True, listing_pages=2), ctx)
    assert [r.external_id for r in refs] == ["30", "29", "28", "27", "26"]  # 30 only once
    assert ctx.state == {"after": SECOND, "backfill_done": False}

    later = Ctx(state=dict(ctx.state))  # the next cycle resumes where this one stopped
    refs = await collect(met(backfill=True, listing_pages=2), later)
    assert [r.external_id for r in refs] == ["30", "25"]
    assert later.state["backfill_done"] is True
    assert f"{MET}/latest_news" not in later.requested


@respx.mock
async def test_met_listing_with_no_articles_is_a_parse_error():
    site({f"{MET}/latest_news": "<html><body><main><p>Nothing</p></main></body></html>"})
    with pytest.raises(ParseError, match="no items"):
        await collect(met(rss_path=None), Ctx())


@respx.mock
async def test_unchanged_listing_answering_304_yields_nothing():
    page = '<html><body><main><a href="/news/port-update">Port update</a></main></body></html>'

    def answer(request: httpx.Request) -> httpx.Response:
        if request.headers.get("if-none-match") == '"v1"':
            return httpx.Response(304)
        return httpx.Response(200, text=page, headers={"ETag": '"v1"'})

    respx.get(f"{IOPC}/news").mock(side_effect=answer)
    source, ctx = IopcSource("iopc", IopcSource.Options(listings=["/news"])), Ctx()
    assert len(await collect(source, ctx)) == 1
    assert await collect(source, ctx) == []


@respx.mock
async def test_iopc_follows_the_drupal_pager_up_to_max_pages():
    first = '<main><a href="/news/a-story">A</a><a href="/news?page=1">Next</a></main>'
    second = '<main><a href="/news/b-story">B</a><a href="/news?page=2">Next</a></main>'
    site({f"{IOPC}/news": first, f"{IOPC}/news?page=1": second})
    source = IopcSource("iopc", IopcSource.Options(listings=["/news"], max_pages=2))
    ctx = Ctx()
    refs = await collect(source, ctx)
    assert [r.external_id for r in refs] == ["/news/a-story", "/news/b-story"]
    assert ctx.requested == [f"{IOPC}/news", f"{IOPC}/news?page=1"]  # not page 2: max_pages


@respx.mock
async def test_iopc_canonicalises_legacy_hosts_onto_an_overridden_root():
    local = "http://127.0.0.1:8099"
    page = '<main><a href="https://www.ipcc.gov.uk/news/old-story">Old</a></main>'
    site({f"{local}/news": page})
    source = IopcSource("iopc", IopcSource.Options(listings=["/news"]), base_url=local)
    refs = await collect(source, Ctx())
    assert [r.url for r in refs] == [f"{local}/news/old-story"]


@respx.mock
async def test_iopc_listing_that_lost_its_items_is_a_parse_error():
    site({f"{IOPC}/news": "<body><nav><a href='/news/x'>x</a></nav><main></main></body>"})
    with pytest.raises(ParseError, match="layout may have changed"):
        await collect(IopcSource("iopc", IopcSource.Options(listings=["/news"])), Ctx())


@respx.mock
async def test_policeuk_kent_and_leics_read_their_own_listing_paths():
    site({
        "https://www.kent.police.uk/news/kent/latest/":
            '<main><a href="/news/kent/news/2024/may/kent-story/">K</a></main>',
        "https://www.leics.police.uk/news/leicestershire/news/":
            '<main><a href="/news/leicestershire/news/2024/may/leics-story/">L</a></main>',
    })  # fmt: skip
    for force, expected in (("kent", "kent-story"), ("leics", "leics-story")):
        source = PoliceUkSource(force, PoliceUkSource.Options(force=force))
        refs = await collect(source, Ctx())
        assert [r.url.rstrip("/").rsplit("/", 1)[-1] for r in refs] == [expected]
        assert source.allowed_hosts >= {f"www.{force}.police.uk", f"{force}.police.uk"}


@respx.mock
async def test_policeuk_lists_misconduct_notices_and_tolerates_none_due():
    mis = "/advice/advice-and-information/mis/misconduct-hearings/upcoming/"
    news = '<main><a href="/news/kent/news/2024/may/a/">A</a></main>'
    site({
        "https://www.kent.police.uk/news/kent/latest/": news,
        f"https://www.kent.police.uk{mis}": f'<main><a href="{mis}pc-smith/">PC Smith</a></main>',
    })  # fmt: skip
    options = PoliceUkSource.Options(force="kent", misconduct_url=mis)
    refs = await collect(PoliceUkSource("kent", options), Ctx())
    assert [r.extra.get("kind") for r in refs] == [None, "misconduct"]

    site(
        {
            "https://www.kent.police.uk/news/kent/latest/": news,
            f"https://www.kent.police.uk{mis}": "<main></main>",
        }
    )
    assert len(await collect(PoliceUkSource("kent", options), Ctx())) == 1


async def test_page_source_reads_urls_from_a_file_skipping_comments_and_repeats(tmp_path):
    listed = tmp_path / "cases.txt"
    listed.write_text(
        "# cases we follow\nhttps://Ombudsman.example/cases/1#top\n\n"
        "https://ombudsman.example/cases/2  # second\nhttps://ombudsman.example/cases/1\n"
    )
    source = PageSource("cases", PageSource.Options(urls_file=str(listed)))
    refs = await collect(source, Ctx())
    assert [r.external_id for r in refs] == [
        "https://ombudsman.example/cases/1",
        "https://ombudsman.example/cases/2",
    ]
    assert "ombudsman.example" in source.allowed_hosts


@respx.mock
async def test_feed_without_article_fetching_parses_the_entry_itself():
    entry = "<p>The officer was dismissed without notice.</p>"
    site({"https://body.example/feed": (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>B</title><item>'
        "<title>Officer dismissed</title><link>https://body.example/news/1</link>"
        f"<description><![CDATA[{entry}]]></description></item></channel></rss>"
    )})  # fmt: skip
    source = FeedSource(
        "body", FeedSource.Options(url="https://body.example/feed", fetch_articles=False)
    )
    ctx = Ctx()
    [ref] = await collect(source, ctx)
    document = source.parse(ref, await source.document(ctx, ref))
    assert (document.title, document.text) == (
        "Officer dismissed",
        "The officer was dismissed without notice.",
    )
    assert ctx.requested == ["https://body.example/feed"]  # the article itself was never fetched


def test_a_bot_challenge_page_is_reported_as_blocked_not_parsed():
    page = Page(
        f"{MET}/news/x-1",
        200,
        "text/html",
        "<html><head><title>Just a moment...</title></head></html>",
    )
    with pytest.raises(Blocked):
        met().parse(None, page)
