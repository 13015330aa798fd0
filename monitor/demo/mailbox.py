"""A local SMTP server that keeps every message it is given: the demo subscriber's inbox.

aiosmtpd runs its own event loop in a thread on 127.0.0.1, ephemeral port; apprise delivers
to it with a plain `mailto://127.0.0.1:PORT?...` URL, so the messages shown are exactly the
ones the outbox sent.
"""

from __future__ import annotations

import email
import email.policy
import re
import socket
import threading
import time
from email.message import EmailMessage
from html import unescape
from typing import Any

try:
    from aiosmtpd.controller import Controller
except ModuleNotFoundError:  # pragma: no cover - depends on the install
    Controller = None  # type: ignore[assignment,misc]


class MissingMailServer(RuntimeError):
    """aiosmtpd is not installed."""


class Mailbox:
    """Start with `with Mailbox() as box:`; `box.messages` fills as mail arrives."""

    def __init__(self) -> None:
        if Controller is None:
            raise MissingMailServer(
                "the demo needs the aiosmtpd package for its local mail server: "
                "pip install aiosmtpd"
            )
        self.messages: list[EmailMessage] = []
        self._lock = threading.Lock()
        self.port = _free_port()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> Mailbox:
        self._controller.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._controller.stop()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._lock:
            self.messages.append(msg)  # type: ignore[arg-type]
        return "250 Message accepted"

    def url(self, sender: str, to: str) -> str:
        """The apprise URL that delivers here."""
        return f"mailto://127.0.0.1:{self.port}?from={sender}&to={to}"

    def since(self, count: int, expected: int = 0, timeout: float = 5) -> list[EmailMessage]:
        """Messages after the first `count`, waiting briefly for `expected` of them."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                new = self.messages[count:]
            if len(new) >= expected or time.monotonic() > deadline:
                return new
            time.sleep(0.02)


def text_of(msg: EmailMessage) -> str:
    """The message as a mail client shows it, in plain text: the HTML part with table rows as
    "Label: value" lines, or the text part when there is no HTML."""
    part = msg.get_body(preferencelist=("html", "plain"))
    if part is None:
        return ""
    content = part.get_content()
    if part.get_content_type() == "text/html":
        content = re.sub(r"(?is)<(script|style|head)\b.*?</\1>", "", content)
        content = re.sub(r"(?i)</th>", ": ", content)
        content = re.sub(r"(?i)<br\s*/?>|</(p|div|h\d|li|tr|blockquote)>", "\n", content)
        content = unescape(re.sub(r"<[^>]+>", "", content))
    lines = [" ".join(line.split()) for line in content.splitlines()]
    return "\n".join(line for line in lines if line)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
