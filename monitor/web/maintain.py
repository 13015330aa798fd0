"""The maintainers' side of the web pages: sign-in, corrections, "check now".

Each action needs a signed-in maintainer and the CSRF token of that session
(monitor/web/sessions.py), else 403; the database work runs in the thread pool.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine as DbEngine
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response


class Actions:
    """The POST endpoints (and the sign-in form), sharing the pages' config, database, render."""

    def __init__(self, pages: Any) -> None:
        self.config, self.db, self.render = pages.config, pages.db, pages.render
        self.maintainers = pages.maintainers

    async def maintainer_form(self, request: Request) -> tuple[str, Any]:
        """The signed-in maintainer and the posted form; 403 unless signed in with a valid CSRF
        token of this session."""
        form = await request.form()
        session = self.maintainers.session(request)  # the cookie, verified once
        who = session.who if session else None
        if who is None:
            raise HTTPException(403, "Only a signed-in maintainer can do this. Sign in with "
                                     "the web token first.")
        if not self.maintainers.csrf_ok(session, str(form.get("csrf") or "")):
            raise HTTPException(403, "This form has expired or did not come from this site; "
                                     "open the page again and resend it.")
        return who, form

    async def correct(
        self, request: Request, action: Any, back: str, fields: Callable[[Any], dict[str, Any]]
    ) -> Response:
        """Run a correction for the signed-in maintainer with the arguments `fields` reads from
        the form; back to the page, saying what it did."""
        from monitor.corrections import CorrectionError

        who, form = await self.maintainer_form(request)
        values = fields(form)
        try:
            done = await run_in_threadpool(
                action, self.db, self.config, who=who, why=str(form.get("why") or ""), **values,
            )
        except CorrectionError as exc:
            raise HTTPException(400, str(exc)) from None
        return RedirectResponse(f"{back}?correction={done.correction_id}", status_code=303)

    async def set_stage(self, request: Request) -> Response:
        from monitor.corrections import correct_stage

        document_id = request.path_params["document_id"]
        return await self.correct(
            request, correct_stage, f"/announcements/{document_id}",
            lambda form: {"document_id": document_id, "stage": str(form.get("stage") or "")},
        )

    async def detach(self, request: Request) -> Response:
        from monitor.corrections import detach

        document_id = request.path_params["document_id"]
        return await self.correct(
            request, detach, f"/announcements/{document_id}",
            lambda form: {"document_id": document_id, "case_id": _case_number(form)},
        )

    async def attach(self, request: Request) -> Response:
        from monitor.corrections import attach

        document_id = request.path_params["document_id"]
        return await self.correct(
            request, attach, f"/announcements/{document_id}",
            lambda form: {"document_id": document_id, "case_id": _case_number(form)},
        )

    async def not_a_case(self, request: Request) -> Response:
        from monitor.corrections import mark_not_a_case

        case_id = request.path_params["case_id"]
        return await self.correct(request, mark_not_a_case, f"/cases/{case_id}",
                                  lambda form: {"case_id": case_id})

    async def check_now(self, request: Request) -> Response:
        from monitor.check_now import request_check
        from monitor.store.types import utcnow

        await self.maintainer_form(request)
        source_id = request.path_params["source_id"]
        source = next((s for s in self.config.sources if s.id == source_id), None)
        if source is None:
            raise HTTPException(404, f"There is no source {source_id!r} in the config.")
        await run_in_threadpool(request_check, self.db, source.id, source.plugin_id, utcnow())
        return RedirectResponse(f"/sources?requested={source.id}", status_code=303)

    def signin_form(self, request: Request, status: int = 200, problem: str | None = None
                    ) -> Response:
        """The sign-in form, with a visitor session so the form has a CSRF token."""
        session = self.maintainers.session(request)
        fresh = session is None and self.maintainers.enabled
        if fresh:
            session = self.maintainers.new_session(None)
        response = self.render(request, "signin.html", status=status, session=session,
                               enabled=self.maintainers.enabled, problem=problem)
        if fresh and session is not None:
            self.maintainers.keep(response, request, session)
        return response

    async def signin(self, request: Request) -> Response:
        form = await request.form()
        if not self.maintainers.enabled:
            raise HTTPException(403, "Signing in needs [web] token in the config; without it, "
                                     "correct with `oversight-monitor correct`.")
        csrf = str(form.get("csrf") or "")
        if not self.maintainers.csrf_ok(self.maintainers.session(request), csrf):
            raise HTTPException(403, "This form has expired or did not come from this site; "
                                     "open the sign-in page again.")
        who = " ".join(str(form.get("name") or "").split())[:128]
        if not self.maintainers.token_ok(str(form.get("token") or "")):
            return self.signin_form(request, 403, "That is not the web token.")
        if not who:
            return self.signin_form(request, 400, "Give your name: corrections keep it.")
        response = RedirectResponse(_local(str(form.get("next") or "/")), status_code=303)
        self.maintainers.keep(response, request, self.maintainers.new_session(who))
        return response

    async def signout(self, request: Request) -> Response:
        await self.maintainer_form(request)
        response = RedirectResponse("/", status_code=303)
        self.maintainers.end(response)
        return response


def _case_number(form: Any) -> int:
    """The case number a maintainer typed ("12" or "#12")."""
    raw = str(form.get("case_id") or "").strip().removeprefix("#")
    if not raw.isdigit():
        raise HTTPException(400, "Give the case number (it is in the case page's address).")
    return int(raw)


def _local(path: str) -> str:
    """Where to go after signing in: a path on this site only, never another site."""
    return path if path.startswith("/") and not path.startswith(("//", "/\\")) else "/"


def correction_done(db: DbEngine, correction_id: str | None) -> dict[str, Any] | None:
    """What a correction just did, for the page the maintainer lands on."""
    if not correction_id or not correction_id.isdigit():
        return None
    from sqlmodel import Session, col, select

    from monitor.store.tables import Correction, Event
    from notifications.render import subject_for

    with Session(db) as session:
        correction = session.get(Correction, int(correction_id))
        if correction is None:
            return None
        events = session.exec(
            select(Event).where(col(Event.dedupe_key).startswith(f"correction:{correction.id}:"))
        ).all()
        alerts = [subject_for(e.kind, json.loads(e.payload_json)) for e in events]
    return {"id": correction.id, "who": correction.who, "alerts": alerts}
