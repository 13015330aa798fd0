"""Write one document version, its classification, its cases and its events: one transaction."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from monitor.cases import CaseLink
from monitor.cases.clues import Clue
from monitor.cases.hearings import Announced, hearings_in, record_hearings
from monitor.cases.linking import join_cases
from monitor.diff import NO_EVENT_STAGE, CaseChange, PlannedEvent, dedupe_key, plan_events
from monitor.models import Document, DocumentRef, Page, Validators
from monitor.store.tables import (
    Case,
    CaseDocument,
    DocumentRow,
    DocumentVersion,
    Event,
    HttpValidator,
    StageUpdate,
)
from monitor.text import fold

if TYPE_CHECKING:  # the reader (numpy, its model) is not needed to record a quiet cycle
    from monitor.stages.reader import Classification

# Called for each new live event inside the same transaction (the notifications outbox).
Enqueue = Callable[[Session, Event, str], Any]


@dataclass(frozen=True, slots=True)
class Observed:
    """A parsed, classified document ready to be recorded."""

    source_id: str
    source_name: str
    ref: DocumentRef
    page: Page
    document: Document
    classification: Classification
    content_hash: str
    links: list[CaseLink]  # the tracked cases it names
    clues: list[Clue] = field(default_factory=list)  # what identifies its matter
    timezone: str = "Europe/London"  # how to read times the announcement gives
    hearings: list[Announced] | None = None  # hearings_in(document), if already read


def status_field(fields: dict[str, str]) -> str | None:
    """The status the site itself prints, e.g. 'Status: Investigation ongoing'."""
    for name, value in fields.items():
        if name.strip().casefold() == "status" and value.strip():
            return value.strip()
    return None


def record(
    session: Session, obs: Observed, *, now: datetime, event_status: str | None, enqueue: Enqueue
) -> list[Event]:
    """Record `obs`; return the events created. `event_status` None = silent baseline."""
    doc = obs.document
    row = session.exec(
        select(DocumentRow).where(
            DocumentRow.source_id == obs.source_id, DocumentRow.external_id == obs.ref.external_id
        )
    ).first()
    document_is_new = row is None
    previous_stage = None
    if row is None:
        row = DocumentRow(**document_values(obs, now))
        session.add(row)
        session.flush()
    else:
        previous_stage = session.exec(
            select(StageUpdate.stage).where(StageUpdate.version_id == row.current_version_id)
        ).first()

    # A new document has no versions or readings yet: nothing to look up.
    version = None if document_is_new else session.exec(
        select(DocumentVersion).where(
            DocumentVersion.document_id == row.id,
            DocumentVersion.content_hash == obs.content_hash,
        )
    ).first()
    if version is None:  # a page that flips back to an earlier text reuses that version
        version = DocumentVersion(**version_values(obs, row.id, now))
        session.add(version)
        session.flush()
    update = None if document_is_new else session.exec(
        select(StageUpdate).where(StageUpdate.version_id == version.id)
    ).first()
    cls = obs.classification
    if update is None:
        update = StageUpdate(
            **reading_values(
                obs, document_id=row.id, version_id=version.id, seen_at=version.seen_at, now=now
            )
        )
        session.add(update)

    restored = row.removed_at is not None  # taken down earlier, back on the site now
    row.url, row.title, row.content_hash = obs.page.url, doc.title, obs.content_hash
    row.current_version_id, row.published_at = version.id, doc.published_at
    row.last_seen_at = row.last_fetched_at = now
    row.removed_at = None
    session.add(row)
    save_validators(session, obs.ref.url, obs.page.validators, now)
    session.flush()

    events: list[Event] = []
    joined = join_cases(
        session,
        document_id=row.id,
        tracked=obs.links,
        clues=obs.clues,
        force=cls.force or doc.force,
        title=doc.title,
        makes_case=makes_case(obs, update),
        founding_key=founding_key(obs),
        now=now,
        new_document=document_is_new,
    )
    hearings = obs.hearings
    if hearings is None:
        hearings = hearings_in(doc, obs.timezone, obs.page.url)
    # A document joins every case it names, but alerts come from one place: the tracked
    # cases it names if any, else the first case it joined. One change, one alert.
    alerting = {j.case.id for j in joined if j.case.tracked} or {j.case.id for j in joined[:1]}
    for j in joined:
        case = j.case
        if not case.tracked and cls.force and not case.force:
            case.force = cls.force
        severity_before = case.severity  # "Before" is worded as the earlier stage was
        before = (case.stage, case.reported_status)
        # A case this document starts has this one reading and no other to look up.
        newest = set_stage(session, case, [update], now) if j.is_new else recompute_case(
            session, case, now
        )
        record_hearings(session, case, row.id, now, found=hearings, new_document=document_is_new)
        change = CaseChange(
            case_key=case.key,
            is_new_case=j.is_new,
            stage_before=before[0],
            stage_after=case.stage,
            status_before=before[1],
            status_after=case.reported_status,
            document_is_new=document_is_new,
            document_is_newest=newest == update.id,
            update_stage=update.stage,
            previous_version_stage=previous_stage,
            tracked=case.tracked,
        )
        if event_status is None or case.id not in alerting or case.not_a_case:
            continue  # (a maintainer marked the case as no case: it never alerts)
        for planned in plan_events(change):
            event = _add_event(
                session, planned, obs, case, update, before[1], event_status, now, severity_before
            )
            if event is not None:
                events.append(event)
                if event.status == "live":
                    enqueue(session, event, doc.text)
    if restored and event_status is not None:
        from monitor.removal import record_restoration

        told = [j.case for j in joined if j.case.id in alerting and not j.case.not_a_case]
        events += record_restoration(
            session, row, told, source_name=obs.source_name, now=now, status=event_status,
            enqueue=lambda s, e: enqueue(s, e, doc.text),
        )
    return events


# Column values of the rows a document gets, shared by record() and the bulk baseline path
# (monitor/bulk_recorder.py), which writes plain values: building thousands of SQLModel
# instances costs more than writing them.


def document_values(obs: Observed, now: datetime) -> dict[str, Any]:
    """A document seen for the first time (its current version is set once that is saved)."""
    doc = obs.document
    return {
        "source_id": obs.source_id,
        "external_id": obs.ref.external_id,
        "url": obs.page.url,
        "title": doc.title,
        "content_hash": obs.content_hash,
        "published_at": doc.published_at,
        "first_seen_at": now,
        "last_seen_at": now,
        "last_fetched_at": now,
    }


def version_values(obs: Observed, document_id: int | None, now: datetime) -> dict[str, Any]:
    doc = obs.document
    return {
        "document_id": document_id,
        "seen_at": now,
        "title": doc.title,
        "published_at": doc.published_at,
        "date_note": doc.date_note,
        "text": doc.text,
        "fields_json": json.dumps(doc.fields),
        "force": doc.force,
        "case_key": doc.case_key,
        "content_hash": obs.content_hash,
    }


def reading_values(
    obs: Observed,
    *,
    document_id: int | None,
    version_id: int | None,
    seen_at: datetime,
    now: datetime,
) -> dict[str, Any]:
    """The classification of a version (first seen at `seen_at`), as the reader gave it."""
    doc, cls = obs.document, obs.classification
    return {
        "document_id": document_id,
        "version_id": version_id,
        "stage": cls.stage,
        "evidence": cls.evidence,
        "officers": cls.officers,
        "severity": cls.severity,
        "route": cls.route,
        "force": cls.force or doc.force,
        "flags_json": json.dumps(sorted(cls.flags)),
        "reported_status": status_field(doc.fields),
        "confidence": cls.confidence,
        "runner_up": cls.runner_up,
        "uncertain": cls.uncertain,
        "effective_at": doc.published_at or seen_at,
        "created_at": now,
    }  # fmt: skip


def makes_case(obs: Observed, reading: Any) -> bool:
    """A document that joins no case starts one only if it is about a case."""
    key = obs.document.case_key
    return (
        reading.stage != NO_EVENT_STAGE
        or bool(key and key.strip())
        or reading.reported_status is not None
    )


def save_validators(session: Session, url: str, validators: Validators, now: datetime) -> None:
    """Remember ETag/Last-Modified so the next GET of this URL can be conditional."""
    if not (validators.etag or validators.last_modified):
        return
    row = session.get(HttpValidator, url) or HttpValidator(url=url, updated_at=now)
    row.etag, row.last_modified, row.updated_at = validators.etag, validators.last_modified, now
    session.add(row)


def founding_key(obs: Observed) -> str:
    """The key of a case this document starts: the reference it prints, else itself."""
    if obs.document.case_key and obs.document.case_key.strip():
        return f"ref:{fold(obs.document.case_key).strip()}"
    return f"doc:{obs.source_id}:{obs.ref.external_id}"[:300]


def recompute_case(session: Session, case: Case, now: datetime) -> int | None:
    """Set the case's stage from its newest dated update that reports a case event.

    Returns the id of the newest update of any stage, so callers can tell whether a document
    is the latest word on the case.
    """
    current = (
        select(StageUpdate)
        .join(DocumentRow, col(DocumentRow.current_version_id) == col(StageUpdate.version_id))
        .join(CaseDocument, col(CaseDocument.document_id) == col(DocumentRow.id))
        .where(CaseDocument.case_id == case.id)
        .order_by(col(StageUpdate.effective_at).desc(), col(StageUpdate.id).desc())
    )
    return set_stage(session, case, list(session.exec(current).all()), now)


def set_stage(
    session: Session, case: Case, updates: list[StageUpdate], now: datetime
) -> int | None:
    """recompute_case() given the case's current updates, newest first."""
    newest = apply_stage(case, updates, now)
    session.add(case)
    return newest


