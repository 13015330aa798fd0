"""`policeuk`: force news on the police.uk "Single Online Home" platform, one instance per force.

All SOH forces share templates, so one plugin with a table of hosts and news paths covers
them; `force = "kent"` picks the row. Article links are those under the listing path with a
further segment (the platform nests articles there); slugs are the only id the site has.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict

from monitor.errors import ParseError
from monitor.models import Document, DocumentRef, NotModified, Page
from sources import article, html, urls
from sources.base import Source, SourceContext

# force key → (host without www., news listing path, force name). Paths marked * come from
# code whose author checked them live (shared/reference/sources.md); the rest follow the
# platform's /news/<area>/news/ pattern and can be overridden with the news_path option.
FORCES = {
    "btp": ("btp.police.uk", "/news/btp/news/", "British Transport Police"),  # *
    "cambs": ("cambs.police.uk", "/news/cambridgeshire/news/", "Cambridgeshire Constabulary"),  # *
    "cleveland": ("cleveland.police.uk", "/news/cleveland/news/", "Cleveland Police"),  # *
    "essex": ("essex.police.uk", "/news/essex/news/", "Essex Police"),
    "gmp": ("gmp.police.uk", "/news/greater-manchester/news/", "Greater Manchester Police"),  # *
    "kent": ("kent.police.uk", "/news/kent/latest/", "Kent Police"),  # *
    "leics": ("leics.police.uk", "/news/leicestershire/news/", "Leicestershire Police"),  # *
    "merseyside": ("merseyside.police.uk", "/news/merseyside/news/", "Merseyside Police"),
    "northants": ("northants.police.uk", "/news/northants/news/", "Northamptonshire Police"),  # *
    "south-wales": ("south-wales.police.uk", "/news/south-wales/news/", "South Wales Police"),  # *
    "sussex": ("sussex.police.uk", "/news/sussex/news/", "Sussex Police"),
    "thames-valley": (
        "thamesvalley.police.uk",
        "/news/thames-valley/news/",
        "Thames Valley Police",
    ),  # *
}
# Every SOH page starts with the same quick-exit, cookie and beta-banner text.
BOILERPLATE = (
    r"^Quickly exit this site", r"^Leave this site$", r"cookies?\b.*(preferences|essential|use)",
    r"^This site is a beta", r"^(Accept|Reject) (all|additional) cookies", r"^Share (this|on)\b",
)  # fmt: skip
PUBLISHED = re.compile(r"^(Published|Updated|Date published):?\s", re.I)
SECTION = re.compile(r"^(\d{4}|january|february|march|april|may|june|july|august|september"
                     r"|october|november|december)$", re.I)  # fmt: skip
MISCONDUCT = "misconduct"
HEARING_PATH = re.compile(r"/(mis|misconduct-hearings|misconduct-outcomes)/")


def known_force(table: dict[str, object]) -> AfterValidator:
    """An option check: the force key must be a row of `table`; the error lists the rows."""

    def check(force: str) -> str:
        if force not in table:
            raise ValueError(f"unknown force {force!r}; known: {', '.join(sorted(table))}")
        return force

    return AfterValidator(check)


class PoliceUkOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    force: Annotated[str, known_force(FORCES)]
    news_path: str | None = None  # override the table's listing path
    misconduct_url: str | None = None  # path of the force's misconduct hearings/outcomes page


class PoliceUkSource(Source):
    id = "policeuk"
    name = "police.uk force news (Single Online Home)"
    generic = True
    hosts = tuple(h for host, _, _ in FORCES.values() for h in (f"www.{host}", host))
    default_interval = timedelta(minutes=30)
    Options = PoliceUkOptions

    def __init__(self, instance_id: str, options: BaseModel, base_url: str | None = None) -> None:
        self.host, path, self.force = FORCES[options.force]
        self.news_path = options.news_path or path
        super().__init__(instance_id, options, base_url or f"https://www.{self.host}")

    @property
    def allowed_hosts(self) -> frozenset[str]:
        return frozenset({f"www.{self.host}", self.host, urls.host(self.root)})

    async def discover(self, ctx: SourceContext) -> AsyncIterator[DocumentRef]:
        news = self.news_path.rstrip("/") + "/"
        # Kent's listing is /news/kent/latest/ while its articles may sit under /news/kent/news/.
        area = re.sub(r"^(/news/[^/]+/).*", r"\1news/", news)
        for ref in await self.listing(ctx, news, (news, area), {}):
            yield ref
        if path := self.options.misconduct_url:  # often legitimately empty: no hearings due
            prefixes = (path.rstrip("/") + "/", "/foi-ai/")
            for ref in await self.listing(ctx, path, prefixes, {"kind": MISCONDUCT}):
                yield ref

    async def listing(self, ctx: SourceContext, path: str, prefixes, extra) -> list[DocumentRef]:
        """Links under any of `prefixes` with a further segment; ParseError if news has none."""
        page = await ctx.fetch(self.url(path), conditional=True)
        if isinstance(page, NotModified):
            return []
        refs: dict[str, DocumentRef] = {}
        tree, hosts = html.parse(page.text), tuple(self.allowed_hosts)
        for url, text in html.site_links(tree, page.url, self.root, hosts):
            where = urls.path(url)
            if "?" in url or not item(where, prefixes):
                continue
            if extra and MISCONDUCT not in where.lower():
                continue
            refs.setdefault(url, DocumentRef(url, where.rstrip("/"), text or None, extra=extra))
        if not refs and not extra:
            raise ParseError(
                f"{self.force} news listing parsed to no items; the layout may have changed",
                url=page.url,
            )
        return list(refs.values())

    def parse(self, ref: DocumentRef, page: Page) -> Document:
        tree = html.parse(page.text)
        title, lines = article.head(tree, *BOILERPLATE)
        stamp = next((x for x in lines[:8] if PUBLISHED.match(x)), None)
        dated = article.published(tree, self.timezone, stamp)
        found = html.fields(tree)
        if ref.extra.get("kind") == MISCONDUCT or HEARING_PATH.search(urls.path(ref.url)):
            found["Type"] = "Misconduct hearing"
        body = [x for x in lines if x != stamp]
        return article.build(ref, title, body, dated, fields=found, force=self.force)


def item(path: str, prefixes: tuple[str, ...]) -> bool:
    """Under a prefix with a further segment that is not a year or month index."""
    for prefix in prefixes:
        rest = path[len(prefix) :].strip("/") if path.startswith(prefix) else ""
        if rest and not SECTION.match(rest.rsplit("/", 1)[-1]):
            return True
    return False
