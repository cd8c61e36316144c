"""API documentation: Swagger UI served from local files (no CDN), a short guide page, and the
OpenAPI document in bokmål, nynorsk and English.

The code writes the OpenAPI's summaries and descriptions in bokmål (marked with ``N_`` so
``make messages`` extracts them); ``openapi_in_languages`` translates the generated document with
one walker (``translated``), once per language, from the message catalogues.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from html import escape
from pathlib import Path
from typing import Any

import fastapi_offline
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from oppvekst import language
from oppvekst.api.analysis import most_indicators
from oppvekst.api.data import format_description
from oppvekst.api.models import breakdown_description, compared_description
from oppvekst.catalog import breakdown_dimensions
from oppvekst.exports import CODE_COLUMNS, COLUMNS, COMPARISON_COLUMNS, DOWNLOAD_COLUMNS
from oppvekst.exports.formats import FORMATS
from oppvekst.exports.legend import LEGEND
from oppvekst.language import DEFAULT, N_, Language, _
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
OPENAPI_URL = "/api/v1/openapi.json"

SWAGGER_PAGE = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="/api/docs/assets/swagger-ui.css"></head>
<body><main><h1 style="font-family:sans-serif;margin:1rem">Oppvekststatus API v1</h1>
<p style="font-family:sans-serif;margin:1rem"><a href="{guide}">{guide_text}</a></p>
<div id="swagger-ui" data-spec="{spec}"></div></main>
<script src="/api/docs/assets/swagger-ui-bundle.js"></script>
<script src="/api/docs/assets/swagger-init.js"></script>
</body></html>"""


@router.get("/api/docs")
def swagger() -> HTMLResponse:
    """Swagger UI in the request's language: the page's words and the OpenAPI document it loads
    (the buttons and headings Swagger UI draws itself stay English: it has no other language)."""
    lang = language.current()
    spec = OPENAPI_URL if lang is DEFAULT else f"{OPENAPI_URL}?lang={lang.value}"
    return HTMLResponse(
        SWAGGER_PAGE.format(
            lang=lang.value,
            title=escape(_("Oppvekststatus API – dokumentasjon")),
            guide=escape(language.url("/api")),
            guide_text=escape(_("Kom i gang med eksempler")),
            spec=escape(spec),
        )
    )


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


# --- The OpenAPI document in three languages ----------------------------------------------------

# The keys whose text a person reads. Titles are left alone: FastAPI makes them from field and
# model names (codes, the same in every language).
READ_KEYS = frozenset({"summary", "description"})


def composed_descriptions() -> tuple[Callable[[], str], ...]:
    """Descriptions made from values (the catalogue's categories, a limit, the formats, the
    download columns): each function makes its text in the current language; the generated
    document holds their bokmål."""
    return (
        most_indicators,
        format_description,
        *(partial(breakdown_description, name) for name in breakdown_dimensions()),
        *(partial(compared_description, column) for column in COMPARISON_COLUMNS),
    )


def translator(lang: Language) -> Callable[[str], str]:
    """A bokmål text of the OpenAPI → the same text in ``lang``, from the message catalogues; a
    text they do not have (a code, a developer's note) comes back as it is."""
    composers = composed_descriptions()
    with language.use(DEFAULT):
        sources = [compose() for compose in composers]
    with language.use(lang):
        composed = dict(zip(sources, [compose() for compose in composers], strict=True))
    catalogue = language.translations(lang)
    return lambda text: composed.get(text) or catalogue.gettext(text)


def translated(node: Any, translate: Callable[[str], str]) -> Any:
    """A copy of an OpenAPI document (or a part of it) with every summary and description
    translated; names, codes, patterns, examples and titles as they are."""
    if isinstance(node, dict):
        return {
            key: (
                translate(value)
                if key in READ_KEYS and isinstance(value, str)
                else translated(value, translate)
            )
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [translated(item, translate) for item in node]
    return node


# FastAPI's own words in the document (the 200 answer it describes itself), in ours.
FASTAPI_TEXTS = {"Successful Response": N_("Svaret")}


def openapi_in_languages(app: FastAPI) -> Callable[[], dict[str, Any]]:
    """A replacement for ``app.openapi``: the document in the current language (the API's: from
    ``?lang=`` or ``Accept-Language``), made the first time a language is asked for, then kept.
    The bokmål is FastAPI's document, as the code writes it (FastAPI's own English words in
    bokmål)."""
    build = app.openapi
    made: dict[Language, dict[str, Any]] = {}

    def openapi() -> dict[str, Any]:
        lang = language.current()
        if lang not in made:
            with language.use(DEFAULT):
                source = translated(build(), lambda text: FASTAPI_TEXTS.get(text, text))
            made[lang] = source if lang is DEFAULT else translated(source, translator(lang))
        return made[lang]

    return openapi
