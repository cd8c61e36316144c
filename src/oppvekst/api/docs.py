"""API documentation: Swagger UI served from local files (no CDN) and a short guide page."""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from oppvekst.exports import CODE_COLUMNS, COLUMNS, DOWNLOAD_COLUMNS
from oppvekst.exports.formats import FORMATS
from oppvekst.exports.legend import LEGEND
from oppvekst.snapshot.store import Store
from oppvekst.web.dependencies import current_store
from oppvekst.web.rendering import render

router = APIRouter(include_in_schema=False)
SWAGGER_ASSETS = Path(fastapi_offline.__file__).parent / "static"
OWN_ASSETS = Path(__file__).parent / "static"
ASSETS = {
    "swagger-ui-bundle.js": SWAGGER_ASSETS / "swagger-ui-bundle.js",
    "swagger-ui.css": SWAGGER_ASSETS / "swagger-ui.css",
    "swagger-init.js": OWN_ASSETS / "swagger-init.js",
}

SWAGGER_PAGE = """<!doctype html>
<html lang="nb"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Oppvekststatus API – dokumentasjon</title>
<link rel="stylesheet" href="/api/docs/assets/swagger-ui.css"></head>
<body><main><h1 style="font-family:sans-serif;margin:1rem">Oppvekststatus API v1</h1>
<p style="font-family:sans-serif;margin:1rem"><a href="/api">Kom i gang med eksempler</a></p>
<div id="swagger-ui"></div></main>
<script src="/api/docs/assets/swagger-ui-bundle.js"></script>
<script src="/api/docs/assets/swagger-init.js"></script>
</body></html>"""


@router.get("/api/docs")
def swagger() -> HTMLResponse:
    return HTMLResponse(SWAGGER_PAGE)


@router.get("/api/docs/assets/{name}")
def swagger_asset(name: str) -> Response:
    path = ASSETS.get(name)
    if path is None:
        return Response(status_code=404)
    return FileResponse(path, headers={"Cache-Control": "public, max-age=86400"})


@router.get("/api")
def guide(request: Request, store: Store = Depends(current_store)) -> HTMLResponse:  # noqa: B008
    sources = sorted(
        {(i.source.publisher, i.licence, i.attribution) for i in store.indicators.values()}
    )
    return render(
        request,
        "api_guide.html",
        store,
        sources=sources,
        formats=FORMATS,
        columns=DOWNLOAD_COLUMNS,
        code_labels=[COLUMNS[c] for c in CODE_COLUMNS],
        legend=LEGEND,
        base=str(request.base_url).rstrip("/"),
    )
