"""Signed-in maintainers and CSRF tokens for the forms that change something.

A maintainer signs in with the web token ([web] token) and a name, which every correction
keeps. The session is a cookie signed by itsdangerous with a key derived from the token
(changing the token signs everyone out); it holds a random session id and the name. Every form
that changes something carries a CSRF token tied to that session id, so another site cannot
make a signed-in browser post one. Without [web] token nobody can sign in: corrections are then
made with `oversight-monitor correct`.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.requests import Request
from starlette.responses import Response

COOKIE = "om_maintainer"
MAX_AGE = 12 * 3600  # a day's work; then sign in again


@dataclass(frozen=True, slots=True)
class Session:
    sid: str
    who: str | None  # None: not signed in (a visitor who opened the sign-in form)


class Maintainers:
    def __init__(self, token: str | None) -> None:
        self.token = token
        key = hashlib.sha256(f"oversight-monitor maintainer:{token}".encode()).hexdigest()
        self._key = key.encode()
        self._signer = URLSafeTimedSerializer(key, salt="maintainer-session")

    @property
    def enabled(self) -> bool:
        return bool(self.token)

    def session(self, request: Request) -> Session | None:
        raw = request.cookies.get(COOKIE)
        if not raw or not self.enabled:
            return None
        try:
            data = self._signer.loads(raw, max_age=MAX_AGE)
        except BadSignature:
            return None
        return Session(str(data["sid"]), data.get("who"))

    def csrf(self, session: Session | None) -> str:
        if session is None:
            return ""
        return hmac.new(self._key, f"csrf:{session.sid}".encode(), "sha256").hexdigest()

    def csrf_ok(self, session: Session | None, given: str) -> bool:
        expected = self.csrf(session)
        return bool(expected) and hmac.compare_digest(expected, given or "")

    def token_ok(self, given: str) -> bool:
        return self.enabled and hmac.compare_digest(
            (given or "").encode(), (self.token or "").encode()
        )

    def new_session(self, who: str | None) -> Session:
        """A new session id, never the visitor's old one (no fixation)."""
        return Session(secrets.token_urlsafe(18), who)

    def keep(self, response: Response, request: Request, session: Session) -> None:
        response.set_cookie(
            COOKIE, self._signer.dumps({"sid": session.sid, "who": session.who}),
            max_age=MAX_AGE, httponly=True, samesite="strict",
            secure=request.url.scheme == "https", path="/",
        )

    def end(self, response: Response) -> None:
        response.delete_cookie(COOKIE, path="/")
