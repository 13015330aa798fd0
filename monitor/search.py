"""Search announcements and cases with the database's own full-text index, ranked, highlighted.

Every word must appear (stemmed: "investigating" finds "investigation"); "a quoted phrase"
must appear as written. Filters narrow by source, force, stage of the announcement's current
reading, and its date. The same function serves `oversight-monitor search` and the web page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine as DbEngine
from sqlalchemy import bindparam, text
from sqlmodel import Session, col, select

from monitor.store.tables import Case, CaseDocument
from monitor.store.types import UTCDateTime

# Highlight markers: private-use characters no announcement contains; the page turns them
# into <mark> after escaping the text around them (monitor/web/app.py `marked`).
MARK_START, MARK_END = "\ue000", "\ue001"
_TOKEN = re.compile(r'"([^"]+)"|([\w][\w\'’.-]*)')


@dataclass(frozen=True, slots=True)
class Filters:
    source: str | None = None
    force: str | None = None
    stage: str | None = None
    since: datetime | None = None  # effective date, inclusive
    until: datetime | None = None  # effective date, exclusive


def terms(words: str) -> list[str]:
    """The words and "phrases" of a query, markers and quotes removed."""
    found = []
    for phrase, word in _TOKEN.findall(words.replace(MARK_START, "").replace(MARK_END, "")):
        term = (phrase or word).strip(" '’.-")
        if term and term.casefold() != "or":
            found.append(term)
    return found


def search_documents(
    db: DbEngine, words: str, *, tz: str, filters: Filters = Filters(), limit: int = 100
) -> list[dict[str, Any]]:
    """Announcements matching `words`, best first, each with a highlighted title and snippet."""
    query_terms = terms(words)
    if not query_terms:
        return []
    with Session(db) as session:
        dialect = session.get_bind().dialect.name
        where, params = _filter_sql(filters)
        if dialect == "postgresql":
            sql, params["q"] = _postgresql(where), _websearch(query_terms)
        else:
            sql, params["q"] = _sqlite(where), _fts5(query_terms)
        statement = text(sql).bindparams(
            *(bindparam(k, type_=UTCDateTime) for k in ("since", "until") if k in params)
        )
        rows = session.execute(statement, {**params, "limit": limit}).mappings().all()
        cases = _cases_of(session, [r["id"] for r in rows])
    zone = ZoneInfo(tz)
    from monitor.cases.history import local_day
    from monitor.views import short_label

    found = []
    for r in rows:
        effective = UTCDateTime().process_result_value(_as_datetime(r["effective_at"]), None)
        found.append({
            "id": r["id"],
            "title": r["title"],
            "title_marked": r["title_marked"] or r["title"],
            "snippet": r["snippet"] or "",
            "url": r["url"],
            "source_id": r["source_id"],
            "date": effective.isoformat() if effective else None,
            "day": local_day(effective, zone),
            "stage_id": r["stage"],
            "stage": short_label(r["stage"], r["severity"]),
            "force": r["force"],
            "cases": [name for _, name in cases.get(r["id"], [])],
            "case_ids": [case_id for case_id, _ in cases.get(r["id"], [])],
            "removed": r["removed_at"] is not None,
        })
    return found


def search_cases(
    db: DbEngine, words: str, documents: list[dict[str, Any]], *, limit: int = 50
) -> list[dict[str, Any]]:
    """Cases named by the words, then cases holding the matching announcements, best first."""
    query_terms = terms(words)
    if not query_terms:
        return []
    from monitor.views import LISTED, label

    with Session(db) as session:
        named = select(Case).where(*LISTED)
        for term in query_terms:
            named = named.where(col(Case.name).ilike(f"%{_like(term)}%", escape="\\"))
        order: list[int] = [c.id for c in session.exec(named.limit(limit)) if c.id is not None]
        for doc in documents:  # already best first
            order.extend(i for i in doc["case_ids"] if i not in order)
        order = order[:limit]
        rows = {c.id: c for c in session.exec(select(Case).where(col(Case.id).in_(order), *LISTED))}
        hits: dict[int, int] = {}
        for doc in documents:
            for case_id in doc["case_ids"]:
                hits[case_id] = hits.get(case_id, 0) + 1
        return [
            {"id": c.id, "name": c.name, "tracked": c.tracked, "force": c.force,
             "stage_label": label(c.stage, c.severity), "announcements": hits.get(c.id, 0)}
            for c in (rows[i] for i in order if i in rows)
        ]


# ---- the two engines ------------------------------------------------------------------------

_SELECT = (
    "d.id, d.url, d.source_id, d.removed_at, v.title, u.stage, u.severity, "
    "coalesce(u.force, v.force) AS force, u.effective_at"
)
# The document by its key, then only its current version: `current_version_id` has no index.
_FROM = (
    "JOIN document d ON d.id = v.document_id AND d.current_version_id = v.id "
    "JOIN stage_update u ON u.version_id = v.id"
)


def _sqlite(where: str) -> str:
    return (
        f"SELECT {_SELECT}, "
        f"highlight(document_fts, 0, '{MARK_START}', '{MARK_END}') AS title_marked, "
        f"snippet(document_fts, 1, '{MARK_START}', '{MARK_END}', '…', 32) AS snippet "
        f"FROM document_fts JOIN document_version v ON v.id = document_fts.rowid {_FROM} "
        f"WHERE document_fts MATCH :q{where} "
        # bm25 is smaller for better matches; title words count five times body words.
        "ORDER BY bm25(document_fts, 5.0, 1.0), u.effective_at DESC LIMIT :limit"
    )


def _postgresql(where: str) -> str:
    marks = f"StartSel={MARK_START}, StopSel={MARK_END}"
    return (
        f"SELECT {_SELECT}, "
        f"ts_headline('english', v.title, q, '{marks}, HighlightAll=true') AS title_marked, "
        f"ts_headline('english', v.text, q, '{marks}, MaxWords=40, MinWords=15, "
        "MaxFragments=2, FragmentDelimiter=\" … \"') AS snippet "
        f"FROM websearch_to_tsquery('english', :q) q, document_version v {_FROM} "
        f"WHERE v.search @@ q{where} "
        "ORDER BY ts_rank(v.search, q) DESC, u.effective_at DESC LIMIT :limit"
    )


def _fts5(query_terms: list[str]) -> str:
    """Each word or phrase quoted, so nothing a person types is FTS5 syntax; all must match."""
    return " ".join('"' + t.replace('"', '""') + '"' for t in query_terms)


def _websearch(query_terms: list[str]) -> str:
    return " ".join(f'"{t}"' if " " in t else t for t in query_terms)


# Each filter's condition; its parameter is named after the Filters field.
_FILTER_SQL = {
    "source": "d.source_id = :source",
    "force": "coalesce(u.force, v.force) = :force",
    "stage": "u.stage = :stage",
    "since": "u.effective_at >= :since",
    "until": "u.effective_at < :until",
}


def _filter_sql(filters: Filters) -> tuple[str, dict[str, Any]]:
    params = {name: value for name in _FILTER_SQL if (value := getattr(filters, name))}
    return "".join(f" AND {_FILTER_SQL[name]}" for name in params), params


def _cases_of(session: Session, document_ids: list[int]) -> dict[int, list[tuple[int, str]]]:
    from monitor.views import LISTED

    found: dict[int, list[tuple[int, str]]] = {}
    if not document_ids:
        return found
    for document_id, case_id, name in session.exec(
        select(CaseDocument.document_id, Case.id, Case.name)
        .join(Case, col(Case.id) == col(CaseDocument.case_id))
        .where(col(CaseDocument.document_id).in_(document_ids), *LISTED)
    ):
        found.setdefault(document_id, []).append((case_id, name))
    return found


def _as_datetime(value: Any) -> datetime | None:
    """SQLite hands a raw text() column back as text; PostgreSQL as a datetime."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def _like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
