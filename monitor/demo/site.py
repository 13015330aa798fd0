"""A local copy of one site (IOPC or Met newsroom) that publishes releases step by step.

stdlib http.server in a daemon thread on 127.0.0.1, ephemeral port. Every response carries an
ETag and a Last-Modified date and conditional GETs get a 304, as the real sites are expected to
do, so the monitor's unchanged-page path is exercised too. robots.txt allows everything.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import urlsplit

from jinja2 import Environment, PackageLoader, select_autoescape

from monitor.demo.timeline import LONDON, Release

ROBOTS = "User-agent: *\nAllow: /\n"
MET_RSS = "/rss/current_news/66871"
HTML = "text/html; charset=utf-8"
RSS = "application/rss+xml; charset=utf-8"
# Last-Modified of pages that do not change (robots.txt, an empty listing).
_EPOCH = Release(
    name="", site="", published=datetime(2015, 1, 1, tzinfo=LONDON),
    path="", id="", title="", summary="", paragraphs=(),
)

_templates = Environment(
    loader=PackageLoader("monitor.demo", "pages"),
    autoescape=select_autoescape(["html", "xml", "j2"]),
    keep_trailing_newline=True,
)


class LocalServer:
    """An HTTP server on 127.0.0.1 (free port) in a daemon thread; a context manager."""

    def __init__(self, handler: type[BaseHTTPRequestHandler], name: str) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
            name=name, daemon=True,
        )

    @property
    def root(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> Self:
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread.is_alive():
            self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()


class Site(LocalServer):
    """One site: `publish()` adds a release; the server shows everything published so far."""

    def __init__(self, kind: str) -> None:
        if kind not in ("iopc", "met"):
            raise ValueError(f"unknown demo site {kind!r}")
        self.kind = kind
        self.releases: list[Release] = []  # newest first
        self._lock = threading.Lock()
        super().__init__(_handler(self.respond), name=f"demo-{kind}")

    def publish(self, release: Release) -> str:
        """Put a release on the site; returns its URL."""
        if release.site != self.kind:
            raise ValueError(f"{release.name} belongs on the {release.site} site, not {self.kind}")
        with self._lock:
            self.releases = sorted([release, *self.releases], key=lambda r: r.published,
                                   reverse=True)
        return self.root + release.path

    # ---- serving -------------------------------------------------------------------------

    def respond(self, path: str) -> tuple[int, str, str, Release | None]:
        """(status, content type, body, release whose date is the page's Last-Modified)."""
        with self._lock:
            releases = list(self.releases)
        newest = releases[0] if releases else _EPOCH
        if path == "/robots.txt":
            return 200, "text/plain; charset=utf-8", ROBOTS, _EPOCH
        if self.kind == "iopc" and path == "/news":
            brand = newest.brand if releases else "Independent Police Complaints Commission"
            return 200, HTML, self._render("iopc-listing.html.j2", releases=releases,
                                           brand=brand), newest
        if self.kind == "met" and path == MET_RSS:
            return 200, RSS, self._render("met-rss.xml.j2", releases=releases[:20],
                                          root=self.root), newest
        if self.kind == "met" and path == "/latest_news":
            ld = json.dumps({
                "@context": "https://schema.org", "@type": "CollectionPage",
                "mainEntity": {"@type": "ItemList", "itemListElement": [
                    {"@type": "NewsArticle", "headline": r.title, "url": self.root + r.path,
                     "datePublished": r.published.isoformat()} for r in releases]},
            }).replace("</", "<\\/")
            return 200, HTML, self._render("met-listing.html.j2", releases=releases,
                                           json_ld=_Markup(ld)), newest
        for r in releases:
            if r.path == path:
                template = "iopc-article.html.j2" if self.kind == "iopc" else "met-article.html.j2"
                return 200, HTML, self._render(template, r=r, brand=r.brand), r
        return 404, "text/plain; charset=utf-8", "Not found\n", None

    def _render(self, template: str, **values: Any) -> str:
        return _templates.get_template(template).render(**values)


class _Markup(str):
    """Already-safe text for the template (JSON-LD built above with '</' escaped)."""

    def __html__(self) -> str:
        return str(self)


def _handler(respond: Callable[[str], tuple[int, str, str, Release | None]]) -> type:
    class Handler(BaseHTTPRequestHandler):
        server_version = "demo-site"

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            path = urlsplit(self.path).path.rstrip("/") or "/"
            status, ctype, body, dated = respond(path)
            data = body.encode("utf-8")
            etag = '"' + hashlib.sha256(data).hexdigest()[:20] + '"'
            modified = dated.published if dated else None
            if status == 200 and _not_modified(self.headers, etag, modified):
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            if status == 200:
                self.send_header("ETag", etag)
                if modified:
                    stamp = format_datetime(modified.astimezone(UTC), usegmt=True)
                    self.send_header("Last-Modified", stamp)
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *_args: Any) -> None:  # keep the terminal for the story
            pass

    return Handler


def _not_modified(headers: Any, etag: str, modified: Any) -> bool:
    match = headers.get("If-None-Match")
    if match is not None:  # RFC 9110: If-None-Match wins over If-Modified-Since
        return etag in {tag.strip() for tag in match.split(",")} or match.strip() == "*"
    since = headers.get("If-Modified-Since")
    if since and modified is not None:
        try:
            return modified.replace(microsecond=0) <= parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
    return False
