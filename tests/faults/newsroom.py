"""A small mutable newsroom for fault tests: a listing page plus article pages.

Tests flip `layout` to simulate a redesign, edit `articles` to publish, and add `noise` to the
markup that every real site has (timestamps, CSRF tokens, cache-busters).
"""

from __future__ import annotations

import html
import secrets
import time
from typing import Any

from werkzeug.wrappers import Request, Response

LISTING = """<!doctype html>
<!-- RECONSTRUCTED test newsroom (no real site); the layout of tests/sources/listing. -->
<html><head><title>News | Example oversight body</title>
<meta name="csrf-token" content="{token}"><link rel="stylesheet" href="/style.css?v={clock}">
</head><body><nav><a href="/about">About</a> Updated {clock}</nav>
<main><ul class="news-list">{items}</ul></main>
<footer>Page generated at {clock} in {ms} ms</footer></body></html>"""
ITEM = '<li class="{cls}"><a href="/news/{slug}?utm_source={token}">{title}</a></li>'
ARTICLE = """<!doctype html>
<html><head><title>{title} | Example oversight body</title>
<meta name="csrf-token" content="{token}"><script>var nonce = "{token}";</script></head>
<body data-build="{clock}"><nav><a href="/">Home</a> Signed in at {clock}</nav>
{heading}<div class="{body_cls}"><p>{body}</p></div>
<footer>Rendered {clock}</footer></body></html>"""


class Newsroom:
    def __init__(self, httpserver: Any) -> None:
        self.server = httpserver
        self.articles: dict[str, dict[str, str]] = {}
        self.extra_links: list[str] = []  # raw hrefs listed after the articles
        self.layout = "old"  # "old"; "new-listing": items renamed; "new-articles": no h1/main
        httpserver.expect_request("/news").respond_with_handler(self._listing)
        httpserver.no_handler_status_code = 404

    @property
    def listing_url(self) -> str:
        return self.server.url_for("/news").replace("://localhost:", "://127.0.0.1:")

    def publish(self, slug: str, title: str, body: str) -> None:
        self.articles[slug] = {"title": title, "body": body}
        self.server.expect_request(f"/news/{slug}").respond_with_handler(self._article)

    def _noise(self) -> dict[str, str]:
        return {"token": secrets.token_hex(8), "clock": repr(time.time()), "ms": "3"}

    def _listing(self, _request: Request) -> Response:
        cls = "teaser" if self.layout == "new-listing" else "news-item"
        items = "".join(
            ITEM.format(cls=cls, slug=slug, title=html.escape(a["title"]), **self._noise())
            for slug, a in reversed(self.articles.items())
        )
        items += "".join(f'<li class="{cls}"><a href="{h}">more</a></li>' for h in self.extra_links)
        return Response(LISTING.format(items=items, **self._noise()), content_type="text/html")

    def _article(self, request: Request) -> Response:
        found = self.articles.get(request.path.rsplit("/", 1)[-1])
        if found is None:
            return Response("not found", status=404)
        if self.layout == "new-articles":  # a redesign: no heading, body in an unknown block
            heading, body_cls = "", "x-rich-text"
            body = ""
        else:
            heading, body_cls = f"<main><h1>{html.escape(found['title'])}</h1>", "body"
            body = html.escape(found["body"])
        page = ARTICLE.format(
            title="", heading=heading, body_cls=body_cls, body=body, **self._noise()
        )
        if heading:
            page = page.replace("</div>", "</div></main>", 1)
        return Response(page, content_type="text/html; charset=utf-8")


def listing_source(room: Newsroom, source_id: str = "news") -> str:
    return (
        f'[[sources]]\nid = "{source_id}"\nplugin = "listing"\n'
        f'options = {{ url = "{room.listing_url}", item_selector = "li.news-item" }}\n'
    )
