"""Analysis pages: indicator (figure/map/table/about/download), compare, cross and composite index.

Every page's whole state is in its URL; forms use GET, and the few that collect several inputs
(add an area, edit an index recipe) redirect to the canonical URL so it can be bookmarked. Charts
are Vega-Lite specs placed in a ``<script type="application/json">`` block and drawn by
``/static/js/charts.js`` with the locally served vega-embed bundle; the table beside each chart is
server-rendered, so the page reads fine without JavaScript. What a URL selects is read in
``web.selection`` (shared with the image downloads and embeds); the links a chart offers are made
in ``web.links``; the boundary layers and the vega bundle are served by ``web.assets``.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from oppvekst import charts
from oppvekst.charts.options import ACCENTS, CLASSIFICATION_LABELS, PALETTE_LABELS, SIZE_LABELS
from oppvekst.errors import BadRequest
from oppvekst.glossary import N_
from oppvekst.language import _
from oppvekst.snapshot.store import Store
from oppvekst.stats.intervals import METHOD_SENTENCES
from oppvekst.views import compare as compare_view
from oppvekst.views import composite as composite_view
from oppvekst.views import indicator as iv
from oppvekst.views import peers
from oppvekst.views.regions import resolve_input
from oppvekst.web import assets, links
from oppvekst.web.dependencies import StoreDep
from oppvekst.web.rendering import SYMBOLS, render, url
from oppvekst.web.selection import (
    GROUP_KINDS,
    boundaries_for,
    compare_selection,
    composite_selection,
    cross_selection,
    indicator_map,
    indicator_series,
    map_geo_url,
    series_figure,
)

router = APIRouter(default_response_class=HTMLResponse)

TABS = (  # labels marked here, translated where the page is made
    ("figur", N_("Figur")),
    ("kart", N_("Kart")),
    ("tabell", N_("Tabell")),
    ("om", N_("Om indikatoren")),
    ("last-ned", N_("Last ned")),
)


# --- Shared helpers ----------------------------------------------------------------------------
def _page(request: Request, template: str, store: Store, **context: Any) -> HTMLResponse:
    return render(
        request,
        template,
        store,
        vega_bundle=assets.versioned_bundle_url(request),
        ACCENTS=ACCENTS,
        SIZE_LABELS=SIZE_LABELS,
        SYMBOLS=SYMBOLS,
        url=lambda **changes: url(request, **changes),
        **context,
    )


def _redirect(request: Request, **changes: Any) -> RedirectResponse:
    return RedirectResponse(url(request, **changes), status_code=303)


def _add_areas(store: Store, request: Request, param: str = "omrade") -> RedirectResponse | None:
    """Handle the area picker's "add" (``leggtil``) or "add set" (``leggtilsett``) submissions."""
    extra = request.query_params.get("leggtil", "").strip()
    extra_set = request.query_params.get("leggtilsett", "").strip()
    if not extra and not extra_set:
        return None
    current = iv.areas_from_param(store, request.query_params.get(param))
    new = (
        [resolve_input(store, extra, "leggtil")]
        if extra
        else [c for c in extra_set.split(",") if c in store.regions]
    )
    merged = list(dict.fromkeys([*current, *new]))[: iv.MAX_AREAS]
    return _redirect(request, **{param: ",".join(merged), "leggtil": None, "leggtilsett": None})


def _region_options(
    store: Store, levels: tuple[str, ...] = ("kommune", "fylke", "bydel", "land")
) -> list[tuple[str, str]]:
    return [(c, r.name) for c, r in store.regions.items() if r.level in levels]


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
            _("Ukjent fane «{tab}».").format(tab=fane),
            hint=_("Velg figur, kart, tabell, om eller last-ned."),
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
        "tabs": [(key, _(label)) for key, label in TABS],
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
        "breaks": iv.series_breaks(store, indicator_id),
    }
    if fane == "figur":
        kind, spec, bar_period = series_figure(series, options, params)
        context.update(figure=kind, spec=spec, bar_period=bar_period)
        pinned = {"periode": ",".join(series.periods)}
        if kind != "linje":
            pinned["stolpeperiode"] = bar_period or ""
        context["takeaway"] = links.takeaway_links(request, indicator.title, pinned)
        context["data_links"] = [
            *links.series_downloads(indicator_id, series, breakdown),
            *links.full_downloads(indicator_id),
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
            takeaway=links.takeaway_links(
                request, indicator.title, {"kartperiode": map_values.period}
            ),
            data_links=[
                *links.map_downloads(indicator_id, map_values, breakdown),
                *links.full_downloads(indicator_id),
            ],
        )
    elif fane == "om":
        context["provenance"] = [
            p for p in store.provenance.values() if p.get("indicator_id") == indicator_id
        ]
        context["interval_text"] = METHOD_SENTENCES.get(indicator.interval.value, "")
    elif fane == "last-ned":
        context["downloads"] = links.series_downloads(indicator_id, series, breakdown)
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
            takeaway=links.takeaway_links(request, _("Sammenligning av områder"), None),
            data_links=links.selection_downloads(ids, codes),
        )
    return _page(request, "compare.html", store, **context)


# --- Cross ------------------------------------------------------------------------------------


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
        takeaway=links.takeaway_links(
            request, f"{view.y.title} og {view.x.title}", {"aar": view.year}
        ),
        data_links=links.selection_downloads([view.x.id, view.y.id], None),
        spec=charts.scatter_chart(view, options),
        group_param=group_param,
        group_kinds=GROUP_KINDS,
        indicators=sorted(store.indicators.values(), key=lambda i: i.title),
        regions=_region_options(store, ("kommune",)),
    )


# A signed-in viewer's index may weigh their organisation's own indicators (issue #15: own data
# appears in «index»); it is the viewer's store, so never another organisation's (their overlay
# lacks it) and never an anonymous or embedded one (the published snapshot).
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
        takeaway=links.takeaway_links(request, _("Sammensatt indeks"), {"aar": view.year}),
        data_links=links.selection_downloads([i.id for i in view.indicators], None),
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
