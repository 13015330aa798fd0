"""The Starlette application: the pages, feeds and calendars; the maintainers' forms are in
monitor/web/maintain.py.

Reading endpoints are plain (sync) functions: Starlette runs them in a thread pool, so database
reads never block the daemon's event loop.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jinja2
from markupsafe import Markup, escape
from sqlalchemy import Engine as DbEngine
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from monitor import views
from monitor.config import Config
from monitor.redact import redact
from monitor.web.auth import TokenGuard
from monitor.web.feeds import atom_feed, feed_response
from monitor.web.headers import SecurityHeaders
from monitor.web.maintain import Actions, correction_done
from monitor.web.sessions import Maintainers

HERE = Path(__file__).parent
FEED_SIZE = 50
CHANGES_PAGE_SIZE = 100


def create_app(config: Config, db: DbEngine) -> Starlette:
    """The web interface over an open database; every route needs the token if one is set."""
    pages = Pages(config, db)
    actions = Actions(pages)
    routes = [
        Route("/", pages.cases, name="cases"),
        Route("/cases/{case_id:int}", pages.case, name="case"),
        Route("/cases/{case_id:int}.csv", pages.case_csv, name="case_csv"),
        Route("/cases/{case_id:int}/print", pages.case_print, name="case_print"),
        Route("/cases/{case_id:int}/not-a-case", actions.not_a_case, methods=["POST"],
              name="not_a_case"),
        Route("/announcements/{document_id:int}", pages.announcement, name="announcement"),
        Route("/announcements/{document_id:int}/stage", actions.set_stage, methods=["POST"],
              name="set_stage"),
        Route("/announcements/{document_id:int}/detach", actions.detach, methods=["POST"],
              name="detach"),
        Route("/announcements/{document_id:int}/attach", actions.attach, methods=["POST"],
              name="attach"),
        Route("/search", pages.search, name="search"),
        Route("/corrections", pages.corrections, name="corrections"),
        Route("/upcoming", pages.upcoming, name="upcoming"),
        Route("/sources", pages.sources, name="sources"),
        Route("/sources/{source_id}/check", actions.check_now, methods=["POST"], name="check_now"),
        Route("/changes", pages.changes, name="changes"),
        Route("/signin", actions.signin_form, methods=["GET"], name="signin"),
        Route("/signin", actions.signin, methods=["POST"], name="signin_post"),
        Route("/signout", actions.signout, methods=["POST"], name="signout"),
        Route("/feeds/changes.atom", pages.changes_feed, name="changes_feed"),
        Route("/feeds/tracked.atom", pages.tracked_feed, name="tracked_feed"),
        Route("/feeds/cases/{case_id:int}.atom", pages.case_feed, name="case_feed"),
        Route("/feeds/forces/{force_slug}.atom", pages.force_feed, name="force_feed"),
        Route("/calendar.ics", pages.calendar, name="calendar"),
        Route("/cases/{case_id:int}/calendar.ics", pages.case_calendar, name="case_calendar"),
        Route("/hearings/{hearing_id:int}.ics", pages.hearing_calendar, name="hearing_calendar"),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    middleware = [Middleware(SecurityHeaders)]
    if config.web.token:
        middleware.append(Middleware(TokenGuard, token=config.web.token))
    return Starlette(
        routes=routes, middleware=middleware,
        exception_handlers={400: pages.refused, 403: pages.refused, 404: pages.not_found},
    )


def _masked(value: Any) -> Any:
    if isinstance(value, Markup):  # already-escaped HTML stays HTML: **** escapes to itself
        return Markup(redact(str(value)))
    return redact(value) if isinstance(value, str) else value


def _templates(tz: str) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True, trim_blocks=True, lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        # Every value a page shows passes through redact: a URL stored with its ?api_key=
        # (or an error quoting one) is shown with **** (monitor/redact.py).
        finalize=_masked,
    )
    zone = ZoneInfo(tz)

    def day(value: str | None) -> str:
        return _parse(value, zone).strftime("%-d %b %Y") if value else "–"

    def when(value: str | None) -> str:
        return _parse(value, zone).strftime("%-d %b %Y %H:%M %Z") if value else "never"

    def percent(value: float | None) -> str:
        return f"{value:.0%}" if value is not None else "not measured"

    env.filters.update(day=day, when=when, href=_href, stage=views.short_label, marked=marked,
                       percent=percent)
    return env


def _parse(value: str, zone: ZoneInfo) -> datetime:
    """Stored values are UTC; people read them in [monitor] timezone (a date-only announcement
    of 5 July 2019 is stored as 4 July 23:00 UTC)."""
    parsed = datetime.fromisoformat(value)
    return parsed.astimezone(zone) if parsed.tzinfo else parsed


def marked(text: str | None) -> Markup:
    """Search highlights as <mark>, the text around them escaped (monitor/search.py)."""
    from monitor.search import MARK_END, MARK_START

    escaped = str(escape(text or ""))
    opened = escaped.count(MARK_START)
    if opened != escaped.count(MARK_END):  # unbalanced: show the words, not broken markup
        return Markup(escaped.replace(MARK_START, "").replace(MARK_END, ""))
    return Markup(escaped.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))


def _href(url: str | None) -> str:
    """Only web links become links: a `javascript:` URL from a hostile page stays inert."""
    return url if url and url.startswith(("https://", "http://")) else ""


class Pages:
    """The endpoints, sharing the config, the database and the templates."""

    def __init__(self, config: Config, db: DbEngine) -> None:
        self.config = config
        self.db = db
        self.env = _templates(config.monitor.timezone)
        self.tz = config.monitor.timezone
        self.source_names = _source_names(config)
        self.maintainers = Maintainers(config.web.token)

    def render(self, request: Request, name: str, status: int = 200, **context: Any) -> Response:
        context.setdefault("feeds", [])
        session = context.pop("session", None) or self.maintainers.session(request)
        signed_in = session.who if session else None
        html = self.env.get_template(name).render(
            request=request, url_for=request.url_for, source_names=self.source_names,
            stage_choices=views.stage_choices(), maintainer=signed_in,
            csrf=self.maintainers.csrf(session), tz=self.tz, **context,
        )
        return HTMLResponse(html, status_code=status)

    # ---- pages ---------------------------------------------------------------------------

    def cases(self, request: Request) -> Response:
        q = request.query_params
        filters = {
            "force": q.get("force") or None, "stage": q.get("stage") or None,
            "tracked_only": q.get("show") == "tracked", "name": (q.get("q") or "").strip() or None,
        }
        found = views.case_search(self.db, **filters)
        feeds = [("All stage changes", request.url_for("changes_feed")),
                 ("Tracked cases", request.url_for("tracked_feed"))]
        if filters["force"]:
            feeds.append((f"Cases of {filters['force']}",
                          request.url_for("force_feed", force_slug=views.slug(filters["force"]))))
        # The words also find announcements, case updates or not (general news is no case).
        mentions = (views.document_search(self.db, filters["name"], tz=self.tz, limit=50)
                    if filters["name"] else [])
        return self.render(
            request, "cases.html", cases=found["cases"], more=found["more"],
            forces=views.case_forces(self.db), filters=filters, feeds=feeds,
            filtered=any(filters.values()), mentions=mentions,
        )

    def case(self, request: Request) -> Response:
        case_id = request.path_params["case_id"]
        case = views.case_history(self.db, str(case_id), self.tz)
        if case is None:
            raise HTTPException(404, f"There is no case number {case_id}.")
        feeds = [(f"{case['name']}: changes", request.url_for("case_feed", case_id=case_id))]
        if case["force"]:
            feeds.append((f"Cases of {case['force']}",
                          request.url_for("force_feed", force_slug=views.slug(case["force"]))))
        return self.render(request, "case.html", case=case, feeds=feeds)

    def case_csv(self, request: Request) -> Response:
        from monitor.web.export import timeline_csv

        case = self._case(request)
        return Response(
            timeline_csv(case, self.source_names, self.tz), media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="case-{case["id"]}.csv"'},
        )

    def case_print(self, request: Request) -> Response:
        from monitor.store.types import utcnow

        return self.render(request, "case_print.html", case=self._case(request),
                           printed=utcnow().isoformat())

    def _case(self, request: Request) -> dict[str, Any]:
        case_id = request.path_params["case_id"]
        case = views.case_history(self.db, str(case_id), self.tz)
        if case is None:
            raise HTTPException(404, f"There is no case number {case_id}.")
        return case

    def announcement(self, request: Request) -> Response:
        from monitor.announcements import announcement

        document_id = request.path_params["document_id"]
        found = announcement(self.db, document_id, self.tz)
        if found is None:
            raise HTTPException(404, f"There is no announcement number {document_id}.")
        done = correction_done(self.db, request.query_params.get("correction"))
        return self.render(request, "announcement.html", doc=found, done=done)

    def search(self, request: Request) -> Response:
        from monitor.search import search_cases, search_documents

        q = request.query_params
        words = (q.get("q") or "").strip()
        try:
            filters = _search_filters(q, self.tz)
        except ValueError as exc:
            raise HTTPException(400, str(exc)) from None
        documents = (search_documents(self.db, words, tz=self.tz, filters=filters, limit=100)
                     if words else [])
        cases = search_cases(self.db, words, documents) if words else []
        return self.render(
            request, "search.html", words=words, q=q, documents=documents, cases=cases,
            forces=views.case_forces(self.db),
        )

    def corrections(self, request: Request) -> Response:
        from monitor.corrections import corrections_list

        return self.render(request, "corrections.html", corrections=corrections_list(self.db))

    def upcoming(self, request: Request) -> Response:
        from monitor.cases.hearings import upcoming
        from monitor.store.types import utcnow

        everything = request.query_params.get("show") == "all"
        rows = upcoming(self.db, self.tz, None if everything else utcnow())
        return self.render(request, "upcoming.html", hearings=rows, everything=everything)

    def sources(self, request: Request) -> Response:
        rows = views.source_health(self.db, self.config)
        return self.render(request, "sources.html", sources=rows,
                           requested=request.query_params.get("requested"))

    def refused(self, request: Request, exc: Exception) -> Response:
        status = getattr(exc, "status_code", 400)
        detail = getattr(exc, "detail", None) or "This request was refused."
        return self.render(request, "refused.html", status=status, detail=detail,
                           title="Not allowed" if status == 403 else "Cannot do that")

    def changes(self, request: Request) -> Response:
        events = views.recent_events(self.db, limit=CHANGES_PAGE_SIZE)
        feeds = [("All stage changes", request.url_for("changes_feed"))]
        return self.render(request, "changes.html", events=events, feeds=feeds)

    def not_found(self, request: Request, exc: Exception) -> Response:
        detail = getattr(exc, "detail", None) or "There is no page at this address."
        return self.render(request, "not_found.html", status=404, detail=detail)

    # ---- feeds ---------------------------------------------------------------------------

    def changes_feed(self, request: Request) -> Response:
        events = views.recent_events(self.db, kinds=views.STAGE_EVENT_KINDS, limit=FEED_SIZE)
        return self.feed(request, "changes", "Police oversight: stage changes",
                         request.url_for("changes"), events)

    def tracked_feed(self, request: Request) -> Response:
        events = views.recent_events(self.db, tracked_only=True, limit=FEED_SIZE)
        return self.feed(request, "tracked", "Police oversight: tracked cases",
                         request.url_for("cases"), events)

    def case_feed(self, request: Request) -> Response:
        case_id = request.path_params["case_id"]
        case = views.case_history(self.db, str(case_id))
        if case is None:
            raise HTTPException(404, f"There is no case number {case_id}.")
        events = views.recent_events(self.db, case_id=case_id, limit=FEED_SIZE)
        return self.feed(request, f"case:{case['key']}", f"{case['name']}: stage changes",
                         request.url_for("case", case_id=case_id), events)

    def force_feed(self, request: Request) -> Response:
        force = views.force_by_slug(self.db, request.path_params["force_slug"])
        if force is None:
            raise HTTPException(404, "No case names that force.")
        events = views.recent_events(self.db, kinds=views.STAGE_EVENT_KINDS, force=force,
                                     limit=FEED_SIZE)
        page = request.url_for("cases").include_query_params(force=force)
        return self.feed(request, f"force:{views.slug(force)}", f"{force}: stage changes",
                         page, events)

    def hearing_calendar(self, request: Request) -> Response:
        from monitor.cases.hearings import upcoming

        hearing_id = request.path_params["hearing_id"]
        rows = [h for h in upcoming(self.db, self.tz, None) if h["id"] == hearing_id]
        if not rows:
            raise HTTPException(404, f"There is no hearing number {hearing_id}.")
        return self.ics(request, f"{rows[0]['case_name']}: {rows[0]['kind_label']}", rows)

    def calendar(self, request: Request) -> Response:
        from monitor.cases.hearings import upcoming

        return self.ics(request, "Police oversight: hearings and court dates",
                        upcoming(self.db, self.tz, None))

    def case_calendar(self, request: Request) -> Response:
        case = views.case_history(self.db, str(request.path_params["case_id"]), self.tz)
        if case is None:
            raise HTTPException(404, f"There is no case number {request.path_params['case_id']}.")
        return self.ics(request, f"{case['name']}: hearings and court dates", case["hearings"])

    def ics(self, request: Request, name: str, hearings: list[dict[str, Any]]) -> Response:
        from monitor.cases.calendar import calendar

        body = calendar(name, hearings, request.url.hostname or "oversight-monitor")
        return Response(body, media_type="text/calendar; charset=utf-8")

    def feed(self, request: Request, key: str, title: str, page: Any,
             events: list[dict[str, Any]]) -> Response:
        body, updated = atom_feed(
            title=title, feed_key=key, self_url=str(request.url.remove_query_params("token")),
            page_url=str(page), entries=events,
            case_url=lambda case_id: str(request.url_for("case", case_id=case_id)),
            announcement_url=lambda document_id: str(
                request.url_for("announcement", document_id=document_id)),
        )
        return feed_response(request, body, updated)


def _search_filters(q: Any, tz: str) -> Any:
    from datetime import date, timedelta

    from monitor.search import Filters

    def day(name: str) -> datetime | None:
        raw = (q.get(name) or "").strip()
        if not raw:
            return None
        try:
            parsed = date.fromisoformat(raw)
        except ValueError:
            raise ValueError(f"The {name} date {raw!r} is not a date like 2024-01-31.") from None
        return datetime(parsed.year, parsed.month, parsed.day, tzinfo=ZoneInfo(tz))

    until = day("to")
    return Filters(
        source=q.get("source") or None, force=q.get("force") or None,
        stage=q.get("stage") or None, since=day("from"),
        until=until + timedelta(days=1) if until else None,  # the whole of the last day
    )


def _source_names(config: Config) -> dict[str, str]:
    """Configured source id → the plugin's human name, e.g. 'iopc' → 'Independent Office …'."""
    try:
        from sources.registry import installed

        plugins = installed()
    except Exception:  # noqa: BLE001 - names are a nicety; ids still identify the source
        plugins = {}
    names = {}
    for sc in config.sources:
        cls = plugins.get(sc.plugin_id)
        site = cls is not None and not cls.generic and sc.id == sc.plugin_id
        names[sc.id] = sc.name or (cls.name if site else sc.id)
    return names

