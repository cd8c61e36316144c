"""Answering an error over HTTP: every catalogue entry (``oppvekst.errors``) the same way.

API paths and clients that ask for JSON get RFC 7807 problem+json; browsers get the Norwegian error
page. ``problem_response`` is the one place a problem body is made: the exception handlers use it
and so do the abuse limits, which answer before a request reaches a route.
"""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from oppvekst import language
from oppvekst.errors import BY_HTTP_STATUS, BadRequest, OppvekstError
from oppvekst.glossary import N_
from oppvekst.language import _
from oppvekst.snapshot.store import Store
from oppvekst.views.search import SearchHit
from oppvekst.web.dependencies import current_store, wants_json
from oppvekst.web.inputs import kept_view
from oppvekst.web.languages import choose, without_prefix
from oppvekst.web.rendering import render

PROBLEM_BASE = "https://oppvekststatus.no/api/problemer/"
PROBLEM_MEDIA_TYPE = "application/problem+json"


def problem_response(
    error: OppvekstError, instance: str, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    """RFC 7807 problem+json with a message a person can act on."""
    body: dict[str, object] = {
        "type": PROBLEM_BASE + error.code,
        "title": error.message,
        "status": error.http_status,
        "detail": error.hint or error.message,
        "instance": instance,
        "code": error.code,
    }
    if error.suggestions:
        body["suggestions"] = list(error.suggestions)
    return JSONResponse(
        body,
        status_code=error.http_status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=_headers(error, headers),
    )


def error_page(
    request: Request, error: OppvekstError, headers: Mapping[str, str] | None = None
) -> HTMLResponse:
    """The HTML page for an error: what went wrong, what to do, and links to try instead."""
    try:
        store: Store | None = current_store(request)
    except OppvekstError:
        store = None  # e.g. no snapshot published yet: the page must still render
    suggestions = [
        SearchHit("region", code, store.regions[code].name, code, f"/kommune/{code}")
        for code in error.suggestions
        if store is not None and code in store.regions
    ]
    page = render(
        request, "error.html", store, error.http_status, error=error, suggestions=suggestions
    )
    page.headers.update(_headers(error, headers))
    return page


def error_response(
    request: Request, error: OppvekstError, headers: Mapping[str, str] | None = None
) -> Response:
    if wants_json(request):
        return problem_response(error, request.url.path, headers)
    kept = kept_view(request, error)
    if kept is not None:
        return RedirectResponse(kept, status_code=303, headers={"Cache-Control": "no-store"})
    return error_page(request, error, headers)


def _headers(error: OppvekstError, extra: Mapping[str, str] | None) -> dict[str, str]:
    # An error answers for this moment only (a snapshot may arrive, a limit may lift): never cached.
    headers = {"Cache-Control": "no-store", **(extra or {})}
    if error.retry_after is not None:
        headers["Retry-After"] = str(error.retry_after)
    return headers


def from_validation(exc: RequestValidationError) -> BadRequest:
    """A rejected parameter, in words a person can act on."""
    problems = "; ".join(
        f"{'.'.join(str(p) for p in e.get('loc', ())[1:])}: {e.get('msg', '')}"
        for e in exc.errors()
    )
    return BadRequest(
        _("Ugyldig forespørsel: {problems}").format(problems=problems),
        hint=_("Se /api/docs for lovlige verdier."),
    )


HTTP_HINTS: Mapping[int, str] = {
    404: N_("Sjekk adressen, eller søk etter kommunen eller indikatoren du leter etter."),
    405: N_("Portalen og API-et tar bare imot GET-forespørsler."),
    413: N_(
        "Filen eller skjemaet er for stort. Del opp filen, eller fjern kolonner som ikke trengs."
    ),
}


def unexpected_response(request: Request) -> Response:
    """The answer to an exception nobody caught, in the request's language.

    Starlette runs the handler for ``Exception`` in its outermost layer (``ServerErrorMiddleware``),
    outside the language middleware, whose language is gone by then (and which may not have run at
    all, when an outer layer failed): the language and the bare path are chosen again, by the same
    function (``web.languages.choose``).
    """
    chosen = choose(request.scope)
    inner = Request(without_prefix(dict(request.scope), chosen), request.receive)
    with language.use(chosen.lang):
        response = error_response(inner, OppvekstError())
    response.headers["Content-Language"] = chosen.lang.value
    if chosen.is_api:
        response.headers.add_vary_header("Accept-Language")
    return response


def install_error_handlers(app: FastAPI) -> None:
    """Every error a request can meet answers through ``error_response``."""

    async def _oppvekst(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, OppvekstError)
        return error_response(request, exc)

    async def _invalid(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        return error_response(request, from_validation(exc))

    async def _http(request: Request, exc: Exception) -> Response:
        # Starlette's own errors: no route for the path, a method the route does not take.
        assert isinstance(exc, HTTPException)
        entry = BY_HTTP_STATUS.get(exc.status_code)
        if entry is None:  # a status no route of ours causes: Starlette's answer, status intact
            return await http_exception_handler(request, exc)
        hint = HTTP_HINTS.get(exc.status_code)
        error = entry(hint=_(hint) if hint else "")
        return error_response(request, error, exc.headers)

    async def _unexpected(request: Request, exc: Exception) -> Response:
        # Starlette still re-raises the exception after this answer, so it is logged as before.
        return unexpected_response(request)

    app.add_exception_handler(OppvekstError, _oppvekst)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_exception_handler(HTTPException, _http)
    app.add_exception_handler(Exception, _unexpected)
