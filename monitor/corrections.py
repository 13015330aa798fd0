"""Maintainers' corrections: an announcement's stage, which case it is in, whether a case is one.

Each correction is a row (who, when, why, and what the monitor had), made in one transaction
with what it changes: the reading of the announcement's current version, the case's documents,
the case's stage (re-derived as the recorder derives it, so the history follows), and, when the
case's stage changes, the follow-up alert through the outbox ("correction: Stephen Port is at
inquest, not re-investigation"). A follow-up not yet sent when the next correction of the same
case comes is withdrawn (never sent), and only the net change is told, or nothing when the
case is back where its followers last heard it was. A stage correction rewrites the reading of
that version, which the recorder reuses whenever it meets the same version again; a detachment
is checked by `monitor/cases/linking.py`, so no later reading puts the announcement back in the
case.

Stage corrections export as a batch of the reader's corpus (`export`), which
`oversight-monitor train --corrections FILE` trains on.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import Engine as DbEngine
from sqlalchemy import or_
from sqlalchemy import update as sql_update
from sqlmodel import Session, col, select

from monitor.config import Config
from monitor.diff import NO_EVENT_STAGE
from monitor.errors import MonitorError
from monitor.store.tables import (
    Case,
    CaseDocument,
    Correction,
    Delivery,
    DocumentRow,
    DocumentVersion,
    Event,
    StageUpdate,
)
from monitor.store.types import utcnow

KINDS = ("stage", "detach", "attach", "not_a_case")


class CorrectionError(MonitorError):
    """A correction that cannot be made as asked; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class Done:
    correction_id: int
    alerts: list[str]  # the follow-up subjects sent, e.g. "correction: Stephen Port is at …"
    # Subjects of earlier follow-ups, not yet sent, that this correction made moot.
    withdrawn: list[str] = field(default_factory=list)


# ---- the four corrections -------------------------------------------------------------------


def correct_stage(
    db: DbEngine, config: Config, *, document_id: int, stage: str, who: str, why: str,
    now: datetime | None = None,
) -> Done:
    """Set the stage of the announcement's current version."""
    now = now or utcnow()
    _check_stage(stage)
    with Session(db) as session:
        doc, update = _current_reading(session, document_id)
        if update.stage == stage:
            raise CorrectionError(
                f"announcement {document_id} already reads as {stage}; nothing to correct"
            )
        correction = _add(session, "stage", who, why, now, document_id=document_id,
                          version_id=update.version_id, old_stage=update.stage, new_stage=stage)
        update.stage = stage
        update.uncertain = False  # a person has read it
        session.add(update)
        cases = _cases_of(session, document_id)
        if not cases and stage != NO_EVENT_STAGE:
            cases = [_found_case(session, doc, update, now)]
        done = _rederive(session, config, cases, doc, correction, now)
        session.commit()
        return done


def detach(
    db: DbEngine, config: Config, *, document_id: int, case_id: int, who: str, why: str,
    now: datetime | None = None,
) -> Done:
    """Take the announcement out of the case, for good."""
    return _move(db, config, "detach", document_id, case_id, who, why, now)


def attach(
    db: DbEngine, config: Config, *, document_id: int, case_id: int, who: str, why: str,
    now: datetime | None = None,
) -> Done:
    """Put the announcement in the case (it stays: the recorder keeps existing links)."""
    return _move(db, config, "attach", document_id, case_id, who, why, now)


def _move(
    db: DbEngine, config: Config, kind: str, document_id: int, case_id: int, who: str, why: str,
    now: datetime | None,
) -> Done:
    """Detach or attach, the correction and the case's re-derived stage in one transaction."""
    now = now or utcnow()
    with Session(db) as session:
        doc, _ = _current_reading(session, document_id)
        case = _case(session, case_id)
        link = session.get(CaseDocument, (case.id, document_id))
        if kind == "detach":
            if link is None:
                raise CorrectionError(
                    f"announcement {document_id} is not in case {case.id} ({case.name}); "
                    "see its page for the cases it is in"
                )
            session.delete(link)
        elif case.not_a_case:
            raise CorrectionError(f"case {case.id} ({case.name}) was marked as no case")
        elif link is not None:
            raise CorrectionError(f"announcement {document_id} is already in case {case.id}")
        else:
            session.add(CaseDocument(case_id=case.id, document_id=document_id,
                                     joined_by=f"attached by {who}: {why}"))
        correction = _add(session, kind, who, why, now, document_id=document_id,
                          case_id=case.id, old_stage=case.stage)  # flushes the change too
        done = _rederive(session, config, [case], doc, correction, now)
        session.commit()
        return done


