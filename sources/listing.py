"""`listing`: a listing page of article links plus article pages, described by CSS selectors.

For sites with no feed: `item_selector` picks the article links on the listing; the article
selectors are optional and fall back to h1 / main / meta dates.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from pydantic import BaseModel, ConfigDict, Field

from monitor.errors import ParseError
from monitor.models import Document, DocumentRef, NotModified, Page
from sources import article, html, urls
from sources.base import Source, SourceContext


class ListingOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: str
    item_selector: str  # CSS for each item's link (or an element containing it)
    title_selector: str | None = None
    date_selector: str | None = None
    body_selector: str | None = None
    date_format: str | None = None  # strftime format of the printed date, e.g. "%d %B %Y"
    next_selector: str | None = None  # the "next page" link, for pagination
    max_pages: int = Field(1, ge=1)  # listing pages read per cycle
    hosts: list[str] = []  # extra hosts the articles live on


class ListingSource(Source):
    id = "listing"
    name = "Listing page (CSS selectors)"
    generic = True
    Options = ListingOptions

    @property
    def allowed_hosts(self) -> frozenset[str]:
        return (
            super().allowed_hosts
            | {urls.host_entry(self.url(self.options.url))}
            | set(self.options.hosts)
        )

    async def discover(self, ctx: SourceContext) -> AsyncIterator[DocumentRef]:
        o, url, seen = self.options, self.url(self.options.url), set()
        for _ in range(o.max_pages):
            page = await ctx.fetch(url, conditional=True)
            if isinstance(page, NotModified):
                return  # unchanged since last time: nothing new
            tree = html.parse(page.text)
            # Links elsewhere (another site, port or scheme) are not this source's articles.
            refs = [
                r
                for r in items(tree, page.url, o.item_selector)
                if r.url not in seen and urls.fetchable(r.url, self.allowed_hosts)
            ]
            if not refs and not seen:
                raise ParseError(
                    f"listing parsed to no items with {o.item_selector!r};"
                    " the layout may have changed",
                    url=page.url,
                )
            for ref in refs:
                seen.add(ref.url)
                yield ref
            nxt = tree.css_first(o.next_selector) if o.next_selector else None
            href = nxt.attributes.get("href") if nxt else None
            if not (href and (url := urls.join(page.url, href))):
                return

    def parse(self, ref: DocumentRef, page: Page) -> Document:
        o = self.options
        return article.generic(
            ref, page, self.timezone, o.title_selector, o.body_selector, o.date_selector,
            o.date_format,
        )  # fmt: skip


def items(tree, base: str, selector: str) -> list[DocumentRef]:
    """One ref per distinct link the selector picks, in page order."""
    refs: dict[str, DocumentRef] = {}
    for node in tree.css(selector):
        link = node if node.tag == "a" else node.css_first("a[href]")
        href = link.attributes.get("href") if link else None
        if href and not href.startswith("#") and (absolute := urls.join(base, href)):
            url = urls.canonical(absolute)
            title = html.clean(link.text(separator=" ")) or None
            refs.setdefault(url, DocumentRef(url=url, external_id=url, title=title))
    return list(refs.values())
