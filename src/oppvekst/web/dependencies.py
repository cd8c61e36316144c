"""Request dependencies, in one module: every route takes what it needs from here."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from oppvekst.language import current
from oppvekst.snapshot.current import StoreManager
from oppvekst.snapshot.store import Store
from oppvekst.workspace.overlay import Overlays


def _published(request: Request) -> Store:
    """The published snapshot, taken once per request, so a response never mixes two snapshots,
    even while a new one is being published."""
    cached: Store | None = getattr(request.state, "published", None)
    if cached is None:
        manager: StoreManager = request.app.state.stores
        cached = request.state.published = manager.current()
    return cached


def public_store(request: Request) -> Store:
    """The published snapshot alone, whoever asks, in the request's language. Embeds and
    composite indices read only this: they never contain anyone's own data."""
    cached: Store | None = getattr(request.state, "public_store", None)
    if cached is None:
        # The catalogue's texts in the request's language (set by the language middleware).
        cached = request.state.public_store = _published(request).in_language(current())
    return cached


def current_store(request: Request) -> Store:
    """What this request's viewer sees: the published snapshot, plus the own indicators they may
    see when signed in (``workspace.overlay``; its answers are private, as every signed-in one),
    in the request's language (applied last, so an overlay is built once for every language)."""
    cached: Store | None = getattr(request.state, "store", None)
    if cached is None:
        base = _published(request)
        viewer = getattr(request.state, "viewer", None)
        accounts = getattr(request.app.state, "accounts", None)
        if viewer is not None and accounts is not None:
            overlays: Overlays | None = getattr(request.app.state, "overlays", None)
            if overlays is None:
                overlays = request.app.state.overlays = Overlays()
            base = overlays.store_for(base, accounts.store, viewer)
        cached = request.state.store = base.in_language(current())
    return cached


StoreDep = Annotated[Store, Depends(current_store)]
PublicStoreDep = Annotated[Store, Depends(public_store)]


def wants_json(request: Request) -> bool:
    """An API path, or a client that asks for JSON first: errors answer as problem+json."""
    return (
        request.url.path.startswith("/api/")
        or "application/json" in request.headers.get("accept", "").split(",")[0]
    )
