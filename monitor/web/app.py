"""The Starlette application: four pages and four Atom feeds, all read-only.

Endpoints are plain (sync) functions: Starlette runs them in a thread pool, so database reads
never block the daemon's event loop.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2
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
from monitor.web.auth import TokenGuard
from monitor.web.feeds import atom_feed, feed_response
from monitor.web.headers import SecurityHeaders

HERE = Path(__file__).parent
FEED_SIZE = 50
CHANGES_PAGE_SIZE = 100


def create_app(config: Config, db: DbEngine) -> Starlette:
    """The web interface over an open database; every route needs the token if one is set."""
    pages = Pages(config, db)
    routes = [
        Route("/", pages.cases, name="cases"),
        Route("/cases/{case_id:int}", pages.case, name="case"),
        Route("/sources", pages.sources, name="sources"),
        Route("/changes", pages.changes, name="changes"),
        Route("/feeds/changes.atom", pages.changes_feed, name="changes_feed"),
        Route("/feeds/tracked.atom", pages.tracked_feed, name="tracked_feed"),
        Route("/feeds/cases/{case_id:int}.atom", pages.case_feed, name="case_feed"),
        Route("/feeds/forces/{force_slug}.atom", pages.force_feed, name="force_feed"),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    middleware = [Middleware(SecurityHeaders)]
    if config.web.token:
        middleware.append(Middleware(TokenGuard, token=config.web.token))
    return Starlette(
        routes=routes, middleware=middleware,
        exception_handlers={404: pages.not_found},
    )


def _templates() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True, trim_blocks=True, lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters.update(day=_day, when=_when, href=_href, stage=views.short_label)
    return env


def _day(value: str | None) -> str:
    return _parse(value).strftime("%-d %b %Y") if value else "–"


def _when(value: str | None) -> str:
    return _parse(value).strftime("%-d %b %Y %H:%M UTC") if value else "never"


def _parse(value: str) -> datetime:
    return datetime.fromisoformat(value)


def _href(url: str | None) -> str:
    """Only web links become links: a `javascript:` URL from a hostile page stays inert."""
    return url if url and url.startswith(("https://", "http://")) else ""


class Pages:
    """The endpoints, sharing the config, the database and the templates."""

    def __init__(self, config: Config, db: DbEngine) -> None:
        self.config = config
        self.db = db
        self.env = _templates()
        self.source_names = _source_names(config)

    def render(self, request: Request, name: str, status: int = 200, **context: Any) -> Response:
        context.setdefault("feeds", [])
        html = self.env.get_template(name).render(
            request=request, url_for=request.url_for, source_names=self.source_names,
            stage_choices=views.stage_choices(), **context,
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
        return self.render(
            request, "cases.html", cases=found["cases"], more=found["more"],
            forces=views.case_forces(self.db), filters=filters, feeds=feeds,
            filtered=any(filters.values()),
        )

    def case(self, request: Request) -> Response:
        case_id = request.path_params["case_id"]
        case = views.case_history(self.db, str(case_id))
        if case is None:
            raise HTTPException(404, f"There is no case number {case_id}.")
        feeds = [(f"{case['name']}: changes", request.url_for("case_feed", case_id=case_id))]
        if case["force"]:
            feeds.append((f"Cases of {case['force']}",
                          request.url_for("force_feed", force_slug=views.slug(case["force"]))))
        return self.render(request, "case.html", case=case, feeds=feeds)

    def sources(self, request: Request) -> Response:
        rows = views.source_health(self.db, self.config)
        return self.render(request, "sources.html", sources=rows)

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

    def feed(self, request: Request, key: str, title: str, page: Any,
             events: list[dict[str, Any]]) -> Response:
        body, updated = atom_feed(
            title=title, feed_key=key, self_url=str(request.url.remove_query_params("token")),
            page_url=str(page), entries=events,
            case_url=lambda case_id: str(request.url_for("case", case_id=case_id)),
        )
        return feed_response(request, body, updated)


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