def mark_not_a_case(
    db: DbEngine, config: Config, *, case_id: int, who: str, why: str,
    now: datetime | None = None,
) -> Done:
    """The case is no case (general news, a statistics page): unlisted, and it never alerts."""
    now = now or utcnow()
    with Session(db) as session:
        case = _case(session, case_id)
        _lock(session, [case.id])
        if case.tracked:
            raise CorrectionError(
                f"case {case.id} ({case.name}) is tracked from the config; "
                "remove it from [[cases]] there instead"
            )
        if case.not_a_case:
            raise CorrectionError(f"case {case.id} ({case.name}) is already marked as no case")
        correction = _add(session, "not_a_case", who, why, now, case_id=case.id,
                          old_stage=case.stage, new_stage=NO_EVENT_STAGE)
        case.not_a_case, case.updated_at = True, now
        session.add(case)
        alert, withdrawn = None, []
        if case.stage != NO_EVENT_STAGE:  # its followers heard of it as a case
            doc = _newest_document(session, case.id)
            alert, withdrawn = _follow_up(session, config, case, case.stage, NO_EVENT_STAGE,
                                          doc, correction, now, case.severity)
        session.commit()
        return Done(correction.id, [alert] if alert else [], withdrawn)


# ---- reading them back ----------------------------------------------------------------------


def detached_from(session: Session, document_id: int) -> set[int]:
    """Cases a maintainer took this announcement out of (and did not put it back in)."""
    last: dict[int, str] = {}
    for case_id, kind in session.exec(
        select(Correction.case_id, Correction.kind)
        .where(Correction.document_id == document_id,
               col(Correction.kind).in_(("detach", "attach")))
        .order_by(col(Correction.id))
    ):
        if case_id is not None:
            last[case_id] = kind
    return {case_id for case_id, kind in last.items() if kind == "detach"}


def corrections_list(
    db: DbEngine, *, document_id: int | None = None, case_id: int | None = None
) -> list[dict[str, Any]]:
    """Corrections, newest first, optionally of one announcement or one case."""
    with Session(db) as session:
        return listed(session, document_id=document_id, case_id=case_id)


def listed(
    session: Session, *, document_id: int | None = None, case_id: int | None = None
) -> list[dict[str, Any]]:
    query = select(Correction).order_by(col(Correction.id).desc())
    if document_id is not None:
        query = query.where(Correction.document_id == document_id)
    if case_id is not None:
        query = query.where(Correction.case_id == case_id)
    return [_dict(c) for c in session.exec(query)]


def by_version(session: Session, version_ids: list[int]) -> dict[int, dict[str, Any]]:
    """The latest stage correction of each version, for pages that show what was corrected."""
    found: dict[int, dict[str, Any]] = {}
    if not version_ids:
        return found
    for c in session.exec(
        select(Correction)
        .where(Correction.kind == "stage", col(Correction.version_id).in_(version_ids))
        .order_by(col(Correction.id))
    ):
        found[c.version_id] = _dict(c)  # type: ignore[index]
    return found


def export(db: DbEngine, out: TextIO) -> int:
    """Write each corrected reading as a corpus item (monitor/stages/corpus/README.md); count."""
    with Session(db) as session:
        rows = session.exec(
            select(Correction, DocumentVersion, DocumentRow, StageUpdate)
            .join(DocumentVersion, col(DocumentVersion.id) == col(Correction.version_id))
            .join(DocumentRow, col(DocumentRow.id) == col(DocumentVersion.document_id))
            .join(StageUpdate, col(StageUpdate.version_id) == col(DocumentVersion.id))
            .where(Correction.kind == "stage")
            .order_by(col(Correction.id))
        ).all()
    latest = {v.id: (c, v, d, u) for c, v, d, u in rows}  # a version corrected twice: last word
    for c, v, d, u in latest.values():
        item = {
            "id": f"correction-{c.id}",
            "batch": "corrections",
            "source_url": d.url,
            "title": v.title,
            "text": v.text,
            "expected_stage": c.new_stage,
            "expected_officers": u.officers,
            "expected_severity": u.severity,
            "expected_force": u.force,
            # The reader's quote argued for the stage it got wrong; a person's reason is not a
            # sentence of the text, so the item has no evidence sentence.
            "evidence": None,
            "hard": True,  # the reader got it wrong once
            "note": f"corrected by {c.who} on {c.created_at:%Y-%m-%d}: was {c.old_stage}; {c.why}",
        }
        out.write(json.dumps(item, ensure_ascii=False) + "\n")
    return len(latest)


