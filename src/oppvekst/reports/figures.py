"""The report's charts: the portal's own line chart over time (a bar chart for an indicator with
one period), and the «Ulikhet» chart of a gap between groups.

Each indicator is drawn for the area, the level above it (county; Oslo for a bydel) and the
country — the areas the indicator exists for — with the area highlighted, by the same builder and
options as the indicator page (``charts.line_chart`` / ``charts.bar_chart``), so a figure in the
report is the figure on screen. Those charts are laid out from the page's spec by
``reports.lines`` and ``reports.bars`` and painted by Typst: nothing is drawn here, nothing kept.
The «Ulikhet» chart is rendered to SVG: its spec is compiled to Vega once per shape
(``reports.templates``) and drawn by a few vl-convert worker processes in parallel
(``charts.drawing``); finished SVGs are kept per snapshot, in memory and on disk beside it
(``reports.parts``): a second report for the same area, or the same chart after a restart, does
not render again.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from oppvekst import charts
from oppvekst.catalog.schema import Indicator
from oppvekst.charts.drawing import POOL, Job
from oppvekst.charts.drawing_worker import VEGA_TO_SVG, VEGALITE_TO_SVG, VEGALITE_TO_VEGA
from oppvekst.charts.inequality import inequality_chart
from oppvekst.charts.options import FONT, Spec, subtitle_lines
from oppvekst.language import current
from oppvekst.reports import templates
from oppvekst.reports.bars import bar_scene
from oppvekst.reports.lines import line_scene
from oppvekst.reports.parts import parts_for
from oppvekst.reports.scene import Scene
from oppvekst.reports.typesetter import chart_font
from oppvekst.snapshot.store import Store
from oppvekst.views.indicator import IndicatorSeries, point_from_record, summarised_series
from oppvekst.views.inequality import InequalityView
from oppvekst.views.regions import RegionRef, region_ref

CACHE_SIZE = 256  # ~20 kB per SVG: a few MB at most


@dataclass(frozen=True, slots=True)
class Figure:
    indicator_id: str
    svg: str  # drawn by vl-convert (a «Ulikhet» chart); empty where the report lays it out
    description: str  # the chart's text alternative (the spec's description)
    scene: Scene | None = None  # a chart the report lays out and Typst paints


def chart_areas(store: Store, region: RegionRef, indicator: Indicator) -> tuple[str, ...]:
    """The area, the level above it and the country, kept to the levels the indicator exists for.

    An area of the same name as one before it is left out: Oslo is a kommune (0301) and a county
    (03) with the same figures, and two lines of one name cannot be told apart (on the page the
    colour scale, keyed by name, even gives the country the county's colour)."""
    above = region.parent if region.level == "bydel" else region.county
    levels = {level.value for level in indicator.levels}
    codes = [region.code, *([above] if above else []), "0"]
    by_name: dict[str, str] = {}
    for code in codes:
        if code in store.regions and store.regions[code].level in levels:
            by_name.setdefault(store.regions[code].name, code)
    return tuple(by_name.values())


def all_series(
    store: Store, region: RegionRef, indicators: Sequence[Indicator]
) -> dict[str, IndicatorSeries]:
    """``views.indicator.series`` for many indicators at once: one query instead of one each.

    A report needs 16–25 series; one query per series cost more than the rest of the report.
    The result is the same as ``series(store, id, chart_areas(...))`` (tests compare them).
    """
    areas = {i.id: chart_areas(store, region, i) for i in indicators}
    codes = sorted({c for chosen in areas.values() for c in chosen})
    records = store.observation_records([i.id for i in indicators], codes) if codes else []
    rows: dict[str, list[dict[str, Any]]] = {}
    for record in records:
        if record["region"] in areas[record["indicator_id"]]:
            rows.setdefault(record["indicator_id"], []).append(record)
    out: dict[str, IndicatorSeries] = {}
    for ind in indicators:
        refs = tuple(region_ref(store, c) for c in areas[ind.id])
        if not refs:
            continue
        names = {a.code: a.name for a in refs}
        points = tuple(point_from_record(r, names) for r in rows.get(ind.id, []))
        shown = tuple(p for p in store.periods(ind.id) if any(pt.period == p for pt in points))
        out[ind.id] = summarised_series(ind, refs, shown, (), points)
    return out


def page_chart(series: IndicatorSeries, options: charts.ChartOptions) -> Spec:
    """The indicator page's chart for these areas: lines over time (``figur=linje``), or for a
    single period the bars of that period (``figur=stolper``): one point per line is an almost
    empty frame."""
    if len(series.periods) == 1:
        return charts.bar_chart(series, options)
    return charts.line_chart(series, options)


def chart_spec(series: IndicatorSeries, region: RegionRef) -> Spec:
    """The chart at the small size (half a report page; legible when printed): the line chart
    over time, or for an indicator with one period the bar chart of that period (a line of one
    point per area is an almost empty frame). Either is the indicator page's own chart for these
    areas (``figur=linje`` or ``figur=stolper``)."""
    options = charts.ChartOptions(highlight=(region.code,), size=charts.SizePreset.SMALL)
    return page_chart(series, options)


class ReportFigureCache:
    """Rendered SVGs by (snapshot, indicator, areas); bounded, shared by all threads."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self._size = size
        self._items: OrderedDict[tuple[str, str, tuple[str, ...]], Figure] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[str, str, tuple[str, ...]]) -> Figure | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def put(self, key: tuple[str, str, tuple[str, ...]], figure: Figure) -> None:
        with self._lock:
            self._items[key] = figure
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)


CACHE = ReportFigureCache()
FigureKey = tuple[str, str, tuple[str, ...]]


def forget(store: Store) -> None:
    """Forget every drawn chart and kept part (tests and benchmarks draw afresh with it)."""
    CACHE.clear()
    parts_for(store).clear()


def _kept(store: Store, keys: dict[str, FigureKey]) -> dict[str, Figure]:
    """The figures already drawn for this snapshot and language: from memory, else from disk."""
    parts = parts_for(store)
    found: dict[str, Figure] = {}
    for ident, key in keys.items():
        figure = CACHE.get(key)
        if figure is None:
            data = parts.get(store, ["figur", key[1], list(key[2])])
            if data is None:
                continue
            figure = Figure(**json.loads(data))
            CACHE.put(key, figure)
        found[ident] = figure
    return found


def _keep(store: Store, key: FigureKey, figure: Figure) -> None:
    CACHE.put(key, figure)
    data = json.dumps(
        {"indicator_id": figure.indicator_id, "svg": figure.svg, "description": figure.description}
    )
    parts_for(store).put(store, ["figur", key[1], list(key[2])], data.encode())


@dataclass(frozen=True, slots=True)
class _Chart:
    """A chart still to be drawn: its key, its spec and the strings that differ between areas
    (``templates.shape``)."""

    ident: str
    key: FigureKey
    spec: Spec
    names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Order:
    """The charts one caller asks for: those already kept, and those still to be drawn."""

    found: dict[str, Figure]
    todo: list[_Chart]


def _gap_order(store: Store, views: Sequence[InequalityView]) -> _Order:
    keys: dict[str, FigureKey] = {
        v.indicator.id: (_edition(store), f"ulikhet:{v.indicator.id}", (v.area.code, v.period))
        for v in views
    }
    found = _kept(store, keys)
    todo = []
    for view in views:
        if view.indicator.id not in found:
            spec = inequality_spec(view)
            todo.append(_Chart(view.indicator.id, keys[view.indicator.id], spec, _titles(spec)))
    return _Order(found, todo)


def _titles(spec: Spec) -> tuple[str, ...]:
    """A «Ulikhet» chart's title and subtitle lines: what names the area (its title, the total's
    line, the gap in words), so the chart shares its compiled shape with the same indicator's
    chart for every other area (the rows and the description are filled in anyway)."""
    title = spec.get("title")
    if not isinstance(title, dict):
        return ()
    return tuple(str(t) for t in [title.get("text", ""), *subtitle_lines(spec)] if t)


def _drawn(store: Store, order: _Order) -> dict[str, Figure]:
    """The order's figures, the missing ones drawn in one batch shared out over the workers."""
    found = dict(order.found)
    svgs = draw([(c.spec, c.names) for c in order.todo])
    for chart, svg in zip(order.todo, svgs, strict=True):
        figure = Figure(chart.ident, svg, str(chart.spec.get("description", "")))
        _keep(store, chart.key, figure)
        found[chart.ident] = figure
    return found


