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
import html
import json
import os
from collections import OrderedDict
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import QueryParams
from starlette.routing import Mount

from oppvekst import charts
from oppvekst.boundaries import BoundaryStore
from oppvekst.charts.maps import wound_for_d3
from oppvekst.charts.options import ACCENTS, CLASSIFICATION_LABELS, PALETTE_LABELS, SIZE_LABELS
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


def versioned_bundle_url(request: Request) -> str:
    return bundle_url(request) + "?v=" + _bundle()[1][:12]


def _page(request: Request, template: str, store: Store, **context: Any) -> HTMLResponse:
    return render(
        request,
        template,
        store,
        vega_bundle=versioned_bundle_url(request),
        ACCENTS=ACCENTS,
        SIZE_LABELS=SIZE_LABELS,
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


# --- What a page's URL selects (shared with the image downloads and embeds in web/takeaway.py) ---
def chart_options(params: QueryParams, own: str | None) -> charts.ChartOptions:
    """Chart options from the URL; the editor's ``fremhev`` checkboxes may repeat the key."""
    flat = dict(params)
    if "fremhev" in params:
        flat["fremhev"] = ",".join(params.getlist("fremhev"))
    return charts.parse_options(flat, (own,) if own else ())


@dataclass(frozen=True, slots=True)
class SeriesChoice:
    codes: list[str]
    breakdown: dict[str, str]
    own: str | None
    options: charts.ChartOptions
    series: iv.IndicatorSeries


def indicator_series(store: Store, request: Request, indicator_id: str) -> SeriesChoice:
    """The areas, breakdown, options and series of an indicator page's URL.

    ``fokus=skjul`` leaves the areas that are not highlighted out of the series (and so out of the
    chart, its table and its data links): what is hidden is not shown anywhere.
    """
    params = request.query_params
    codes = iv.areas_from_param(store, params.get("omrade")) or ["0"]
    breakdown = iv.parse_breakdown(store, indicator_id, params)
    own = _own(store, request, codes)
    options = chart_options(params, own)
    shown = codes
    if options.focus == "skjul" and any(c in codes for c in options.highlight):
        shown = [c for c in codes if c in options.highlight]
    periods = [p for p in params.get("periode", "").split(",") if p] or None
    series = iv.series(store, indicator_id, shown, breakdown=breakdown, periods=periods)
    return SeriesChoice(codes, breakdown, own, options, series)


FIGURE_KINDS = {"linje": "Utvikling over tid", "stolper": "Stolper for ett år", "punkt": "Punkter"}


def series_figure(
    series: iv.IndicatorSeries, options: charts.ChartOptions, params: QueryParams
) -> tuple[str, dict[str, Any], str | None]:
    """(figure kind, spec, period of a one-year figure) for ``figur`` = linje, stolper or punkt."""
    kind = params.get("figur", "linje")
    kind = kind if kind in FIGURE_KINDS else "linje"
    bar_period = params.get("stolpeperiode") or None
    if bar_period and bar_period not in series.periods:
        raise BadRequest(
            f"Det finnes ingen tall for {bar_period} for de valgte områdene.",
            hint=f"Velg en av: {', '.join(series.periods[-6:])}.",
        )
    if kind == "stolper":
        spec = charts.bar_chart(series, options, bar_period)
    elif kind == "punkt":
        spec = charts.dot_chart(series, options, bar_period)
    else:
        spec = charts.line_chart(series, options)
    return kind, spec, bar_period or series.latest_period


@dataclass(frozen=True, slots=True)
class MapChoice:
    values: iv.MapValues
    level: str
    county: str | None
    codes: tuple[str, ...]  # ``koder``: the map restricted to these areas (empty: no restriction)


def indicator_map(
    store: Store, request: Request, indicator_id: str, breakdown: dict[str, str]
) -> MapChoice:
    params = request.query_params
    level = params.get("niva", "kommune")
    if level not in MAP_LEVELS:
        raise BadRequest(f"Ukjent kartnivå «{level}».", hint="Velg kommune, fylke eller bydel.")
    county = (params.get("fylke") or None) if level == "kommune" else None
    values = iv.map_values(
        store,
        indicator_id,
        period=params.get("kartperiode") or None,
        level=level,  # type: ignore[arg-type]
        county=county,
        breakdown=breakdown,
    )
    wanted = tuple(dict.fromkeys(c.strip() for c in params.get("koder", "").split(",") if c))
    present = {r.code for r in values.rows}
    codes = tuple(c for c in wanted if c in present)
    if codes:
        values = replace(values, rows=tuple(r for r in values.rows if r.code in codes))
    return MapChoice(values, level, county, codes)


def map_geo_url(choice: MapChoice) -> str:
    query = {"fylke": choice.county or "", "koder": ",".join(choice.codes)}
    text = urlencode({k: v for k, v in query.items() if v})
    return f"/kart/{choice.level}.geojson" + (f"?{text}" if text else "")


@dataclass(frozen=True, slots=True)
class CompareChoice:
    codes: list[str]
    ids: list[str]
    colour_by: compare_view.ColourBy
    own: str | None
    options: charts.ChartOptions
    table: compare_view.CompareTable | None


def compare_selection(store: Store, request: Request) -> CompareChoice:
    params = request.query_params
    codes = iv.areas_from_param(store, params.get("omrade"))
    ids = [i for i in params.get("indikator", "").split(",") if i]
    colour_by: compare_view.ColourBy = (
        "kvintil" if params.get("farge") == "kvintil" else "signifikans"
    )
    own = _own(store, request, codes)
    options = chart_options(params, own)
    table = None
    if codes and ids:
        table = compare_view.compare_table(
            store,
            codes,
            ids,
            benchmark=params.get("sammenligning", "land"),
            colour_by=colour_by,
            sort=params.get("sorter"),  # type: ignore[arg-type]
        )
        if options.focus == "skjul" and any(a.code in options.highlight for a in table.areas):
            keep = set(options.highlight)
            table = replace(
                table,
                areas=tuple(a for a in table.areas if a.code in keep),
                cells=tuple(c for c in table.cells if c.region in keep),
            )
    return CompareChoice(codes, ids, colour_by, own, options, table)


# Query keys that do not change the chart (page furniture), left out of images and embeds.
NOT_CHART = ("leggtil", "leggtilsett", "leggtilindikator", "skala")


def takeaway_links(request: Request, title: str, pinned: dict[str, Any] | None) -> dict[str, Any]:
    """Download, embed and permalink addresses of the chart on this page.

    ``pinned`` holds the period parameters that freeze the view (``periode=2015,…,2024``); the
    living view drops them, so it picks up new periods when the data are updated. None: the page
    has no frozen form (the heat table always shows each cell's latest value).
    """
    current = [(k, v) for k, v in request.query_params.multi_items() if k not in NOT_CHART]
    path = request.url.path
    base = str(request.base_url).rstrip("/")

    def address(prefix: str, suffix: str, items: list[tuple[str, str]]) -> str:
        return prefix + path + suffix + ("?" + urlencode(items, safe=",") if items else "")

    living = [(k, v) for k, v in current if not pinned or k not in pinned]
    frozen = living + [(k, str(v)) for k, v in (pinned or {}).items() if v]
    views = {"levende": living, **({"fast": frozen} if pinned is not None else {})}
    images: list[tuple[str, str, list[tuple[str, str]]]] = [
        ("PNG", "png", current),
        ("PNG, dobbel oppløsning (skarp i rapporter)", "png", [*current, ("skala", "2")]),
        ("SVG (vektor, kan redigeres)", "svg", current),
        ("PDF", "pdf", current),
    ]
    return {
        "title": title,
        "images": [(label, address("", f"/bilde.{fmt}", items)) for label, fmt, items in images],
        "embeds": {
            name: {
                "embed": base + address("/embed", "", items),
                "permalink": base + address("", "", items),
                "snippet": (
                    f'<iframe src="{html.escape(base + address("/embed", "", items))}" '
                    f'title="{html.escape(title)}" width="100%" height="560" '
                    'style="border:0" loading="lazy"></iframe>'
                ),
            }
            for name, items in views.items()
        },
        "pinned": pinned,
    }


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
    chosen = indicator_series(store, request, indicator_id)
    codes, breakdown, own, options, series = (
        chosen.codes,
        chosen.breakdown,
        chosen.own,
        chosen.options,
        chosen.series,
    )
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
        "editor_areas": [(c, store.regions[c].name) for c in codes],
    }
    if fane == "figur":
        kind, spec, bar_period = series_figure(series, options, params)
        context.update(figure=kind, spec=spec, bar_period=bar_period)
        pinned = {"periode": ",".join(series.periods)}
        if kind != "linje":
            pinned["stolpeperiode"] = bar_period or ""
        context["takeaway"] = takeaway_links(request, indicator.title, pinned)
        context["data_links"] = [
            *_downloads(indicator_id, series, breakdown),
            *_full_downloads(indicator_id),
        ]
    elif fane == "kart":
        chosen_map = indicator_map(store, request, indicator_id, breakdown)
        map_values = chosen_map.values
        geo = map_geo_url(chosen_map)
        context.update(
            map_values=map_values,
            level=chosen_map.level,
            county=chosen_map.county,
            map_codes=chosen_map.codes,
            map_kommuner=[c for c in codes if store.regions[c].level == chosen_map.level],
            map_spec=charts.choropleth(map_values, options, geo),
            counties=_region_options(store, ("fylke",)),
            classifications=CLASSIFICATION_LABELS,
            takeaway=takeaway_links(request, indicator.title, {"kartperiode": map_values.period}),
            data_links=[
                *_map_downloads(indicator_id, map_values, breakdown),
                *_full_downloads(indicator_id),
            ],
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


def _full_downloads(indicator_id: str) -> list[tuple[str, str, str]]:
    return [
        (
            f"alle-{fmt}",
            f"Hele indikatoren, alle områder og perioder ({name})",
            "/api/v1/data?" + urlencode({"indicator": indicator_id, "format": fmt}),
        )
        for fmt, name in (("csv", "CSV"), ("xlsx", "Excel"), ("jsonstat2", "JSON-stat"))
    ]


def _map_downloads(
    indicator_id: str, values: iv.MapValues, breakdown: dict[str, str]
) -> list[tuple[str, str, str]]:
    base = {
        "indicator": indicator_id,
        "region": ",".join(r.code for r in values.rows),
        "period": values.period,
        **breakdown,
    }
    return [
        (
            fmt,
            f"Kartets tall, {values.period} ({name})",
            "/api/v1/data?" + urlencode({**base, "format": fmt}),
        )
        for fmt, name in (("csv", "CSV"), ("xlsx", "Excel"), ("jsonstat2", "JSON-stat"))
    ]


def _selection_downloads(ids: list[str], codes: list[str] | None) -> list[tuple[str, str, str]]:
    base = {"indicator": ",".join(ids)}
    if codes:
        base["region"] = ",".join(codes)
    where = "de valgte områdene" if codes else "alle kommuner"
    return [
        (
            fmt,
            f"Indikatorene for {where}, alle perioder ({name})",
            "/api/v1/data?" + urlencode({**base, "format": fmt}),
        )
        for fmt, name in (("csv", "CSV"), ("xlsx", "Excel"), ("jsonstat2", "JSON-stat"))
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
    chosen = compare_selection(store, request)
    codes, ids, colour_by, own = chosen.codes, chosen.ids, chosen.colour_by, chosen.own
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
    if chosen.table is not None:
        context.update(
            table=chosen.table,
            spec=charts.heat_table(chosen.table, chosen.options),
            own=own,
            options=chosen.options,
            palettes=PALETTE_LABELS,
            editor_areas=[(c, store.regions[c].name) for c in codes if c in store.regions],
            marks=compare_view.SIGNIFICANCE_MARK,
            texts=compare_view.SIGNIFICANCE_TEXT,
            # The heat table always shows each cell's latest period: only a living view exists.
            takeaway=takeaway_links(request, "Sammenligning av områder", None),
            data_links=_selection_downloads(ids, codes),
        )
    return _page(request, "compare.html", store, **context)


# --- Cross ------------------------------------------------------------------------------------
GROUP_KINDS = {
    "naboer": "Nabokommuner",
    "fylke": "Kommunene i fylket",
    "kostra": "KOSTRA-gruppen",
    "lignende": "Lignende kommuner",
}


def cross_selection(
    store: Store, request: Request
) -> tuple[cross_view.CrossView, str, charts.ChartOptions]:
    """The cross page's view, group parameter and options, read from its URL."""
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
    return view, group_param, chart_options(params, own)


@router.get("/krysse", response_model=None)
def cross_page(request: Request, store: StoreDep) -> Response:
    view, group_param, options = cross_selection(store, request)
    return _page(
        request,
        "cross.html",
        store,
        view=view,
        options=options,
        palettes=PALETTE_LABELS,
        takeaway=takeaway_links(request, f"{view.y.title} og {view.x.title}", {"aar": view.year}),
        data_links=_selection_downloads([view.x.id, view.y.id], None),
        spec=charts.scatter_chart(view, options),
        group_param=group_param,
        group_kinds=GROUP_KINDS,
        indicators=sorted(store.indicators.values(), key=lambda i: i.title),
        regions=_region_options(store, ("kommune",)),
    )


# --- Composite index ----------------------------------------------------------------------------
def composite_selection(
    store: Store, request: Request
) -> tuple[composite_view.CompositeView, str | None, charts.ChartOptions]:
    params = request.query_params
    recipe = composite_view.parse_recipe(
        store,
        params.get("indikatorer"),
        params.get("aar"),
        params.get("metode"),
        params.get("basisaar"),
    )
    own = resolve_area(store, params["egen"]) if params.get("egen") else None
    view = composite_view.composite_view(store, recipe, (own,) if own else ())
    return view, own, chart_options(params, own)


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
    view, own, options = composite_selection(store, request)
    top = [r for r in view.rows if r.index is not None][:10]
    own_rows = [r for r in view.rows if r.code == own]
    return _page(
        request,
        "composite.html",
        store,
        view=view,
        spec=charts.index_chart(view, options),
        options=options,
        palettes=PALETTE_LABELS,
        takeaway=takeaway_links(request, "Sammensatt indeks", {"aar": view.year}),
        data_links=_selection_downloads([i.id for i in view.indicators], None),
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
