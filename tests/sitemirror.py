"""Local copies of the IOPC, Met and police.uk sites built from the fixture pages. 127.0.0.1 only.

Each `Mirror` is one site on its own ephemeral port (the plugins are pointed at it with
`base_url`). It serves every fixture page of that site at the path of the fixture's expected
URL: listings, the Met RSS feed and articles. Links on a served listing or feed that have no
fixture page get a plainly labelled stub, as the real site would have a page there; a test
can tell them apart by `Mirror.stubs`. Listing paths a plugin requests that have no fixture
(IOPC's /our-work/learning, a force's misconduct page) are built from the article fixtures
that live under them. robots.txt allows everything; every 200 carries an ETag and a matching
If-None-Match gets a 304. `hits` records each request as (path, status, conditional).
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from monitor.demo.site import LocalServer

FIXTURES = Path(__file__).parent / "sources"
ROBOTS = "User-agent: *\nAllow: /\n"
HTML = "text/html; charset=utf-8"
RSS = "application/rss+xml; charset=utf-8"
HREF = re.compile(r"""<a\b[^>]*?\bhref\s*=\s*["']([^"']+)["'][^>]*>(.*?)</a>""", re.I | re.S)
RSS_LINK = re.compile(r"<item>.*?<title>(.*?)</title>.*?<link>\s*([^<\s]+)\s*</link>", re.S)
TAG = re.compile(r"<[^>]+>")

STUB = """<!DOCTYPE html>
<!-- STUB served by tests/sitemirror.py: the fixtures have no copy of this page. -->
<html lang="en"><head><title>{title}</title></head>
<body><main><h1>{title}</h1>
<p>Stand-in page: the local mirror has no copy of this article.</p>
</main></body></html>
"""
INDEX = """<!DOCTYPE html>
<!-- BUILT by tests/sitemirror.py from the article fixtures under this path. -->
<html lang="en"><head><title>{title}</title></head>
<body><main><h1>{title}</h1>
<ul>{items}</ul>
</main></body></html>
"""


@dataclass(frozen=True)
class Fixture:
    path: str  # URL path the page is served at
    file: Path
    expected: dict[str, Any]

    @property
    def is_listing(self) -> bool:
        return "refs" in self.expected


def key(path: str) -> str:
    """Paths compare without a trailing slash (police.uk links end in one, the others do not)."""
    return path.rstrip("/") or "/"


def fixtures(plugin: str, instance: str | None = None) -> list[Fixture]:
    """The page fixtures of one plugin (one police.uk force when `instance` is given)."""
    found = []
    for exp in sorted((FIXTURES / plugin).glob("*.json")):
        page = next(p for p in (exp.with_suffix(".html"), exp.with_suffix(".xml")) if p.exists())
        data = json.loads(exp.read_text("utf-8"))
        if instance and data.get("instance", plugin) != instance:
            continue
        found.append(Fixture(urlsplit(data["url"]).path, page, data))
    return found


class Mirror(LocalServer):
    """One site served from fixture pages; `root` is what `base_url` should be set to."""

    def __init__(self, name: str, hosts: tuple[str, ...]) -> None:
        self.name, self.hosts = name, hosts  # hosts: the real site's names, for absolute links
        self.pages: dict[str, tuple[str, bytes]] = {
            "/robots.txt": ("text/plain; charset=utf-8", ROBOTS.encode())
        }
        self.stubs: set[str] = set()
        self.hits: list[tuple[str, int, bool]] = []
        self._lock = threading.Lock()
        super().__init__(_handler(self), name=f"mirror-{name}")

    # ---- building ------------------------------------------------------------------------

    def add(self, path: str, body: str | bytes, content_type: str = HTML) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.pages[key(path)] = (content_type, data)

    def add_fixtures(self, found: list[Fixture]) -> None:
        for fx in found:
            ctype = RSS if fx.file.suffix == ".xml" else HTML
            self.add(fx.path, fx.file.read_bytes(), ctype)
        for fx in found:
            if fx.is_listing:
                self.stub_links(fx.path)

    def add_index(self, path: str, title: str, found: list[Fixture]) -> None:
        """A listing at `path` linking to the article fixtures whose paths lie under it."""
        under = [f for f in found if not f.is_listing and f.path.startswith(path.rstrip("/") + "/")]
        items = "".join(
            f'<li><a href="{html.escape(f.path)}">'
            f"{html.escape(f.expected['document']['title'])}</a></li>"
            for f in under
        )
        self.add(path, INDEX.format(title=html.escape(title), items=items))

    def stub_links(self, path: str) -> None:
        """Give every same-site link on the page at `path` a stub, unless it has a page."""
        ctype, data = self.pages[key(path)]
        text = data.decode("utf-8")
        links = RSS_LINK.findall(text) if ctype == RSS else [(t, h) for h, t in HREF.findall(text)]
        for title, href in links:
            parts = urlsplit(urljoin("https://" + self.hosts[0] + path, html.unescape(href)))
            if parts.hostname not in self.hosts or parts.query or key(parts.path) in self.pages:
                continue
            name = html.unescape(TAG.sub(" ", title)).strip() or parts.path
            self.add(parts.path, STUB.format(title=html.escape(" ".join(name.split()))))
            self.stubs.add(key(parts.path))

    # ---- serving -------------------------------------------------------------------------

    def requests(self, *, skip_robots: bool = True) -> list[tuple[str, int, bool]]:
        with self._lock:
            return [h for h in self.hits if not (skip_robots and h[0] == "/robots.txt")]

    def clear(self) -> None:
        with self._lock:
            self.hits.clear()


    def respond(self, path: str, etags: str | None) -> tuple[int, str, bytes, str | None]:
        found = self.pages.get(key(path))
        if found is None:
            return 404, "text/plain; charset=utf-8", b"Not found\n", None
        ctype, data = found
        etag = '"' + hashlib.sha256(data).hexdigest()[:20] + '"'
        if etags is not None and (
            etags.strip() == "*" or etag in {t.strip() for t in etags.split(",")}
        ):
            return 304, ctype, b"", etag
        return 200, ctype, data, etag


def _handler(mirror: Mirror) -> type:
    class Handler(BaseHTTPRequestHandler):
        server_version = "sitemirror"

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            path = urlsplit(self.path).path
            etags = self.headers.get("If-None-Match")
            status, ctype, data, etag = mirror.respond(path, etags)
            with mirror._lock:
                mirror.hits.append((path, status, etags is not None))
            self.send_response(status)
            if etag:
                self.send_header("ETag", etag)
            if status != 304:
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if status != 304:
                self.wfile.write(data)

        def log_message(self, *_args: Any) -> None:
            pass

    return Handler


# ---- the sites ---------------------------------------------------------------------------


def iopc() -> Mirror:
    from sources.iopc import HOSTS

    site = Mirror("iopc", HOSTS)
    found = fixtures("iopc")
    site.add_fixtures(found)
    # No fixture captures the learning listing; the plugin reads it by default.
    site.add_index("/our-work/learning", "Learning", found)
    return site


def met() -> Mirror:
    site = Mirror("met", ("news.met.police.uk",))
    site.add_fixtures(fixtures("met"))
    return site


def policeuk(force: str) -> Mirror:
    """One force's site: its news listing and articles, and its misconduct page if a fixture
    names one (as `options.misconduct_url`)."""
    from sources.policeuk import FORCES

    host = FORCES[force][0]
    site = Mirror(force, (f"www.{host}", host))
    found = fixtures("policeuk", force)
    site.add_fixtures(found)
    if path := misconduct_url(force):
        site.add_index(path, "Misconduct hearings", found)
    return site


def misconduct_url(force: str) -> str | None:
    """The misconduct page path the fixtures of `force` use, if any."""
    found = fixtures("policeuk", force)
    paths = {f.expected.get("options", {}).get("misconduct_url") for f in found}
    return next(iter(sorted(paths - {None})), None)
