"""The access token: `Authorization: Bearer <token>`, or `?token=` once (then a cookie).

Constant-time comparisons throughout. The cookie holds a digest of the token, not the token.
"""

from __future__ import annotations

import hashlib
import hmac
from http.cookies import SimpleCookie
from urllib.parse import parse_qs

from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

COOKIE = "om_access"


def cookie_value(token: str) -> str:
    return hashlib.sha256(f"oversight-monitor web cookie:{token}".encode()).hexdigest()


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())


class TokenGuard:
    """ASGI middleware: every request needs the token; a valid `?token=` also sets the cookie."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app = app
        self.token = token
        self.cookie = cookie_value(token)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        if self._header_ok(headers) or self._cookie_ok(headers):
            await self.app(scope, receive, send)
        elif self._query_ok(scope):
            await self.app(scope, receive, self._setting_cookie(scope, send))
        else:
            await _refuse(scope, receive, send)

    def _header_ok(self, headers: dict[str, str]) -> bool:
        scheme, _, given = headers.get("authorization", "").partition(" ")
        return scheme.lower() == "bearer" and _same(given.strip(), self.token)

    def _cookie_ok(self, headers: dict[str, str]) -> bool:
        jar: SimpleCookie = SimpleCookie()
        try:
            jar.load(headers.get("cookie", ""))
        except Exception:  # noqa: BLE001 - a malformed cookie header is just no cookie
            return False
        morsel = jar.get(COOKIE)
        return morsel is not None and _same(morsel.value, self.cookie)

    def _query_ok(self, scope: Scope) -> bool:
        given = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("token", [])
        return any(_same(g, self.token) for g in given)

    def _setting_cookie(self, scope: Scope, send: Send) -> Send:
        secure = "; Secure" if scope.get("scheme") == "https" else ""
        header = f"{COOKIE}={self.cookie}; Path=/; HttpOnly; SameSite=Strict{secure}"

        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [
                    *message.get("headers", []), (b"set-cookie", header.encode("latin-1")),
                ]}
            await send(message)

        return wrapped


async def _refuse(scope: Scope, receive: Receive, send: Send) -> None:
    response = PlainTextResponse(
        "This site needs an access token: send 'Authorization: Bearer <token>', "
        "or open any page once with ?token=<token> added to its address.\n",
        status_code=401, headers={"WWW-Authenticate": 'Bearer realm="oversight-monitor"'},
    )
    await response(scope, receive, send)
