"""`oversight-monitor history` as text: the demo's timeline, with edits, officers and dates."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

INDENT = " " * 15


def timeline_lines(case: Mapping[str, Any], source_names: Mapping[str, str]) -> Iterator[str]:
    """Lines for one case from case_history(): dates are already local."""
    tracked = " (tracked)" if case["tracked"] else ""
    if case["no_announcement"]:
        yield f"{case['name']}{tracked}: no announcement yet"
        return
    since = f" (since {case['stage_since_day']})" if case["stage_since_day"] else ""
    yield f"{case['name']}{tracked}: now {case['stage_label']}{since}"
    if case["force"]:
        yield f"Force: {case['force']}"
    yield ""
    for item in case["timeline"]:
        yield from _entry(item, source_names)
    if case["officer_trails"]:
        yield ""
        yield "Officers"
        for trail in case["officer_trails"]:
            yield f"  {trail['line']}"
    if case["hearings"]:
        yield ""
        yield "Dates"
        for h in case["hearings"]:
            place = f", {h['place']}" if h["place"] else ""
            yield f"  {h['when']:<22} {h['kind_label']}{place}"


def _entry(item: Mapping[str, Any], source_names: Mapping[str, str]) -> Iterator[str]:
    from monitor.views import short_label

    day = item["day"] or "(no date)  "
    source = source_names.get(item["source_id"], item["source_id"])
    if item["kind"] == "edit":
        mark, what = "✎", item["note"]
    elif item["kind"] == "removal":
        mark, what = "✗", item["note"]
    else:
        mark = "·" if not item["moved"] else ("↩" if item["backwards"] else "→")
        what = short_label(item["stage"], item["severity"])
        if item["officers"]:
            what += f" ({item['officers']})"
        if item["backwards"]:
            what += " (moved back)"
        if item["uncertain"]:
            what += " (uncertain reading)"
    yield f"  {day}  {mark} {what:<46} {source}"
    if item["kind"] == "edit" and item["moved"]:
        yield f"{INDENT}the case is now at: {short_label(item['case_stage'])}"
    if item["kind"] == "removal":
        return
    if item.get("correction"):
        c = item["correction"]
        yield f"{INDENT}corrected by {c['who']} (read as {c['old_label']} at first): {c['why']}"
    if item["evidence"]:
        yield f"{INDENT}“{' '.join(item['evidence'].split())}”"
    if item["kind"] == "announcement":
        yield f"{INDENT}{item['title']}"
        yield f"{INDENT}{item['url']}  (announcement #{item['document_id']})"
        if item["joined_by"] and item["joined_by"] != "named as a tracked case":
            yield f"{INDENT}joined by: {item['joined_by']}"
