"""Local news site for the request-economy benchmark (stdlib only).

    python benchmarks/feedserver.py --articles 5000 --newest 2026-11-20T12:00:00Z \
        --every-hours 3.5 [--port-file F]

/feed.xml      RSS 2.0 of the newest `limit` articles (ETag; 304 on If-None-Match)
/article/<i>   a small article page, i = 0 is the newest; published `i * every_hours` before
               --newest; strong ETag, 304 on a matching If-None-Match
/_admin/limit?n=50   how many items the feed lists (the feed's ETag changes with it)
/_admin/stats, /_admin/reset, /_admin/shutdown   as serve_pages.py (stats: requests by path kind)
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import threading
from datetime import datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class Site:
    def __init__(self, articles: int, newest: datetime, every: timedelta) -> None:
        self.articles, self.newest, self.every = articles, newest, every
        self.limit = articles
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.stats = {
                "requests": 0,
                "status": {},
                "feed": 0,
                "article": 0,
                "other": 0,
                "bytes_body": 0,
            }

    def published(self, i: int) -> datetime:
        return self.newest - i * self.every

    def article(self, i: int) -> bytes:
        when = self.published(i).isoformat().replace("+00:00", "Z")
        paras = "".join(
            f"<p>Paragraph {k} of announcement {i}: the independent office published an update "
            f"on its investigation into the conduct of officers from the force.</p>"
            for k in range(8)
        )
        return (
            f"<!doctype html><html><head><title>Announcement {i}</title>"
            f'<meta property="article:published_time" content="{when}"></head><body>'
            f'<main><article><h1>Announcement {i}</h1><time datetime="{when}">{when}</time>'
            f"{paras}</article></main></body></html>"
        ).encode()

    def feed(self, base: str) -> bytes:
        items = "".join(
            f"<item><title>Announcement {i}</title><link>{base}/article/{i}</link>"
            f"<guid>{base}/article/{i}</guid><pubDate>{format_datetime(self.published(i), usegmt=True)}</pubDate>"
            f"<description>Summary {i}</description></item>\n"
            for i in range(min(self.limit, self.articles))
        )
        return (
            f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>News</title>'
            f"<link>{base}/</link><description>bench</description>\n{items}</channel></rss>"
        ).encode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    site: Site

    def log_message(self, *args: object) -> None:
        pass

    def _send(self, code: int, body: bytes, ctype: str, etag: str | None = None) -> None:
        self.send_response(code)
        if etag:
            self.send_header("ETag", etag)
        if code != 304:
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if code != 304:
            self.wfile.write(body)

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        site = self.site
        if url.path.startswith("/_admin/"):
            cmd, q, out = url.path[8:], parse_qs(url.query), {"ok": True}
            if cmd == "stats":
                with site.lock:
                    out = json.loads(json.dumps(site.stats))
            elif cmd == "reset":
                site.reset()
            elif cmd == "limit":
                site.limit = int(q["n"][0])
            elif cmd == "shutdown":
                threading.Thread(target=self.server.shutdown, daemon=True).start()
            return self._send(200, json.dumps(out).encode(), "application/json")
        base = f"http://{self.headers.get('Host')}"
        kind, body, ctype = "other", b"not found", "text/plain"
        if url.path == "/feed.xml":
            kind, body, ctype = "feed", site.feed(base), "application/rss+xml"
        elif (
            url.path.startswith("/article/")
            and url.path[9:].isdigit()
            and int(url.path[9:]) < site.articles
        ):
            kind, body, ctype = (
                "article",
                site.article(int(url.path[9:])),
                "text/html; charset=utf-8",
            )
        code = 404 if kind == "other" else 200
        etag = f'"{hashlib.sha1(body).hexdigest()[:16]}"' if code == 200 else None
        if etag and self.headers.get("If-None-Match") == etag:
            code = 304
        with site.lock:
            st = site.stats
            st["requests"] += 1
            st[kind] += 1
            st["status"][str(code)] = st["status"].get(str(code), 0) + 1
            st["bytes_body"] += len(body) if code != 304 else 0
        self._send(code, body, ctype, etag)


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--articles", type=int, default=5000)
    ap.add_argument("--newest", default="2026-11-20T12:00:00+00:00")
    ap.add_argument("--every-hours", type=float, default=3.5)
    ap.add_argument("--port-file")
    a = ap.parse_args()
    Handler.site = Site(
        a.articles,
        datetime.fromisoformat(a.newest.replace("Z", "+00:00")),
        timedelta(hours=a.every_hours),
    )
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    if a.port_file:
        with open(a.port_file + ".tmp", "w") as f:
            f.write(str(srv.server_address[1]))
        os.replace(a.port_file + ".tmp", a.port_file)
    try:
        srv.serve_forever(poll_interval=0.2)
    finally:
        srv.server_close()


if __name__ == "__main__":
    main()
