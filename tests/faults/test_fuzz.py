"""Property tests: every parser, given anything, returns a typed result or raises a typed error.

The seeds are the example pages under tests/sources/, mutated (cut, spliced, garbled), plus
arbitrary text. "Typed" means a FetchError subclass (ParseError, Blocked…); anything else would
be a crash the engine has to paper over. Example counts are modest to keep the suite fast;
raise them with HYPOTHESIS_PROFILE=deep.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitor.errors import FetchError
from monitor.models import Document, DocumentRef, Page
from monitor.stages.reader import Classification, classify
from sources import feed, fixtures, html
from sources.dates import Dated, read_date

settings.register_profile(
    "faults",
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile("deep", parent=settings.get_profile("faults"), max_examples=1000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "faults"))

CASES = fixtures.find(Path(__file__).parent.parent / "sources")
TAGS = ["<div>", "</div>", "<h1>", "</h1>", "<main>", "</main>", "<p>", "<!--", "-->",
        "<script>", "</body>", "<html>", "<dt>Status</dt><dd>", "<title>Just a moment...</title>",
        "\x00", "&", "&#0;", "&nbsp;", "<![CDATA[", "]]>", "<item>", "</item>", "<link>",
        "<entry>"]  # fmt: skip
NASTY = st.text(st.characters(codec="utf-8"), max_size=200) | st.sampled_from(TAGS)


@st.composite
def mutated(draw: st.DrawFn, seed: str) -> str:
    """The seed page cut, with slices dropped, and junk or tags spliced in."""
    text = seed
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["cut", "drop", "insert", "swap"]))
        if action == "cut":
            text = text[:at]
        elif action == "drop":
            text = text[:at] + text[at + draw(st.integers(1, 2000)) :]
        elif action == "insert":
            text = text[:at] + draw(NASTY) + text[at:]
        else:
            text = text[:at] + text[at:].replace("<", draw(st.sampled_from(["", "&lt;", "<<"])), 5)
    return text


def run_fixture(case: fixtures.Fixture, text: str) -> object:
    """Run the fixture's plugin on `text` the way the fixture test does."""
    cls, spec = fixtures.plugin_class(case.plugin), case.spec
    source = cls(
        spec.get("instance", case.plugin),
        cls.Options(**spec.get("options", {})),
        spec.get("base_url"),
    )
    page = Page(spec["url"], 200, fixtures.TYPES[case.page.suffix], text)
    if "refs" in spec:

        async def fetch(url: str, conditional: bool = True) -> Page:
            return page

        async def discover() -> list[DocumentRef]:
            ctx = fixtures.SourceContext(fetch=fetch, state={})
            return [ref async for ref in source.discover(ctx)]

        return asyncio.run(discover())
    return source.parse(DocumentRef(url=page.url, external_id=page.url), page)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_every_parser_survives_mutated_pages(case: fixtures.Fixture) -> None:
    seed = case.page.read_text("utf-8")

    @given(mutated(seed))
    def check(text: str) -> None:
        try:
            result = run_fixture(case, text)
        except FetchError:
            return  # typed: a parse failure or a challenge page
        assert isinstance(result, Document | list)

    check()


BROKEN_LINKS = ["https://[news.example/x", "http://example.org:99999/a", "http://[::1/", "//[x"]


@pytest.mark.parametrize("case", [c for c in CASES if "refs" in c.spec], ids=lambda c: c.name)
def test_malformed_links_are_skipped_not_fatal(case: fixtures.Fixture) -> None:
    """Found by the deep profile: one `https://[host` link used to sink the whole listing."""
    text = case.page.read_text("utf-8")
    for bad in BROKEN_LINKS:
        junk = f'<li class="news-item"><a href="{bad}">x</a></li><item><link>{bad}</link></item>'
        for end in ("</ul>", "</channel>", "</main>"):
            text = text.replace(end, junk + end, 1)
    assert run_fixture(case, text) == run_fixture(case, case.page.read_text("utf-8"))


@given(st.text(max_size=3000) | st.binary(max_size=2000).map(lambda b: b.decode("latin-1")))
def test_feed_parser_accepts_anything(text: str) -> None:
    page = Page("https://example.org/feed", 200, "application/rss+xml", text)
    try:
        refs = feed.entries(page)
    except FetchError:
        return
    assert all(isinstance(r, DocumentRef) for r in refs)


@pytest.mark.parametrize("seed", [c for c in CASES if c.plugin in ("feed", "met") and
                                  c.page.suffix == ".xml"], ids=lambda c: c.name)  # fmt: skip
def test_feed_parser_survives_mutated_feeds(seed: fixtures.Fixture) -> None:
    @given(mutated(seed.page.read_text("utf-8")))
    def check(text: str) -> None:
        try:
            feed.entries(Page("https://example.org/feed", 200, "application/xml", text))
        except FetchError:
            pass

    check()


@given(st.text(max_size=300), st.sampled_from(["Europe/London", "UTC", "America/Chicago"]))
def test_dates_never_raise(text: str, tz: str) -> None:
    found = read_date(text, tz)
    assert isinstance(found, Dated)
    assert found.value is None or found.value.tzinfo is not None


@given(
    st.from_regex(
        r"(\d{1,2}[:.]\d{2} )?\d{1,3}[/ ](\d{1,2}|[A-Z][a-z]{2,8})[/ ,]{1,2}\d{1,5}( GMT| BST)?",
        fullmatch=True,
    )
)
def test_date_shaped_text_never_raises(text: str) -> None:
    assert isinstance(read_date(text), Dated)


@given(st.text(max_size=2000) | st.lists(NASTY, max_size=40).map("".join))
def test_html_readers_never_raise(text: str) -> None:
    try:
        tree = html.parse(text)
    except FetchError:
        return  # a challenge page
    assert isinstance(html.fields(tree), dict)
    assert isinstance(html.lines(tree.body) if tree.body else [], list)
    assert isinstance(html.json_ld(tree, "NewsArticle"), list)
    html.links(tree, "https://example.org/")
    html.first_text(tree, "h1", "main")


@given(st.text(max_size=200), st.text(max_size=3000))
def test_classifier_accepts_any_text(title: str, text: str) -> None:
    assert isinstance(classify(title, text), Classification)


WORDS = ["IOPC", "officer", "officers", "gross", "misconduct", "hearing", "investigation",
         "charged", "no case to answer", "will", "not", "in 2019", "dismissed", "PC", "sergeant",
         "re-investigation", "Metropolitan Police", "three", "12", ".", ",", "\n", "“",
         "”"]  # fmt: skip


@given(st.lists(st.sampled_from(WORDS), max_size=120).map(" ".join))
def test_classifier_accepts_word_salad_from_its_own_vocabulary(text: str) -> None:
    result = classify(text[:80], text)
    assert isinstance(result, Classification) and isinstance(result.stage, str)
