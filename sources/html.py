"""Reading HTML with selectolax's Lexbor parser: titles, visible text and labelled fields.

Fields are read by their label text ("Status", "IOPC reference"), never by CSS class, because
labels survive redesigns and class names do not.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator

from selectolax.lexbor import LexborHTMLParser, LexborNode

from monitor.errors import Blocked
from monitor.text import squash
from sources import urls

# Never visible, or site furniture rather than content.
HIDDEN = (
    "script, style, noscript, template, svg, iframe, form, button, nav, footer, aside,"
    " [role=navigation], [role=banner], [role=contentinfo], [hidden], [aria-hidden=true],"
    " [id*=cookie], [class*=cookie], [class*=skip-link]"
)
BLOCK = frozenset(
    "address article blockquote br dd div dl dt figcaption figure h1 h2 h3 h4 h5 h6 hr li main"
    " ol p pre section table td th tr ul".split()
)
CHALLENGE_TITLES = ("Just a moment...", "Attention Required! | Cloudflare")
LABEL_LINE = re.compile(r"^([A-Z][\w'’()/ -]{1,40}?)\s*:\s+(\S.*)$")


def parse(text: str) -> LexborHTMLParser:
    """A parsed tree; raises Blocked when the page is a bot challenge, not the site."""
    tree = LexborHTMLParser(text)
    page_title = clean(tree.css_first("title").text()) if tree.css_first("title") else ""
    # Only the interstitial sets _cf_chl_opt; ordinary Cloudflare pages load other cdn-cgi scripts.
    if page_title in CHALLENGE_TITLES or "_cf_chl_opt" in text:
        raise Blocked("the site answered with a bot challenge page instead of content")
    return tree


def clean(text: str | None) -> str:
    """Collapse runs of whitespace (including nbsp) to single spaces."""
    return squash(text) if text else ""  # str.split knows nbsp and other spaces


def first_text(tree: LexborHTMLParser | LexborNode, *selectors: str) -> str | None:
    """Text of the first element matching any selector, in the order given, that has text."""
    for selector in selectors:
        for node in tree.css(selector):
            if text := clean(node.text(deep=True, separator=" ")):
                return text
    return None


def meta(tree: LexborHTMLParser, *names: str) -> str | None:
    """Content of the first <meta property|name=...> among names that is present and non-empty."""
    for name in names:
        node = tree.css_first(f'meta[property="{name}"], meta[name="{name}"]')
        if node and (value := clean(node.attributes.get("content"))):
            return value
    return None


def title(tree: LexborHTMLParser) -> str | None:
    """The page's headline: first h1, else og:title, else <title>."""
    return (
        first_text(tree, "h1")
        or meta(tree, "og:title", "twitter:title")
        or first_text(tree, "title")
    )


HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# Markers in the walked text: a heading's text, and where the chosen region starts and ends.
_HEADING, _REGION_START, _REGION_END = "\x01", "\x02", "\x03"


def lines(node: LexborNode, drop: str = HIDDEN) -> list[str]:
    """Visible text of a node as lines (one per block element), furniture removed."""
    parts: list[str] = []
    _walk(node, parts, _skipped(node, drop))
    return _split("".join(parts).replace(_HEADING, ""))


def read(
    tree: LexborHTMLParser, body_region: LexborNode, hidden: set[int] | None = None
) -> tuple[list[str], dict[str, str]]:
    """The region's lines and the page's labelled fields, walking the page's text once.

    Same result as `lines(body_region)` and `fields(tree)`, which would walk it twice.
    `hidden`: the page's `hidden_nodes()`, if the caller has them.
    """
    root = _body(tree)
    if root is None or body_region is None:
        return lines(body_region), fields(tree)
    parts: list[str] = []
    _walk(root, parts, _skipped(root, HIDDEN, hidden), body_region.mem_id)
    walked = "".join(parts)
    if _REGION_START not in walked:  # the region is outside the body's visible text
        return lines(body_region), fields(tree)
    label_lines, region_lines, inside = [], [], root.mem_id == body_region.mem_id
    for line in _split(walked):
        inside = inside or _REGION_START in line
        ends = _REGION_END in line
        line = line.replace(_REGION_START, "").replace(_REGION_END, "").strip()
        if _HEADING in line:
            line = line.replace(_HEADING, "").strip()
        elif line:
            label_lines.append(line)
        if inside and line:
            region_lines.append(line)
        inside = inside and not ends
    return region_lines, fields(tree, label_lines)


