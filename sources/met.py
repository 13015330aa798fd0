"""`met`: the Metropolitan Police newsroom (Mynewsdesk, news.met.police.uk).

New items come from the RSS feed, fetched through ctx so conditional GET applies. The HTML
listing is the fallback when the feed fails, and the archive is walked backwards through its
keyset cursor ("Show more" → ?after=...) a few pages per cycle when backfill is on.
"""

from __future__ import annotations

import asyncio
import dataclasses
import re
from collections.abc import AsyncIterator
from datetime import timedelta
from functools import partial
from urllib.parse import parse_qs, quote, urlsplit

from pydantic import BaseModel, ConfigDict, Field

from monitor.errors import Blocked, FetchError, ParseError
from monitor.models import Document, DocumentRef, NotModified, Page
from sources import article, feed, html, urls
from sources.base import Source, SourceContext
from sources.dates import read_date

LISTING = "/latest_news"
ARTICLE = re.compile(r"^/(?:news|pressreleases)/(?!tag/)[^/]+-(\d+)/?$")
TAGS = 'a[href*="/tag/"]'
STAMP = re.compile(r"•|\b(?:GMT|BST)\b")
FOOTER = (r"^Media enquiries only", r"press\.bureau@met\.police\.uk", r"^Show more$")


class MetOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    rss_path: str | None = "/rss/current_news/66871"  # "" or None: the HTML listing instead
    backfill: bool = False  # walk the archive back through /latest_news?after=...
    listing_pages: int = Field(1, ge=1)  # archive pages per cycle while backfilling


class MetSource(Source):
    id = "met"
    name = "Metropolitan Police Service newsroom"
    hosts = ("news.met.police.uk",)
    base_url = "https://news.met.police.uk"
    default_interval = timedelta(minutes=15)
    Options = MetOptions
    force = "Metropolitan Police Service"

    async def discover(self, ctx: SourceContext) -> AsyncIterator[DocumentRef]:
        refs = await self.from_feed(ctx) if self.options.rss_path else None
        if refs is None:  # no feed configured, or it failed: the first listing page instead
            refs, _ = await self.listing(ctx, None, conditional=True)
        seen = {r.external_id for r in refs}
        for ref in refs:
            yield ref
        cursor = ctx.state.get("after")
        for _ in range(self.options.listing_pages if self.options.backfill else 0):
            if ctx.state.get("backfill_done"):
                break
            # Unconditional: a 304 would hide the "Show more" cursor needed to go on.
            found, cursor = await self.listing(ctx, cursor, conditional=False)
            for ref in (r for r in found if r.external_id not in seen):
                seen.add(ref.external_id)
                yield ref
            ctx.state["after"] = cursor  # saved after the cycle: next time resume here
            ctx.state["backfill_done"] = cursor is None

    async def from_feed(self, ctx: SourceContext) -> list[DocumentRef] | None:
        """Refs from RSS; [] when unchanged; None when the feed is unusable (use the listing)."""
        try:
            page = await ctx.fetch(self.url(self.options.rss_path), conditional=True)
            if isinstance(page, NotModified):
                return []
            refs = [self.ref(r) for r in await asyncio.to_thread(feed.entries, page)]
        except Blocked:
            raise  # the listing is on the same host: it would be blocked too
        except FetchError:
            return None
        return [r for r in refs if r] or None

    async def listing(self, ctx: SourceContext, cursor: str | None, conditional: bool):
        """(refs, next cursor) for one /latest_news page; ParseError if it lists nothing."""
        url = self.url(LISTING) + (f"?after={quote(cursor, safe='')}" if cursor else "")
        page = await ctx.fetch(url, conditional=conditional)
        if isinstance(page, NotModified):
            return [], cursor
        tree = html.parse(page.text)
        canon = partial(urls.canonical, root=self.root, aliases=self.hosts)  # base_url too
        dates = {canon(a.get("url", "")): a for a in html.json_ld(tree, "NewsArticle")}
        refs: dict[str, DocumentRef] = {}
        for href, text in html.links(tree, page.url):
            ld = dates.get(canon(href), {})
            when = read_date(ld.get("datePublished"), self.timezone).value
            ref = self.ref(DocumentRef(href, "", ld.get("headline") or text or None, when))
            if ref and len(ref.title or "") > len(getattr(refs.get(ref.url), "title", "") or ""):
                refs[ref.url] = ref  # each title appears twice; keep the longer (headline) one
        if not refs:
            raise ParseError("Met listing parsed to no items; the layout may have changed", url=url)
        more = tree.css_first('a[href*="after="]')
        after = parse_qs(urlsplit(more.attributes.get("href") or "").query) if more else {}
        return list(refs.values()), (after.get("after") or [None])[0]

    def ref(self, found: DocumentRef) -> DocumentRef | None:
        """The ref re-keyed on the Mynewsdesk numeric id, or None if it is not an article."""
        url = urls.canonical(found.url, self.root, self.hosts)  # onto a base_url override
        m = ARTICLE.match(urls.path(url))
        if not m or urls.host(url) not in self.allowed_hosts:
            return None
        return dataclasses.replace(found, url=url, external_id=m.group(1))

    def parse(self, ref: DocumentRef, page: Page) -> Document:
        tree = html.parse(page.text)
        ld = next(iter(html.json_ld(tree, "NewsArticle")), {})
        title = html.first_text(tree, "h1.newsroom-headline", "h1") or html.meta(tree, "og:title")
        region = html.region(tree, "div.newsroom-article .markdown", ".newsroom-article", "article")
        body = html.strip_lines(html.lines(region), *FOOTER)
        stamp = next((x for x in html.lines(tree.body)[:12] if STAMP.search(x)), None)
        printed = html.first_text(tree, "span.material-date") or stamp
        dated = article.published(tree, self.timezone, printed, ld.get("datePublished"))
        body = [x for x in body if x != stamp]
        tags = tuple(
            dict.fromkeys(filter(None, map(html.clean, (a.text() for a in tree.css(TAGS)))))
        )
        return article.build(ref, title, body, dated, force=self.force, tags=tags)
