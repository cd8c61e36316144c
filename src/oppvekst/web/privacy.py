"""Who is asking, and keeping their answers private.

``PrivacyMiddleware`` looks the session cookie up once per request (``accounts.sessions.find``) and
puts the ``Viewer`` (or None) on ``request.state.viewer``. Every answer to a request with a live
session gets ``Cache-Control: private, no-store`` and ``Vary: Cookie``: own data and a person's
saved views must never sit in a shared cache or the browser's disk cache. Anonymous answers pass
through untouched (no cookie is set, no header changes), so the public portal stays cacheable.

CSRF is a double submit: a form carries a token the server can check against the cookies. Signed
in, the token is derived from the session token (``csrf_for``), so it needs no cookie of its own
and dies with the session; the anonymous sign-in form uses a random token in its own cookie
(``CSRF_COOKIE``), set by the page that shows the form. ``check_csrf`` guards every POST route.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import quote

import anyio.to_thread
from fastapi import Request, Response
from fastapi.responses import RedirectResponse
from starlette.datastructures import MutableHeaders
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from oppvekst.accounts import sessions
from oppvekst.accounts.identity import Authenticator
from oppvekst.accounts.store import UserStore
from oppvekst.accounts.viewer import Viewer
from oppvekst.errors import CsrfRejected, NotSignedIn, UserStoreUnavailable
from oppvekst.language import _
from oppvekst.settings import Settings
from oppvekst.web.vary import vary_with

SESSION_COOKIE = "oppvekst_okt"
CSRF_COOKIE = "oppvekst_csrf"
CSRF_FIELD = "csrf_token"
PRIVATE = "private, no-store"
LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})


@dataclass(frozen=True, slots=True)
class Accounts:
    """What the sign-in routes and the middleware share (``app.state.accounts``)."""

    store: UserStore
    authenticator: Authenticator
    session_lifetime: timedelta
    secure_cookies: bool | None  # None: decide per request (``secure``)

    @classmethod
    def from_settings(
        cls, settings: Settings, store: UserStore, authenticator: Authenticator
    ) -> Accounts:
        return cls(
            store,
            authenticator,
            timedelta(hours=max(0.1, settings.session_hours)),
            settings.cookie_secure,
        )


def accounts_of(request: Request) -> Accounts:
    found: Accounts = request.app.state.accounts
    return found


def viewer_of(request: Request) -> Viewer | None:
    return getattr(request.state, "viewer", None)


def require_viewer(request: Request) -> Viewer:
    viewer = viewer_of(request)
    if viewer is None:
        raise NotSignedIn(hint=_("Logg inn for å se denne siden."))
    return viewer


def see_other(url: str) -> RedirectResponse:
    """The answer to a form or a page that must send its visitor on: private, like everything a
    signed-in visitor sees."""
    return RedirectResponse(url, status_code=303, headers={"Cache-Control": PRIVATE})


def sign_in_first(request: Request) -> RedirectResponse:
    """An anonymous (or expired) visitor on a signed-in page goes to the sign-in form, which
    brings them back here afterwards (path and query)."""
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return see_other(f"/logg-inn?neste={quote(target, safe='/')}")


def csrf_for(session_token: str) -> str:
    # A hash, not the token: the page holding it cannot be turned back into the session cookie.
    return hashlib.sha256(b"csrf:" + session_token.encode()).hexdigest()


def csrf_token(request: Request) -> str:
    """The token this request's forms carry (a fresh random one for an anonymous visitor without
    a CSRF cookie: ``remember_csrf`` must then set it on the response)."""
    session_token = request.cookies.get(SESSION_COOKIE)
    if viewer_of(request) is not None and session_token:
        return csrf_for(session_token)
    existing = request.cookies.get(CSRF_COOKIE, "")
    if 20 <= len(existing) <= 100:
        return existing
    fresh: str | None = getattr(request.state, "new_csrf", None)
    if fresh is None:
        fresh = secrets.token_urlsafe(32)
        request.state.new_csrf = fresh
    return fresh


async def check_csrf(request: Request) -> None:
    """Every non-GET request on the accounts routes: the form's token must match (403 else)."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    form = await request.form()
    sent = form.get(CSRF_FIELD)
    session_token = request.cookies.get(SESSION_COOKIE)
    if viewer_of(request) is not None and session_token:
        expected = csrf_for(session_token)
    else:
        expected = request.cookies.get(CSRF_COOKIE, "")
    if not (
        isinstance(sent, str) and expected and hmac.compare_digest(sent.encode(), expected.encode())
    ):
        raise CsrfRejected(
            _("Skjemaet kunne ikke sendes fordi sikkerhetsnøkkelen mangler eller er utløpt."),
            hint=_("Last siden på nytt og prøv igjen."),
        )


def secure(request: Request) -> bool:
    """Secure cookies unless configured off, or (by default) plain http to this machine: browsers
    drop a Secure cookie sent over http, and ``make serve`` on http://127.0.0.1 must still work."""
    configured = accounts_of(request).secure_cookies
    if configured is not None:
        return configured
    return not (request.url.scheme == "http" and request.url.hostname in LOOPBACK)


def set_session_cookie(request: Request, response: Response, token: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(accounts_of(request).session_lifetime.total_seconds()),
        path="/",
        secure=secure(request),
        httponly=True,
        samesite="lax",
    )


def clear_session_cookie(request: Request, response: Response) -> None:
    response.delete_cookie(
        SESSION_COOKIE, path="/", secure=secure(request), httponly=True, samesite="lax"
    )


def remember_csrf(request: Request, response: Response) -> None:
    """Set the anonymous CSRF cookie when ``csrf_token`` made a new one for this page."""
    fresh: str | None = getattr(request.state, "new_csrf", None)
    if fresh is not None:
        response.set_cookie(
            CSRF_COOKIE, fresh, path="/", secure=secure(request), httponly=True, samesite="lax"
        )
    response.headers["Cache-Control"] = PRIVATE


class PrivacyMiddleware:
    """A plain ASGI middleware (like the security headers): it never buffers a body."""

    def __init__(self, app: ASGIApp, store: UserStore) -> None:
        self.app = app
        self.store = store

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        token = session_token(scope)
        try:
            viewer = (
                await anyio.to_thread.run_sync(sessions.find, self.store, token) if token else None
            )
        except UserStoreUnavailable:
            # The statistics do not depend on the user store: serve this request as anonymous
            # (nothing private can be in it) rather than failing every page.
            viewer = None
        scope.setdefault("state", {})["viewer"] = viewer
        if viewer is None:
            await self.app(scope, receive, send)
            return

        async def send_private(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["Cache-Control"] = PRIVATE
                vary_with(headers, "Cookie")
            await send(message)

        await self.app(scope, receive, send_private)


def session_token(scope: Scope) -> str:
    """The session cookie's value from any ``Cookie`` header (a client may split its cookies over
    several; HTTP/2 does), or "". The one reading of it: the answer cache asks it too."""
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            found = cookie_parser(value.decode("latin-1")).get(SESSION_COOKIE)
            if found:
                return found
    return ""