def hidden_nodes(tree: LexborHTMLParser) -> set[int]:
    """The page's nodes matching HIDDEN (its selectors are simple: a node matches or not by
    itself, wherever the search starts), to find them once for region() and read()."""
    return {node.mem_id for node in tree.root.css(HIDDEN)}


def _skipped(node: LexborNode, drop: str, hidden: set[int] | None = None) -> set[int]:
    """Nodes whose text is not read: hidden furniture, and banners (a header without h1).

    `hidden`: the page's nodes matching `drop`, if known (more than the node's own is harmless:
    the walk meets only the node's)."""
    skip = set(hidden) if hidden is not None else {h.mem_id for h in node.css(drop)}
    skip |= {h.mem_id for h in node.css("header") if not h.css_first("h1")}
    skip.discard(node.mem_id)  # the node asked for is read even if it matches
    return skip


def _split(walked: str) -> list[str]:
    # Blank chunks skipped first: a page walks into hundreds of them.
    return [squash(chunk) for chunk in walked.split("\n") if chunk and not chunk.isspace()]


def _walk(node: LexborNode, parts: list[str], skip: set[int], region: int = -1) -> None:
    # Sibling to sibling with an explicit stack, not recursion: a page nested thousands of
    # elements deep is read, not a RecursionError. Each entry: the sibling to read once the
    # element's children are, whether that is inside a heading, and what to append before it.
    append, stack = parts.append, []
    child, heading, after = node.child, False, ""
    while True:
        if child is None:
            if not stack:
                return
            append(after)
            child, heading, after = stack.pop()
            continue
        tag = child.tag
        if tag == "-text":
            # Source newlines are not breaks; other runs of space are collapsed per line later.
            text = child.text_content.replace("\n", " ").replace("\r", " ")
            append(_HEADING + text if heading else text)
            child = child.next
            continue
        if tag[0] == "-" or (skip and child.mem_id in skip):
            child = child.next
            continue
        stack.append((child.next, heading, after))
        if child.mem_id == region:
            append("\n" + _REGION_START)
            heading, after = heading or tag in HEADINGS, _REGION_END + "\n"
        elif tag in BLOCK:
            append("\n")
            heading, after = heading or tag in HEADINGS, "\n"
        else:
            after = ""
        child = child.child


def region(tree: LexborHTMLParser, *selectors: str, hidden: set[int] | None = None) -> LexborNode:
    """The first selector's node that has visible text; falls back to main, article, body.

    `hidden`: the page's `hidden_nodes()`, if the caller has them; else found if needed."""
    for selector in (*selectors, "main", "[role=main]", "article", "body"):
        for node in tree.css(selector):
            if not node.text(deep=True).strip():  # cheap: no text at all
                continue
            if hidden is None:
                hidden = hidden_nodes(tree)
            if _has_visible_text(node, hidden):
                return node
    return tree.root


def _has_visible_text(node: LexborNode, hidden: set[int]) -> bool:
    """Some text of the node is outside `hidden` nodes (the node itself hidden: none is)."""
    top = node.mem_id
    if top in hidden:
        return False
    for text in node.traverse(include_text=True):
        if text.is_text_node and text.text(deep=False).strip():
            parent = text.parent
            while parent is not None and parent.mem_id != top and parent.mem_id not in hidden:
                parent = parent.parent
            if parent is not None and parent.mem_id == top:
                return True
    return False


