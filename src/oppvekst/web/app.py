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
from oppvekst.cache.middleware import CachePolicy, ResponseCacheMiddleware, kept_answers
from oppvekst.language import N_
from oppvekst.settings import Settings, get_settings
from oppvekst.snapshot.current import StoreManager
from oppvekst.snapshot.files import DataDir
from oppvekst.web import (
    accounts,
    analysis,
    assets,
    inequality,
    pages,
    reports,
    takeaway,
    workspace,
    workspace_uploads,
)
from oppvekst.web.errors import install_error_handlers
from oppvekst.web.head import HeadAsGetMiddleware
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
    workspace.router,  # /arbeidsrom: own indicators, templates, metadata, versions, sharing
    workspace_uploads.router,  # /arbeidsrom/{slug}/last-opp → preview → «Bekreft»
)


def create_app(data_dir: DataDir, settings: Settings | None = None) -> FastAPI:
    """The portal and the API on the snapshots in ``data_dir``; ``settings`` defaults to the
    process's (``get_settings``)."""
    settings = settings or get_settings()
    app = FastAPI(
        title="Oppvekststatus API",
        version="1.0.0",
        description=N_(
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
    app.add_middleware(GZipMiddleware, minimum_size=1000)
    # Outside gzip (a kept answer is the encoded bytes), inside the limits (a kept download is
    # still metered): whole public answers kept per snapshot (oppvekst.cache).
    app.add_middleware(
        ResponseCacheMiddleware,
        stores=app.state.stores,
        kept=kept_answers(settings, app.state.stores),
        policy=CachePolicy.from_settings(settings),
    )
    # Inside the headers: its 413/414/429/431/503 answers still get them (too small for gzip).
    app.add_middleware(LimitsMiddleware, config=LimitsConfig.from_settings(settings))
    # Outside the limits and gzip: their answers to a signed-in request are private too.
    app.add_middleware(PrivacyMiddleware, store=users)
    app.add_middleware(SecurityHeadersMiddleware)
    # Outermost: every other layer, the routes and the error handlers see the path without its
    # language prefix, and answer in the request's language (``web.languages``).
    app.add_middleware(LanguageMiddleware)
    # Outside everything: a HEAD is the GET without its body (``web.head``).
    app.add_middleware(HeadAsGetMiddleware)
    install_error_handlers(app)
    # The OpenAPI document in the request's language, made once per language (``api.docs``).
    app.openapi = api_docs.openapi_in_languages(app)  # type: ignore[method-assign]
    for router in ROUTERS:
        app.include_router(router, include_in_schema=router is api_routes.router)
    # Mounted after the routers so that generated assets under /static (the Vega bundle) win.
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app
