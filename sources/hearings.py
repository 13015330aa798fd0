"""Hearing dates, places and misconduct details read from notices, outcomes and releases.

Labelled fields win ("Date", "Time", "Venue", "Officer"); prose is the fallback ("will appear at
Westminster Magistrates' Court on 10 March 2024"). A date printed without a year is left out,
never guessed. The keys written into Document.fields:

    hearing_start   ISO 8601, the site's local time with its UTC offset: 2024-03-25T10:00:00+00:00
    hearing_start_precision   "minute" when a time was printed, "day" when only the date was
    hearing_place, hearing_kind ("misconduct hearing", "accelerated hearing", "inquest", "court")
    officer, breaches, severity ("gross misconduct" / "misconduct"), finding, sanction
"""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from sources import html
from sources.dates import MONTHS

STANDARDS = (
    "honesty and integrity", "authority, respect and courtesy", "equality and diversity",
    "use of force", "orders and instructions", "duties and responsibilities", "confidentiality",
    "fitness for work", "discreditable conduct", "challenging and reporting improper conduct",
)  # fmt: skip
# Most severe first: a page naming several (a warning considered, then dismissal) gets the worst.
SANCTIONS = (
    ("dismissal without notice", r"dismiss(?:ed|al) without notice"),
    ("would have been dismissed", r"would have been dismissed"),
    ("reduction in rank", r"reduc(?:tion|ed) in rank"),
    ("final written warning", r"final written warning"),
    ("written warning", r"(?<!final )written warning"),
    ("management advice", r"management advice"),
    ("reflective practice", r"reflective practice"),
    ("no further action", r"no further action"),
)
DATE = re.compile(
    r"\b(?P<d>\d{1,2})(?:st|nd|rd|th)?(?:\s*(?:,|and|to|-|–)\s*\d{1,2}(?:st|nd|rd|th)?)*"
    r"\s+(?P<mon>[A-Z][a-z]{2,8}),?\s+(?P<y>\d{4})\b"
    r"|\b(?P<d2>\d{1,2})/(?P<m2>\d{1,2})/(?P<y2>\d{4})\b"
)
TIME = re.compile(
    r"\b(\d{1,2})(?:[:.](\d{2}))?\s*([ap])\.?m\b|\b([01]?\d|2[0-3])[:.]([0-5]\d)\b", re.I
)
PLACE_WORDS = r"(?:Court|Headquarters|HQ|Centre|Center|House|Station|Hall|Building|Offices?)"
PLACE = re.compile(
    rf"\b(?:at|in)\s+(?P<p>(?:the\s+)?(?:[A-Z][\w'’&.-]*\s+)*?(?:[A-Z][\w'’&.-]*\s+)?{PLACE_WORDS}"
    r"(?:,\s*[A-Z][\w'-]+)?)"
)
OFFICER = re.compile(
    r"\b((?:[Ff]ormer\s+)?(?:Police Constable|Detective Constable|Detective Sergeant|Chief "
    r"Inspector|Officer|PCSO|PC|DC|PS|DS|DI|Sergeant|Constable|Inspector|Superintendent)"
    r"\s+(?:[A-Z]\d*\b|[A-Z][a-z'-]+(?:\s+[A-Z][a-z'-]+)?))"
)
FINDING = re.compile(r"\b(not (?:found )?proven|no case to answer|(?:found )?proven)\b", re.I)
SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


def details(found: dict[str, str], lines: list[str], tz: str, kind: str | None = None) -> dict:
    """Every hearing and misconduct key this page supports, from its fields, else its text."""
    text = "\n".join(lines)
    out = hearing(found, lines, tz, kind)
    officer = _field(found, "Officer", "Officer concerned", "Officer name", "Rank and name", "Name")
    if officer or (m := OFFICER.search(text)):
        out["officer"] = officer or m.group(1)
    named = [s for s in STANDARDS if s in text.lower()]
    if breaches := _field(found, "Alleged breaches", "Breaches", "Breach of standards",
                          "Standards breached", "Alleged breach") or "; ".join(named):  # fmt: skip
        out["breaches"] = breaches[0].upper() + breaches[1:]
    level = (_field(found, "Level", "Severity", "Alleged level") or text).lower()
    if "gross misconduct" in level or re.search(r"\bmisconduct\b", level):
        out["severity"] = "gross misconduct" if "gross misconduct" in level else "misconduct"
    finding = _field(found, "Finding", "Findings")
    if finding or (m := FINDING.search(text)):
        out["finding"] = (finding or m.group(1)).lower()
    said = (_field(found, "Outcome", "Sanction", "Disposal") or "") + "\n" + text
    if sanction := next((n for n, p in SANCTIONS if re.search(p, said, re.I)), None):
        out["sanction"] = sanction
    return out


def hearing(found: dict[str, str], lines: list[str], tz: str, kind: str | None = None) -> dict:
    """hearing_start (+ precision), hearing_place and hearing_kind, where the page gives them."""
    out: dict[str, str] = {}
    said = _field(
        found, "Hearing date", "Date of hearing", "Date", "Dates", "Start date", "Date(s)"
    )
    clock = _field(found, "Time", "Start time", "Hearing time")
    place = _field(found, "Venue", "Location", "Place", "Address", "Hearing venue")
    sentence = next((s for line in lines for s in SENTENCE.split(line) if _about_hearing(s)
                     and DATE.search(s)), "")  # fmt: skip
    when = DATE.search(said or "") or DATE.search(sentence)
    if when and (start := _start(when, TIME.search(clock or said or "") or (
            None if said else TIME.search(sentence)), tz)):  # fmt: skip
        out["hearing_start"], out["hearing_start_precision"] = start
    if place or (m := PLACE.search(sentence)):
        out["hearing_place"] = place or m.group("p")
    if not out:
        return out  # no date and no place: not a hearing announcement
    about = f"{sentence} {' '.join(lines[:40])}".lower()
    if kind := _kind(sentence.lower()) or _kind(about) or kind:
        out["hearing_kind"] = kind
    return out


def _kind(text: str) -> str | None:
    if "accelerated" in text or "special case hearing" in text:
        return "accelerated hearing"
    if "misconduct hearing" in text or "gross misconduct hearing" in text:
        return "misconduct hearing"
    if "inquest" in text or "coroner" in text or "fatal accident inquiry" in text:
        return "inquest"
    if re.search(r"\bcourt\b", text):
        return "court"
    return None


def _about_hearing(sentence: str) -> bool:
    return bool(re.search(r"hearing|inquest|\bcourt\b|appear|sentenced|trial", sentence, re.I))


def _start(date: re.Match, clock: re.Match | None, tz: str) -> tuple[str, str] | None:
    g = date.groupdict()
    month = int(g["m2"]) if g["m2"] else MONTHS.get((g["mon"] or "")[:3].lower())
    hour = minute = 0
    if clock:
        if clock.group(3):
            hour = int(clock.group(1)) % 12 + (12 if clock.group(3).lower() == "p" else 0)
            minute = int(clock.group(2) or 0)
        else:
            hour, minute = int(clock.group(4)), int(clock.group(5))
    try:
        value = datetime(int(g["y"] or g["y2"]), month or 0, int(g["d"] or g["d2"]), hour, minute)
    except ValueError:
        return None
    return value.replace(tzinfo=ZoneInfo(tz)).isoformat(), "minute" if clock else "day"


def _field(found: dict[str, str], *labels: str) -> str | None:
    return next((v for label in labels if (v := html.field(found, label))), None)
