"""What one source cycle did, and how it is told in the log."""

from __future__ import annotations

import contextvars
import json
import logging
import re
from dataclasses import dataclass, field
from typing import Any

from monitor.errors import FetchError

log = logging.getLogger("monitor.engine")


@dataclass
class CycleReport:
    source_id: str
    discovered: int = 0
    fetched: int = 0
    not_modified: int = 0
    unchanged: int = 0
    new: int = 0
    changed: int = 0
    removed: int = 0
    events: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    failure: FetchError | None = None
    baseline: bool = False
    held: bool = False
    held_reason: str | None = None  # monitor/guard.py: "changed" or "emptied"
    # The known documents that changed or went away, named in the maintainers' message.
    held_documents: list[dict[str, str]] = field(default_factory=list)
    known: int = 0  # documents recorded before this cycle
    skipped: str | None = None  # why the cycle did not run (another daemon holds the source)
    deferred: int = 0  # new documents left for the next cycle (per-cycle limit)
    new_failed: int = 0  # new documents that could not be read; the listing is re-read next time
    progress: dict[str, Any] | None = None  # a first listing still being absorbed: baseline.py

    @property
    def ok(self) -> bool:
        return self.failure is None and self.skipped is None


# The fetcher's messages end with what the daemon will do next, which a one-shot command
# (`check`) must not promise.
_NEXT_STEP = re.compile(
    r"[;,] (?:will retry|will try again) next cycle|, the work is tried again each cycle"
)


def without_next_step(message: str) -> str:
    return _NEXT_STEP.sub("", message)


_URL = re.compile(r"\b[a-z][a-z0-9+.-]*://[^\s;,()]+", re.I)


def cause_first(error: FetchError | str) -> str:
    """'answered HTTP 500 — https://…' rather than the URL first: the reason stays visible
    when a narrow table cuts the line."""
    message = without_next_step(str(error))
    found = _URL.match(message)
    if not found or not message[found.end():].strip():
        return message
    return f"{message[found.end():].strip()} — {found.group(0)}"


# Set by `check` for its one run: its log lines then promise no next cycle either.
ONE_RUN: contextvars.ContextVar[bool] = contextvars.ContextVar("one_run", default=False)


def with_next_step(exc: Exception) -> str:
    message = str(exc)
    if ONE_RUN.get():
        return without_next_step(message)
    return message if "next cycle" in message else f"{message}; will try again next cycle"


def log_report(r: CycleReport) -> None:
    if r.failure:
        message = with_next_step(r.failure)
        log.warning("%s: cycle failed (%s): %s", r.source_id, r.failure.kind, message)
        return
    log.info(
        "%s: %d listed, %d fetched (%d not modified), %d new, %d changed, %d event(s)%s%s",
        r.source_id,
        r.discovered,
        r.fetched,
        r.not_modified,
        r.new,
        r.changed,
        len(r.events),
        " — baseline, nothing sent" if r.baseline else "",
        " — alerts HELD by the mass-change guard" if r.held else "",
    )
    if r.progress:
        from monitor.baseline import describe

        log.info("%s: %s", r.source_id, describe(r.progress))


def event_summary(event: Any) -> dict[str, Any]:
    payload = json.loads(event.payload_json)
    return {
        "kind": event.kind,
        "status": event.status,
        "case": payload.get("case_name"),
        "from": event.from_stage,
        "to": event.to_stage,
        "url": payload.get("url"),
        "evidence": payload.get("evidence"),
    }
