"""Analysis pages: indicator (figure/map/table/about/download), compare, cross and composite index.

Every page's whole state is in its URL; forms use GET, and the few that collect several inputs
(add an area, edit an index recipe) redirect to the canonical URL so it can be bookmarked. Charts
are Vega-Lite specs placed in a ``<script type="application/json">`` block and drawn by
``/static/js/charts.js`` with the locally served vega-embed bundle; the table beside each chart is
server-rendered, so the page reads fine without JavaScript.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
from collections import OrderedDict
from functools import cache
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount

from oppvekst import charts
from oppvekst.boundaries import BoundaryStore
from oppvekst.charts.maps import wound_for_d3
from oppvekst.charts.options import CLASSIFICATION_LABELS, PALETTE_LABELS
from oppvekst.errors import BadRequest
from oppvekst.store import Store
from oppvekst.views import compare as compare_view
from oppvekst.views import composite as composite_view
from oppvekst.views import cross as cross_view
from oppvekst.views import indicator as iv
from oppvekst.views import peers
from oppvekst.web.app import current_store
from oppvekst.web.rendering import SYMBOLS, render

router = APIRouter(default_response_class=HTMLResponse)
StoreDep = Annotated[Store, Depends(current_store)]

TABS = (
    ("figur", "Figur"),
    ("kart", "Kart"),
    ("tabell", "Tabell"),
    ("om", "Om indikatoren"),
    ("last-ned", "Last ned"),
)
BUNDLE_PATH = "/static/vendor/vega-bundle.js"
FALLBACK_BUNDLE_PATH = "/vendor/vega-bundle.js"
REPO_ROOT = Path(__file__).resolve().parents[3]
MAP_LEVELS = ("kommune", "fylke", "bydel")
INTERVAL_TEXT = {
    "wilson": "95 %-intervallet er beregnet med Wilsons metode for andeler "
    "(riktig også ved små tall og ved 0).",
    "byar": "95 %-intervallet er beregnet med Byars tilnærming "
    "(eksakt Poisson under 10 hendelser).",
    "t": "95 %-intervallet er beregnet med Students t ut fra gjennomsnitt, "
    "standardavvik og antall.",
    "none": "Kilden publiserer ikke det som trengs for å beregne usikkerhet, så vi viser ingen "
    "intervaller og sammenligner ikke statistisk.",
}


# --- Shared helpers ----------------------------------------------------------------------------
def bundle_url(request: Request) -> str:
    """Where the vega bundle is reachable: the canonical path unless /static shadows it."""
    for route in request.app.router.routes:
        if isinstance(route, Mount) and route.path == "/static":
            return FALLBACK_BUNDLE_PATH
        if getattr(route, "path", None) == BUNDLE_PATH:
            return BUNDLE_PATH
    return FALLBACK_BUNDLE_PATH


def _page(request: Request, template: str, store: Store, **context: Any) -> HTMLResponse:
    return render(
        request,
        template,
        store,
        vega_bundle=bundle_url(request) + "?v=" + _bundle()[1][:12],
        SYMBOLS=SYMBOLS,
        url=lambda **changes: _url(request, **changes),
        **context,
    )


def _url(request: Request, **changes: Any) -> str:
    """The current page's URL with some parameters changed (None removes one)."""
    params = dict(request.query_params)
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = str(value)
    return request.url.path + ("?" + urlencode(params) if params else "")


def _redirect(request: Request, **changes: Any) -> RedirectResponse:
    return RedirectResponse(_url(request, **changes), status_code=303)


def resolve_area(store: Store, text: str) -> str:
    """A code from what a person typed: ``4601``, ``Bergen (4601)`` or ``Bergen``."""
    raw = text.strip()
    if raw.endswith(")") and "(" in raw:
        raw = raw[raw.rindex("(") + 1 : -1].strip()
    if raw in store.regions:
        return raw
    wanted = raw.lower()
    hits = [
        c for c, r in store.regions.items() if r.name.lower() == wanted or r.search_key == wanted
    ]
    if len(hits) == 1:
        return hits[0]
    raise BadRequest(
        f"Fant ikke området «{text}».",
        hint="Skriv kommunenummeret (f.eks. 4601) eller velg et navn fra listen.",
    )


