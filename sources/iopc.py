"""`iopc`: the Independent Office for Police Conduct (Drupal, www.policeconduct.gov.uk).

The listing markup is unknown, so discovery takes every article-shaped link outside nav and
footer. Identity is the Drupal node id when the page reveals it (ids never change; slugs do).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta

from pydantic import BaseModel, ConfigDict, Field

from monitor.models import Document, DocumentRef, Page
from sources import article, html, pager, urls
from sources.base import Source, SourceContext

HOSTS = ("www.policeconduct.gov.uk", "policeconduct.gov.uk", "www.ipcc.gov.uk", "ipcc.gov.uk")
ARTICLE = re.compile(r"^/(?:(?:news|our-work/learning|recommendations)/[^/]+|node/\d+)/?$")
NODE = re.compile(r"(?:/node/|page-node-)(\d+)\b")
MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
TITLE_FORCE = re.compile(rf"\s[–—-]\s*([^–—,]+?),\s*{MONTH}\s+\d{{4}}\s*$")
TEXT_FORCE = re.compile(
    r"\b((?:[A-Z][a-z]+ (?:and |& )?)+(?:Police Service|Police|Constabulary))\b"
)
# Words a sentence can open with before the force's name ("Two Kent Police officers …").
LEADING_WORDS = r"^(?:(?:The|By|At|From|For|Two|Three|Four|Five|Six|Seven|Eight|Nine|Ten) )+"
PUBLISHED = re.compile(r"^(?:Published:?\s*)?(?:\d{1,2} [A-Z][a-z]{2,8} \d{4})?$")
TYPES = ("News", "Investigation", "Blog", "Policy", "Statement", "Learning", "Recommendations")
# Drupal furniture that older themes leaked into the page text.
BOILERPLATE = (r"^User Bar First$", r"^This is a debugging block$", r"^Share (this|on)\b")
# Glossary tooltips inline a definition after each term; keep the term, drop the definition.
GLOSSARY = "[class*=tooltip-text], [class*=glossary-definition], [role=tooltip], .tooltip"
# A news release naming its investigation's reference joins that investigation's case.
REFERENCE = re.compile(r"\b(?:IOPC|our|investigation) reference:?\s*(\d{4}/\d{5,6})\b", re.I)


class IopcOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    listings: list[str] = ["/news", "/our-work/learning"]
    max_pages: int = Field(1, ge=1)  # Drupal ?page=N pages per listing per cycle (backfill)


class IopcSource(Source):
    id = "iopc"
    name = "Independent Office for Police Conduct"
    hosts = HOSTS
    base_url = "https://www.policeconduct.gov.uk"
    default_interval = timedelta(minutes=30)
    Options = IopcOptions
    article = ARTICLE  # which links on a listing are documents

    async def discover(self, ctx: SourceContext) -> AsyncIterator[DocumentRef]:
        seen: set[str] = set()  # a story listed twice (news and learning) is yielded once

        def unseen(tree, base: str) -> list[DocumentRef]:
            return [r for r in self.items(tree, base) if r.url not in seen]

        for listing in self.options.listings:
            # Only the first listing with nothing new at all means a redesign.
            empty = "IOPC listing" if not seen else None
            async for ref in pager.walk(ctx, self.url(listing), unseen, empty=empty,
                                        max_pages=self.options.max_pages):  # fmt: skip
                seen.add(ref.url)
                yield ref

    def items(self, tree, base: str) -> list[DocumentRef]:
        """Article links in page order; node ids from Drupal teasers where present."""
        teaser_ids = {
            urls.canonical(url, self.root, HOSTS): t.attributes["data-history-node-id"]
            for t in tree.css("[data-history-node-id]")
            for a in t.css("a[href]")
            if (url := urls.join(base, a.attributes["href"] or ""))
        }
        refs: dict[str, DocumentRef] = {}
        for url, text in html.site_links(tree, base, self.root, HOSTS):
            if not self.article.match(urls.path(url)):
                continue
            node = teaser_ids.get(url) or (m.group(1) if (m := NODE.search(url)) else None)
            old = refs.get(url)
            if old is None or len(text) > len(old.title or ""):  # teaser image links lack text
                ident = f"node/{node}" if node else urls.path(url).rstrip("/")
                refs[url] = DocumentRef(url=url, external_id=ident, title=text or None)
        return list(refs.values())

    def parse(self, ref: DocumentRef, page: Page) -> Document:
        tree = html.parse(page.text)
        for tip in tree.css(GLOSSARY):
            tip.decompose()
        title, lines = article.head(tree, *BOILERPLATE)
        # Date and content-type label sit just under the title; only look there.
        head = lines[:6]
        kind = next((line for line in head if line in TYPES), None)
        dated = article.published(tree, self.timezone, *filter(PUBLISHED.match, head))
        body = [x for i, x in enumerate(lines) if i >= 6 or not (PUBLISHED.match(x) or x == kind)]
        found = html.fields(tree)
        found.update({k: v for k, v in (("Type", kind), ("Node ID", node_id(tree))) if v})
        force = force_of(title, body, found)
        ref_key = html.field(found, "IOPC reference") or (
            m.group(1) if (m := REFERENCE.search("\n".join(body))) else None
        )
        return article.build(ref, title, body, dated, fields=found, force=force, case_key=ref_key)


def node_id(tree) -> str | None:
    """The page's Drupal node id: shortlink, history attribute or body class, if present."""
    shortlink = tree.css_first('link[rel="shortlink"]')
    history = tree.css_first("article[data-history-node-id], [data-history-node-id]")
    if history:
        return history.attributes.get("data-history-node-id")
    for mark in (shortlink and shortlink.attributes.get("href"), tree.body.attributes.get("class")):
        if mark and (m := NODE.search(mark)):
            return m.group(1)
    return None


def force_of(title: str | None, body: list[str], found: dict[str, str]) -> str | None:
    """Force from the title's "– <Force>, <Month YYYY>" suffix, a Force field, or the text."""
    if title and (m := TITLE_FORCE.search(title)):
        return m.group(1)
    if force := html.field(found, "Force"):
        return force
    m = TEXT_FORCE.search("\n".join(body))
    return re.sub(LEADING_WORDS, "", m.group(1)) if m else None
