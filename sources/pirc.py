"""`pirc`: the Police Investigations & Review Commissioner (Scotland), pirc.scot.

Three listings: news (/news/latest/), live investigations (/investigations/current-investigations/)
and published investigation reports (/investigations/investigation-outcomes/, reports under
/publication/<slug>). The list a page sits in is its status, read from its path so a re-check
by stored URL says the same. A case moving from live to concluded shows as its report appearing.
Reports on investigations the Crown Office directed are never published. Slugs are the only id.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta

from pydantic import BaseModel, ConfigDict, Field

from monitor.models import Document, DocumentRef, Page
from sources import article, hearings, html, pager, urls
from sources.base import Source, SourceContext

HOSTS = ("pirc.scot", "www.pirc.scot", "pirc.scotland.gov.uk")
NEWS, LIVE, OUTCOMES = "/news/latest/", "/investigations/current-investigations/", (
    "/investigations/investigation-outcomes/")  # fmt: skip
# path prefix → (item pattern, status written into fields["Status"])
KINDS = (
    (re.compile(r"^/news/latest/[^/?]+/?$"), "News"),
    (re.compile(r"^/investigations/current-investigations/[^/?]+/?$"), "Live investigation"),
    (re.compile(r"^/(?:publication|investigations/investigation-outcomes)/[^/?]+/?$"),
     "Investigation concluded: report published"),
)  # fmt: skip
# Listing dates are "14 March 2024 | Investigations"; old pages "Posted: Tuesday 25 April 2017".
STAMP = re.compile(
    r"^(?:Posted:?\s*|Published:?\s*)?(?:[A-Z][a-z]+day )?\d{1,2} [A-Z][a-z]+ \d{4}\b"
)
FURNITURE = (r"^Share (this|on)\b", r"^Back to (news|investigations|publications)$")


class PircOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    listings: list[str] = [NEWS, LIVE, OUTCOMES]
    max_pages: int = Field(1, ge=1)  # ?page=N pages per listing per cycle (raise to backfill)


class PircSource(Source):
    id = "pirc"
    name = "Police Investigations & Review Commissioner (Scotland)"
    hosts = HOSTS
    base_url = "https://pirc.scot"
    default_interval = timedelta(hours=1)
    Options = PircOptions

    async def discover(self, ctx: SourceContext) -> AsyncIterator[DocumentRef]:
        for listing in self.options.listings:
            # The live list can be empty (nothing under investigation); news never is.
            empty = f"PIRC listing {listing}" if listing != LIVE else None
            async for ref in pager.walk(ctx, self.url(listing), self.items, first=1,
                                        max_pages=self.options.max_pages, empty=empty):  # fmt: skip
                yield ref

    def items(self, tree, base: str) -> list[DocumentRef]:
        refs: dict[str, DocumentRef] = {}
        for url, text in html.site_links(tree, base, self.root, HOSTS):
            if status_of(urls.path(url)):
                refs.setdefault(url, DocumentRef(url, urls.path(url).rstrip("/"), text or None))
        return list(refs.values())

    def parse(self, ref: DocumentRef, page: Page) -> Document:
        tree = html.parse(page.text)
        title, lines = article.head(tree, *FURNITURE)
        stamp = next((x for x in lines[:6] if STAMP.match(x)), None)
        dated = article.published(tree, self.timezone, stamp)
        body = [x for x in lines if x != stamp]
        found = html.fields(tree)
        if status := status_of(urls.path(ref.url)):
            found["Type" if status == "News" else "Status"] = status
        found.update(hearings.hearing(found, body, self.timezone))  # fatal accident inquiries
        force = html.field(found, "Policing body") or "Police Scotland"
        return article.build(ref, title, body, dated, fields=found, force=force)


def status_of(path: str) -> str | None:
    """What the page's list says about it, or None if it is not an item page."""
    return next((status for pattern, status in KINDS if pattern.match(path)), None)
