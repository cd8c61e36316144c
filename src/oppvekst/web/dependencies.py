"""Request dependencies, in one module: every route takes what it needs from here."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from oppvekst.language import current
from oppvekst.snapshot.store import Store, StoreManager


def current_store(request: Request) -> Store:
    """The snapshot this request is served from (taken once per request, so a response never
    mixes two snapshots, even while a new one is being published)."""
    cached: Store | None = getattr(request.state, "store", None)
    if cached is None:
        manager: StoreManager = request.app.state.stores
        cached = manager.current()
        # The catalogue's texts in the request's language (set by the language middleware).
        cached = cached.in_language(current())
        request.state.store = cached
    return cached


StoreDep = Annotated[Store, Depends(current_store)]


def wants_json(request: Request) -> bool:
    """An API path, or a client that asks for JSON first: errors answer as problem+json."""
    return (
        request.url.path.startswith("/api/")
        or "application/json" in request.headers.get("accept", "").split(",")[0]
    )
