"""Canonical URLs, so one page seen through two spellings is one document."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

DEFAULT_PORTS = {"http": 80, "https": 443}


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
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))


def host(url: str) -> str:
    """The lower-case host name of a URL ("" if it has none)."""
    return (urlsplit(url).hostname or "").lower()


def path(url: str) -> str:
    """The path of a URL, always starting with "/"."""
    return urlsplit(url).path or "/"
