"""iCalendar feeds of announced dates (RFC 5545, written by the `icalendar` library)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from icalendar import Calendar, Event

PRODUCT = "-//oversight-monitor//hearings//EN"
LENGTH = timedelta(hours=2)  # announcements give a start, not an end


def calendar(name: str, hearings: Iterable[Mapping[str, Any]], host: str) -> bytes:
    """One calendar; each date keeps one UID, so a moved hearing moves in the subscriber's app."""
    cal = Calendar()
    cal.add("prodid", PRODUCT)
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    for h in hearings:
        start = datetime.fromisoformat(h["starts_at"])
        event = Event()
        event.add("uid", f"hearing-{h['id']}@{host}")
        event.add("summary", f"{h['case_name']}: {h['kind_label']}")
        if h["all_day"]:
            event.add("dtstart", start.date())
        else:
            event.add("dtstart", start)
            event.add("dtend", start + LENGTH)
        event.add("dtstamp", start)
        if h["place"]:
            event.add("location", h["place"])
        event.add("description", f"{h['title']}\n{h['url']}")
        event.add("url", h["url"])
        cal.add_component(event)
    return cal.to_ical()