def _add_areas(store: Store, request: Request, param: str = "omrade") -> RedirectResponse | None:
    """Handle the area picker's "add" (``leggtil``) or "add set" (``leggtilsett``) submissions."""
    extra = request.query_params.get("leggtil", "").strip()
    extra_set = request.query_params.get("leggtilsett", "").strip()
    if not extra and not extra_set:
        return None
    current = iv.areas_from_param(store, request.query_params.get(param))
    new = (
        [resolve_area(store, extra)]
        if extra
        else [c for c in extra_set.split(",") if c in store.regions]
    )
    merged = list(dict.fromkeys([*current, *new]))[: iv.MAX_AREAS]
    return _redirect(request, **{param: ",".join(merged), "leggtil": None, "leggtilsett": None})


def _own(store: Store, request: Request, codes: list[str]) -> str | None:
    own = request.query_params.get("egen")
    if own:
        return resolve_area(store, own)
    return next((c for c in codes if store.regions[c].level == "kommune"), None) if codes else None


def _region_options(
    store: Store, levels: tuple[str, ...] = ("kommune", "fylke", "bydel", "land")
) -> list[tuple[str, str]]:
    return [(c, r.name) for c, r in store.regions.items() if r.level in levels]


# --- Boundaries and the vega bundle -----------------------------------------------------------
_BOUNDARY_STORES: dict[Path, BoundaryStore] = {}
_GEO_CACHE: OrderedDict[tuple[Any, ...], tuple[bytes, bytes, str]] = OrderedDict()
GEO_CACHE_SIZE = 48


def boundaries_root(store: Store) -> Path | None:
    candidates = []
    if store.meta.get("mirror"):
        candidates.append(Path(store.meta["mirror"]) / "boundaries")
    if os.environ.get("OPPVEKST_BOUNDARIES"):
        candidates.append(Path(os.environ["OPPVEKST_BOUNDARIES"]))
    candidates.append(REPO_ROOT.parent / "shared" / "data" / "boundaries")
    return next((c for c in candidates if c.is_dir()), None)


