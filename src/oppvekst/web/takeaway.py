"""Take a chart away: image downloads (PNG 1×/2×, SVG, PDF) and embeddable pages.

Every analysis chart has the same address with ``/bilde.{png,svg,pdf}`` after the page's path and
the page's own query (``/indikator/mobbing-10-trinn/bilde.png?omrade=4601,46&fremhev=4601``), and
an embed page under ``/embed`` (``/embed/indikator/mobbing-10-trinn?…``). Both read the URL with
the page's own functions (``web.selection``) and draw with the page's spec builders, so the file
and the embed show the chart on screen — plus, in the file, the source, definition, data date
and address burned in (``charts.figure``).

An embed is **frozen** when its URL pins the periods (``periode=``, ``stolpeperiode=``,
``kartperiode=``, ``aar=``) and **living** when it does not: then it shows the newest data each
time the snapshot is updated, like SSB's saved queries. The "Bygg inn" panel offers both.

Renders are CPU-bound: ``web.limits`` queues and rate-limits every ``…/bilde.*`` path, and
``charts.render`` caches files by spec hash (per replica) under ``<data dir>/cache/figurer``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from oppvekst import charts, language
from oppvekst.catalog.schema import Indicator
from oppvekst.charts.figure import FIGURE_SIZES, Footer, figure
from oppvekst.charts.maps import wound_for_d3
from oppvekst.charts.options import Spec
from oppvekst.charts.render import (
    FigureCache,
    ImageFormat,
    Rendered,
    Renderer,
    cache_limit,
    default_cache_dir,
)
from oppvekst.errors import BadRequest
from oppvekst.language import _, format_date
from oppvekst.snapshot.store import Store
from oppvekst.views.numbers import number, observation
from oppvekst.web import assets, links, selection
from oppvekst.web.dependencies import PublicStoreDep, StoreDep
from oppvekst.web.rendering import render

router = APIRouter()
SCALES = (1, 2, 3)
# The period parameters that freeze a view; without them an embed follows new data.
PINNING = ("periode", "stolpeperiode", "kartperiode", "aar")
KARTVERKET = "Kart: © Kartverket"


@dataclass(frozen=True, slots=True)
class Table:
    """The table alternative of an embedded chart: plain strings, escaped by the template."""

    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True, slots=True)
class TakenChart:
    spec: Spec  # the page's spec (note left out: it goes into the footer)
    footer: Footer
    size: charts.SizePreset
    name: str  # file name stem
    title: str
    summary: tuple[str, ...]
    table: Table
    periods: str  # the periods shown, for the frozen/living wording


Geo = Callable[[selection.MapChoice], str | dict[str, Any]]


# --- Reading the view from the URL -------------------------------------------------------------
def _data_date(store: Store, indicator_ids: list[str]) -> str:
    fetched = [
        p["fetched_at"]
        for p in store.provenance.values()
        if p.get("indicator_id") in indicator_ids and isinstance(p.get("fetched_at"), datetime)
    ]
    if fetched:
        return _("Tall hentet {date}").format(date=format_date(max(fetched).date()))
    built = store.meta.get("built_at", "")[:10]
    try:
        return _("Tall per {date}").format(date=format_date(date.fromisoformat(built)))
    except ValueError:
        return ""


def _sources(indicators: list[Indicator]) -> str:
    return "; ".join(dict.fromkeys(i.attribution for i in indicators))


def _page_url(request: Request, page_path: str) -> str:
    items = [(k, v) for k, v in request.query_params.multi_items() if k not in links.NOT_CHART]
    query = urlencode(items, safe=",")
    page = language.url(page_path)  # the page in the embed's language
    return str(request.base_url).rstrip("/") + page + (f"?{query}" if query else "")


def _footer(
    store: Store,
    request: Request,
    page_path: str,
    indicators: list[Indicator],
    note: str | None,
    *,
    extra_source: str = "",
) -> Footer:
    return Footer(
        source=_sources(indicators) + (f". {extra_source}" if extra_source else ""),
        definition=indicators[0].definition if len(indicators) == 1 else None,
        note=note,
        data_date=_data_date(store, [i.id for i in indicators]),
        url=_page_url(request, page_path),
    )


def indicator_chart(store: Store, request: Request, indicator_id: str, geo: Geo) -> TakenChart:
    """The chart of an indicator page's figure or map tab (``fane``), as the page draws it."""
    indicator = store.indicator(indicator_id)
    chosen = selection.indicator_series(store, request, indicator_id)
    options = chosen.options
    plain = replace(options, note="")
    page_path = f"/indikator/{indicator_id}"
    d = indicator.decimals
    if request.query_params.get("fane") == "kart":
        choice = selection.indicator_map(store, request, indicator_id, chosen.breakdown)
        values = choice.values
        spec = charts.choropleth(values, plain, geo(choice))
        table = Table(
            f"{indicator.short_title}, {values.period} ({indicator.unit})",
            (_("Område"), _("Verdi"), _("Sammenlignet med landet")),
            tuple(
                (r.name, observation(r.value, r.status, d), _significance(r.significance))
                for r in values.rows
            ),
        )
        return TakenChart(
            spec,
            _footer(store, request, page_path, [indicator], options.note, extra_source=KARTVERKET),
            options.size,
            f"{indicator_id}-kart-{values.period}",
            spec["title"]["text"],
            values.summary,
            table,
            values.period,
        )
    series = chosen.series
    kind, spec, one_period = selection.series_figure(series, plain, request.query_params)
    if kind == "linje":
        header = (_("Område"), *series.periods)
        rows = tuple(
            (
                area.name,
                *(
                    observation(p.value, p.status, d) if (p := series.at(area.code, q)) else ".."
                    for q in series.periods
                ),
            )
            for area in series.areas
        )
        shown = f"{series.periods[0]}–{series.periods[-1]}" if series.periods else ""
    else:
        header = (
            _("Område"),
            _("Verdi {period}").format(period=one_period),
            _("Nedre 95 %"),
            _("Øvre 95 %"),
        )
        rows = tuple(
            (
                area.name,
                observation(p.value, p.status, d) if p else "..",
                number(p.lower95, d) if p else "–",
                number(p.upper95, d) if p else "–",
            )
            for area in series.areas
            for p in [series.at(area.code, one_period or "")]
        )
        shown = one_period or ""
    table = Table(f"{indicator.title} ({indicator.unit})", header, rows)
    return TakenChart(
        spec,
        _footer(store, request, page_path, [indicator], options.note),
        options.size,
        f"{indicator_id}-{kind}",
        spec["title"]["text"],
        series.summary,
        table,
        shown,
    )


