"""Sign-in, sign-out, saved views and the organisation's audit log (``/logg-inn``,
``/mine-visninger``, ``/organisasjon/logg``).

Every route here is behind ``check_csrf`` (the router's dependency), so no form on these pages can
be posted from another site. Authorisation lives in the ``accounts`` functions (each filters by the
viewer's own user or organisation), not in the templates: a route only ever passes the ``Viewer``.
The pages render without the statistics snapshot when there is none; they never need it.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from oppvekst.accounts import audit, saved, sessions
from oppvekst.accounts.identity import Credentials
from oppvekst.errors import AccountLocked, InvalidSavedView, OppvekstError, SignInFailed
from oppvekst.snapshot.store import Store
from oppvekst.web.dependencies import current_store
from oppvekst.web.privacy import (
    SESSION_COOKIE,
    accounts_of,
    check_csrf,
    clear_session_cookie,
    csrf_token,
    remember_csrf,
    require_viewer,
    see_other,
    set_session_cookie,
    sign_in_first,
    viewer_of,
)
from oppvekst.web.rendering import render

router = APIRouter(default_response_class=HTMLResponse, dependencies=[Depends(check_csrf)])
FormText = Annotated[str, Form()]


def _store(request: Request) -> Store | None:
    try:
        return current_store(request)
    except OppvekstError:
        return None  # no snapshot yet: the accounts pages do not need one


def _next(target: str) -> str:
    """Where to go after signing in: a path on this site, else the front page."""
    try:
        return saved.checked_url(target) if target else "/"
    except InvalidSavedView:
        return "/"


def saved_views_of(request: Request) -> list[saved.View]:
    """The signed-in viewer's saved views (for the front page), or none."""
    viewer = viewer_of(request)
    return [] if viewer is None else saved.of(accounts_of(request).store, viewer)


# --- Sign-in and sign-out -----------------------------------------------------------------------
def _sign_in_page(
    request: Request,
    status_code: int = 200,
    problem: OppvekstError | None = None,
    email: str = "",
    neste: str = "",
) -> HTMLResponse:
    page = render(
        request,
        "login.html",
        _store(request),
        status_code,
        form_token=csrf_token(request),
        problem=problem,
        email=email,
        neste=_next(neste),
    )
    remember_csrf(request, page)
    return page


@router.get("/logg-inn")
def sign_in_form(request: Request, neste: str = "") -> HTMLResponse:
    return _sign_in_page(request, neste=neste)


@router.post("/logg-inn", response_model=None)
def sign_in(
    request: Request,
    email: FormText = "",
    password: FormText = "",
    neste: FormText = "",
) -> Response:
    accounts = accounts_of(request)
    try:
        user_id = accounts.authenticator.authenticate(Credentials(email, password))
    except (SignInFailed, AccountLocked) as exc:
        return _sign_in_page(request, exc.http_status, exc, email.strip(), neste)
    # A new token at every sign-in (never the one the browser came with: no session fixation).
    previous = request.cookies.get(SESSION_COOKIE)
    if previous:
        sessions.end(accounts.store, previous)
    token = sessions.start(accounts.store, user_id, accounts.session_lifetime)
    response = see_other(_next(neste))
    set_session_cookie(request, response, token)
    return response


@router.post("/logg-ut", response_model=None)
def sign_out(request: Request) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        sessions.end(accounts_of(request).store, token)
    response = see_other("/")
    clear_session_cookie(request, response)
    return response


@router.post("/logg-ut-overalt", response_model=None)
def sign_out_everywhere(request: Request) -> Response:
    sessions.end_everywhere(accounts_of(request).store, require_viewer(request))
    response = see_other("/logg-inn")
    clear_session_cookie(request, response)
    return response


# --- Saved views --------------------------------------------------------------------------------
def _views_page(
    request: Request, status_code: int = 200, problem: OppvekstError | None = None
) -> HTMLResponse:
    viewer = require_viewer(request)
    return render(
        request,
        "saved_views.html",
        _store(request),
        status_code,
        views=saved.of(accounts_of(request).store, viewer),
        problem=problem,
    )


@router.get("/mine-visninger", response_model=None)
def saved_views(request: Request) -> Response:
    if viewer_of(request) is None:
        return sign_in_first(request)
    return _views_page(request)


@router.post("/mine-visninger", response_model=None)
def save_view(request: Request, name: FormText = "", url: FormText = "") -> Response:
    viewer = require_viewer(request)
    try:
        saved.save(accounts_of(request).store, viewer, name, url)
    except InvalidSavedView as exc:
        return _views_page(request, exc.http_status, exc)
    return see_other("/mine-visninger")


@router.post("/mine-visninger/{view_id}/slett", response_model=None)
def delete_view(request: Request, view_id: int) -> Response:
    saved.remove(accounts_of(request).store, require_viewer(request), view_id)
    return see_other("/mine-visninger")


# --- The organisation ---------------------------------------------------------------------------
@router.get("/organisasjon/logg", response_model=None)
def audit_log(request: Request) -> Response:
    viewer = viewer_of(request)
    if viewer is None:
        return sign_in_first(request)
    entries = audit.for_organisation(accounts_of(request).store, viewer)
    return render(request, "audit_log.html", _store(request), entries=entries)