def export_file(db: DbEngine, path: Path) -> int:
    with path.open("w", encoding="utf-8") as out:
        return export(db, out)


# ---- inside ---------------------------------------------------------------------------------


def _check_stage(stage: str) -> None:
    from monitor.views import stage_ids

    stages = stage_ids()
    if stage not in stages:
        raise CorrectionError(
            f"{stage!r} is not a stage; use one of: {', '.join(stages)}"
        )


def _current_reading(session: Session, document_id: int) -> tuple[DocumentRow, StageUpdate]:
    doc = session.get(DocumentRow, document_id)
    if doc is None:
        raise CorrectionError(
            f"there is no announcement {document_id}; its number is on its page "
            "(/announcements/N) and in `oversight-monitor search --json`"
        )
    update = session.exec(
        select(StageUpdate).where(StageUpdate.version_id == doc.current_version_id)
    ).first()
    if update is None:
        raise CorrectionError(f"announcement {document_id} has no reading yet")
    return doc, update


def _case(session: Session, case_id: int) -> Case:
    case = session.get(Case, case_id)
    if case is None:
        raise CorrectionError(f"there is no case {case_id}; see `oversight-monitor cases`")
    return case


def _cases_of(session: Session, document_id: int) -> list[Case]:
    return list(session.exec(
        select(Case)
        .join(CaseDocument, col(CaseDocument.case_id) == col(Case.id))
        .where(CaseDocument.document_id == document_id)
        .order_by(col(Case.id))
    ))


def _found_case(session: Session, doc: DocumentRow, update: StageUpdate, now: datetime) -> Case:
    """An announcement in no case, corrected to a case event, starts a case of its own."""
    from monitor.cases.linking import join_cases

    joined = join_cases(
        session, document_id=doc.id, tracked=[], clues=[], force=update.force,
        title=doc.title, makes_case=True,
        founding_key=f"doc:{doc.source_id}:{doc.external_id}"[:300], now=now,
    )
    return joined[0].case


def _add(session: Session, kind: str, who: str, why: str, now: datetime, **fields: Any
         ) -> Correction:
    who, why = who.strip(), " ".join(why.split())
    if not who:
        raise CorrectionError("say who makes the correction (--by NAME, or the web form)")
    if not why:
        raise CorrectionError("say why (--why TEXT): the reason is kept with the correction")
    correction = Correction(kind=kind, who=who[:128], why=why, created_at=now, **fields)
    session.add(correction)
    session.flush()
    return correction


def _rederive(
    session: Session, config: Config, cases: list[Case], doc: DocumentRow,
    correction: Correction, now: datetime,
) -> Done:
    """Re-derive each case's stage; tell its followers where the stage changed."""
    from monitor.recorder import recompute_case

    _lock(session, [c.id for c in cases if c.id is not None])
    alerts: list[str | None] = []
    withdrawn: list[str] = []
    for case in cases:
        before, severity_before = case.stage, case.severity
        recompute_case(session, case, now)
        if case.stage != before and not case.not_a_case:
            alert, moot = _follow_up(session, config, case, before, case.stage, doc,
                                     correction, now, severity_before)
            alerts.append(alert)
            withdrawn.extend(moot)
    return Done(correction.id, [a for a in alerts if a], withdrawn)


