"""What an analysis page's URL selects: areas, breakdown, chart options, and the view behind them.

The pages (``web.analysis``) and the image downloads and embeds (``web.takeaway``) read a URL with
these same functions, so a downloaded file or an embed always shows the chart of the page it came
from.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from starlette.datastructures import QueryParams

from oppvekst import charts
from oppvekst.errors import BadRequest
from oppvekst.glossary import N_, Glossary
from oppvekst.language import _
from oppvekst.regions.boundaries import BoundaryStore
from oppvekst.settings import get_settings
from oppvekst.snapshot.store import Store
from oppvekst.views import compare as compare_view
from oppvekst.views import composite as composite_view
from oppvekst.views import cross as cross_view
from oppvekst.views import indicator as iv
from oppvekst.views import maps, peers
from oppvekst.views.regions import county_of, resolve_input

REPO_ROOT = Path(__file__).resolve().parents[3]
MAP_LEVELS = ("kommune", "fylke", "bydel")


# --- Areas and boundaries ---------------------------------------------------------------------
def own_area(store: Store, request: Request, codes: list[str]) -> str | None:
    """The own area (``egen``), else the first kommune among the chosen areas."""
    own = request.query_params.get("egen")
    if own:
        return resolve_input(store, own, "egen")
    return next((c for c in codes if store.regions[c].level == "kommune"), None) if codes else None


_BOUNDARY_STORES: dict[Path, BoundaryStore] = {}


def boundaries_root(store: Store) -> Path | None:
    candidates = []
    if store.meta.get("mirror"):
        candidates.append(Path(store.meta["mirror"]) / "boundaries")
    configured = get_settings().boundaries
    if configured:
        candidates.append(configured)
    candidates.append(REPO_ROOT.parent / "shared" / "data" / "boundaries")
    return next((c for c in candidates if c.is_dir()), None)


def boundaries_for(store: Store) -> BoundaryStore | None:
    root = boundaries_root(store)
    if root is None:
        return None
    if root not in _BOUNDARY_STORES:
        _BOUNDARY_STORES[root] = BoundaryStore(root)
    return _BOUNDARY_STORES[root]


# --- Chart options and the indicator page's series and map ------------------------------------
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
    codes = iv.areas_from_param(store, params.get("omrade")) or iv.default_areas(
        store, indicator_id
    )
    breakdown = iv.parse_breakdown(store, indicator_id, params)
    own = own_area(store, request, codes)
    options = chart_options(params, own)
    shown = codes
    if options.focus == "skjul" and any(c in codes for c in options.highlight):
        shown = [c for c in codes if c in options.highlight]
    periods = [p for p in params.get("periode", "").split(",") if p] or None
    series = iv.series(store, indicator_id, shown, breakdown=breakdown, periods=periods)
    return SeriesChoice(codes, breakdown, own, options, series)


FIGURE_KINDS: Mapping[str, str] = Glossary(
    {
        "linje": N_("Utvikling over tid"),
        "stolper": N_("Stolper for ett år"),
        "punkt": N_("Punkter"),
    }
)


def series_figure(
    series: iv.IndicatorSeries, options: charts.ChartOptions, params: QueryParams
) -> tuple[str, dict[str, Any], str | None]:
    """(figure kind, spec, period of a one-year figure) for ``figur`` = linje, stolper or punkt."""
    kind = params.get("figur", "linje")
    kind = kind if kind in FIGURE_KINDS else "linje"
    bar_period = params.get("stolpeperiode") or None
    if bar_period and bar_period not in series.periods:
        raise BadRequest(
            _("Det finnes ingen tall for {period} for de valgte områdene.").format(
                period=bar_period
            ),
            hint=_("Velg en av: {names}.").format(names=", ".join(series.periods[-6:])),
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
    values: maps.MapValues
    level: str
    county: str | None
    codes: tuple[str, ...]  # ``koder``: the map restricted to these areas (empty: no restriction)


def indicator_map(
    store: Store, request: Request, indicator_id: str, breakdown: dict[str, str]
) -> MapChoice:
    params = request.query_params
    level = params.get("niva", "kommune")
    if level not in MAP_LEVELS:
        raise BadRequest(
            _("Ukjent kartnivå «{level}».").format(level=level),
            hint=_("Velg kommune, fylke eller bydel."),
        )
    county = map_county(store, params.get("fylke"), "fylke") if level == "kommune" else None
    values = maps.map_values(
        store,
        indicator_id,
        period=params.get("kartperiode") or None,
        level=level,  # type: ignore[arg-type]
        county=county,
        breakdown=breakdown,
        focus=map_county(store, params.get(FOCUS_PARAM), FOCUS_PARAM)
        if level == "kommune"
        else None,
    )
    wanted = tuple(dict.fromkeys(c.strip() for c in params.get("koder", "").split(",") if c))
    present = {r.code for r in values.rows}
    codes = tuple(c for c in wanted if c in present)
    if codes:
        values = replace(values, rows=tuple(r for r in values.rows if r.code in codes))
    return MapChoice(values, level, county, codes)


FOCUS_PARAM = "fargefylke"  # «my county in colour» (``fokus`` is the chart option for chosen areas)


def map_county(store: Store, entry: str | None, param: str) -> str | None:
    """The fylke a map entry (``fylke``: the map restricted to it; ``fargefylke``: it in colour)
    names: a fylke itself, or the fylke a kommune or bydel lies in (a person may type their own
    kommune); None for none or the whole country. An entry that fits no area raises the area
    resolver's error, so the page keeps its view and says what was wrong."""
    if not entry or not entry.strip():
        return None
    return county_of(store, resolve_input(store, entry, param))


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
    if not codes and not ids:
        codes, ids = compare_view.default_selection(store)
    colour_by: compare_view.ColourBy = (
        "kvintil" if params.get("farge") == "kvintil" else "signifikans"
    )
    own = own_area(store, request, codes)
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


# --- Cross and composite index ----------------------------------------------------------------
GROUP_KINDS: Mapping[str, str] = Glossary(
    {
        "naboer": N_("Nabokommuner"),
        "fylke": N_("Kommunene i fylket"),
        "kostra": N_("KOSTRA-gruppen"),
        "lignende": N_("Lignende kommuner"),
    }
)


def cross_selection(
    store: Store, request: Request
) -> tuple[cross_view.CrossView, str, charts.ChartOptions]:
    """The cross page's view, group parameter and options, read from its URL."""
    params = request.query_params
    x_id, y_id = params.get("x"), params.get("y")
    if x_id is None or y_id is None:  # the default pair only when the URL lacks an axis
        x_default, y_default = cross_view.default_pair(store)
        x_id, y_id = (
            x_id if x_id is not None else x_default,
            y_id if y_id is not None else y_default,
        )
    own = resolve_input(store, params["egen"], "egen") if params.get("egen") else None
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
        group = tuple(
            resolve_input(store, c, "gruppe") for c in group_param.split(",") if c.strip()
        )
        group_label = _("Valgt gruppe")
    year = params.get("aar")
    try:
        year_int = int(year) if year else None
    except ValueError:
        raise BadRequest(
            _("«{text}» er ikke et årstall.").format(text=year), hint=_("Skriv f.eks. 2024.")
        ) from None
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
    own = resolve_input(store, params["egen"], "egen") if params.get("egen") else None
    view = composite_view.composite_view(store, recipe, (own,) if own else ())
    return view, own, chart_options(params, own)
