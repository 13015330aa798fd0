"""Which cases a recorded announcement joins, and why. Runs inside the recording transaction.

Tracked cases named by alias always win: the announcement joins them, adds its clues to them,
alerts come from them, and an untracked case it shares a clue with is merged into them.
Otherwise it joins every case that shares a clue with it (a person or an officer only when the
forces agree); cases it shows to be one matter are merged into the oldest. An announcement
that joins nothing starts a case of its own only if it is about a case:
it reports a case event, or it is a case page (it prints a reference or a case status).
General news never becomes a case.

Several daemons on one PostgreSQL database: the clues are locked (advisory locks, in key
order) before they are looked up, and the joined case rows are locked (in id order) and re-read
before their stage is compared, so one move is recorded once whoever sees it first.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import text, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from monitor.cases.clues import Clue, force_key
from monitor.cases.tracked import CaseLink
from monitor.corrections import detached_from
from monitor.store.tables import Case, CaseClue, CaseDocument, Event, Hearing

# Clues that name someone: they join only where the forces do not disagree.
_NEEDS_SAME_FORCE = ("person", "officer")


@dataclass(frozen=True, slots=True)
class Joined:
    case: Case
    is_new: bool  # the case had no announcement before this one
    why: str  # "Chris Kaba named, same force"


def join_cases(
    session: Session,
    *,
    document_id: int,
    tracked: Sequence[CaseLink],
    clues: Sequence[Clue],
    force: str | None,
    title: str,
    makes_case: bool,
    founding_key: str,
    now: datetime,
    new_document: bool = False,
) -> list[Joined]:
    """The cases this document belongs to, locked, tracked ones first; may be empty.

    `new_document`: the document was just added, so it is in no case yet (saves queries).
    """
    lock_keys(session, sorted({c.key for c in clues} | {t.key for t in tracked}))
    chosen: dict[int, tuple[Case, str]] = {}
    for link in tracked:
        case = tracked_case(session, link.key, link.name, now)
        chosen[case.id] = (case, "named as a tracked case")
    for case, why in [] if new_document else _existing(session, document_id):
        chosen.setdefault(case.id, (case, why))
    for case, why in _sharing_clues(session, clues, force):
        chosen.setdefault(case.id, (case, why))
    for case_id in detached_from(session, document_id):  # a maintainer said it is not in them
        chosen.pop(case_id, None)
    _lock_rows(session, sorted(chosen))
    untracked = sorted((c for c, _ in chosen.values() if not c.tracked), key=lambda c: c.id)
    # One matter after all: the tracked case named takes in the others, else the oldest does.
    keep = next((c for c, _ in chosen.values() if c.tracked), untracked[0] if untracked else None)
    for gone in [c for c in untracked if c is not keep]:
        merge(session, keep, gone, now)
        reasons = f"{chosen[keep.id][1]}, {chosen.pop(gone.id)[1]}".split(", ")
        chosen[keep.id] = (keep, ", ".join(dict.fromkeys(reasons)))
    founded = None
    if not chosen:
        if not makes_case:
            return []
        founded = case = _new_case(session, founding_key, case_name(clues, title), now)
        chosen[case.id] = (case, "first announcement")
    joined = []
    for case_id in sorted(chosen, key=lambda i: (not chosen[i][0].tracked, i)):
        case, why = chosen[case_id]
        if case is founded:  # just made: no members and no clues to look up
            session.add(CaseDocument(case_id=case.id, document_id=document_id, joined_by=why))
            keys = dict.fromkeys(c.key for c in clues)
            session.add_all(CaseClue(case_id=case.id, key=key) for key in keys)
            joined.append(Joined(case, True, why))
            continue
        is_new = _first_document(session, case, document_id, why)
        _add_clues(session, case, clues)
        joined.append(Joined(case, is_new, why))
    session.flush()
    return joined


def tracked_case(session: Session, key: str, name: str, now: datetime) -> Case:
    """The row of a tracked case, created if missing (two daemons may race to create it)."""
    query = select(Case).where(Case.key == key)
    case = session.exec(query).first()
    if case is None:
        try:
            with session.begin_nested():
                session.add(Case(key=key, name=name, tracked=True, created_at=now, updated_at=now))
        except IntegrityError:
            pass  # another daemon created it first
        case = session.exec(query).one()
    return case


def merge(session: Session, keep: Case, gone: Case, now: datetime) -> None:
    """Move everything of `gone` into `keep`; `gone` stays, pointing at `keep`, for old links."""
    have = set(_members(session, keep.id))
    for link in session.exec(select(CaseDocument).where(CaseDocument.case_id == gone.id)).all():
        if link.document_id not in have:
            session.add(
                CaseDocument(
                    case_id=keep.id,
                    document_id=link.document_id,
                    joined_by=f"merged from {gone.name!r}: {link.joined_by}",
                )
            )
        session.delete(link)
    _add_clues(
        session,
        keep,
        [
            Clue(c.key, "")
            for c in session.exec(select(CaseClue).where(CaseClue.case_id == gone.id))
        ],
    )
    for clue in session.exec(select(CaseClue).where(CaseClue.case_id == gone.id)).all():
        session.delete(clue)
    for table in (Event, Hearing):
        session.exec(update(table).where(col(table.case_id) == gone.id).values(case_id=keep.id))
    gone.merged_into, gone.updated_at = keep.id, now
    session.add(gone)
    session.flush()


def _lock_rows(session: Session, case_ids: list[int]) -> None:
    """Lock the cases in id order (no two daemons wait on each other) and re-read them, so the
    stage compared is the one the other daemon committed while we waited."""
    if case_ids:
        session.exec(
            select(Case)
            .where(col(Case.id).in_(case_ids))
            .order_by(col(Case.id))
            .with_for_update()
            .execution_options(populate_existing=True)
        ).all()


def lock_keys(session: Session, keys: list[str]) -> None:
    """PostgreSQL: one transaction at a time looks up or adds a given clue (SQLite: one writer)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for key in keys:
        session.exec(text("SELECT pg_advisory_xact_lock(:k)").bindparams(k=_lock_id(key)))


