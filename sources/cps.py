"""`cps`: Crown Prosecution Service news, only charging decisions about police officers and staff.

The news centre (/news, Drupal pager ?page=N, optional ?area=N) lists every release; only those
whose listed title names police officers or staff are kept (`title_pattern`), so the source
stays small. Articles sit at /cps/news/<slug> or /<area>/news/<slug>; slugs are the only id.
Each release gets `charging_decision` (charged, not charged, convicted, acquitted, sentenced),
the officer it names and, where it gives one, the court date and place.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta

from pydantic import BaseModel, ConfigDict, Field

from monitor.models import Document, DocumentRef, Page
from sources import article, hearings, html, iopc, pager, urls
from sources.base import Source, SourceContext

HOSTS = ("www.cps.gov.uk", "cps.gov.uk")
ARTICLE = re.compile(r"^/[a-z-]+/news/[^/?]+/?$")
POLICE = (r"\b(police|PCSO|PC|DC|DS|constables?|sergeants?|detectives?|inspectors?"
          r"|(?<!prison )(?<!probation )officers?)\b")  # fmt: skip
DECISIONS = (  # first match wins: a sentence release also says the officer was convicted
    ("sentenced", r"\b(jailed|sentenced|imprisoned|suspended sentence)\b"),
    ("acquitted", r"\b(acquitted|found not guilty|cleared of)\b"),
    ("convicted", r"\b(convicted|found guilty|pleaded guilty|admitted)\b"),
    ("not charged", r"\b(not (?:to )?(?:be )?charged?|no charges?|insufficient evidence|no further"
                    r" action|decided not to (?:charge|prosecute)|no realistic prospect)\b"),
    ("charged", r"\b(charged?|authorised (?:a|the) (?:charge|summons)|to face (?:trial|charges?)"
                r"|summons(?:ed)?)\b"),
)  # fmt: skip
FURNITURE = (r"^Skip to main content$", r"^Accessibility controls$", r"^Contrast$",
             r"^Main content area$", r"^Ends$", r"^Share (this|on)\b")  # fmt: skip


class CpsOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    listing: str = "/news"
    area: int | None = None  # the news centre's ?area=N filter (one CPS area)
    max_pages: int = Field(1, ge=1)  # pager pages per cycle (raise to backfill)
    title_pattern: str = POLICE  # a listed title must match (case-insensitive) to be kept


class CpsSource(Source):
    id = "cps"
    name = "Crown Prosecution Service (charging decisions about police)"
    hosts = HOSTS
    base_url = "https://www.cps.gov.uk"
    default_interval = timedelta(hours=1)
    Options = CpsOptions
    listing_never_empty = False  # the listing is never empty, but the filtered set can be

    async def discover(self, ctx: SourceContext) -> AsyncIterator[DocumentRef]:
        o = self.options
        wanted = re.compile(o.title_pattern, re.I)
        area = f"area={o.area}" if o.area is not None else ""
        # Emptiness is checked before filtering: a quiet week is not a redesign.
        async for ref in pager.walk(ctx, self.url(o.listing), self.items, query=area,
                                    max_pages=o.max_pages, empty="CPS news listing"):  # fmt: skip
            if wanted.search(ref.title or ""):
                yield ref

    def items(self, tree, base: str) -> list[DocumentRef]:
        refs: dict[str, DocumentRef] = {}
        for url, text in html.site_links(tree, base, self.root, HOSTS):
            if not ARTICLE.match(urls.path(url)):
                continue
            old = refs.get(url)
            if old is None or len(text) > len(old.title or ""):  # image links lack text
                refs[url] = DocumentRef(url, urls.path(url).rstrip("/"), text or None)
        return list(refs.values())

    def parse(self, ref: DocumentRef, page: Page) -> Document:
        tree = html.parse(page.text)
        title, lines = article.head(tree, *FURNITURE)
        stamp = next((x for x in lines[:6] if re.search(r"\d{4}\s*\|\s*News|^\d\d/\d\d/\d{4}$", x)),
                     None)  # fmt: skip
        dated = article.published(tree, self.timezone, stamp)
        body = [x for x in lines if x != stamp]
        found = html.fields(tree)
        said = "\n".join([title or "", *body[:4]])
        if decision := next((d for d, p in DECISIONS if re.search(p, said, re.I)), None):
            found["charging_decision"] = decision
        if officer := hearings.OFFICER.search(said):
            found["officer"] = officer.group(1)
        found.update(hearings.hearing(found, body, self.timezone, "court"))
        force = iopc.force_of(None, body, found)  # the first force the release names
        return article.build(ref, title, body, dated, fields=found, force=force)
