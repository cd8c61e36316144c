"""``/api/v1``: a documented, stable contract over the same view functions the pages use.

This module only assembles the operations (``catalogue``, ``data``, ``analysis``) under one
prefix; none of them imports it back. Every response is keyed by the snapshot it came from
(``ETag``, ``Last-Modified``, ``X-Oppvekst-Snapshot``), so caches and clients can tell when the
data changed. Errors are ``application/problem+json`` with a message a person can act on
(``problems``), and every 200 answer has its model (``models``, ``analysis_models``).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from oppvekst.api import analysis, catalogue, data
from oppvekst.api.problems import other_client_errors
from oppvekst.language import N_

NOT_MODIFIED: dict[int | str, dict[str, Any]] = {
    304: {"description": N_("Uendret siden svaret med denne ETag-en (If-None-Match)")}
}
router = APIRouter(
    prefix="/api/v1", tags=["data"], responses={**NOT_MODIFIED, **other_client_errors()}
)
for part in (catalogue.router, data.router, analysis.router):
    router.include_router(part)
