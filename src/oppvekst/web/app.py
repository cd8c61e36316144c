"""The application factory: one FastAPI app serving the portal pages and the API.

Every router is listed here, imported at the top: a module that fails to import fails the start,
rather than its pages quietly answering 404. Each request takes the store of the current snapshot
once (``web.dependencies.current_store``) and uses only that, so a response never mixes two
snapshots, even while a new one is being published. Only the entry points (``oppvekst serve``) and
the tests import this module.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.gzip import GZipMiddleware

from oppvekst.accounts.identity import Lockout, PasswordAuthenticator
from oppvekst.accounts.store import UserStore
from oppvekst.api import docs as api_docs
from oppvekst.api import routes as api_routes
from oppvekst.settings import Settings, get_settings
from oppvekst.snapshot.files import DataDir
from oppvekst.snapshot.store import StoreManager
from oppvekst.web import accounts, analysis, assets, inequality, pages, reports, takeaway
from oppvekst.web.errors import install_error_handlers
from oppvekst.web.inputs import PrintableQueryMiddleware
from oppvekst.web.languages import LanguageMiddleware
from oppvekst.web.limits import LimitsConfig, LimitsMiddleware
from oppvekst.web.privacy import Accounts, PrivacyMiddleware
from oppvekst.web.security import SecurityHeadersMiddleware

STATIC_DIR = Path(__file__).parent / "static"
# In matching order: a path two routers could both take goes to the first.
ROUTERS: tuple[APIRouter, ...] = (
    api_routes.router,  # /api/v1: the documented contract, the only router in the OpenAPI
    api_docs.router,  # /api, /api/docs
    takeaway.router,  # chart and map downloads (PNG/SVG/PDF), embeds
    reports.router,  # PDF reports, package bundles (XLSX, ZIP)
    pages.router,  # front page, area profile, statistics bank, packages, status, search
    analysis.router,  # indicator, compare, cross and composite index pages
    inequality.router,  # an indicator's «Ulikhet» page, its CSV and its chart image
    assets.router,  # boundary layers and the vega bundle the analysis pages load
    accounts.router,  # sign-in, saved views, the organisation's audit log (own data)
)


def create_app(data_dir: DataDir, settings: Settings | None = None) -> FastAPI:
    """The portal and the API on the snapshots in ``data_dir``; ``settings`` defaults to the
    process's (``get_settings``)."""
    settings = settings or get_settings()
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
    # The user store opens (and migrates) on first use: the anonymous portal never touches it.
    users = UserStore.from_settings(settings, data_dir.root)
    app.state.accounts = Accounts.from_settings(
        settings, users, PasswordAuthenticator(users, Lockout.from_settings(settings))
    )
    # Innermost of all: routes only ever see printable query values.
    app.add_middleware(PrintableQueryMiddleware)
    # Inside gzip and the headers: its 413/414/429/431/503 answers still get both.
    app.add_middleware(LimitsMiddleware, config=LimitsConfig.from_settings(settings))
    app.add_middleware(GZipMiddleware, minimum_size=1000)
    # Outside the limits and gzip: their answers to a signed-in request are private too.
    app.add_middleware(PrivacyMiddleware, store=users)
    app.add_middleware(SecurityHeadersMiddleware)
    # Outermost: every other layer, the routes and the error handlers see the path without its
    # language prefix, and answer in the request's language (``web.languages``).
    app.add_middleware(LanguageMiddleware)
    install_error_handlers(app)
    for router in ROUTERS:
        app.include_router(router, include_in_schema=router is api_routes.router)
    # Mounted after the routers so that generated assets under /static (the Vega bundle) win.
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app
