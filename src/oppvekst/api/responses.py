"""JSON responses keyed by snapshot: ETag, Last-Modified, caching and CORS for GET."""

from __future__ import annotations

import hashlib
from datetime import datetime
from email.utils import format_datetime
from typing import Any

import numpy as np
import orjson
from fastapi import Request
from fastapi.responses import Response
from pydantic import BaseModel

from oppvekst.language import current
from oppvekst.snapshot.store import Store

CACHE_SECONDS = 300


def _default(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, BaseModel):  # catalogue records inside view results
        return value.model_dump(mode="json")
    if isinstance(value, np.ndarray):
        return value.tolist()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def cache_headers(request: Request, store: Store, media_type: str) -> dict[str, str]:
    # The language too: the same URL answers in the language of Accept-Language or the path.
    key = f"{store.cache_identity}|{current().value}|{request.url}|{media_type}"
    tag = hashlib.sha256(key.encode()).hexdigest()[:32]
    headers = {
        "ETag": f'"{tag}"',
        "Cache-Control": f"public, max-age={CACHE_SECONDS}",
        "X-Oppvekst-Snapshot": store.snapshot_id,
        "Access-Control-Allow-Origin": "*",
        # Accept-Language is added by the language middleware, once, to every /api answer.
        "Vary": "Accept, Accept-Encoding",
    }
    built = store.meta.get("built_at")
    if built:
        headers["Last-Modified"] = format_datetime(datetime.fromisoformat(built), usegmt=True)
    if store.synthetic_rows:
        headers["X-Oppvekst-Synthetic"] = "inneholder syntetiske demotall"
    return headers


def not_modified(request: Request, headers: dict[str, str]) -> bool:
    return request.headers.get("if-none-match") == headers["ETag"]


def json_response(request: Request, store: Store, body: Any) -> Response:
    headers = cache_headers(request, store, "application/json")
    if not_modified(request, headers):
        return Response(status_code=304, headers=headers)
    # orjson writes NaN as null: a missing number is null in JSON (its status says why).
    content = orjson.dumps(body, default=_default, option=orjson.OPT_SERIALIZE_NUMPY)
    return Response(content, media_type="application/json", headers=headers)
