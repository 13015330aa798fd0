"""Real sample messages, captured from local servers: `python -m notifications.examples [DIR]`.

Renders the Stephen Port move of November 2023 (re-investigation → gross misconduct notices
served to 8 officers) and sends it through apprise to a local SMTP server and a local
Slack-compatible webhook, then writes what they received to DIR (default docs/examples):
`alert-email.txt` (headers plus the decoded plain and HTML parts) and `alert-slack.json` (the
posted JSON). Nothing leaves the machine. Needs the test extras (aiosmtpd).

The payload is a reconstruction for illustration: the facts follow the public record summarised
in shared/reference/domain.md, but the evidence sentence is paraphrased and the link is a
placeholder, not a captured page.
"""

from __future__ import annotations

import email
import email.policy
import json
import socket
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

PORT_2023: dict[str, Any] = {
    "case_name": "Stephen Port",
    "case_key": "tracked:stephen-port",
    "tracked": True,
    "title": "Eight officers under investigation for gross misconduct in Stephen Port "
    "re-investigation",
    "url": "https://www.policeconduct.gov.uk/news/example-stephen-port-reinvestigation",
    "source_id": "iopc",
    "source_name": "Independent Office for Police Conduct",
    "published_at": "2023-11-16T09:00:00+00:00",
    "date_note": None,
    "from_stage": "reinvestigation",
    "to_stage": "misconduct_notices_served",
    "evidence": "Five serving and three former Metropolitan Police officers have been served "
    "with gross misconduct notices as part of our re-investigation into the police response "
    "to the deaths of Anthony Walgate, Gabriel Kovari, Daniel Whitworth and Jack Taylor.",
    "officers": 8,
    "severity": "gross_misconduct",
    "route": None,
    "force": "Metropolitan Police Service",
    "flags": [],
    "from_status": None,
    "to_status": None,
    "edited": False,
    "case_id": 1,
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SmtpSink:
    """An SMTP server on 127.0.0.1 that keeps every message; `stop()`/`start()` to simulate an
    outage. Accepts any login, so URLs with a password work too."""

    def __init__(self, port: int | None = None) -> None:
        self.host, self.port = "127.0.0.1", port or free_port()
        self.messages: list[email.message.EmailMessage] = []
        self._controller: Any = None

    def start(self) -> SmtpSink:
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult

        sink = self

        class Handler:
            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
                parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
                sink.messages.append(parsed)  # type: ignore[arg-type]
                return "250 OK"

        self._controller = Controller(
            Handler(), hostname=self.host, port=self.port, auth_require_tls=False,
            authenticator=lambda *args: AuthResult(success=True),
        )
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def url(self, to: str = "advocate@example.org", password: str | None = None) -> str:
        login = f"monitor:{password}@" if password else ""
        user = "" if password else "user=monitor&"
        return (
            f"mailto://{login}{self.host}:{self.port}?{user}"
            f"from=monitor@example.org&to={to}&mode=insecure"
        )

    def __enter__(self) -> SmtpSink:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class HttpSink:
    """A web server on 127.0.0.1 that answers 200 to every POST and keeps the bodies."""

    def __init__(self) -> None:
        self.posts: list[tuple[str, bytes]] = []
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                sink.posts.append((self.path, self.rfile.read(length)))
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> HttpSink:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


@contextmanager
def slack_webhooks_at(base_url: str) -> Iterator[None]:
    """Point apprise's Slack webhook base URL at a local server for the duration."""
    from apprise.plugins.slack import NotifySlack

    saved = NotifySlack.webhook_url
    NotifySlack.webhook_url = f"{base_url}/services"
    try:
        yield
    finally:
        NotifySlack.webhook_url = saved


SLACK_URL = "slack://T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX/#port-case?footer=no"


def capture() -> tuple[str, str]:
    """Send the sample to local servers; returns (email as text, Slack JSON as text)."""
    from notifications import channels
    from notifications.render import Reader, render_event

    # As with `operator_contact` and `public_url` set; the contact and address are examples.
    reader = Reader("port-families", ["the case Stephen Port"],
                    "the Port case monitor, alerts@example.org", "https://monitor.example.org")
    with SmtpSink() as smtp, HttpSink() as web, slack_webhooks_at(web.url):
        for url in (smtp.url(), SLACK_URL):
            plugin = channels.load(url)
            assert plugin is not None, url
            message = render_event("stage_changed", PORT_2023, channels.target(plugin), reader)
            result = channels.send(url, message)
            if not result.ok:
                raise RuntimeError(f"{result.url}: {result.error}")
        mail = smtp.messages[0]
        slack = json.loads(web.posts[0][1])
    return _email_text(mail), json.dumps(slack, indent=2, ensure_ascii=False) + "\n"


def _email_text(mail: email.message.EmailMessage) -> str:
    lines = [f"{name}: {mail[name]}" for name in ("Subject", "From", "To")]
    for part in mail.walk():
        if part.get_content_maintype() == "text":
            lines += ["", f"----- {part.get_content_type()} part -----", part.get_content()]
    return "\n".join(lines).rstrip() + "\n"


def main(argv: list[str]) -> None:
    out = Path(argv[0] if argv else "docs/examples")
    out.mkdir(parents=True, exist_ok=True)
    email_text, slack_json = capture()
    (out / "alert-email.txt").write_text(email_text, encoding="utf-8")
    (out / "alert-slack.json").write_text(slack_json, encoding="utf-8")
    print(f"wrote {out / 'alert-email.txt'} and {out / 'alert-slack.json'}")


if __name__ == "__main__":
    main(sys.argv[1:])
