"""`feed`: any RSS or Atom feed, configured in TOML, no code.

external_id is the entry's guid/id (sites keep it stable), else its link. With
fetch_articles = false the text comes from the feed entry itself and no article is fetched.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from html import escape

import feedparser
from pydantic import BaseModel, ConfigDict, model_validator

from monitor.errors import ParseError
from monitor.models import Document, DocumentRef, NotModified, Page
from sources import article, html, urls
from sources.base import SITE_TITLE, Source, SourceContext

XML = "application/xml"


class FeedOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: str | None = None
    urls: list[str] = []
    fetch_articles: bool = True
    hosts: list[str] = []  # extra hosts the articles live on, if not the feed's own

    @model_validator(mode="after")
    def _some_url(self) -> FeedOptions:
        if not self.all_urls:
            raise ValueError("set `url` or `urls` to at least one feed address")
        return self

    @property
    def all_urls(self) -> list[str]:
        return ([self.url] if self.url else []) + self.urls


class FeedSource(Source):
    id = "feed"
    name = "RSS/Atom feed"
    generic = True
    Options = FeedOptions
    listing_never_empty = False  # a quiet feed may really be empty

    @property
    def allowed_hosts(self) -> frozenset[str]:
        mine = {urls.host_entry(u) for u in self.options.all_urls} | set(self.options.hosts)
        return super().allowed_hosts | mine

    async def discover(self, ctx: SourceContext) -> AsyncIterator[DocumentRef]:
        for url in self.options.all_urls:
            page = await ctx.fetch(self.url(url), conditional=True)
            if isinstance(page, NotModified):
                continue
            # Off the event loop: a feed of 50,000 items takes seconds to parse, and other
            # sources' cycles must not wait for it.
            title, refs = await asyncio.to_thread(read, page)
            if title:
                ctx.state[SITE_TITLE] = title
            for ref in refs:
                yield ref

    async def document(self, ctx: SourceContext, ref: DocumentRef) -> Page | NotModified:
        if self.options.fetch_articles:
            return await ctx.fetch(ref.url, conditional=True)
        # The feed entry is the document: wrap its content so parse() reads it like a page.
        body = ref.extra.get("content") or ref.extra.get("summary") or ""
        text = f"<html><body><h1>{escape(ref.title or '')}</h1><main>{body}</main></body></html>"
        return Page(url=ref.url, status=200, content_type="text/html", text=text)

    def parse(self, ref: DocumentRef, page: Page) -> Document:
        return article.generic(ref, page, self.timezone, tags=tuple(ref.extra.get("tags", ())))


def entries(page: Page) -> list[DocumentRef]:
    """DocumentRefs for a feed's entries; ParseError if the text is not a feed at all."""
    return read(page)[1]


def read(page: Page) -> tuple[str | None, list[DocumentRef]]:
    """The feed's own title and its entries, from one parse; ParseError if it is no feed."""
    # A stream, never a str: feedparser would fetch a str that looks like a URL itself. The text
    # is already decoded, so the header's charset overrides the XML prolog's.
    feed = feedparser.parse(
        io.BytesIO(page.text.encode()), response_headers={"content-type": f"{XML}; charset=utf-8"}
    )
    title = html.clean(feed.feed.get("title")) or None
    if feed.bozo and not feed.entries and not feed.feed.get("title"):
        raise ParseError(f"not an RSS or Atom feed: {feed.get('bozo_exception')}", url=page.url)
    refs = []
    for entry in feed.entries:
        link = urls.join(page.url, entry.get("link") or "")  # None: malformed, skip the entry
        if not link or link == page.url:
            continue
        when = entry.get("published_parsed") or entry.get("updated_parsed")
        content = entry.get("content") or [{}]
        refs.append(
            DocumentRef(
                url=link,
                external_id=entry.get("id") or link,
                title=html.clean(entry.get("title")) or None,
                published_at=datetime(*when[:6], tzinfo=UTC) if when else None,
                extra={
                    "summary": entry.get("summary", ""),
                    "content": content[0].get("value", ""),
                    "tags": [t.get("term") for t in entry.get("tags", []) if t.get("term")],
                },
            )
        )
    return title, refs