def boundaries_for(store: Store) -> BoundaryStore | None:
    root = boundaries_root(store)
    if root is None:
        return None
    if root not in _BOUNDARY_STORES:
        _BOUNDARY_STORES[root] = BoundaryStore(root)
    return _BOUNDARY_STORES[root]


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
        raise BadRequest(f"Ukjent kartnivå «{level}».", hint="Bruk kommune, fylke eller bydel.")
    boundaries = boundaries_for(store)
    if boundaries is None:
        raise BadRequest(
            "Kartgrensene er ikke installert på denne serveren.", hint="Se tabellen i stedet."
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


@cache
def _bundle() -> tuple[bytes, str, bytes]:
    import vl_convert

    raw = vl_convert.javascript_bundle().encode()  # type: ignore[call-arg]
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


# --- Indicator page ---------------------------------------------------------------------------
@router.get("/indikator/{indicator_id}", response_model=None)
def indicator_page(
    request: Request, store: StoreDep, indicator_id: str, fane: str = "figur"
) -> Response:
    indicator = store.indicator(indicator_id)
    redirect = _add_areas(store, request)
    if redirect is not None:
        return redirect
    weights = {v.key: request.query_params.get(f"likhet_{v.key}") for v in peers.VARIABLES}
    if any(w is not None for w in weights.values()):
        # The weights form sends one field per variable; the URL keeps one compact parameter.
        recipe_text = ",".join(f"{k}:{(w or '0').replace(',', '.')}" for k, w in weights.items())
        return _redirect(request, likhet=recipe_text, **{f"likhet_{k}": None for k in weights})
    if fane not in dict(TABS):
        raise BadRequest(
            f"Ukjent fane «{fane}».", hint="Velg figur, kart, tabell, om eller last-ned."
        )
    params = request.query_params
    codes = iv.areas_from_param(store, params.get("omrade")) or ["0"]
    breakdown = iv.parse_breakdown(store, indicator_id, params)
    own = _own(store, request, codes)
    options = charts.parse_options(dict(params), (own,) if own else ())
    periods = [p for p in params.get("periode", "").split(",") if p] or None
    series = iv.series(store, indicator_id, codes, breakdown=breakdown, periods=periods)
    context: dict[str, Any] = {
        "indicator": indicator,
        "tab": fane,
        "tabs": TABS,
        "series": series,
        "options": options,
        "own": own,
        "codes": codes,
        "breakdown": breakdown,
        "breakdown_choices": {c: v for c, v in store.breakdown_values(indicator_id).items()},
        "breakdown_params": {v: k for k, v in iv.BREAKDOWN_PARAMS.items()},
        "breakdown_labels": iv.BREAKDOWN_LABELS,
        "category_label": iv.category_label,
        "regions": _region_options(store),
        "all_periods": store.periods(indicator_id),
        "synthetic": indicator_id in store.synthetic_indicators,
        "palettes": PALETTE_LABELS,
    }
    figure = params.get("figur", "linje")
    if fane == "figur":
        bar_period = params.get("stolpeperiode") or None
        if bar_period and bar_period not in series.periods:
            raise BadRequest(
                f"Det finnes ingen tall for {bar_period} for de valgte områdene.",
                hint=f"Velg en av: {', '.join(series.periods[-6:])}.",
            )
        context["figure"] = figure
        context["spec"] = (
            charts.bar_chart(series, options, bar_period)
            if figure == "stolper"
            else charts.line_chart(series, options)
        )
        context["bar_period"] = bar_period or series.latest_period
    elif fane == "kart":
        level = params.get("niva", "kommune")
        if level not in MAP_LEVELS:
            raise BadRequest(f"Ukjent kartnivå «{level}».", hint="Velg kommune, fylke eller bydel.")
        county = params.get("fylke") or None
        map_values = iv.map_values(
            store,
            indicator_id,
            period=params.get("kartperiode") or None,
            level=level,  # type: ignore[arg-type]
            county=county if level == "kommune" else None,
            breakdown=breakdown,
        )
        geo = f"/kart/{level}.geojson" + (
            f"?fylke={county}" if county and level == "kommune" else ""
        )
        context.update(
            map_values=map_values,
            level=level,
            county=county,
            map_spec=charts.choropleth(map_values, options, geo),
            counties=_region_options(store, ("fylke",)),
            classifications=CLASSIFICATION_LABELS,
        )
    elif fane == "om":
        context["provenance"] = [
            p for p in store.provenance.values() if p.get("indicator_id") == indicator_id
        ]
        context["interval_text"] = INTERVAL_TEXT.get(indicator.interval.value, "")
    elif fane == "last-ned":
        context["downloads"] = _downloads(indicator_id, series, breakdown)
    if own and store.regions[own].level == "kommune":
        recipe = peers.parse_recipe(params.get("likhet"))
        context["sets"] = peers.suggested_sets(store, own, recipe, boundaries_for(store))
        context["recipe"] = recipe
        context["variables"] = peers.VARIABLES
        try:
            context["similar"] = peers.similar_municipalities(store, own, recipe)
        except BadRequest as exc:
            context["similar_error"] = exc
    return _page(request, "indicator.html", store, **context)


def _downloads(
    indicator_id: str, series: iv.IndicatorSeries, breakdown: dict[str, str]
) -> list[tuple[str, str, str]]:
    base = {"indicator": indicator_id, "region": ",".join(a.code for a in series.areas)}
    if series.periods:
        base["period"] = ",".join(series.periods)
    base.update(breakdown)
    formats = (
        ("csv", "CSV (regneark, semikolon og desimalkomma)"),
        ("xlsx", "Excel (xlsx) med metadata"),
        ("jsonstat2", "JSON-stat 2.0 (for programmer)"),
    )
    return [
        (fmt, label, "/api/v1/data?" + urlencode({**base, "format": fmt})) for fmt, label in formats
    ]


# --- Compare ----------------------------------------------------------------------------------
@router.get("/sammenlign", response_model=None)
def compare_page(request: Request, store: StoreDep) -> Response:
    redirect = _add_areas(store, request)
    if redirect is not None:
        return redirect
    params = request.query_params
    if params.get("leggtilindikator"):
        current = [i for i in params.get("indikator", "").split(",") if i]
        store.indicator(params["leggtilindikator"])
        return _redirect(
            request,
            indikator=",".join(dict.fromkeys([*current, params["leggtilindikator"]])),
            leggtilindikator=None,
        )
    codes = iv.areas_from_param(store, params.get("omrade"))
    ids = [i for i in params.get("indikator", "").split(",") if i]
    colour_by: compare_view.ColourBy = (
        "kvintil" if params.get("farge") == "kvintil" else "signifikans"
    )
    own = _own(store, request, codes)
    context: dict[str, Any] = {
        "codes": codes,
        "ids": ids,
        "colour_by": colour_by,
        "benchmark": params.get("sammenligning", "land"),
        "regions": _region_options(store),
        "indicators": sorted(store.indicators.values(), key=lambda i: i.title),
        "sort": params.get("sorter"),
        "table": None,
    }
    if codes and ids:
        table = compare_view.compare_table(
            store,
            codes,
            ids,
            benchmark=context["benchmark"],
            colour_by=colour_by,
            sort=params.get("sorter"),  # type: ignore[arg-type]
        )
        options = charts.parse_options(dict(params), (own,) if own else ())
        context.update(
            table=table,
            spec=charts.heat_table(table, options),
            own=own,
            marks=compare_view.SIGNIFICANCE_MARK,
            texts=compare_view.SIGNIFICANCE_TEXT,
        )
    return _page(request, "compare.html", store, **context)


# --- Cross ------------------------------------------------------------------------------------
GROUP_KINDS = {
    "naboer": "Nabokommuner",
    "fylke": "Kommunene i fylket",
    "kostra": "KOSTRA-gruppen",
    "lignende": "Lignende kommuner",
}


@router.get("/krysse", response_model=None)
def cross_page(request: Request, store: StoreDep) -> Response:
    params = request.query_params
    x_id = params.get("x", "trivsel-skolen-10-trinn")
    y_id = params.get("y", "mobbing-10-trinn")
    own = resolve_area(store, params["egen"]) if params.get("egen") else None
    group_param = params.get("gruppe", "naboer" if own else "")
    group: tuple[str, ...] = ()
    group_label = ""
    if group_param in GROUP_KINDS and own:
        sets = {
            s.kind: s
            for s in peers.suggested_sets(
                store, own, peers.parse_recipe(params.get("likhet")), boundaries_for(store)
            )
        }
        if group_param in sets:
            group, group_label = (
                tuple(c for c in sets[group_param].codes if c != own),
                sets[group_param].label,
            )
    elif group_param:
        group = tuple(resolve_area(store, c) for c in group_param.split(",") if c.strip())
        group_label = "Valgt gruppe"
    year = params.get("aar")
    try:
        year_int = int(year) if year else None
    except ValueError:
        raise BadRequest(f"«{year}» er ikke et årstall.", hint="Skriv f.eks. 2024.") from None
    weighting: cross_view.Weighting = "folketall" if params.get("vekt") == "folketall" else "ingen"
    view = cross_view.cross_view(
        store,
        x_id,
        y_id,
        year=year_int,
        own=own,
        group=group,
        group_label=group_label,
        weighting=weighting,
    )
    options = charts.parse_options(dict(params), (own,) if own else ())
    return _page(
        request,
        "cross.html",
        store,
        view=view,
        spec=charts.scatter_chart(view, options),
        group_param=group_param,
        group_kinds=GROUP_KINDS,
        indicators=sorted(store.indicators.values(), key=lambda i: i.title),
        regions=_region_options(store, ("kommune",)),
    )


# --- Composite index ----------------------------------------------------------------------------
@router.get("/indeks", response_model=None)
def composite_page(request: Request, store: StoreDep) -> Response:
    params = request.query_params
    chosen = params.getlist("komponent")
    if chosen:
        # The recipe form sends one indicator and one weight per row; the URL keeps a compact form.
        weights = params.getlist("vekt")
        parts = [
            f"{i}:{(weights[k] if k < len(weights) and weights[k] else '1')}"
            for k, i in enumerate(chosen)
            if i
        ]
        return _redirect(request, indikatorer=",".join(parts), komponent=None, vekt=None)
    recipe = composite_view.parse_recipe(
        store,
        params.get("indikatorer"),
        params.get("aar"),
        params.get("metode"),
        params.get("basisaar"),
    )
    own = resolve_area(store, params["egen"]) if params.get("egen") else None
    view = composite_view.composite_view(store, recipe, (own,) if own else ())
    options = charts.parse_options(dict(params), (own,) if own else ())
    top = [r for r in view.rows if r.index is not None][:10]
    own_rows = [r for r in view.rows if r.code == own]
    return _page(
        request,
        "composite.html",
        store,
        view=view,
        spec=charts.index_chart(view, options),
        own=own,
        top=top,
        own_rows=own_rows,
        recipe_params=view.recipe.params(),
        indicators=sorted(
            (i for i in store.indicators.values() if i.polarity.value != "none"),
            key=lambda i: i.title,
        ),
        regions=_region_options(store, ("kommune",)),
        methods=composite_view.METHOD_LABELS,
    )