def apply_stage(case: Any, updates: list[Any], now: datetime) -> int | None:
    """set_stage() on the case object alone (the bulk path writes the case afterwards)."""
    newest = updates[0].id if updates else None
    reporting = [u for u in updates if u.stage != NO_EVENT_STAGE]
    statuses = [u.reported_status for u in updates if u.reported_status]
    case.reported_status = statuses[0] if statuses else None
    if reporting:
        top = reporting[0]
        case.stage, case.stage_since = top.stage, top.effective_at
        case.severity, case.officers = top.severity, top.officers
        case.force = case.force or top.force
    else:
        case.stage, case.stage_since = NO_EVENT_STAGE, None
    case.updated_at = now
    return newest


def _add_event(
    session: Session,
    planned: PlannedEvent,
    obs: Observed,
    case: Case,
    update: StageUpdate,
    status_before: str | None,
    status: str,
    now: datetime,
    severity_before: str | None = None,
) -> Event | None:
    from notifications.facts import reading_facts

    doc, cls = obs.document, obs.classification
    key = dedupe_key(
        planned.kind,
        case.key,
        planned.from_stage,
        planned.to_stage,
        obs.source_id,
        obs.ref.external_id,
        obs.content_hash,
        case.reported_status,
    )
    payload = event_payload(
        case,
        title=doc.title,
        url=obs.page.url,
        source_id=obs.source_id,
        source_name=obs.source_name,
        published_at=doc.published_at.isoformat() if doc.published_at else None,
        date_note=doc.date_note,
        from_stage=planned.from_stage,
        to_stage=planned.to_stage,
        force=update.force or case.force,
        edited=planned.edited,
        from_severity=severity_before,
        **reading_facts(cls, doc.title),
        from_status=status_before,
        to_status=case.reported_status,
    )
    return add_event(
        session,
        Event(
            dedupe_key=key,
            kind=planned.kind,
            source_id=obs.source_id,
            case_id=case.id,
            document_id=update.document_id,
            from_stage=planned.from_stage,
            to_stage=planned.to_stage,
            payload_json=json.dumps(payload),
            status=status,
            created_at=now,
        ),
    )


def event_payload(case: Case, **fields: Any) -> dict[str, Any]:
    """What a message about a case event is rendered from (see notifications/render.py)."""
    payload: dict[str, Any] = dict.fromkeys(
        (
            "title",
            "url",
            "source_id",
            "source_name",
            "published_at",
            "date_note",
            "from_stage",
            "to_stage",
            "evidence",
            "officers",
            "severity",
            "route",
            "force",
            "from_status",
            "to_status",
        ),
    )
    payload.update(
        case_name=case.name, case_key=case.key, tracked=case.tracked, flags=[], edited=False
    )
    payload.update(fields)
    return payload


def add_event(session: Session, event: Event) -> Event | None:
    """Insert unless an event with the same dedupe key exists (a re-run, or another daemon)."""
    if session.exec(select(Event.id).where(Event.dedupe_key == event.dedupe_key)).first():
        return None
    try:
        with session.begin_nested():
            session.add(event)
    except IntegrityError:
        return None
    return event
