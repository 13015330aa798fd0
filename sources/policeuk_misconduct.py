"""`policeuk_misconduct`: misconduct hearing notices and outcomes on police.uk force sites.

One instance per force (`force = "kent"`), as for `policeuk`, plus forces whose hearings are on
the platform though their news is not (the Met: met.police.uk). Two listings: the upcoming
hearings page (one page per notice under it) and the force's FOI misconduct outcomes (one page
per outcome, under a year index). Either is often empty (normal); a listing without its heading
is a layout change. Outcomes come down after ~28 days: the engine keeps the last version and
marks it removed. Identity is the page's path, the only id they have."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from monitor.errors import ParseError
from monitor.models import Document, DocumentRef, NotModified, Page
from sources import article, hearings, html, policeuk, urls
from sources.base import Source, SourceContext

# force key → (host without www., force name): every policeuk force, and forces seen with
# misconduct pages on the platform (shared/reference/sources.md §2).
FORCES = {key: (host, name) for key, (host, _, name) in policeuk.FORCES.items()} | {
    "met": ("met.police.uk", "Metropolitan Police Service"),
    "cheshire": ("cheshire.police.uk", "Cheshire Constabulary"),
    "derbyshire": ("derbyshire.police.uk", "Derbyshire Constabulary"),
    "north-wales": ("northwales.police.uk", "North Wales Police"),
    "gwent": ("gwent.police.uk", "Gwent Police"),
    "beds": ("beds.police.uk", "Bedfordshire Police"),
    "herts": ("herts.police.uk", "Hertfordshire Constabulary"),
}
FOI_AREA = {"met": "metropolitan-police"}  # else the force name as a slug ("sussex-police")
HEARINGS = "/advice/advice-and-information/mis/misconduct-hearings/upcoming-misconduct-hearings/"
YEAR = re.compile(r"/(\d{4})/?$")
OUTCOME = re.compile(r"\boutcome\b|\bfound proven\b|\bdismissed\b", re.I)


class PoliceUkMisconductOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    force: Annotated[str, policeuk.known_force(FORCES)]
    hearings_path: str = HEARINGS  # "" when the force publishes no notices on the platform
    outcomes_path: str | None = None  # None: /foi-ai/<force area>/misconduct-outcomes/; "": none
    outcome_years: int = Field(1, ge=0)  # newest year indexes read per cycle (more: backfill)


class PoliceUkMisconductSource(Source):
    id = "policeuk_misconduct"
    name = "police.uk misconduct hearings and outcomes"
    hosts = tuple(h for host, _ in FORCES.values() for h in (f"www.{host}", host))
    default_interval = timedelta(hours=2)
    Options = PoliceUkMisconductOptions
    listing_never_empty = False  # no hearings due is a normal state

    def __init__(self, instance_id: str, options: BaseModel, base_url: str | None = None) -> None:
        self.host, self.force = FORCES[options.force]
        area = FOI_AREA.get(options.force) or re.sub(r"\W+", "-", self.force.lower())
        outcomes = options.outcomes_path
        self.outcomes = f"/foi-ai/{area}/misconduct-outcomes/" if outcomes is None else outcomes
        super().__init__(instance_id, options, base_url or f"https://www.{self.host}")

    @property
    def allowed_hosts(self) -> frozenset[str]:
        return frozenset({f"www.{self.host}", self.host, urls.host(self.root)})

    async def discover(self, ctx: SourceContext) -> AsyncIterator[DocumentRef]:
        path = self.options.hearings_path
        refs, years = await self.listing(ctx, path) if path else ([], [])
        if self.outcomes:  # unconditional: a 304 would hide the year links to new outcomes
            found, years = await self.listing(ctx, self.outcomes, conditional=False)
            refs += found
        for year in sorted(years, reverse=True)[: self.options.outcome_years]:
            refs += (await self.listing(ctx, year))[0]
        for ref in refs:
            yield ref

    async def listing(self, ctx: SourceContext, path: str, conditional: bool = True):
        """(refs under `path`, year-index URLs under it); ParseError if it is not a listing."""
        page = await ctx.fetch(self.url(path), conditional=conditional)
        if isinstance(page, NotModified):
            return [], []
        tree = html.parse(page.text)
        if not html.first_text(tree, "h1"):
            raise ParseError(f"{self.force} misconduct page has no heading; the layout may "
                             "have changed", url=page.url)  # fmt: skip
        prefix = urls.path(self.url(path)).rstrip("/") + "/"
        prefix = YEAR.sub("/", prefix)  # a year index's items sit beside it, under the root
        refs: dict[str, DocumentRef] = {}
        years: list[str] = []
        for url, text in html.site_links(tree, page.url, self.root, tuple(self.allowed_hosts)):
            where = urls.path(url)
            if "?" in url or not where.startswith(prefix):
                continue
            if YEAR.search(where) and where.rstrip("/").count("/") == prefix.count("/"):
                years.append(url)
            elif policeuk.item(where, (prefix,)):
                refs.setdefault(url, DocumentRef(url, where.rstrip("/"), text or None))
        return list(refs.values()), years

    def parse(self, ref: DocumentRef, page: Page) -> Document:
        tree = html.parse(page.text)
        title, lines = article.head(tree, *policeuk.BOILERPLATE, within=("main",))
        stamp = next((x for x in lines[:8] if policeuk.PUBLISHED.match(x)), None)
        dated = article.published(tree, self.timezone, stamp)
        body = [x for x in lines if x != stamp and x != title]
        found = html.fields(tree)
        outcome = "/misconduct-outcomes/" in urls.path(ref.url) or OUTCOME.search(title or "")
        found["Type"] = f"Misconduct hearing {'outcome' if outcome else 'notice'}"
        found.update(hearings.details(found, body, self.timezone, "misconduct hearing"))
        return article.build(ref, title, body, dated, fields=found, force=self.force)