def _significance(key: str) -> str:
    return charts.options.SIGNIFICANCE_STYLE.get(key, ("", key))[1]


def compare_chart(store: Store, request: Request) -> TakenChart:
    chosen = selection.compare_selection(store, request)
    table = chosen.table
    if table is None:
        raise BadRequest(
            _("Velg minst ett område og én indikator for å lage en figur."),
            hint=_("Legg til områder og indikatorer på sammenligningssiden."),
        )
    options = chosen.options
    spec = charts.heat_table(table, replace(options, note=""))
    rows = []
    for area in table.areas:
        cells = []
        for ind in table.indicators:
            c = table.cell(area.code, ind.id)
            cells.append(
                f"{observation(c.value, c.status or '..', ind.decimals)} ({c.label})" if c else ".."
            )
        rows.append((area.name, *cells))
    return TakenChart(
        spec,
        _footer(store, request, "/sammenlign", list(table.indicators), options.note),
        options.size,
        "sammenligning",
        spec["title"]["text"],
        table.summary,
        Table(
            _("Siste tall, sammenlignet med {benchmark}").format(benchmark=table.benchmark_label),
            (_("Område"), *(i.short_title for i in table.indicators)),
            tuple(rows),
        ),
        _("siste tall for hver indikator"),
    )


def cross_chart(store: Store, request: Request) -> TakenChart:
    view, _chosen, options = selection.cross_selection(store, request)
    spec = charts.scatter_chart(view, replace(options, note=""))
    note = options.note or _("Sammenhengen gjelder kommunene, ikke enkeltbarn.")
    roles = {"egen": _("Egen kommune"), "gruppe": _("Valgt gruppe"), "andre": _("Andre")}
    order = {"egen": 0, "gruppe": 1, "andre": 2}
    points = sorted(view.points, key=lambda p: (order[p.role], p.name))
    footer = _footer(store, request, "/krysse", [view.y, view.x], note)
    return TakenChart(
        spec,
        replace(footer, definition=f"{view.y.short_title}: {view.y.definition}"),
        options.size,
        f"krysning-{view.y.id}-{view.x.id}-{view.year}",
        spec["title"]["text"],
        (view.sentence,),
        Table(
            _("Kommunene i punktdiagrammet, {year}").format(year=view.year),
            (_("Kommune"), _("Rolle"), f"{view.x.short_title}", f"{view.y.short_title}"),
            tuple(
                (
                    p.name,
                    roles[p.role],
                    number(p.x, view.x.decimals),
                    number(p.y, view.y.decimals),
                )
                for p in points
            ),
        ),
        str(view.year),
    )


def composite_chart(store: Store, request: Request) -> TakenChart:
    view, own, options = selection.composite_selection(store, request)
    spec = charts.index_chart(view, replace(options, note=""))
    shown = [r for r in view.rows if r.code == own] + [r for r in view.rows if r.index is not None][
        :10
    ]
    footer = _footer(store, request, "/indeks", list(view.indicators), options.note)
    return TakenChart(
        spec,
        replace(footer, definition=view.recipe_text),
        options.size,
        f"indeks-{view.year}",
        spec["title"]["text"],
        view.summary,
        Table(
            _("Egen kommune og de ti beste, {year}").format(year=view.year),
            (_("Rang"), _("Kommune"), _("Indeks"), _("Usikkerhet (95 %)")),
            tuple(
                (
                    str(r.rank) if r.rank is not None else "–",
                    r.name,
                    number(r.index, 2),
                    f"{number(r.lower, 2)} til {number(r.upper, 2)}",
                )
                for r in shown
            ),
        ),
        str(view.year),
    )


