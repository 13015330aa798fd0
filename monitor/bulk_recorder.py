"""Record a baseline's new documents a batch at a time: linking decided in memory, rows written
with multi-row INSERTs.

A first run records thousands of documents silently. One by one, record() costs each of them
about 16 statements and 8 flushes; here a batch costs a few statements per table. The meaning
is record()'s: the same rows are built (recorder.new_*), and a case is founded, joined and
staged as join_cases() and set_stage() do it, document after document. What the in-memory
linking does not cover goes through record() itself, after the batch so far is written, so it
sees everything before it:

- a document already in the database (an interrupted baseline recorded it);
- a document naming a tracked case, or sharing a clue with a case already in the database;
- a document that would merge two cases, or found a case whose key is taken.

tests/test_bulk_recorder.py records one baseline both ways and compares every table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from sqlalchemy import bindparam, insert, update
from sqlmodel import Session, SQLModel, col, select

from monitor.cases.clues import Clue
from monitor.cases.hearings import Announced, hearings_in
from monitor.cases.linking import case_name, lock_keys, why_joined
from monitor.recorder import (
    Observed,
    apply_stage,
    document_values,
    founding_key,
    makes_case,
    reading_values,
    version_values,
)
from monitor.store.tables import (
    Case,
    CaseClue,
    CaseDocument,
    DocumentRow,
    DocumentVersion,
    Hearing,
    HttpValidator,
    StageUpdate,
)

# Columns unique together, by which new rows' ids are read back.
_DOCUMENT = ("source_id", "external_id")
_VERSION = ("document_id", "content_hash")


@dataclass
class _Taken:
    """A document of the run and the column values of the rows it gets."""

    obs: Observed
    row: dict[str, Any]
    version: dict[str, Any]
    reading: SimpleNamespace  # read like a StageUpdate by apply_stage(); id None until written


@dataclass
class _NewCase:
    """A case founded in this run, written with it."""

    case: Case
    members: list[tuple[_Taken, str]] = field(default_factory=list)  # with why it joined
    clue_keys: dict[str, None] = field(default_factory=dict)
    hearings: list[tuple[_Taken, list[Announced]]] = field(default_factory=list)


def record_baseline(
    session: Session,
    batch: list[Observed],
    *,
    now: datetime,
    record_one: Callable[[Observed], Any],
) -> None:
    """Record `batch` silently (no events), in order; `record_one` records a document the
    in-memory linking does not cover (record() with no event status)."""
    # PostgreSQL: other daemons' transactions wait for these clues, as record() makes them wait.
    lock_keys(
        session,
        sorted({c.key for o in batch for c in o.clues} | {t.key for o in batch for t in o.links}),
    )
    stored = _existing(session, DocumentRow.external_id, {o.ref.external_id for o in batch},
                       DocumentRow.source_id.in_({o.source_id for o in batch}))  # fmt: skip
    run = _Run(session, now, batch)
    for at, obs in enumerate(batch):
        if obs.ref.external_id not in stored and not obs.links and run.take(obs):
            continue
        run.write()
        record_one(obs)
        session.flush()
        run = _Run(session, now, batch[at + 1 :])
    run.write()


class _Run:
    """Documents taken since the last write, and the cases they found or join."""

    def __init__(self, session: Session, now: datetime, ahead: list[Observed]) -> None:
        self.session, self.now = session, now
        # What the database already has that documents ahead may meet: record() handles those.
        self.stored_clues = _existing(
            session, CaseClue.key, {c.key for o in ahead for c in o.clues}
        )
        self.stored_case_keys = _existing(session, Case.key, {founding_key(o) for o in ahead})
        self.taken: list[_Taken] = []
        self.cases: list[_NewCase] = []  # in founding order: the order of their ids
        self.case_keys: set[str] = set()  # theirs
        self.by_clue: dict[str, list[int]] = {}  # clue key → indexes in self.cases

    def take(self, obs: Observed) -> bool:
        """Add `obs` to the run; False (and nothing changed) when record() must do it."""
        if any(c.key in self.stored_clues for c in obs.clues):
            return False
        force = obs.classification.force or obs.document.force
        chosen = self._sharing_clues(obs.clues, force)
        if len(chosen) > 1:  # one matter after all: record() merges them
            return False
        reading = reading_values(
            obs, document_id=None, version_id=None, seen_at=self.now, now=self.now
        )
        taken = _Taken(
            obs,
            document_values(obs, self.now),
            version_values(obs, None, self.now),
            SimpleNamespace(id=None, **reading),
        )
        if chosen:
            (index, why), is_new = chosen[0], False
        elif not makes_case(obs, taken.reading):
            self.taken.append(taken)  # general news: in no case
            return True
        else:
            key = founding_key(obs)
            if key in self.stored_case_keys or key[:300] in self.case_keys:
                return False
            index, why, is_new = len(self.cases), "first announcement", True
            self.cases.append(_NewCase(self._found(key, obs)))
            self.case_keys.add(key[:300])
        self.taken.append(taken)
        self._join(index, taken, why, is_new, force)
        return True

    def _sharing_clues(self, clues: list[Clue], force: str | None) -> list[tuple[int, str]]:
        shared: dict[int, list[Clue]] = {}
        for clue in clues:
            for index in self.by_clue.get(clue.key, ()):
                shared.setdefault(index, []).append(clue)
        found = []
        for index in sorted(shared):
            why = why_joined(self.cases[index].case, shared[index], force)
            if why:
                found.append((index, why))
        return found

    def _found(self, key: str, obs: Observed) -> Case:
        name = case_name(obs.clues, obs.document.title)
        return Case(key=key[:300], name=name, tracked=False, created_at=self.now,
                    updated_at=self.now)  # fmt: skip

    def _join(self, index: int, taken: _Taken, why: str, is_new: bool, force: str | None) -> None:
        """What join_cases() and record() do to a case the document joins."""
        new_case, obs = self.cases[index], taken.obs
        new_case.members.append((taken, why))
        for clue in obs.clues:
            new_case.clue_keys.setdefault(clue.key)
            if index not in self.by_clue.setdefault(clue.key, []):
                self.by_clue[clue.key].append(index)
        case, cls = new_case.case, obs.classification
        if cls.force and not case.force:
            case.force = cls.force
        # recompute_case(): the members' readings, newest first (later ids win a tie).
        readings = [m.reading for m, _ in reversed(new_case.members)]
        readings.sort(key=lambda r: r.effective_at, reverse=True)
        apply_stage(case, [taken.reading] if is_new else readings, self.now)
        hearings = obs.hearings
        if hearings is None:
            hearings = hearings_in(obs.document, obs.timezone, obs.page.url)
        new_case.hearings.append((taken, hearings))

    # ---- writing -----------------------------------------------------------------------------

    def write(self) -> None:
        if not self.taken:
            return
        session, taken = self.session, self.taken
        session.flush()  # what record() left pending comes first
        doc_ids = _insert(session, DocumentRow, [t.row for t in taken], key=_DOCUMENT)
        for t, doc_id in zip(taken, doc_ids, strict=True):
            t.row["id"] = t.version["document_id"] = t.reading.document_id = doc_id
        version_ids = _insert(session, DocumentVersion, [t.version for t in taken], key=_VERSION)
        for t, version_id in zip(taken, version_ids, strict=True):
            t.reading.version_id = version_id
        documents = DocumentRow.__table__  # type: ignore[attr-defined]
        session.execute(
            update(documents)
            .where(documents.c.id == bindparam("doc_id"))
            .values(current_version_id=bindparam("version_id")),
            [{"doc_id": t.reading.document_id, "version_id": t.reading.version_id} for t in taken],
        )
        readings = [{k: v for k, v in vars(t.reading).items() if k != "id"} for t in taken]
        _insert(session, StageUpdate, readings)
        self._write_validators()
        self._write_cases()
        self.taken, self.cases, self.case_keys, self.by_clue = [], [], set(), {}

    def _write_validators(self) -> None:
        """save_validators() for each document: the last word for a URL wins."""
        latest = {
            t.obs.ref.url: t.obs.page.validators
            for t in self.taken
            if t.obs.page.validators.etag or t.obs.page.validators.last_modified
        }
        if not latest:
            return
        rows = [
            {"url": url, "etag": v.etag, "last_modified": v.last_modified, "updated_at": self.now}
            for url, v in latest.items()
        ]
        stored = _existing(self.session, HttpValidator.url, set(latest))
        table = HttpValidator.__table__  # type: ignore[attr-defined]
        if new := [r for r in rows if r["url"] not in stored]:
            self.session.execute(insert(table), new)
        if old := [{**r, "at_url": r["url"]} for r in rows if r["url"] in stored]:
            self.session.execute(
                update(table).where(table.c.url == bindparam("at_url"))
                .values(etag=bindparam("etag"), last_modified=bindparam("last_modified"),
                        updated_at=bindparam("updated_at")),
                old,
            )  # fmt: skip

    def _write_cases(self) -> None:
        if not self.cases:
            return
        session, now = self.session, self.now
        cases = [_values(c.case) for c in self.cases]
        case_ids = _insert(session, Case, cases, key=("key",))
        members, clues, hearings = [], [], []
        for new_case, case_id in zip(self.cases, case_ids, strict=True):
            for t, why in new_case.members:
                doc_id = t.row["id"]
                members.append({"case_id": case_id, "document_id": doc_id, "joined_by": why})
            clues += [{"case_id": case_id, "key": key} for key in new_case.clue_keys]
            for t, found in new_case.hearings:
                hearings += [
                    {"case_id": case_id, "document_id": t.row["id"], "kind": h.kind,
                     "starts_at": h.starts_at, "all_day": h.all_day, "place": h.place,
                     "updated_at": now}
                    for h in {h.kind: h for h in found}.values()
                ]  # fmt: skip
        for model, rows in ((CaseDocument, members), (CaseClue, clues), (Hearing, hearings)):
            _insert(session, model, rows)


def _insert(
    session: Session,
    model: type[SQLModel],
    rows: list[dict[str, Any]],
    *,
    key: tuple[str, ...] = (),
) -> list[int]:
    """One multi-row INSERT of `rows`. With `key` (columns unique together), their new ids in
    order, read back by that key: INSERT … RETURNING keeps the rows' order on PostgreSQL, but
    SQLAlchemy sends it to SQLite one row at a time."""
    if not rows:
        return []
    table = model.__table__  # type: ignore[attr-defined]
    session.execute(insert(table), rows)
    if not key:
        return []
    columns = [table.c[name] for name in key]
    wanted = [tuple(row[name] for name in key) for row in rows]
    query = select(table.c.id, *columns).where(
        *(column.in_({w[i] for w in wanted}) for i, column in enumerate(columns))
    )
    ids = {tuple(found): row_id for row_id, *found in session.execute(query)}
    return [ids[w] for w in wanted]


def _values(case: Case) -> dict[str, Any]:
    """A new case's column values."""
    return {c.key: getattr(case, c.key) for c in Case.__table__.columns if c.key != "id"}  # type: ignore[attr-defined]


def _existing(session: Session, column: Any, values: set[str], *where: Any) -> set[str]:
    """Which of `values` the database has in `column`."""
    if not values:
        return set()
    return set(session.exec(select(column).where(col(column).in_(values), *where)))