def figures(store: Store, region: RegionRef, indicators: Sequence[Indicator]) -> dict[str, Figure]:
    """indicator id → its chart laid out for the report, for every indicator with data: the
    page's spec laid out by ``reports.lines`` (``reports.bars`` for a single period) and painted
    by Typst, so nothing is drawn or kept here."""
    wanted = [i for i in indicators if i.id in store.indicators_with_data]
    found = {}
    for ident, each in all_series(store, region, wanted).items():
        spec = chart_spec(each, region)
        scene = line_scene(spec, each) if len(each.periods) > 1 else bar_scene(spec, each)
        found[ident] = Figure(ident, "", str(spec.get("description", "")), scene)
    return found


def report_figures(
    store: Store,
    region: RegionRef,
    indicators: Sequence[Indicator],
    views: Sequence[InequalityView],
) -> tuple[dict[str, Figure], dict[str, Figure]]:
    """A report's charts: ``figures`` for the indicators and ``inequality_figures`` for the
    gaps between groups."""
    return figures(store, region, indicators), inequality_figures(store, views)


def inequality_spec(view: InequalityView) -> Spec:
    """The «Ulikhet» page's chart at the small size (``storrelse=liten``), unchanged: its group
    axis keeps its own label limit, so the SVG is the page's byte for byte."""
    return inequality_chart(view, charts.ChartOptions(size=charts.SizePreset.SMALL))


