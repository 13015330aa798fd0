"""`pager`: walk a listing's `?page=N` pages, as the IOPC, PIRC, PONI and CPS sites number them.

Pages run from `first` (0 on Drupal sites, 1 on PIRC and PONI) for at most `max_pages`; the
first is fetched without `?page=` unless other query parameters go with it. The walk stops at a
304 (nothing new since last time), at a page with no link to the next one, or at `max_pages`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

from monitor.errors import ParseError
from monitor.models import DocumentRef, NotModified
from sources import html
from sources.base import SourceContext

Items = Callable[..., list[DocumentRef]]  # items(tree, base_url) -> the page's refs


async def walk(
    ctx: SourceContext, listing: str, items: Items, *, max_pages: int, first: int = 0,
    query: str = "", empty: str | None = None,
) -> AsyncIterator[DocumentRef]:  # fmt: skip
    """Yield `items(tree, url)` of each page of `listing` (an absolute URL) in turn. `query`
    ("area=3") goes before `page=N` on every page; `empty` names the listing in the ParseError
    raised when its first page has no items, None for a listing that can truly be empty."""
    for n in range(first, first + max_pages):
        params = f"{query}&page={n}" if query else f"page={n}"
        page = await ctx.fetch(listing if n == first and not query else f"{listing}?{params}")
        if isinstance(page, NotModified):
            return
        tree = html.parse(page.text)
        refs = items(tree, page.url)
        if n == first and not refs and empty:
            raise ParseError(f"{empty} parsed to no items; the layout may have changed",
                             url=page.url)  # fmt: skip
        for ref in refs:
            yield ref
        if not tree.css_first(f'a[href*="page={n + 1}"]'):
            return  # no pager link onward: the last page
