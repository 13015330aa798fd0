"""One apprise URL, one message, one result: the only place that talks to apprise.

apprise reports success for a whole batch of URLs at once, so a failure cannot be pinned on one
target (apprise #306). We call it once per URL and keep the result ourselves. URLs hold secrets
(passwords, webhook tokens): only the privacy form (`url(privacy=True)`) and the channel key
ever leave this module, and error text is scrubbed of the secret parts before it is returned.
"""

from __future__ import annotations

import contextvars
import hashlib
import importlib
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import unquote

from monitor.redact import redact

if TYPE_CHECKING:  # apprise is imported where it is used: enqueueing needs channel_key only
    import apprise

log = logging.getLogger(__name__)

# Formats our templates produce. "slack" is Markdown written for Slack's mrkdwn dialect.
TEXT, HTML, MARKDOWN, SLACK = "text", "html", "markdown", "slack"

# Used when a plugin declares no body limit (apprise's own default for most services).
_NO_LIMIT = 32_768


def channel_key(url: str) -> str:
    """What the database stores instead of the URL: the first 16 hex chars of sha256(url)."""
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]


def privacy_url(url: str) -> str:
    """The URL as apprise prints it with secrets masked, safe for logs and the terminal."""
    plugin = load(url)
    if plugin is None:
        scheme = url.split("://", 1)[0] if "://" in url else "?"
        return f"{scheme}://… (not a URL apprise understands)"
    return redact(plugin.url(privacy=True))  # it keeps webhook paths and +Header= values


@dataclass(frozen=True)
class Target:
    """What a channel can show, read from the apprise plugin's declared capabilities."""

    flavour: str  # which of our templates: text, html, markdown or slack
    body_format: str  # the apprise format the body is declared as
    max_body: int  # apprise's body_maxlen for the service
    has_title: bool  # False: the service has no title field, so the subject goes in the body
    measure: Callable[[str], int]  # length of a body as the service will count it


@dataclass(frozen=True)
class Message:
    title: str
    body: str
    body_format: str
    text: str | None = None  # the plain-text alternative of an HTML email


@dataclass(frozen=True)
class SendResult:
    ok: bool
    url: str  # privacy form
    error: str | None = None


def load(url: str) -> apprise.plugins.NotifyBase | None:
    """The apprise plugin for a URL, or None. apprise's own error lines repeat the whole URL
    (secrets included), and callers say what is wrong themselves, so they are silenced."""
    import apprise

    logger = logging.getLogger("apprise")
    disabled, logger.disabled = logger.disabled, True
    try:
        return apprise.Apprise.instantiate(url)
    finally:
        logger.disabled = disabled


def target(plugin: apprise.plugins.NotifyBase) -> Target:
    """The template flavour and length limit for this plugin."""
    fmt = _format(plugin)
    flavour = SLACK if fmt == MARKDOWN and _schemas(plugin) & {"slack"} else fmt
    max_body = int(getattr(plugin, "body_maxlen", 0) or 0) or _NO_LIMIT
    has_title = int(getattr(plugin, "title_maxlen", 0) or 0) > 0
    convert = getattr(plugin, "dialect_convert", None)

    def measure(body: str) -> int:
        # apprise 2 rewrites Markdown for some services (Slack entity-escapes &, <, >), which
        # makes the body longer than what we rendered; count what will actually be sent.
        if callable(convert):
            import apprise

            try:
                return len(convert(body, apprise.NotifyFormat(fmt)))
            except Exception:  # noqa: BLE001 - measuring must never stop a send
                return len(body)
        return len(body)

    return Target(flavour, fmt, max_body, has_title, measure)


# The plain-text part of the email being sent, while it is sent (per thread, via contextvars).
_PLAIN_PART: contextvars.ContextVar[tuple[str, str] | None] = contextvars.ContextVar(
    "plain_part", default=None
)


def _use_our_plain_parts() -> None:
    """Let an HTML email carry the plain-text part we wrote.

    apprise builds that part by converting the HTML (a call to `convert_between` in its email
    plugin) and offers no way to pass one. We wrap that one name: while `send` has a text of
    its own for exactly this HTML body, it is used; any other call goes to apprise unchanged.
    If a newer apprise moves the call, emails simply keep apprise's converted text.
    """
    try:
        module = importlib.import_module("apprise.plugins.email.base")
    except ImportError:  # pragma: no cover - an apprise without the email plugin
        return
    original = getattr(module, "convert_between", None)
    if original is None or getattr(original, "ours", False):
        return

    def convert_between(from_format: object, to_format: object, content: str) -> str:
        ours = _PLAIN_PART.get()
        # apprise strips the body before its email plugin sees it.
        same = ours is not None and ours[0].strip() == (content or "").strip()
        if same and str(getattr(to_format, "value", to_format)) == TEXT:
            return ours[1]
        return original(from_format, to_format, content)

    convert_between.ours = True  # type: ignore[attr-defined]
    module.convert_between = convert_between