def strip_lines(text_lines: Iterable[str], *patterns: re.Pattern[str] | str) -> list[str]:
    """Drop lines matching any boilerplate pattern (regexes, searched, case-insensitive)."""
    compiled = [re.compile(p, re.I) if isinstance(p, str) else p for p in patterns]
    return [line for line in text_lines if not any(p.search(line) for p in compiled)]


def fields(
    tree: LexborHTMLParser | LexborNode, label_lines: list[str] | None = None
) -> dict[str, str]:
    """Labelled fields from dt/dd pairs, th/td rows and 'Label: value' lines; first one wins.

    `label_lines` are the page's visible lines without headings, if `read()` already has them.
    """
    found: dict[str, str] = {}

    def add(label: str | None, value: str | None) -> None:
        label, value = clean(label).rstrip(":").strip(), clean(value)
        if label and value and len(label) <= 60:
            found.setdefault(label, value)

    for dt in tree.css("dt"):
        dd = dt.next
        while dd is not None and dd.tag not in ("dd", "dt"):
            dd = dd.next
        if dd is not None and dd.tag == "dd":
            add(dt.text(separator=" "), dd.text(separator=" "))
    for row in tree.css("tr"):
        th, td = row.css_first("th"), row.css_first("td")
        if th and td:
            add(th.text(separator=" "), td.text(separator=" "))
    if label_lines is None:
        root = _body(tree) if isinstance(tree, LexborHTMLParser) else tree
        label_lines = lines(root, HIDDEN + ", h1, h2, h3, h4, h5, h6") if root is not None else []
    for line in label_lines:
        if ":" in line and (match := LABEL_LINE.match(line)):  # most lines have no colon
            add(*match.groups())
    return found


def _body(tree: LexborHTMLParser) -> LexborNode | None:
    """The page's body, else its root: a node (an empty one is falsy), never the parser."""
    return tree.body if tree.body is not None else tree.root


def field(found: dict[str, str], label: str) -> str | None:
    """A labelled field by its label, ignoring case and surrounding punctuation."""
    wanted = label.casefold().strip(" :")
    return next((v for k, v in found.items() if k.casefold() == wanted), None)


def links(
    tree: LexborHTMLParser, base: str, skip: str = "nav, footer, [role=navigation]"
) -> list[tuple[str, str]]:
    """(absolute URL, link text) for every <a href> outside site furniture, in page order."""
    furniture = {node.mem_id for node in tree.css(skip)}
    furniture |= {h.mem_id for h in tree.css("header") if not h.css_first("h1")}
    out = []
    for a in tree.css("a[href]"):
        parent, inside = a.parent, False
        while parent is not None and not inside:
            inside, parent = parent.mem_id in furniture, parent.parent
        href = (a.attributes.get("href") or "").strip()
        if not inside and href and not href.startswith(("#", "mailto:", "tel:", "javascript:")):
            if url := urls.join(base, href):  # a malformed link is skipped, not fatal
                out.append((url, clean(a.text(separator=" "))))
    return out


def site_links(
    tree: LexborHTMLParser, base: str, root: str, aliases: tuple[str, ...]
) -> Iterator[tuple[str, str]]:
    """(canonical URL, link text) of each `links()` link onto `root`'s host, in page order;
    links on the `aliases` hosts are moved onto `root` first (urls.canonical)."""
    for href, text in links(tree, base):
        url = urls.canonical(href, root, aliases)
        if urls.host(url) == urls.host(root):
            yield url, text


def json_ld(tree: LexborHTMLParser, kind: str) -> list[dict]:
    """Every JSON-LD object of @type `kind`, however deeply the site nests them."""
    found: list[dict] = []

    def walk(value: object) -> None:
        if isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, dict):
            types = value.get("@type")
            if kind == types or (isinstance(types, list) and kind in types):
                found.append(value)
            for item in value.values():
                walk(item)

    for script in tree.css('script[type="application/ld+json"]'):
        try:
            walk(json.loads(script.text(deep=True)))
        except ValueError:
            continue  # broken JSON-LD is common; the HTML fallbacks still apply
    return found
