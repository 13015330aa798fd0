"""Logging to stderr: one readable line per event, or JSON lines for machines.

Every handler on the root logger gets the redacting filter (monitor/redact.py), so no line
from any library (apprise, urllib3, httpx) carries a configured secret.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

from monitor.redact import install


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="seconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info or record.exc_text:
            entry["exception"] = record.exc_text or self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class _OurHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Marks the handler setup_logging installed, so a second call replaces only it."""


def setup_logging(level: str = "info", fmt: str = "text") -> None:
    handler = _OurHandler(sys.stderr)
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [h for h in root.handlers if not isinstance(h, _OurHandler)] + [handler]
    for each in root.handlers:
        install(each)
    root.setLevel(level.upper())
    # Libraries talk too much at INFO; their warnings still come through. At debug they say
    # everything (redacted), since that is what debug is asked for.
    quiet = logging.NOTSET if level.lower() == "debug" else logging.WARNING
    for noisy in ("httpx", "httpcore", "apscheduler", "asyncio", "alembic", "apprise"):
        logging.getLogger(noisy).setLevel(quiet)
