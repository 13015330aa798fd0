"""A source's baseline is what its FIRST listing showed; anything that appears later is news.

A first listing bigger than `max_documents_per_cycle` is absorbed over several cycles. The ids
it showed that are not recorded yet are kept in the source's state (under the engine's own key,
which plugins never see), so an announcement published meanwhile is told apart and alerted,
and so progress (done of total, rate, ETA) can be shown on the terminal and in `sources`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

KEY = "_baseline"  # the engine's entry in source_state.state_json


@dataclass
class Baseline:
    pending: set[str]  # ids of the first listing not recorded yet
    total: int  # how many the first listing had that were not known
    started_at: datetime

    def progress(self, now: datetime) -> dict[str, Any]:
        """Done / total, rate per hour since the first listing, and when it should finish."""
        done = self.total - len(self.pending)
        seconds = (now - self.started_at).total_seconds()
        rate = done / seconds * 3600 if seconds >= 60 else None  # none yet in the first cycle
        eta = None
        if self.pending and rate:
            eta = now + timedelta(hours=len(self.pending) / rate)
        return {
            "done": done,
            "total": self.total,
            "rate_per_hour": round(rate, 1) if rate is not None else None,
            "eta": eta.isoformat() if eta else None,
            "started_at": self.started_at.isoformat(),
        }


def split(state_json: str | None) -> tuple[dict[str, Any], Baseline | None]:
    """(the plugin's own state, the baseline in progress or None)."""
    state = json.loads(state_json or "{}")
    saved = state.pop(KEY, None)
    if not isinstance(saved, dict):
        return state, None
    return state, Baseline(
        set(saved.get("pending", ())),
        int(saved.get("total", 0)),
        datetime.fromisoformat(saved["started_at"]),
    )


def join(state: dict[str, Any], baseline: Baseline | None, now: datetime) -> str:
    """The state JSON to save: the plugin's state plus the baseline still in progress."""
    if baseline is None or not baseline.pending:
        return json.dumps(state)
    saved = {
        "pending": sorted(baseline.pending),
        "total": baseline.total,
        "started_at": baseline.started_at.isoformat(),
        "progress": baseline.progress(now),
    }
    return json.dumps({**state, KEY: saved})


def progress_of(state_json: str | None) -> dict[str, Any] | None:
    """The progress saved with a baseline in progress (for `sources` and the web)."""
    try:
        saved = json.loads(state_json or "{}").get(KEY)
    except (ValueError, AttributeError):
        return None
    return saved.get("progress") if isinstance(saved, dict) else None


def describe(progress: dict[str, Any]) -> str:
    """'baseline 1,200 of 5,000 (24 %), 300/h, done by 2026-12-03 14:10'."""
    done, total = progress["done"], progress["total"]
    share = f" ({done * 100 // total} %)" if total else ""
    text = f"baseline {done:,} of {total:,}{share}"
    if progress.get("rate_per_hour") is not None:
        text += f", {progress['rate_per_hour']:,.0f}/h"
    if progress.get("eta"):
        text += f", done by {progress['eta'][:16].replace('T', ' ')}"
    return text
