"""Dates announced for a case: misconduct hearings, inquests, court appearances, sentencing.

Two ways in. A source plugin that reads a hearing notice sets `Document.fields` keys
`hearing_start` (ISO 8601 with an offset, or a plain date), `hearing_place` and `hearing_kind`
(one of KINDS). Otherwise a sentence that says a hearing *will* happen, with a date, is read for
its date, time and place ("A gross misconduct hearing will be held on 12 March 2024 at 10am at
Empress State Building"). Dates already past are read too: the calendar keeps them.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine as DbEngine
from sqlmodel import Session, col, select

from monitor.cases.clues import MONTHS, READ_CHARS, WEEKDAYS
from monitor.models import Document
from monitor.store.tables import Case, DocumentRow, Hearing

log = logging.getLogger("monitor.cases")

KINDS = {
    "misconduct_hearing": "misconduct hearing",
    "inquest": "inquest",
    "court": "court appearance",
    "sentencing": "sentencing",
}
_KIND_CUES = (  # the first that matches names the kind; order matters
    ("sentencing", re.compile(r"\bsentenc(?:ed|ing)\b", re.I)),
    ("inquest", re.compile(r"\binquest\b|\bfatal accident inquiry\b", re.I)),
    ("misconduct_hearing", re.compile(r"\bmisconduct (?:hearing|meeting)\b|\bhearing\b", re.I)),
    ("court", re.compile(r"\b(?:court|trial)\b", re.I)),
)
_FUTURE = re.compile(
    r"\b(?:will|is due to|are due to|is scheduled|are scheduled|is listed|are listed|"
    r"is expected to|are expected to|is set to|are set to)\b",
    re.I,
)
# Each of _FUTURE's phrases holds one of these; in ASCII text, lower() is exactly its re.I.
_FUTURE_WORDS = ("will", "due to", "scheduled", "listed", "expected to", "set to")


def _says_future(body: str) -> bool:
    """_FUTURE.search(body), without running it over text that holds none of its words."""
    if body.isascii():
        lower = body.lower()
        if not any(word in lower for word in _FUTURE_WORDS):
            return False
    return _FUTURE.search(body) is not None


_DATE = re.compile(
    r"\b(\d{1,2})(?:st|nd|rd|th)? (" + "|".join(MONTHS) + r")(?:,? (\d{4}))?\b", re.I
)
_TIME = re.compile(
    r"\b(?:at )?(\d{1,2})(?:[.:](\d{2}))? ?(am|pm)\b|\bat (\d{1,2})[.:](\d{2})\b", re.I
)
_PLACE = re.compile(r"\bat (?:the )?((?:[A-Z][\w'’-]*)(?: (?:of |upon |on )?[A-Z][\w'’-]*)*)")
_NOT_A_PLACE = {w.title() for w in (*MONTHS, *WEEKDAYS)}
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


@dataclass(frozen=True, slots=True)
class Announced:
    kind: str
    starts_at: datetime  # aware UTC
    all_day: bool
    place: str | None


def hearings_in(document: Document, tz: str, where: str = "") -> list[Announced]:
    """Every hearing date the announcement gives, at most one per kind (the first).

    `where` (the page's address) is named in the warning about a field that cannot be read.
    """
    found: dict[str, Announced] = {}
    from_fields = _from_fields(document.fields, tz, where or document.title)
    if from_fields:
        found[from_fields.kind] = from_fields
    body = f"{document.title}. {document.text[:READ_CHARS]}"
    # A hearing sentence says it *will* happen: without such words anywhere, none can match.
    for sentence in _SENTENCE.split(body) if _says_future(body) else ():
        hearing = _from_sentence(sentence, document.published_at, tz)
        if hearing and hearing.kind not in found:
            found[hearing.kind] = hearing
    return list(found.values())


def record_hearings(
    session: Session,
    case: Case,
    document_id: int,
    now: datetime,
    *,
    found: list[Announced],
    new_document: bool = False,
) -> None:
    """Keep the case's dates from this document in step with its latest version.

    `found`: the document's hearings_in(); `new_document`: it has no rows yet.
    """
    announced = {h.kind: h for h in found}
    rows = [] if new_document else session.exec(
        select(Hearing).where(Hearing.case_id == case.id, Hearing.document_id == document_id)
    ).all()
    for row in rows:
        if row.kind not in announced:  # the edited page no longer gives this date
            session.delete(row)
    have = {row.kind: row for row in rows}
    for kind, hearing in announced.items():
        row = have.get(kind) or Hearing(
            case_id=case.id,
            document_id=document_id,
            kind=kind,
            starts_at=hearing.starts_at,
            updated_at=now,
        )
        row.starts_at, row.all_day, row.place = hearing.starts_at, hearing.all_day, hearing.place
        row.updated_at = now
        session.add(row)


def _from_fields(fields: dict[str, str], tz: str, where: str) -> Announced | None:
    raw = (fields.get("hearing_start") or "").strip()
    if not raw:
        return None
    kind = (fields.get("hearing_kind") or "misconduct_hearing").strip()
    if kind not in KINDS:
        log.warning(
            "%s: hearing_kind %r is not one of %s; read as a misconduct hearing",
            where,
            kind,
            ", ".join(KINDS),
        )
        kind = "misconduct_hearing"
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        log.warning(
            "%s: hearing_start %r is not an ISO 8601 date; the hearing is left out. "
            "The source plugin should write e.g. 2024-03-12T10:00:00+00:00",
            where,
            raw,
        )
        return None
    all_day = len(raw) == 10  # a plain date
    if value.tzinfo is None:
        if not all_day:
            log.warning("%s: hearing_start %r has no UTC offset; read in %s", where, raw, tz)
        value = value.replace(tzinfo=ZoneInfo(tz))
    place = (fields.get("hearing_place") or "").strip() or None
    return Announced(kind, value.astimezone(ZoneInfo("UTC")), all_day, place)


def _from_sentence(sentence: str, published: datetime | None, tz: str) -> Announced | None:
    if not _FUTURE.search(sentence):
        return None
    kind = next((k for k, cue in _KIND_CUES if cue.search(sentence)), None)
    when = _DATE.search(sentence)
    if kind is None or when is None:
        return None
    day = _day(when, published)
    if day is None:
        return None
    clock = _TIME.search(sentence, when.end()) or _TIME.search(sentence)
    at = _clock(clock) if clock else None
    zone = ZoneInfo(tz)
    start = datetime.combine(day, at or time(0, 0), tzinfo=zone)
    return Announced(kind, start.astimezone(ZoneInfo("UTC")), at is None, _place(sentence))


def _day(match: re.Match[str], published: datetime | None) -> date | None:
    month = MONTHS.index(match.group(2).casefold()) + 1
    if match.group(3):
        year = int(match.group(3))
    elif published is not None:  # "on 3 May", published in November: next May
        year = published.year + (1 if month < published.month else 0)
    else:
        return None
    try:
        return date(year, month, int(match.group(1)))
    except ValueError:
        return None


def _clock(match: re.Match[str]) -> time | None:
    if match.group(4):  # "at 14:30"
        hour, minute = int(match.group(4)), int(match.group(5))
    else:
        hour, minute = int(match.group(1)), int(match.group(2) or 0)
        if match.group(3).casefold() == "pm" and hour < 12:
            hour += 12
        elif match.group(3).casefold() == "am" and hour == 12:
            hour = 0
    return time(hour, minute) if hour < 24 and minute < 60 else None


def _place(sentence: str) -> str | None:
    for match in _PLACE.finditer(sentence):
        words = match.group(1).split()
        while words and words[-1] in _NOT_A_PLACE:
            words.pop()
        if words and words[0] not in _NOT_A_PLACE:
            return " ".join(words)
    return None


def upcoming(db: DbEngine, tz: str, after: datetime | None) -> list[dict[str, Any]]:
    """Dates of every case (not merged away) from `after` on (None: all), soonest first."""
    from monitor.cases.history import hearing_dict

    with Session(db) as session:
        query = (
            select(Hearing, Case, DocumentRow)
            .join(Case, col(Case.id) == col(Hearing.case_id))
            .join(DocumentRow, col(DocumentRow.id) == col(Hearing.document_id))
            .where(col(Case.merged_into).is_(None))
            .order_by(col(Hearing.starts_at), col(Hearing.id))
        )
        if after is not None:
            query = query.where(col(Hearing.starts_at) >= after)
        zone = ZoneInfo(tz)
        return [hearing_dict(h, c, d, zone) for h, c, d in session.exec(query)]
