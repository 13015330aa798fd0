"""Turning an article page into a Document: the steps every source shares.

A page without a title or without body text is a parse failure, not an empty document: it
almost always means the site changed its layout, and saying so beats storing nothing quietly.
"""

from __future__ import annotations

from datetime import datetime

from selectolax.lexbor import LexborHTMLParser

from monitor.errors import ParseError
from monitor.models import Document, DocumentRef, Page
from sources import html
from sources.dates import Dated, local, read_date

DATE_META = ("article:published_time", "og:published_time", "datePublished", "dc.date", "date")


def published(tree: LexborHTMLParser, tz: str, *printed: str | None) -> Dated:
    """The date the page prints (first readable of `printed`), else meta tags, else <time>."""
    notes = []
    for text in printed:
        if text:
            dated = read_date(text, tz)
            if dated.value:
                return dated
            notes.append(dated.note)
    time = tree.css_first("time[datetime]")
    machine = html.meta(tree, *DATE_META) or (time.attributes.get("datetime") if time else None)
    if machine and (dated := read_date(machine, tz)).value:
        return dated
    return Dated(None, "relative" if "relative" in notes else "missing")


def head(
    tree: LexborHTMLParser, *furniture: str, within: tuple[str, ...] = ("main", "article")
) -> tuple[str | None, list[str]]:
    """The page's title (its h1, else og:title) and the visible lines of its first `within`
    region, less the lines matching a `furniture` pattern (share buttons, banners)."""
    title = html.first_text(tree, "h1") or html.meta(tree, "og:title")
    return title, html.strip_lines(html.lines(html.region(tree, *within)), *furniture)


def strptime(text: str | None, fmt: str, tz: str) -> Dated:
    """A date printed in a known strftime format, read in the source's zone."""
    try:
        return Dated(local(datetime.strptime(html.clean(text), fmt), tz))
    except ValueError:
        return read_date(text, tz)


def build(ref: DocumentRef, title: str | None, body: list[str], dated: Dated, **kw) -> Document:
    """A Document, or ParseError naming what is missing."""
    if not title:
        raise ParseError("no title found on the page; the layout may have changed", url=ref.url)
    body = body[1:] if body and body[0] == title else body  # the h1 is not body text
    if not body:
        raise ParseError("no body text found on the page; the layout may have changed", url=ref.url)
    return Document(
        title=title, text="\n".join(body), published_at=dated.value, date_note=dated.note, **kw
    )


def generic(
    ref: DocumentRef,
    page: Page,
    tz: str,
    title_selector: str | None = None,
    body_selector: str | None = None,
    date_selector: str | None = None,
    date_format: str | None = None,
    date_text: str | None = None,
    tree: LexborHTMLParser | None = None,
    body: list[str] | None = None,
    **kw,
) -> Document:
    """Parse with optional selectors, falling back to h1/og:title, main/article/body, meta dates.

    `date_text` is a date the caller already found (e.g. a labelled field); it comes first.
    `tree` is the page already parsed by the caller, so it is not parsed twice; `body` its
    body lines, if the caller already read them (html.read).
    """
    tree = tree or html.parse(page.text)
    title = (html.first_text(tree, title_selector) if title_selector else None) or html.title(tree)
    printed = date_text or (html.first_text(tree, date_selector) if date_selector else None)
    dated = strptime(printed, date_format, tz) if printed and date_format else None
    if not (dated and dated.value):
        dated = published(tree, tz, printed, ref.published_at and ref.published_at.isoformat())
    if body is None:
        body = html.lines(html.region(tree, *([body_selector] if body_selector else [])))
    return build(ref, title or ref.title, body, dated, **kw)