def _lock_id(key: str) -> int:
    return zlib.crc32(f"case-clue:{key}".encode()) - 2**31


def _existing(session: Session, document_id: int) -> list[tuple[Case, str]]:
    rows = session.exec(
        select(Case, CaseDocument.joined_by)
        .join(CaseDocument, col(CaseDocument.case_id) == col(Case.id))
        .where(CaseDocument.document_id == document_id)
        .order_by(col(Case.id))
    ).all()
    return [(case, why or "an earlier version") for case, why in rows]


def _sharing_clues(
    session: Session, clues: Sequence[Clue], force: str | None
) -> list[tuple[Case, str]]:
    by_key = {c.key: c for c in clues}
    if not by_key:
        return []
    rows = session.exec(
        select(CaseClue.case_id, CaseClue.key).where(col(CaseClue.key).in_(by_key))
    ).all()
    reasons: dict[int, list[Clue]] = {}
    for case_id, key in rows:
        reasons.setdefault(case_id, []).append(by_key[key])
    found = []
    for case_id in sorted(reasons):
        case = session.exec(select(Case).where(Case.id == case_id)).one()
        why = why_joined(case, reasons[case_id], force)
        if why:
            found.append((case, why))
    return found


def why_joined(case: Case, shared: list[Clue], force: str | None) -> str | None:
    """'Chris Kaba named, same force'; None when only names are shared and the forces differ."""
    mine, theirs = force_key(force), force_key(case.force)
    same_force = mine is not None and mine == theirs
    usable = [
        c
        for c in shared
        if c.kind not in _NEEDS_SAME_FORCE or same_force or mine is None or theirs is None
    ]
    if not usable:
        return None
    says = [c.says for c in usable if c.says]
    if same_force and any(c.kind in _NEEDS_SAME_FORCE for c in usable):
        says.append("same force")
    return ", ".join(dict.fromkeys(says)) or "shares a clue"


def case_name(clues: Sequence[Clue], title: str) -> str:
    person = next((c for c in clues if c.kind == "person"), None)
    return person.says.removesuffix(" named") if person else title


def _new_case(session: Session, key: str, name: str, now: datetime) -> Case:
    if session.exec(select(Case.id).where(Case.key == key)).first() is not None:
        key = f"{key}#{now:%Y%m%d%H%M%S%f}"  # that key belongs to a case merged away
    case = Case(key=key[:300], name=name, tracked=False, created_at=now, updated_at=now)
    session.add(case)
    session.flush()
    return case


def _first_document(session: Session, case: Case, document_id: int, why: str) -> bool:
    """Add the document to the case; True if the case had no announcement before."""
    members = set(_members(session, case.id))
    if document_id not in members:
        session.add(CaseDocument(case_id=case.id, document_id=document_id, joined_by=why))
    return not members


def _members(session: Session, case_id: int) -> list[int]:
    return list(
        session.exec(select(CaseDocument.document_id).where(CaseDocument.case_id == case_id))
    )


def _add_clues(session: Session, case: Case, clues: Sequence[Clue]) -> None:
    for clue in clues:
        if session.get(CaseClue, (case.id, clue.key)) is None:
            session.add(CaseClue(case_id=case.id, key=clue.key))
