"""The shared ?page=N walk (sources/pager.py) as the PIRC, PONI, CPS and IOPC sources use it."""

from __future__ import annotations

import pytest
import respx

from monitor.errors import ParseError
from sources.cps import CpsSource
from sources.iopc import IopcSource
from sources.pirc import LIVE, PircSource
from sources.poni import CURRENT, PoniSource
from tests.test_sources_discovery import Ctx, collect, site

PIRC = "https://pirc.scot"
CPS = "https://www.cps.gov.uk"
IOPC = "https://www.policeconduct.gov.uk"


def news(*slugs: str, onward: str | None = None, prefix: str = "/news/latest/") -> str:
    links = "".join(f'<a href="{prefix}{s}/">{s}</a>' for s in slugs)
    more = f'<a href="{onward}">Next</a>' if onward else ""
    return f"<main>{links}{more}</main>"


@respx.mock
async def test_pirc_numbers_pages_from_one_and_stops_where_the_pager_ends():
    site({
        f"{PIRC}/news/latest/": news("a", onward="/news/latest/?page=2"),
        f"{PIRC}/news/latest/?page=2": news("b"),  # no link to page 3: the last page
    })  # fmt: skip
    ctx = Ctx()
    source = PircSource("pirc", PircSource.Options(listings=["/news/latest/"], max_pages=5))
    refs = await collect(source, ctx)
    assert [r.external_id for r in refs] == ["/news/latest/a", "/news/latest/b"]
    assert ctx.requested == [f"{PIRC}/news/latest/", f"{PIRC}/news/latest/?page=2"]


@respx.mock
async def test_an_empty_news_listing_is_a_parse_error_naming_its_page():
    site({f"{PIRC}/news/latest/": "<main><p>Nothing here</p></main>"})
    source = PircSource("pirc", PircSource.Options(listings=["/news/latest/"]))
    with pytest.raises(ParseError, match="PIRC listing /news/latest/ parsed to no items") as e:
        await collect(source, Ctx())
    assert e.value.url == f"{PIRC}/news/latest/"


@respx.mock
async def test_a_live_or_current_list_may_be_empty():
    site({
        f"{PIRC}{LIVE}": "<main><p>No live investigations</p></main>",
        f"https://www.policeombudsman.org{CURRENT}": "<main><p>None open</p></main>",
    })  # fmt: skip
    assert await collect(PircSource("pirc", PircSource.Options(listings=[LIVE])), Ctx()) == []
    poni = PoniSource("poni", PoniSource.Options(listings=[CURRENT]))
    assert await collect(poni, Ctx()) == []


@respx.mock
async def test_cps_area_goes_before_the_page_number_on_every_page():
    first = news("pc-charged", "man-jailed", prefix="/cps/news/", onward="/news?area=3&page=1")
    site({
        f"{CPS}/news?area=3&page=0": first,
        f"{CPS}/news?area=3&page=1": news("officer-cleared", prefix="/cps/news/"),
    })  # fmt: skip
    ctx = Ctx()
    source = CpsSource("cps", CpsSource.Options(area=3, max_pages=2, title_pattern="pc|officer"))
    refs = await collect(source, ctx)
    assert [r.title for r in refs] == ["pc-charged", "officer-cleared"]  # the filter still applies
    assert ctx.requested == [f"{CPS}/news?area=3&page=0", f"{CPS}/news?area=3&page=1"]


@respx.mock
async def test_iopc_empty_listing_error_says_which_page():
    site({f"{IOPC}/news": "<main></main>"})
    with pytest.raises(ParseError, match="IOPC listing parsed to no items") as e:
        await collect(IopcSource("iopc", IopcSource.Options(listings=["/news"])), Ctx())
    assert e.value.url == f"{IOPC}/news"


@respx.mock
async def test_iopc_yields_a_story_listed_twice_once_and_a_second_listing_may_repeat_the_first():
    page = '<main><a href="/news/a-story">A</a></main>'
    site({f"{IOPC}/news": page, f"{IOPC}/our-work/learning": page})
    source = IopcSource("iopc", IopcSource.Options(listings=["/news", "/our-work/learning"]))
    refs = await collect(source, Ctx())
    assert [r.external_id for r in refs] == ["/news/a-story"]