def _follow_up(
    session: Session, config: Config, case: Case, before: str, after: str,
    doc: DocumentRow | None, correction: Correction, now: datetime,
    severity_before: str | None = None,
) -> tuple[str | None, list[str]]:
    """The follow-up alert, in the outbox with the correction: its subject (None when there
    is nothing to tell), and the subjects of the earlier follow-ups it withdrew."""
    from monitor.recorder import add_event, event_payload
    from notifications.outbox import enqueue
    from notifications.render import subject_for

    moot = _withdraw_unsent(session, case, now)
    withdrawn = [subject_for(e.kind, json.loads(e.payload_json or "{}")) for e in moot]
    if moot:
        # Its followers last heard of the stage before the oldest withdrawn follow-up: tell
        # them the net change, or nothing if the case is back there.
        oldest = moot[-1]
        before = oldest.from_stage or before
        severity_before = json.loads(oldest.payload_json or "{}").get("from_severity")
        if before == after:
            return None, withdrawn
    version = session.get(DocumentVersion, doc.current_version_id) if doc else None
    payload = event_payload(
        case, title=doc.title if doc else None, url=doc.url if doc else None,
        source_id=doc.source_id if doc else None, from_stage=before, to_stage=after,
        severity=case.severity, from_severity=severity_before, officers=case.officers,
        force=case.force, case_id=case.id,
        correction=True, corrected_by=correction.who, correction_why=correction.why,
    )
    event = add_event(session, Event(
        dedupe_key=f"correction:{correction.id}:{case.id}", kind="stage_changed",
        source_id=doc.source_id if doc else None, case_id=case.id,
        document_id=doc.id if doc else None, from_stage=before, to_stage=after,
        payload_json=json.dumps(payload), status="live", created_at=now,
    ))
    if event is None:
        return None, withdrawn
    enqueue(session, event, config, text=version.text if version else "", now=now)
    return subject_for(event.kind, payload), withdrawn


def _withdraw_unsent(session: Session, case: Case, now: datetime) -> list[Event]:
    """Withdraw the case's latest correction follow-ups that no channel has been sent yet
    (newest first); a new follow-up of the same case makes them moot. The walk stops at the
    first stage alert that went out (or is being sent, or was given up), or that was no
    correction."""
    from notifications.outbox import DIGEST, PENDING, WITHDRAWN

    unsent = (PENDING, DIGEST, WITHDRAWN)
    moot: list[Event] = []
    for event in session.exec(
        select(Event).where(Event.case_id == case.id, Event.kind == "stage_changed")
        .order_by(col(Event.id).desc())
    ):
        if not event.dedupe_key.startswith("correction:"):
            break
        rows = session.exec(select(Delivery).where(Delivery.event_id == event.id)).all()
        if any(r.status not in unsent or (r.claimed_until and r.claimed_until > now)
               for r in rows):
            break
        moot.append(event)
    for event in moot:
        event.status = WITHDRAWN  # off the recent-alerts page and the Atom feeds too
        session.add(event)
    ids = [e.id for e in moot]
    if ids:
        # Conditional, so a row a sender claimed meanwhile is left to it.
        session.exec(
            sql_update(Delivery).where(
                col(Delivery.event_id).in_(ids), col(Delivery.status).in_((PENDING, DIGEST)),
                or_(col(Delivery.claimed_until).is_(None), col(Delivery.claimed_until) < now),
            ).values(status=WITHDRAWN, claimed_until=None, claimed_by=None)
        )
    return moot


def _lock(session: Session, case_ids: list[int]) -> None:
    """PostgreSQL: lock the cases (in id order, as the recorder does) and re-read them, so a
    daemon recording into the same case waits and then sees the corrected stage."""
    if case_ids:
        session.exec(
            select(Case).where(col(Case.id).in_(case_ids)).order_by(col(Case.id))
            .with_for_update().execution_options(populate_existing=True)
        ).all()


def _newest_document(session: Session, case_id: int) -> DocumentRow | None:
    return session.exec(
        select(DocumentRow)
        .join(CaseDocument, col(CaseDocument.document_id) == col(DocumentRow.id))
        .where(CaseDocument.case_id == case_id)
        .order_by(col(DocumentRow.last_seen_at).desc())
    ).first()


def _dict(c: Correction) -> dict[str, Any]:
    from monitor.views import short_label

    return {
        "id": c.id, "kind": c.kind, "document_id": c.document_id, "version_id": c.version_id,
        "case_id": c.case_id, "old_stage": c.old_stage, "new_stage": c.new_stage,
        "old_label": short_label(c.old_stage), "new_label": short_label(c.new_stage),
        "who": c.who, "why": c.why, "created_at": c.created_at.isoformat(),
    }
