"""A case's timeline as CSV, for complaints and reports (opens in any spreadsheet)."""

from __future__ import annotations

import csv
import io
from typing import Any
from zoneinfo import ZoneInfo

from monitor.redact import redact
from monitor.web.app import _parse  # the pages' own reading of a stored time

COLUMNS = (
    "date", "what", "stage", "case stage after", "moved back", "note", "officers", "severity",
    "evidence", "title", "source", "link", "joined by", "corrected",
)


def timeline_csv(case: dict[str, Any], source_names: dict[str, str], tz: str) -> str:
    """Dates in [monitor] timezone, as on the pages: a date-only announcement of 5 July is
    stored as 4 July 23:00 UTC and would otherwise land on the wrong day in a spreadsheet."""
    zone = ZoneInfo(tz)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for e in case["timeline"]:
        c = e.get("correction")
        writer.writerow(_safe(v) for v in (
            _local(e["date"], zone), e["kind"], e["stage_label"], e["case_stage"] or "",
            "yes" if e["backwards"] else "", e["note"] or "", e["officers"] or "",
            (e["severity"] or "").replace("_", " "), e["evidence"] or "", e["title"],
            source_names.get(e["source_id"], e["source_id"]), e["url"], e["joined_by"] or "",
            f"by {c['who']} on {c['created_at'][:10]}, was {c['old_label']}: {c['why']}"
            if c else "",
        ))
    return out.getvalue()


def _local(value: str | None, zone: ZoneInfo) -> str:
    return _parse(value, zone).isoformat() if value else ""


def _safe(value: object) -> str:
    """Text from a monitored page never runs as a spreadsheet formula (CSV injection), and no
    configured secret is exported."""
    text = redact(str(value))  # a link stored with its ?api_key= is exported with ****
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