def send(url: str, message: Message) -> SendResult:
    """Send one message to one URL; never raises, never returns a secret."""
    token = _PLAIN_PART.set((message.body, message.text) if message.text else None)
    try:
        return _send(url, message)
    finally:
        _PLAIN_PART.reset(token)


def _send(url: str, message: Message) -> SendResult:
    plugin = load(url)
    if plugin is None:
        return SendResult(False, privacy_url(url), "apprise does not understand this URL")
    import apprise

    _use_our_plain_parts()  # here, not at import: enqueueing an event loads no apprise
    shown = redact(plugin.url(privacy=True))
    batch = apprise.Apprise()
    batch.add(plugin)
    with apprise.LogCapture(level=logging.WARNING, fmt="%(message)s") as captured:
        try:
            result = batch.notify(
                body=message.body, title=message.title, body_format=message.body_format
            )
        except Exception as exc:  # noqa: BLE001 - a plugin bug must not stop the outbox
            return SendResult(False, shown, _scrub(f"{type(exc).__name__}: {exc}", url, shown))
    if result:
        return SendResult(True, shown)
    reason = _reason(result, captured.getvalue()) or "the service refused the message"
    return SendResult(False, shown, _scrub(reason, url, shown))


def _reason(result: object, captured: str) -> str:
    """apprise's own warning lines for this one call (apprise 2 keeps them on the result)."""
    lines: list[str] = []
    logs = getattr(result, "logs", None)
    if callable(logs):
        lines = [e.message for e in logs() if e.level in ("WARNING", "ERROR", "CRITICAL")]
    if not lines:
        lines = [line for line in captured.splitlines() if line.strip()]
    unique = list(dict.fromkeys(line.strip() for line in lines))
    return "; ".join(unique)[:500]


def _format(plugin: apprise.plugins.NotifyBase) -> str:
    """Chat services get Markdown, email HTML, webhooks and the rest plain text.

    A `?format=` on the URL wins, so an operator can pick per channel.
    """
    formats = _formats(plugin)
    override = getattr(plugin, "_format_override", None)  # apprise 2 keeps ?format= here
    if override is not None and str(getattr(override, "value", override)) in formats:
        return str(getattr(override, "value", override))
    if MARKDOWN in formats and not _schemas(plugin) & _WEBHOOKS:
        return MARKDOWN
    if formats[0] in (HTML, TEXT):
        return formats[0]
    return TEXT


# Generic webhooks: whatever reads them expects the plain text, not formatting.
_WEBHOOKS = {"json", "jsons", "xml", "xmls", "form", "forms"}


def _formats(plugin: apprise.plugins.NotifyBase) -> list[str]:
    # apprise 1 declares one format, apprise 2 a tuple whose first entry is the default.
    declared = plugin.notify_format
    listed = declared if isinstance(declared, list | tuple) else [declared]
    return [str(getattr(f, "value", f)) for f in listed]


def _schemas(plugin: apprise.plugins.NotifyBase) -> set[str]:
    schemas: set[str] = set()
    for attr in ("protocol", "secure_protocol"):
        value = getattr(plugin, attr, None) or ()
        schemas.update([value] if isinstance(value, str) else value)
    return schemas


_SPLIT = re.compile(r"[/:@?&=#,;+ ]+")


def hidden_parts(url: str, shown: str | None = None) -> set[str]:
    """The parts of a URL that apprise's privacy form hides: apprise knows which are secret."""
    if shown is None:
        plugin = load(url)
        if plugin is None:
            return set()
        shown = plugin.url(privacy=True)
    public = set(_SPLIT.split(shown)) | set(_SPLIT.split(unquote(shown)))
    return {
        part
        for raw in _SPLIT.split(url) + _SPLIT.split(unquote(url))
        for part in (raw, unquote(raw))
        if len(part) >= 4 and part not in public
    }


def _scrub(text: str, url: str, shown: str) -> str:
    """Replace every part of the URL that the privacy form hides, and every known secret."""
    for secret in sorted(hidden_parts(url, shown), key=len, reverse=True):
        text = text.replace(secret, "****")
    return redact(text)
