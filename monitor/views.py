"""Read-only views of the store, shared by the CLI and the web pages. Plain dicts out."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine as DbEngine
from sqlalchemy import func
from sqlmodel import Session, col, select

from monitor import baseline
from monitor.config import Config
from monitor.diff import NO_EVENT_STAGE
from monitor.redact import redact
from monitor.store.tables import (
    Case,
    CaseDocument,
    DocumentRow,
    DocumentVersion,
    Event,
    SourceState,
)


def label(stage: str, severity: str | None = None) -> str:
    """The full label of a stage; the id itself if unknown."""
    try:
        from monitor.stages import vocabulary

        return vocabulary.label(stage, severity)
    except (ImportError, ValueError):  # vocabulary missing, or a stage it does not know
        return stage


def short_label(stage: str | None, severity: str | None = None) -> str:
    """A short phrase for a stage ('officer dismissed'); the id itself if unknown."""
    if stage is None:
        return ""
    try:
        from monitor.stages import vocabulary

        return vocabulary.short_label(stage, severity)
    except (ImportError, ValueError):
        return stage.replace("_", " ")


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


# Cases that are listed: not merged into another, not marked as no case by a maintainer, and
# not one general-news page that an older release made a case of its own (kept, and still found
# by id and by `search`).
LISTED = (
    col(Case.merged_into).is_(None),
    col(Case.not_a_case) == False,  # noqa: E712 - SQL expression
    ~(
        (Case.tracked == False)  # noqa: E712 - SQL expression
        & col(Case.key).startswith("doc:")
        & (Case.stage == NO_EVENT_STAGE)
        & col(Case.reported_status).is_(None)
    ),
)


def case_list(
    db: DbEngine, *, tracked_only: bool = False, tz: str = "Europe/London"
) -> list[dict[str, Any]]:
    """Every case (not those merged into another), tracked first; `stage_since_day` is in `tz`."""
    with Session(db) as session:
        query = (
            select(Case)
            .where(*LISTED)
            .order_by(col(Case.tracked).desc(), col(Case.updated_at).desc())
        )
        if tracked_only:
            query = query.where(Case.tracked == True)  # noqa: E712 - SQL expression
        with_documents = set(session.exec(select(CaseDocument.case_id).distinct()))
        return [
            {**_case_dict(c, tz), "no_announcement": c.id not in with_documents}
            for c in session.exec(query)
        ]


def with_configured_cases(rows: list[dict[str, Any]], cases: Any) -> list[dict[str, Any]]:
    """`rows` plus each tracked case of the config the database does not have yet."""
    from monitor.cases.tracked import tracked_key

    keys = {r.get("key") for r in rows}
    missing = [configured_case(c) for c in cases if tracked_key(c.name) not in keys]
    return missing + rows if missing else rows


def configured_case(case: Any) -> dict[str, Any]:
    """A tracked case named in the config that no check has recorded yet."""
    from monitor.cases.tracked import tracked_key

    return {
        "id": None, "key": tracked_key(case.name), "name": case.name, "tracked": True,
        "force": None, "stage": None, "stage_label": None, "severity": None, "officers": None,
        "reported_status": None, "stage_since": None, "stage_since_day": None,
        "updated_at": None, "no_announcement": True, "timeline": [], "officer_trails": [],
        "hearings": [],
    }


def _case_dict(c: Case, tz: str = "Europe/London") -> dict[str, Any]:
    from monitor.cases.history import case_summary

    return case_summary(c, ZoneInfo(tz))


def find_case(session: Session, ref: str) -> Case | None:
    """A case by id, key, or name (case-insensitive)."""
    from monitor.cases.history import find_case as find

    return find(session, ref)


def case_history(db: DbEngine, ref: str, tz: str = "Europe/London") -> dict[str, Any] | None:
    """The case and its timeline, oldest first (monitor/cases/history.py); dates shown in `tz`."""
    from monitor.cases.history import case_history as history

    return history(db, ref, tz)


def stage_rank(stage: str) -> int:
    """How far along the process a stage is. A re-investigation starts the process again, so
    it ranks with an opened investigation: moving into it is a move back, out of it forward."""
    stages = stage_ids()
    if stage == "reinvestigation" and "investigation_opened" in stages:
        return stages.index("investigation_opened")
    return stages.index(stage) if stage in stages else -1


def stage_ids() -> tuple[str, ...]:
    """The stage identifiers in lifecycle order (empty if the vocabulary is not installed)."""
    try:
        from monitor.stages.vocabulary import STAGES
    except ImportError:
        return ()
    return STAGES


# The last error in words a reader of the sources page understands (monitor/errors.py kinds).
ERROR_WORDS = {
    "network": "could not reach the site (connection, name lookup or time-out)",
    "http_status": "the site answered with an error",
    "blocked": "the site refused us (robots.txt, 403/429, a challenge page or a redirect away)",
    "too_large": "a page was larger than the size limit",
    "bad_content": "a page was not readable text (wrong type, bad bytes or empty)",
    "parse": "the page no longer looks as the plugin expects: its layout has probably changed",
}


def source_health(db: DbEngine, config: Config) -> list[dict[str, Any]]:
    """Each configured source: what it is, when it ran and changed, its state in words."""
    from monitor.store.faults import health

    # A failing database is every source's problem: shown in place of their own state, so
    # damaged pages never read as "ok, 0 fails".
    fault = health(db)
    states: dict[str, SourceState] = {}
    changed: dict[str, Any] = {}
    if fault is None:
        with Session(db) as session:
            states = {s.source_id: s for s in session.exec(select(SourceState))}
            changed = dict(session.exec(
                select(DocumentRow.source_id, func.max(DocumentVersion.seen_at))
                .join(DocumentVersion, col(DocumentVersion.document_id) == col(DocumentRow.id))
                .group_by(col(DocumentRow.source_id))
            ).all())
    plugins = _plugins()
    rows = []
    for sc in config.sources:
        s = states.get(sc.id)
        failing = s is not None and s.consecutive_failures >= config.health.after_failures
        if s is None:
            status = "new"
        elif failing:
            status = "FAILING"
        elif s.consecutive_failures:
            status = "retrying"
        else:
            status = "ok" if s.last_success_at else "new"
        cls = plugins.get(sc.plugin_id)
        interval = (sc.interval_minutes * 60 if sc.interval_minutes
                    else cls.default_interval.total_seconds() if cls else None)
        last_changed = changed.get(sc.id)
        rows.append(
            {
                "source_id": sc.id,
                "plugin": sc.plugin_id,
                "plugin_name": cls.name if cls else None,
                "base_url": sc.base_url or (cls.base_url if cls else None) or None,
                "interval": _duration(interval) if interval else None,
                "enabled": sc.enabled,
                "status": status,
                "state": _state(s, failing),
                "last_run_at": _iso(s.last_run_at) if s else None,
                "last_success_at": _iso(s.last_success_at) if s else None,
                "last_changed_at": _iso(last_changed.replace(tzinfo=UTC)
                                        if last_changed and not last_changed.tzinfo
                                        else last_changed),
                "last_error_at": _iso(s.last_error_at) if s else None,
                "last_error_kind": s.last_error_kind if s else None,
                "last_error_words": ERROR_WORDS.get(s.last_error_kind or "") if s else None,
                "last_error_message": (redact(s.last_error_message or "") or None) if s else None,
                "consecutive_failures": s.consecutive_failures if s else 0,
                "failing_since": _iso(s.failing_since) if s else None,
                "next_run_at": _iso(s.next_run_at) if s else None,
                "check_requested_at": _iso(s.check_requested_at) if s else None,
                # A first listing still being absorbed: done, total, rate_per_hour, eta.
                "baseline": baseline.progress_of(s.state_json) if s else None,
            }
        )
        if fault is not None:
            rows[-1].update(
                status="STORAGE", state="storage fault", last_error_kind=fault.kind,
                last_error_words="the monitor's own database is failing",
                last_error_message=str(fault),
            )
    return rows


def _state(s: SourceState | None, failing: bool) -> str:
    """ok / failing / blocked / layout changed / new (the page adds "since" a date)."""
    if s is None or not (s.last_success_at or s.consecutive_failures):
        return "new"
    if not s.consecutive_failures:
        return "ok"
    if s.last_error_kind == "blocked":
        return "blocked"
    if s.last_error_kind == "parse":
        return "layout changed"
    return "failing" if failing else "retrying"


def _plugins() -> dict[str, Any]:
    try:
        from sources.registry import installed

        return installed()
    except Exception:  # noqa: BLE001 - plugin details are a nicety; ids still identify a source
        return {}


def plugin_list() -> list[dict[str, Any]]:
    from sources.registry import installed

    return [
        {
            "id": cls.id,
            "name": cls.name,
            "hosts": list(cls.hosts),
            "interval": _duration(cls.default_interval.total_seconds()),
            "module": cls.__module__,
        }
        for cls in sorted(installed().values(), key=lambda c: c.id)
    ]


def _duration(seconds: float) -> str:
    return f"{seconds / 3600:g}h" if seconds >= 3600 else f"{seconds / 60:g}min"


def held_events(db: DbEngine) -> list[dict[str, Any]]:
    with Session(db) as session:
        events = session.exec(select(Event).where(Event.status == "held").order_by(col(Event.id)))
        return [
            {
                "id": e.id,
                "source_id": e.source_id,
                "kind": e.kind,
                "case": json.loads(e.payload_json).get("case_name"),
            }
            for e in events
        ]


def settle_held(db: DbEngine, config: Config, source_id: str | None, *, release: bool) -> int:
    """Release (send) or discard the alerts the mass-change guard held for a source."""
    from monitor.store.types import utcnow
    from notifications.outbox import enqueue

    now = utcnow()
    with Session(db) as session:
        events = session.exec(
            select(Event).where(Event.status == "held", Event.source_id == source_id)
        ).all()
        for event in events:
            event.status = "live" if release else "discarded"
            session.add(event)
            if release:
                enqueue(session, event, config, text=_document_text(session, event), now=now)
        session.commit()
        return len(events)


# ---- web pages and feeds -------------------------------------------------------------------

CASE_EVENT_KINDS = (
    "new_case",
    "stage_changed",
    "case_update",
    "document_changed",
    "document_removed",
    "document_restored",
)
STAGE_EVENT_KINDS = ("new_case", "stage_changed")
# Held events may come from a broken parser, discarded ones were judged wrong: never shown.
SHOWN_STATUSES = ("live", "baseline")


def stage_choices() -> list[tuple[str, str]]:
    """(id, short label) of every real stage in lifecycle order, for filter menus."""
    return [(s, short_label(s)) for s in stage_ids() if s != NO_EVENT_STAGE]


def slug(text: str) -> str:
    """'Metropolitan Police Service' → 'metropolitan-police-service'."""
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")


def case_search(
    db: DbEngine,
    *,
    force: str | None = None,
    stage: str | None = None,
    tracked_only: bool = False,
    name: str | None = None,
    limit: int = 200,
) -> dict[str, Any]:
    """Cases matching the filters, with the sources that reported each; two queries in all."""
    with Session(db) as session:
        query = select(Case).where(*LISTED).order_by(
            col(Case.tracked).desc(),
            col(Case.stage_since).desc().nulls_last(),
            col(Case.id).desc(),
        )
        if force:
            query = query.where(Case.force == force)
        if stage:
            query = query.where(Case.stage == stage)
        if tracked_only:
            query = query.where(Case.tracked == True)  # noqa: E712 - SQL expression
        if name:
            query = query.where(
                func.lower(col(Case.name)).contains(name.casefold(), autoescape=True)
            )
        found = list(session.exec(query.limit(limit + 1)))
        cases = found[:limit]
        sources = _case_sources(session, [c.id for c in cases if c.id is not None])
        return {
            "cases": [{**_case_dict(c), "sources": sources.get(c.id, [])} for c in cases],
            "more": len(found) > limit,
        }


def _case_sources(session: Session, case_ids: list[int]) -> dict[int, list[str]]:
    if not case_ids:
        return {}
    rows = session.exec(
        select(CaseDocument.case_id, DocumentRow.source_id)
        .join(DocumentRow, col(DocumentRow.id) == col(CaseDocument.document_id))
        .where(col(CaseDocument.case_id).in_(case_ids))
        .distinct()
    )
    found: dict[int, list[str]] = {}
    for case_id, source_id in rows:
        found.setdefault(case_id, []).append(source_id)
    return {k: sorted(v) for k, v in found.items()}


def case_forces(db: DbEngine) -> list[str]:
    """Every force named on a case, alphabetically."""
    with Session(db) as session:
        rows = session.exec(select(Case.force).where(col(Case.force).is_not(None)).distinct())
        return sorted((f for f in rows if f), key=str.casefold)


def force_by_slug(db: DbEngine, force_slug: str) -> str | None:
    return next((f for f in case_forces(db) if slug(f) == force_slug), None)


def recent_events(
    db: DbEngine,
    *,
    kinds: tuple[str, ...] = CASE_EVENT_KINDS,
    limit: int = 50,
    case_id: int | None = None,
    force: str | None = None,
    tracked_only: bool = False,
) -> list[dict[str, Any]]:
    """The newest case events first, each with a one-line headline; one query."""
    with Session(db) as session:
        query = (
            select(Event, Case)
            .join(Case, col(Case.id) == col(Event.case_id))
            .where(col(Event.kind).in_(kinds), col(Event.status).in_(SHOWN_STATUSES))
            .order_by(col(Event.created_at).desc(), col(Event.id).desc())
            .limit(limit)
        )
        if case_id is not None:
            query = query.where(Event.case_id == case_id)
        if force:
            query = query.where(Case.force == force)
        if tracked_only:
            query = query.where(Case.tracked == True)  # noqa: E712 - SQL expression
        return [_event_dict(e, c) for e, c in session.exec(query)]


def _event_dict(event: Event, case: Case) -> dict[str, Any]:
    p = json.loads(event.payload_json)
    backwards = (
        event.kind == "stage_changed"
        and event.from_stage is not None
        and event.to_stage is not None
        and stage_rank(event.to_stage) < stage_rank(event.from_stage)
    )
    return {
        "id": event.id,
        "key": event.dedupe_key,
        "kind": event.kind,
        "created_at": _iso(event.created_at),
        "published_at": p.get("published_at"),
        "case_id": case.id,
        "case_name": case.name,
        "tracked": case.tracked,
        "force": p.get("force") or case.force,
        "from_stage": event.from_stage,
        "to_stage": event.to_stage,
        "from_label": short_label(event.from_stage),
        "to_label": short_label(event.to_stage, p.get("severity")),
        "backwards": backwards,
        "headline": _headline(event, case, p, backwards),
        "title": p.get("title"),
        "url": p.get("url"),
        "source_id": event.source_id,
        "document_id": event.document_id,
        "correction": bool(p.get("correction")),
        "source_name": p.get("source_name"),
        "evidence": p.get("evidence"),
        "officers": p.get("officers"),
        "severity": p.get("severity"),
    }


def _headline(event: Event, case: Case, p: dict[str, Any], backwards: bool) -> str:
    to = short_label(event.to_stage, p.get("severity"))
    if p.get("correction"):
        if event.to_stage == NO_EVENT_STAGE:
            return f"{case.name}: correction, not a case"
        if event.from_stage == NO_EVENT_STAGE:
            return f"{case.name}: correction, a case at {to}"
        return f"{case.name}: correction, {to}, not {short_label(event.from_stage)}"
    if event.kind == "stage_changed":
        move = "moved back: " if backwards else ""
        return f"{case.name}: {move}{short_label(event.from_stage)} → {to}"
    if event.kind == "new_case":
        return f"{case.name}: new case, {to}"
    if event.kind == "document_changed":
        return f"{case.name}: announcement edited, now reads {to}"
    if event.kind == "document_removed":
        return f"{case.name}: source page taken down"
    if event.kind == "document_restored":
        return f"{case.name}: source page restored"
    return f"{case.name}: new announcement, still {to}"


def _document_text(session: Session, event: Event) -> str:
    """The text of the document an event is about, for subscribers' keyword filters."""
    if event.document_id is None:
        return ""
    doc = session.get(DocumentRow, event.document_id)
    version = session.get(DocumentVersion, doc.current_version_id) if doc else None
    return version.text if version else ""


def document_search(
    db: DbEngine, words: str, *, tz: str, limit: int = 100, filters: Any = None
) -> list[dict[str, Any]]:
    """Announcements (case updates or not) matching `words`, best first (monitor/search.py)."""
    from monitor.search import Filters, search_documents

    return search_documents(db, words, tz=tz, filters=filters or Filters(), limit=limit)
