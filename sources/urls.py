"""Canonical URLs, so one page seen through two spellings is one document."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

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


def join(base: str, href: str) -> str | None:
    """`href` made absolute against `base`, or None for a link urllib cannot take apart (an
    unclosed IPv6 bracket, a port past 65535): pages carry such typos, and one must not sink
    the whole listing."""
    try:
        url = urljoin(base, href)
        urlsplit(url).port  # noqa: B018 - parsing the port is the check
    except ValueError:
        return None
    return url


def host(url: str) -> str:
    """The lower-case host name of a URL ("" if it has none)."""
    return (urlsplit(url).hostname or "").lower()


def host_entry(url: str) -> str:
    """What a configured URL allows the fetcher to reach: its host, pinned to its port when it
    names a non-default one (a mirror on :8080 must not open every other port on that host)."""
    parts = urlsplit(url)
    name = (parts.hostname or "").lower()
    if parts.port in (None, DEFAULT_PORTS.get(parts.scheme.lower())):
        return name
    return f"[{name}]:{parts.port}" if ":" in name else f"{name}:{parts.port}"


def fetchable(url: str, hosts: frozenset[str] | set[str]) -> bool:
    """True if `url` is http(s) on one of `hosts` ("host" = any port, "host:port" = that one)."""
    if urlsplit(url).scheme.lower() not in DEFAULT_PORTS:
        return False
    return host(url) in hosts or host_entry(url) in hosts


def path(url: str) -> str:
    """The path of a URL, always starting with "/"."""
    return urlsplit(url).path or "/"
