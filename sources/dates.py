"""Read the dates sites print into timezone-aware UTC, never guessing.

Sites print local wall-clock time with no zone ("13:45 21/03/2024" in London), so the
source's zone is applied with zoneinfo, which gets GMT/BST right on both sides of a change.
A relative date ("2 hours ago") depends on when the page was fetched, which a pure parser
does not know, so it is reported as unknown with note "relative" rather than invented.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import NamedTuple
from zoneinfo import ZoneInfo

MONTHS = {m: i + 1 for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split())}
ZONES = {"GMT": UTC, "UTC": UTC, "BST": timezone(timedelta(hours=1))}
MON = r"(?P<mon>[A-Z][a-z]{2,8})"
HM = r"(?P<h>\d{1,2})[:.](?P<mi>\d{2})"
TZ = r"(?:\s*(?P<tz>GMT|BST|UTC))?"
PATTERNS = [
    # "Published: 13:45 21/03/2024" (police.uk)
    re.compile(HM + r"\s+(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})"),
    # "Nov 01, 2019 13:01 GMT" (Mynewsdesk)
    re.compile(rf"\b{MON}\.? (?P<d>\d{{1,2}}),? (?P<y>\d{{4}})(?:,? {HM}{TZ})?"),
    # "09 Dec 2021", "18 May 2023 14:05", "Tuesday 25 April 2017"
    re.compile(rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)? {MON},? (?P<y>\d{{4}})(?:,? {HM}{TZ})?"),
    # "21/03/2024" on its own: day first, as everywhere in the UK
    re.compile(r"\b(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})\b"),
]
RELATIVE = re.compile(
    r"\b(\d+|an?|one)\s+(second|minute|hour|day|week|month)s?\s+ago\b"
    r"|\b(yesterday|today|just now)\b",
    re.I,
)


class Dated(NamedTuple):
    """A parsed date (UTC) or None with the reason: "missing" or "relative"."""

    value: datetime | None
    note: str | None = None


def read_date(text: str | None, tz: str = "Europe/London") -> Dated:
    """The first date in text, as UTC; tries ISO 8601, RFC 822 and the printed site formats."""
    text = (text or "").strip()
    if not text:
        return Dated(None, "missing")
    if exact := _machine(text, tz):
        return Dated(exact)
    for pattern in PATTERNS:
        for match in pattern.finditer(text):
            if value := _build(match.groupdict(), tz):
                return Dated(value)
    return Dated(None, "relative" if RELATIVE.search(text) else "missing")


def local(value: datetime, tz: str) -> datetime:
    """Attach the source's zone to a naive wall-clock time, then convert to UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(tz))
    return value.astimezone(UTC)


def _machine(text: str, tz: str) -> datetime | None:
    try:  # ISO 8601, as in <time datetime> and article:published_time
        return local(datetime.fromisoformat(text.replace("Z", "+00:00")), tz)
    except ValueError:
        pass
    try:  # RFC 822, as in RSS pubDate
        value = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    # No zone (or RFC 822's "-0000", "zone unknown"): fall through and read it as local time.
    return value.astimezone(UTC) if value.tzinfo else None


def _build(g: dict[str, str | None], tz: str) -> datetime | None:
    month = int(g["m"]) if g.get("m") else MONTHS.get((g.get("mon") or "")[:3].lower())
    hour, minute = int(g.get("h") or 0), int(g.get("mi") or 0)
    try:
        naive = datetime(int(g["y"] or 0), month or 0, int(g["d"] or 0), hour, minute)
    except ValueError:  # 31/02, month 13, unknown month name: not a date, keep looking
        return None
    zone = ZONES.get(g.get("tz") or "")
    return naive.replace(tzinfo=zone).astimezone(UTC) if zone else local(naive, tz)
