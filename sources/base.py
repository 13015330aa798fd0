"""The plugin contract: a Source discovers documents and parses pages, nothing more.

A source never writes to the database, never sleeps and never builds its own HTTP client;
it asks `ctx.fetch()` for pages and keeps any cursor in `ctx.state`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, ClassVar
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict

from monitor.models import Document, DocumentRef, NotModified, Page


class NoOptions(BaseModel):
    """For sources that take no options."""

    model_config = ConfigDict(extra="forbid")


Fetch = Callable[..., Awaitable[Page | NotModified]]


@dataclass
class SourceContext:
    """What a source may use while discovering: a fetcher, its own saved state, the time."""

    fetch: Fetch  # await ctx.fetch(url, conditional=True) -> Page | NotModified
    state: dict[str, Any] = field(default_factory=dict)  # JSON-able; saved after the cycle
    now: datetime | None = None


class Source:
    """Base class of every source plugin. Subclasses set the class attributes below."""

    id: ClassVar[str]  # plugin id: "iopc", "met", "policeuk", "feed" …
    name: ClassVar[str]
    # True for plugins that read any site (a feed, a listing): `name` then describes the
    # plugin, not the site, and is never shown to people as who published an announcement.
    generic: ClassVar[bool] = False
    hosts: ClassVar[tuple[str, ...]] = ()  # hosts it may fetch from; redirects elsewhere refused
    base_url: ClassVar[str] = ""  # default site root; config may override (tests, mirrors)
    default_interval: ClassVar[timedelta] = timedelta(minutes=30)
    timezone: ClassVar[str] = "Europe/London"  # how to read dates printed on its pages
    Options: ClassVar[type[BaseModel]] = NoOptions
    # True when every listing of this site always has items: an empty one means breakage.
    listing_never_empty: ClassVar[bool] = True
    # True for watched case pages: each is re-fetched every cycle (conditional GETs keep it
    # cheap) instead of by the age tiers used for news articles.
    recheck_every_cycle: ClassVar[bool] = False

    def __init__(self, instance_id: str, options: BaseModel, base_url: str | None = None) -> None:
        self.instance_id = instance_id  # the id in config and the database ("kent", "iopc")
        self.options = options
        self.root = (base_url or self.base_url).rstrip("/")

    @property
    def allowed_hosts(self) -> frozenset[str]:
        """Hosts this instance may fetch from: the declared ones plus an overridden root's."""
        hosts = set(self.hosts)
        if self.root:
            hosts.add(urlsplit(self.root).hostname or "")
        return frozenset(h for h in hosts if h)

    def url(self, path: str) -> str:
        """An absolute URL on this instance's site root."""
        return path if "://" in path else f"{self.root}/{path.lstrip('/')}"

    async def discover(self, ctx: SourceContext) -> AsyncIterator[DocumentRef]:
        """Yield the documents the site lists now (newest first is best)."""
        raise NotImplementedError
        yield  # pragma: no cover  (makes this an async generator)

    async def document(self, ctx: SourceContext, ref: DocumentRef) -> Page | NotModified:
        """Get the page for one document; sources whose listing carries the text override this."""
        return await ctx.fetch(ref.url, conditional=True)

    def parse(self, ref: DocumentRef, page: Page) -> Document:
        """Turn a page into a Document. Pure: no I/O, no clock, no globals."""
        raise NotImplementedError


# Where a plugin keeps the site's own title in its saved state (a feed's <title>).
SITE_TITLE = "site_title"


def display_name(source: Source, configured: str | None, state: dict[str, Any]) -> str:
    """Who published, as people read it: the config's `name`, else the site's own title,
    else a site-specific plugin's name, else the source id."""
    title = state.get(SITE_TITLE)
    if configured:
        return configured
    if isinstance(title, str) and title.strip():
        return " ".join(title.split())
    return source.instance_id if source.generic else source.name
