"""Every configured secret, and the one function that masks them wherever text leaves us.

Secrets are learnt when the config is read: each `${ENV}` value substituted into it, and the
secret parts of every URL in it (passwords, apprise tokens and webhook paths, `+Header=` and
`-param=` values, query values such as `api_key`). `redact` replaces them with `****`.
`RedactingFilter` sits on the root log handlers, so third-party loggers (apprise, urllib3,
httpx) are masked too, whatever they print; commands also pass their own output through
`redact` (notify-test, sources, check, the web pages, stored error texts).
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable
from urllib.parse import parse_qsl, quote, unquote, urlsplit

MASK = "****"
_MIN_LENGTH = 4  # shorter values would mask ordinary words and numbers

_lock = threading.Lock()
_secrets: set[str] = set()
_pattern: re.Pattern[str] | None = None

# Query keys whose value is a credential whatever it looks like.
_SECRET_KEYS = re.compile(
    r"(?:^|[_.-])(?:key|apikey|token|secret|pass|password|passwd|pwd|auth|sig|signature"
    r"|credentials?|session|code|hash|access)(?:$|[_.-])", re.I
)

# Generic webhook schemes, and path words that are not secrets in any of them.
_WEBHOOKS = {"json", "jsons", "form", "forms", "xml", "xmls", "ntfy", "ntfys"}
_PLAIN = {"api", "hook", "hooks", "webhook", "webhooks", "notify", "alerts", "alert", "v1", "v2"}


def register(values: Iterable[str]) -> None:
    """Remember these values as secrets (and their URL-encoded forms)."""
    global _pattern
    new = set()
    for value in values:
        value = value.strip()
        if len(value) >= _MIN_LENGTH:
            new.update({value, quote(value, safe=""), quote(value)})
    with _lock:
        if new - _secrets:
            _secrets.update(new)
            ordered = sorted(_secrets, key=len, reverse=True)  # longest first: no half masks
            _pattern = re.compile("|".join(re.escape(s) for s in ordered))


def forget_all() -> None:
    """For tests: start again with no known secrets."""
    global _pattern
    with _lock:
        _secrets.clear()
        _pattern = None


def redact(text: str) -> str:
    """`text` with every known secret replaced by ****."""
    pattern = _pattern
    if pattern is None or not text:
        return text
    return pattern.sub(MASK, text)


def url_secrets(url: str, *, channel: bool) -> set[str]:
    """The secret parts of a URL.

    A channel (apprise) URL keeps its credentials in the path and in its options, so every
    path segment that looks like a token is one, and so is every `+Header=`/`-param=` value.
    Any URL's password, and query values under names like `api_key`, are secrets.
    """
    found: set[str] = set()
    try:
        parts = urlsplit(url)
        password, user = parts.password, parts.username
    except ValueError:
        return _tokens(url) if channel else found
    if password:
        found.add(unquote(password))
    if channel and user and _looks_secret(unquote(user)):
        found.add(unquote(user))
    for key, value in parse_qsl(parts.query, keep_blank_values=False):
        named = key.startswith(("+", "-")) or _SECRET_KEYS.search(key)
        if named or (channel and _looks_secret(value)):
            found.add(value)
    if channel:
        segments = [unquote(p) for p in parts.path.split("/")]
        if parts.scheme.lower() in _WEBHOOKS:
            # A webhook's path is its password: apprise's privacy form shows it in full.
            found.update(s for s in segments if len(s) >= _MIN_LENGTH and s.lower() not in _PLAIN)
        found.update(s for s in segments if _looks_secret(s))
        host = parts.netloc.rsplit("@", 1)[-1]
        if ":" not in host and "." not in host and host != "localhost" and _looks_secret(host):
            found.add(host)  # slack://TOKEN/…, discord://ID/TOKEN: the "host" is a token
    return found


def _tokens(text: str) -> set[str]:
    """Token-looking pieces of text that is not even a URL (a mistyped one)."""
    return {p for p in re.split(r"[/:@?&=#,;+ ]+", text) if _looks_secret(p)}


def _looks_secret(value: str) -> bool:
    """Random-looking: long, or mixing digits with letters. 'police-watch' is not; 'T0A1B2' is."""
    if len(value) < _MIN_LENGTH:
        return False
    if len(value) >= 20:
        return True
    has_digit = any(c.isdigit() for c in value)
    has_alpha = any(c.isalpha() for c in value)
    mixed_case = any(c.isupper() for c in value) and any(c.islower() for c in value)
    return (has_digit and has_alpha) or (mixed_case and len(value) >= 8)


class RedactingFilter(logging.Filter):
    """Masks secrets in a record's message and traceback before any handler formats it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if _pattern is None:
            return True
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken log call must still be shown
            message = str(record.msg)
        record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def install(handler: logging.Handler) -> None:
    if not any(isinstance(f, RedactingFilter) for f in handler.filters):
        handler.addFilter(RedactingFilter())
