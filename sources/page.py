"""`page`: a fixed list of case pages, each watched for changes to its labelled fields.

For sites that keep one page per case with fields such as "Status: Under investigation". The
fields are read by their label text, so the config names labels, never CSS classes.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

from pydantic import BaseModel, ConfigDict, model_validator

from monitor.errors import ConfigError
from monitor.models import Document, DocumentRef, Page
from sources import article, html, urls
from sources.base import Source, SourceContext


class PageOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    urls: list[str] = []
    urls_file: str | None = None  # one URL per line; blank lines and "# comments" ignored
    status_label: str = "Status"
    case_key_label: str = "Reference"
    force_label: str = "Force"
    date_label: str = "Last updated"  # the field whose date is the page's date, if any
    title_selector: str | None = None  # only if the page has no h1 / og:title
    body_selector: str | None = None  # only if main / article / body picks up too much

    @model_validator(mode="after")
    def _some_pages(self) -> PageOptions:
        if not (self.urls or self.urls_file):
            raise ValueError("set `urls` or `urls_file` to the case pages to watch")
        return self


class PageSource(Source):
    id = "page"
    name = "Case pages (labelled fields)"
    generic = True
    Options = PageOptions
    listing_never_empty = False  # there is no listing: the config is the list
    recheck_every_cycle = True  # a case page's status can change at any time

    @property
    def allowed_hosts(self) -> frozenset[str]:
        return super().allowed_hosts | {urls.host_entry(u) for u in self.page_urls()}

    def page_urls(self) -> list[str]:
        """The configured URLs, the file's after the inline ones, canonical and de-duplicated."""
        found = [self.url(u) for u in self.options.urls]
        if self.options.urls_file:
            path = Path(self.options.urls_file)
            try:
                text = path.read_text(encoding="utf-8")
            except OSError as exc:
                raise ConfigError(f"cannot read urls_file {str(path)!r}: {exc}") from exc
            for line in text.splitlines():
                if line := line.split("#", 1)[0].strip():
                    found.append(self.url(line))
        return list(dict.fromkeys(urls.canonical(u) for u in found))

    async def discover(self, ctx: SourceContext) -> AsyncIterator[DocumentRef]:
        for url in self.page_urls():
            yield DocumentRef(url=url, external_id=url)

    def parse(self, ref: DocumentRef, page: Page) -> Document:
        o = self.options
        tree = html.parse(page.text)
        hidden = html.hidden_nodes(tree)  # found once for both
        region = html.region(tree, *filter(None, [o.body_selector]), hidden=hidden)
        body, found = html.read(tree, region, hidden)
        if (status := html.field(found, o.status_label)) is not None:
            found.setdefault("Status", status)  # the classifier looks for "Status"
        return article.generic(
            ref,
            page,
            self.timezone,
            title_selector=o.title_selector,
            body_selector=o.body_selector,
            date_text=html.field(found, o.date_label),
            fields=found,
            case_key=html.field(found, o.case_key_label),
            force=html.field(found, o.force_label),
            tree=tree,
            body=body,
        )