# --- Images ------------------------------------------------------------------------------------
_RENDERERS: dict[Path, Renderer] = {}


def renderer_for(request: Request) -> Renderer:
    """One renderer (and cache directory) per data directory in this process."""
    root: Path = request.app.state.stores.data_dir.root
    if root not in _RENDERERS:
        _RENDERERS[root] = Renderer(FigureCache(default_cache_dir(root), cache_limit()))
    return _RENDERERS[root]


def _inline_geo(store: Store) -> Geo:
    def load(choice: selection.MapChoice) -> dict[str, Any]:
        boundaries = selection.boundaries_for(store)
        if boundaries is None:
            raise BadRequest(
                _("Kartgrensene er ikke installert på denne serveren."),
                hint=_("Last ned tabellen."),
            )
        layer = boundaries.layer(
            choice.level, 2024, county=choice.county, codes=choice.codes or None
        )
        return wound_for_d3(layer)

    return load


def image_format(fmt: str, scale: int) -> ImageFormat:
    """The image format a download asks for, with its scale checked (a Norwegian 400 if not)."""
    try:
        chosen = ImageFormat(fmt)
    except ValueError:
        raise BadRequest(
            _("Ukjent bildeformat «{fmt}».").format(fmt=fmt), hint=_("Velg png, svg eller pdf.")
        ) from None
    if scale not in SCALES:
        raise BadRequest(
            _("Skala {scale} går ikke.").format(scale=scale), hint=_("Velg skala 1, 2 eller 3.")
        )
    return chosen


def render_figure(
    request: Request,
    spec: Spec,
    footer: Footer,
    size_preset: charts.SizePreset,
    fmt: str,
    scale: int,
) -> tuple[Rendered, ImageFormat]:
    """A page's chart as a fitted figure (footer burned in) in the asked format, via the cache."""
    chosen = image_format(fmt, scale)
    size = FIGURE_SIZES[size_preset]
    return renderer_for(request).render(figure(spec, footer, size), size, chosen, scale), chosen


def _image(request: Request, chart: TakenChart, fmt: str, scale: int) -> Response:
    rendered, image_format = render_figure(
        request, chart.spec, chart.footer, chart.size, fmt, scale
    )
    suffix = f"@{scale}x" if image_format is ImageFormat.PNG and scale != 1 else ""
    filename = f"oppvekststatus-{chart.name}{suffix}.{image_format.value}"
    return Response(
        rendered.data,
        media_type=rendered.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "public, max-age=3600",
            "X-Figure-Cache": "hit" if rendered.cached else "miss",
        },
    )


@router.get("/indikator/{indicator_id}/bilde.{fmt}", response_model=None)
def indicator_image(
    request: Request, store: StoreDep, indicator_id: str, fmt: str, skala: int = 1
) -> Response:
    chart = indicator_chart(store, request, indicator_id, _inline_geo(store))
    return _image(request, chart, fmt, skala)


@router.get("/sammenlign/bilde.{fmt}", response_model=None)
def compare_image(request: Request, store: StoreDep, fmt: str, skala: int = 1) -> Response:
    return _image(request, compare_chart(store, request), fmt, skala)


@router.get("/krysse/bilde.{fmt}", response_model=None)
def cross_image(request: Request, store: StoreDep, fmt: str, skala: int = 1) -> Response:
    return _image(request, cross_chart(store, request), fmt, skala)


@router.get("/indeks/bilde.{fmt}", response_model=None)
def composite_image(request: Request, store: StoreDep, fmt: str, skala: int = 1) -> Response:
    return _image(request, composite_chart(store, request), fmt, skala)


# --- Embeds (the published snapshot only: an embed never shows anyone's own data) ------------------------------------------------------------------------------------
def _embed(request: Request, store: Store, chart: TakenChart, page_path: str) -> HTMLResponse:
    frozen = any(k in request.query_params for k in PINNING)
    return render(
        request,
        "partials/p5_embed.html",
        store,
        chart=chart,
        spec=chart.spec,
        frozen=frozen,
        page_url=_page_url(request, page_path),
        vega_bundle=assets.versioned_bundle_url(request),
    )


@router.get("/embed/indikator/{indicator_id}", response_class=HTMLResponse)
def indicator_embed(request: Request, store: PublicStoreDep, indicator_id: str) -> HTMLResponse:
    chart = indicator_chart(store, request, indicator_id, selection.map_geo_url)
    return _embed(request, store, chart, f"/indikator/{indicator_id}")


@router.get("/embed/sammenlign", response_class=HTMLResponse)
def compare_embed(request: Request, store: PublicStoreDep) -> HTMLResponse:
    return _embed(request, store, compare_chart(store, request), "/sammenlign")


@router.get("/embed/krysse", response_class=HTMLResponse)
def cross_embed(request: Request, store: PublicStoreDep) -> HTMLResponse:
    return _embed(request, store, cross_chart(store, request), "/krysse")


@router.get("/embed/indeks", response_class=HTMLResponse)
def composite_embed(request: Request, store: PublicStoreDep) -> HTMLResponse:
    return _embed(request, store, composite_chart(store, request), "/indeks")
