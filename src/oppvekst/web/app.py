"""The application factory: one FastAPI app serving the portal pages and the API.

Each request takes the store of the current snapshot once (``current_store``) and uses only that,
so a response never mixes two snapshots, even while a new one is being published.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.middleware.gzip import GZipMiddleware

from oppvekst.errors import BadRequest, OppvekstError
from oppvekst.snapshot.files import DataDir
from oppvekst.snapshot.store import StoreManager
from oppvekst.web.dependencies import wants_json
from oppvekst.web.limits import LimitsConfig, LimitsMiddleware
from oppvekst.web.security import SecurityHeadersMiddleware

STATIC_DIR = Path(__file__).parent / "static"
# Routers, included when their module exists (each half can be developed and tested on its own).
ROUTERS = (
    "oppvekst.api.routes",
    "oppvekst.api.docs",
    "oppvekst.web.takeaway",  # chart and map downloads (PNG/SVG/PDF), embeds
    "oppvekst.web.reports",  # PDF reports, package bundles (XLSX, ZIP)
    "oppvekst.web.pages",
)


def create_app(data_dir: DataDir) -> FastAPI:
    app = FastAPI(
        title="Oppvekststatus API",
        version="1.0.0",
        description=(
            "Åpne data om barn og unge i norske kommuner, fylker og Oslos bydeler: de samme tallene "
            "som portalen viser, med definisjoner, kilder og lisens."
        ),
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
    )
    app.state.stores = StoreManager(data_dir)
    # Innermost: its 413/414/429/431/503 answers still get gzip and the security headers.
    app.add_middleware(LimitsMiddleware, config=LimitsConfig.from_environment())
    app.add_middleware(GZipMiddleware, minimum_size=1000)
    app.add_middleware(SecurityHeadersMiddleware)

    @app.exception_handler(RequestValidationError)
    async def _invalid_request(request: Request, exc: RequestValidationError) -> Response:
        # The same problem+json shape as every other error, in words a person can act on.
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ())[1:])}: {e.get('msg', '')}"
            for e in exc.errors()
        )
        error = BadRequest(
            f"Ugyldig forespørsel: {problems}", hint="Se /api/docs for lovlige verdier."
        )
        if wants_json(request):
            return problem_response(error, request.url.path)
        pages = importlib.import_module("oppvekst.web.pages")
        return pages.error_page(request, error)  # type: ignore[no-any-return]

    @app.exception_handler(OppvekstError)
    async def _oppvekst_error(request: Request, exc: OppvekstError) -> Response:
        if wants_json(request):
            return problem_response(exc, request.url.path)
        pages = importlib.import_module("oppvekst.web.pages")
        return pages.error_page(request, exc)  # type: ignore[no-any-return]

    # Routers are optional so that either half can be developed and tested on its own.
    for module_name in ROUTERS:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        # Only /api/v1 is the documented contract; pages and downloads stay out of the OpenAPI.
        app.include_router(module.router, include_in_schema=module_name == "oppvekst.api.routes")
    # Mounted after the routers so that generated assets under /static (the Vega bundle) win.
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app


def problem_response(exc: OppvekstError, instance: str) -> JSONResponse:
    """RFC 7807 problem+json with a message a person can act on."""
    body: dict[str, object] = {
        "type": f"https://oppvekststatus.no/api/problemer/{exc.code}",
        "title": exc.message,
        "status": exc.http_status,
        "detail": exc.hint or exc.message,
        "instance": instance,
        "code": exc.code,
    }
    suggestions = getattr(exc, "suggestions", None)
    if suggestions:
        body["suggestions"] = suggestions
    headers = (
        {"Retry-After": str(getattr(exc, "retry_after", 60))} if exc.http_status == 429 else None
    )
    return JSONResponse(
        body, status_code=exc.http_status, media_type="application/problem+json", headers=headers
    )
