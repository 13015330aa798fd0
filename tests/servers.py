"""Real local servers for tests: a mutable page site and an SMTP sink. Nothing leaves 127.0.0.1."""

from __future__ import annotations

import email
import email.policy
import socket
import threading
import time
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from werkzeug.wrappers import Request, Response


@dataclass
class SmtpSink:
    """Collects every message delivered to it."""

    messages: list[EmailMessage] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(msg)  # type: ignore[arg-type]
        return "250 OK"

    def wait_for(self, count: int, timeout: float = 10) -> list[EmailMessage]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.messages) >= count:
                    return list(self.messages)
            time.sleep(0.05)
        return list(self.messages)


def start_smtp() -> tuple[Controller, SmtpSink]:
    sink = SmtpSink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, sink


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def text_of(msg: EmailMessage) -> str:
    part = msg.get_body(preferencelist=("plain", "html"))
    return part.get_content() if part else ""


CASE_PAGE = """<!doctype html>
<!-- RECONSTRUCTED test page in the Drupal-like case-page layout described in
     shared/reference/layouts.md and shared/bench/pagegen.py; not a captured page. -->
<html><head><title>{title} | Example oversight body</title></head>
<body>
<nav><a href="/">Home</a> <a href="/news">News</a> Rendered at {clock}</nav>
<main>
<h1>{title}</h1>
<dl class="investigation-fields">
  <dt>Status</dt><dd>{status}</dd>
  <dt>Force</dt><dd>{force}</dd>
  <dt>Reference</dt><dd>{reference}</dd>
</dl>
<div class="body"><p>{body}</p></div>
</main>
<footer>Contact the press office. Page generated at {clock}.</footer>
</body></html>
"""


class CaseSite:
    """Case pages served from memory; tests edit `pages` to publish changes."""

    def __init__(self, httpserver: Any) -> None:
        self.server = httpserver
        self.pages: dict[str, dict[str, str]] = {}
        self.hits: dict[str, int] = {}
        httpserver.expect_request("/robots.txt").respond_with_data("User-agent: *\nAllow: /\n")
        httpserver.expect_request(
            "/case",
        ).respond_with_handler(self._handle)
        httpserver.no_handler_status_code = 404

    def add(self, slug: str, **fields: str) -> str:
        self.pages[slug] = fields
        self.server.expect_request(f"/case/{slug}").respond_with_handler(self._handle)
        return self.url(slug)

    def url(self, slug: str) -> str:
        return self.server.url_for(f"/case/{slug}")

    def _handle(self, request: Request) -> Response:
        slug = request.path.rsplit("/", 1)[-1]
        self.hits[slug] = self.hits.get(slug, 0) + 1
        page = self.pages.get(slug)
        if page is None:
            return Response("gone", status=404)
        html = CASE_PAGE.format(clock=time.time(), **page)
        return Response(html, content_type="text/html; charset=utf-8")