def _edition(store: Store) -> str:
    """What a cached figure depends on besides its areas: the snapshot (with any own data mixed
    into it: ``cache_identity``, never ``snapshot_id``) and the language its words are in (an
    English report must not get the bokmål charts of an earlier one)."""
    return f"{store.cache_identity}/{current().value}"


def inequality_figures(store: Store, views: Sequence[InequalityView]) -> dict[str, Figure]:
    """indicator id → the «Ulikhet» chart of its view as SVG, for the report's gaps page."""
    return _drawn(store, _gap_order(store, views))


def draw(specs: Sequence[tuple[Spec, tuple[str, ...]]]) -> list[str]:
    """Each Vega-Lite spec (with its areas' names) as SVG, drawn by the chart workers.

    Shapes not seen before are compiled first (in parallel too); every chart is then drawn from
    its filled-in Vega. A spec whose shape cannot be shared is drawn from Vega-Lite directly.
    """
    shapes = [templates.shape(spec, names) for spec, names in specs]
    new = list(
        dict.fromkeys(s.key for s in shapes if s is not None and templates.CACHE.get(s.key) is None)
    )
    for key, compiled in zip(new, POOL.run([Job(VEGALITE_TO_VEGA, k) for k in new]), strict=True):
        templates.CACHE.put(key, templates.prepare(json.loads(compiled)))
    jobs = []
    for (spec, _names), found in zip(specs, shapes, strict=True):
        template = templates.CACHE.get(found.key) if found is not None else None
        vega = templates.fill(template, found) if template is not None and found else None
        # Drawing time grows with the rows (points, labels) over a fixed cost per chart.
        weight = 30.0 + len(spec.get("data", {}).get("values", []))
        if vega is not None:
            jobs.append(Job(VEGA_TO_SVG, vega, weight))
        else:
            jobs.append(Job(VEGALITE_TO_SVG, json.dumps(spec, ensure_ascii=True), weight * 1.4))
    return POOL.run(jobs)


def for_typst(svg: str) -> str:
    """The SVG with the font the PDF sets its charts in named directly.

    vl-convert measured the text with Liberation Sans, the font its reading of the chart's font
    stack ends in (``charts.options.FONT``); the PDF embeds the same font (``typesetter``).
    Naming it spares Typst resolving the web font stack for every text element (a third of the
    compile time).
    """
    return svg.replace(FONT, chart_font())
