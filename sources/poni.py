"""`poni`: the Police Ombudsman for Northern Ireland, www.policeombudsman.org.

Three listings: news (/news/), current investigations and public statements (under
/investigation-reports/). Older releases sit at /Media-Releases/<YYYY>/<slug>, dated
"Published Date: dd.mm.yyyy"; investigations print an "Incident Date". The site's paths are
case-insensitive (/Investigation-Reports/ and /investigation-reports/ are one page), so the
identity is the lower-cased path. Files go to the Public Prosecution Service, not the CPS.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta

from pydantic import BaseModel, ConfigDict, Field

from monitor.models import Document, DocumentRef, Page
from sources import article, hearings, html, pager, urls
from sources.base import Source, SourceContext

HOSTS = ("www.policeombudsman.org", "policeombudsman.org")
NEWS = "/news/"
CURRENT = "/investigation-reports/current-investigations/"
STATEMENTS = "/investigation-reports/public-statements/"
KINDS = (
    (re.compile(r"^/(?:news|media-releases/\d{4})/[^/?]+/?$"), "News"),
    (re.compile(r"^/investigation-reports/current-investigations/[^/?]+/?$"),
     "Current investigation"),
    (re.compile(r"^/investigation-reports/public-statements/[^/?]+/?$"), "Public statement"),
)  # fmt: skip
DOTTED = re.compile(r"\b(\d{1,2}\.\d{1,2}\.\d{4})\b")
FURNITURE = (r"^Twitter home$", r"^Share (this|on)\b", r"^Print this page$")


class PoniOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    listings: list[str] = [NEWS, CURRENT, STATEMENTS]
    max_pages: int = Field(1, ge=1)  # ?page=N pages per listing per cycle (raise to backfill)


class PoniSource(Source):
    id = "poni"
    name = "Police Ombudsman for Northern Ireland"
    hosts = HOSTS
    base_url = "https://www.policeombudsman.org"
    default_interval = timedelta(hours=1)
    Options = PoniOptions
    force = "Police Service of Northern Ireland"

    async def discover(self, ctx: SourceContext) -> AsyncIterator[DocumentRef]:
        for listing in self.options.listings:
            # Nothing under investigation can be true; news and statements are never empty.
            empty = f"Police Ombudsman listing {listing}" if listing != CURRENT else None
            async for ref in pager.walk(ctx, self.url(listing), self.items, first=1,
                                        max_pages=self.options.max_pages, empty=empty):  # fmt: skip
                yield ref

    def items(self, tree, base: str) -> list[DocumentRef]:
        refs: dict[str, DocumentRef] = {}
        for url, text in html.site_links(tree, base, self.root, HOSTS):
            where = urls.path(url).lower().rstrip("/")
            if status_of(where):
                refs.setdefault(where, DocumentRef(url, where, text or None))
        return list(refs.values())

    def parse(self, ref: DocumentRef, page: Page) -> Document:
        tree = html.parse(page.text)
        title, lines = article.head(tree, *FURNITURE)
        found = html.fields(tree)
        printed = html.field(found, "Published Date") or html.field(found, "Published")
        dotted = DOTTED.search(printed or "")
        dated = (article.strptime(dotted.group(1), "%d.%m.%Y", self.timezone) if dotted
                 else article.published(tree, self.timezone, printed))  # fmt: skip
        if incident := html.field(found, "Incident Date"):
            found["incident_date"] = iso_day(incident)
        if status := status_of(urls.path(ref.url).lower()):
            found["Type" if status == "News" else "Status"] = status
        found.update(hearings.hearing(found, lines, self.timezone))  # inquests, court dates
        body = [x for x in lines if not re.match(r"^Published( Date)?:", x)]
        return article.build(ref, title, body, dated, fields=found, force=self.force,
                             case_key=html.field(found, "Reference"))  # fmt: skip


def status_of(path: str) -> str | None:
    """What the page's list says about it, or None if it is not an item page."""
    return next((status for pattern, status in KINDS if pattern.match(path)), None)


def iso_day(text: str) -> str:
    """ "12.03.2023" or "12 March 2023" as 2023-03-12; anything else as printed."""
    if m := DOTTED.search(text):
        day, month, year = m.group(1).split(".")
        return f"{year}-{month:0>2}-{day:0>2}"
    start = hearings.hearing({"Date": text}, [], "Europe/London").get("hearing_start")
    return start[:10] if start else text
