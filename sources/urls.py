"""Canonical URLs, so one page seen through two spellings is one document."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

DEFAULT_PORTS = {"http": 80, "https": 443}
# Query parameters sites add per visit or per campaign; they never name a different page, and
# keeping them would make one article a "new" document on every listing read.
TRACKING = ("utm_", "fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "_ga", "_hs")


def canonical(url: str, root: str | None = None, aliases: tuple[str, ...] = ()) -> str:
    """Lower-case scheme and host, no fragment or default port; alias hosts moved onto root.

    `aliases` are the other hosts a site answers on (bare domain, a legacy name); a link on one
    of them is rewritten onto `root` so the same page gets the same id whichever host linked it.
    """
    parts = urlsplit(url.strip())
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    netloc = host if parts.port in (None, DEFAULT_PORTS.get(scheme)) else f"{host}:{parts.port}"
    if root and host in aliases:
        base = urlsplit(root)
        scheme, netloc = base.scheme, base.netloc
    query = parts.query
    if query and any(t in query for t in TRACKING):
        kept = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True)
                if not k.lower().startswith(TRACKING)]  # fmt: skip
        query = urlencode(kept)
    return urlunsplit((scheme, netloc, parts.path or "/", query, ""))


def host(url: str) -> str:
    """The lower-case host name of a URL ("" if it has none)."""
    return (urlsplit(url).hostname or "").lower()


def path(url: str) -> str:
    """The path of a URL, always starting with "/"."""
    return urlsplit(url).path or "/"
