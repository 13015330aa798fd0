"""One announcement as stored: its text, its reading, its cases and why, every version and edit."""

from __future__ import annotations

import json
import re
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine as DbEngine
from sqlmodel import Session, col, select

from monitor.store.tables import (
    Case,
    CaseDocument,
    DocumentRow,
    DocumentVersion,
    StageUpdate,
)
from monitor.textdiff import changed, word_diff


def announcement(db: DbEngine, document_id: int, tz: str) -> dict[str, Any] | None:
    """Everything the announcement page shows; None if there is no such announcement."""
    from monitor.corrections import by_version, listed
    from monitor.views import _iso, label, short_label

    zone = ZoneInfo(tz)
    with Session(db) as session:
        doc = session.get(DocumentRow, document_id)
        if doc is None:
            return None
        rows = session.exec(
            select(DocumentVersion, StageUpdate)
            .join(StageUpdate, col(StageUpdate.version_id) == col(DocumentVersion.id))
            .where(DocumentVersion.document_id == document_id)
            .order_by(col(DocumentVersion.seen_at), col(DocumentVersion.id))
        ).all()
        cases = session.exec(
            select(Case, CaseDocument.joined_by)
            .join(CaseDocument, col(CaseDocument.case_id) == col(Case.id))
            .where(CaseDocument.document_id == document_id)
            .order_by(col(Case.tracked).desc(), col(Case.id))
        ).all()
        corrected = by_version(session, [v.id for v, _ in rows])
        corrections = listed(session, document_id=document_id)
    versions = []
    previous: DocumentVersion | None = None
    for number, (v, u) in enumerate(rows, 1):
        edit = None
        if previous is not None:
            title_runs = word_diff(previous.title, v.title)
            edit = {
                "title": title_runs if changed(title_runs) else None,
                "text": word_diff(previous.text, v.text),
            }
        versions.append({
            "number": number,
            "id": v.id,
            "seen_at": v.seen_at.isoformat(),
            "current": v.id == doc.current_version_id,
            "title": v.title,
            "stage": u.stage,
            "stage_short": short_label(u.stage, u.severity),
            "edit": edit,
            "correction": corrected.get(v.id),
        })
        previous = v
    current = next(((v, u) for v, u in rows if v.id == doc.current_version_id), None)
    if current is None:
        return None
    v, u = current
    return {
        "id": doc.id,
        "title": v.title,
        "url": doc.url,
        "source_id": doc.source_id,
        "published_at": _iso(doc.published_at),
        "date_note": v.date_note,
        "first_seen_at": doc.first_seen_at.isoformat(),
        "last_seen_at": doc.last_seen_at.isoformat(),
        "removed_at": _iso(doc.removed_at),
        "paragraphs": evidence_marked(v.text, u.evidence),
        "fields": json.loads(v.fields_json or "{}"),
        "reading": {
            "stage": u.stage,
            "label": label(u.stage, u.severity),
            "short": short_label(u.stage, u.severity),
            "confidence": u.confidence,
            "runner_up": u.runner_up,
            "runner_up_label": short_label(u.runner_up) if u.runner_up else None,
            "uncertain": u.uncertain,
            "officers": u.officers,
            "severity": u.severity,
            "force": u.force or v.force,
            "evidence": u.evidence,
            "reported_status": u.reported_status,
            "effective_day": u.effective_at.astimezone(zone).strftime("%-d %b %Y"),
        },
        "correction": corrected.get(v.id),
        "corrections": corrections,
        "cases": [
            {"id": c.id, "name": c.name, "tracked": c.tracked, "joined_by": why,
             "stage_label": label(c.stage, c.severity), "not_a_case": c.not_a_case}
            for c, why in cases
        ],
        "versions": versions,
    }


def evidence_marked(text: str, evidence: str | None) -> list[list[tuple[str, bool]]]:
    """The text in paragraphs, each a list of (piece, is_evidence), the evidence sentence found
    however the page spaced it."""
    start = end = -1
    if evidence and evidence.strip():
        words = [re.escape(w) for w in evidence.split()]
        found = re.search(r"\s+".join(words), text, flags=re.IGNORECASE)
        if found:
            start, end = found.span()
    paragraphs, offset = [], 0
    for block in re.split(r"(\n\s*\n)", text):
        if block.strip() and not re.fullmatch(r"\n\s*\n", block):
            pieces = []
            s, e = max(start - offset, 0), min(end - offset, len(block))
            if start >= 0 and s < e:
                pieces = [(block[:s], False), (block[s:e], True), (block[e:], False)]
                pieces = [p for p in pieces if p[0]]
            else:
                pieces = [(block, False)]
            paragraphs.append(pieces)
        offset += len(block)
    return paragraphs
