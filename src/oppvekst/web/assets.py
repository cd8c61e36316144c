"""What the analysis pages load besides themselves: boundary layers and the vega bundle.

Both are large and change rarely, so each answer carries an ETag (a 304 when it matches) and is kept
gzipped in memory; the bundle's address has its hash in it (``?v=``), so it can be cached for a year.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import subprocess
import sys
from collections import OrderedDict
from functools import cache
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.routing import Mount

from oppvekst.charts.maps import wound_for_d3
from oppvekst.errors import BadRequest
from oppvekst.language import _
from oppvekst.web.dependencies import StoreDep
from oppvekst.web.selection import MAP_LEVELS, boundaries_for, boundaries_root

router = APIRouter()

BUNDLE_PATH = "/static/vendor/vega-bundle.js"
FALLBACK_BUNDLE_PATH = "/vendor/vega-bundle.js"


def bundle_url(request: Request) -> str:
    """Where the vega bundle is reachable: the canonical path unless /static shadows it."""
    for route in request.app.router.routes:
        if isinstance(route, Mount) and route.path == "/static":
            return FALLBACK_BUNDLE_PATH
        if getattr(route, "path", None) == BUNDLE_PATH:
            return BUNDLE_PATH
    return FALLBACK_BUNDLE_PATH


def versioned_bundle_url(request: Request) -> str:
    return bundle_url(request) + "?v=" + _bundle()[1][:12]


_GEO_CACHE: OrderedDict[tuple[Any, ...], tuple[bytes, bytes, str]] = OrderedDict()
GEO_CACHE_SIZE = 48


@router.get("/kart/{level}.geojson", response_model=None)
def boundary_layer(
    request: Request,
    store: StoreDep,
    level: str,
    fylke: str | None = None,
    koder: str | None = None,
    aar: int = 2024,
) -> Response:
    if level not in MAP_LEVELS:
        raise BadRequest(
            _("Ukjent kartnivå «{level}».").format(level=level),
            hint=_("Bruk kommune, fylke eller bydel."),
        )
    boundaries = boundaries_for(store)
    if boundaries is None:
        raise BadRequest(
            _("Kartgrensene er ikke installert på denne serveren."),
            hint=_("Se tabellen i stedet."),
        )
    codes = tuple(sorted(c.strip() for c in koder.split(","))) if koder else None
    key = (str(boundaries_root(store)), level, aar, fylke, codes)
    if key not in _GEO_CACHE:
        layer = wound_for_d3(boundaries.layer(level, aar, county=fylke, codes=codes))
        raw = json.dumps(layer, separators=(",", ":")).encode()
        _GEO_CACHE[key] = (raw, gzip.compress(raw, 6), hashlib.sha256(raw).hexdigest()[:20])
        while len(_GEO_CACHE) > GEO_CACHE_SIZE:
            _GEO_CACHE.popitem(last=False)
    raw, packed, etag = _GEO_CACHE[key]
    return _cached_response(request, raw, packed, etag, "application/geo+json", max_age=86_400)


# vl-convert makes its bundle in its JavaScript engine; started in a web worker, that engine stayed
# resident (~100 MB of the worker's memory) for this one call, so a child process makes it.
_MAKE_BUNDLE = (
    "import sys, vl_convert; sys.stdout.buffer.write(vl_convert.javascript_bundle().encode())"
)


@cache
def _bundle() -> tuple[bytes, str, bytes]:
    made = subprocess.run(  # this interpreter, a fixed script
        [sys.executable, "-c", _MAKE_BUNDLE], capture_output=True, check=True, timeout=120
    )
    raw = made.stdout
    return raw, hashlib.sha256(raw).hexdigest()[:20], gzip.compress(raw, 6)


def _cached_response(
    request: Request, raw: bytes, packed: bytes, etag: str, media: str, max_age: int
) -> Response:
    headers = {
        "ETag": f'"{etag}"',
        "Cache-Control": f"public, max-age={max_age}",
        "Vary": "Accept-Encoding",
    }
    if request.headers.get("if-none-match") == f'"{etag}"':
        return Response(status_code=304, headers=headers)
    if "gzip" in request.headers.get("accept-encoding", ""):
        return Response(packed, media_type=media, headers={**headers, "Content-Encoding": "gzip"})
    return Response(raw, media_type=media, headers=headers)


@router.get(BUNDLE_PATH, response_model=None, include_in_schema=False)
@router.get(FALLBACK_BUNDLE_PATH, response_model=None, include_in_schema=False)
def vega_bundle(request: Request) -> Response:
    raw, etag, packed = _bundle()
    return _cached_response(
        request, raw, packed, etag, "text/javascript; charset=utf-8", max_age=31_536_000
    )
