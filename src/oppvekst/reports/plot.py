"""The report's line chart over time, laid out here and drawn by Typst itself.

The chart is the indicator page's own (``charts.line_chart``): the same rows, colours, shapes,
hollow points, breaks, interval bands, end labels and y axis. This module only reads that spec
and places it on an A4 column in points, and the template draws the result with Typst's own
lines, polygons and text. Drawing it with Vega in a worker cost ~20 ms of CPU a chart and Typst
another ~5 ms to read the SVG back: for every report of the country, about two minutes of CPU
for the line charts alone. Drawn by Typst the chart costs well under a millisecond, its text is
set in the report's font at a legible size, and a screen reader gets the chart's summary as the
figure's alternative text.

The y axis is computed as Vega computes it (d3's «nice» domain from zero, then d3's ticks for
``ceil(height / 40)``), so the report's ticks are the page's ticks; tests compare them with
Vega's own scene graph. The numbers on the axis come from ``views.numbers.number``, as every
other number in the report. The chart's title is the heading beside it, and the source stands
under it; what else the page's subtitle says (unit, demo values, breaks, hollow points) is the
figure's caption.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from oppvekst.charts.options import SIZES, SizePreset, Spec
from oppvekst.views.indicator import IndicatorSeries
from oppvekst.views.numbers import number

# The chart column of ``oppvekstprofil.typ`` (A4, 18 mm margins, a 58 mm fact column and a
# 6 mm gutter leave 110 mm = 311.8 pt) and the height of the plotting area, in points.
WIDTH = 310.0
PLOT_HEIGHT = 150.0
FONT_SIZE = 7.0
# Average advance of a character of DejaVu Sans (digits are 0.64 em, lower case about 0.58):
# enough to keep labels inside the chart without measuring them.
CHAR_EM = 0.62
TICK_GAP = 3.0
# Vega's symbol size is an area in square pixels (55 in the page's spec); the page is drawn at
# 420 px across a plot the report draws about 240 pt wide.
PX = 0.6
LINE_WIDTHS = (1.8, 3.5)  # the page's plain and highlighted line, in px
GRID = "#E3E6EA"


@dataclass(frozen=True, slots=True)
class Tick:
    at: float  # position in points from the top (y axis) or the left (x axis) of the chart
    label: str


@dataclass(frozen=True, slots=True)
class Plot:
    """Everything the template draws, in points from the chart's top left corner."""

    width: float
    height: float
    left: float  # the plotting area
    top: float
    plot_width: float
    plot_height: float
    y_title: str
    y_ticks: tuple[Tick, ...]
    x_ticks: tuple[Tick, ...]
    x_angle: float  # degrees: -40 for many periods, as on the page
    bands: tuple[dict[str, Any], ...]
    lines: tuple[dict[str, Any], ...]
    points: tuple[dict[str, Any], ...]
    labels: tuple[dict[str, Any], ...]
    legend: tuple[dict[str, str], ...]
    caption: tuple[str, ...] = field(default=())

    def document(self) -> dict[str, Any]:
        """The plot as the report's JSON document carries it to Typst."""
        return {
            "width": self.width,
            "height": self.height,
            "left": self.left,
            "top": self.top,
            "plot_width": self.plot_width,
            "plot_height": self.plot_height,
            "font_size": FONT_SIZE,
            "grid": GRID,
            "y_title": self.y_title,
            "y_ticks": [{"at": t.at, "label": t.label} for t in self.y_ticks],
            "x_ticks": [{"at": t.at, "label": t.label} for t in self.x_ticks],
            "x_angle": self.x_angle,
            "bands": list(self.bands),
            "lines": list(self.lines),
            "points": list(self.points),
            "labels": list(self.labels),
            "legend": list(self.legend),
            "caption": list(self.caption),
        }


# --- d3's linear scale: nice domain and ticks (d3-array 3, as bundled in Vega 5) -------------

_E10, _E5, _E2 = math.sqrt(50), math.sqrt(10), math.sqrt(2)


def _tick_spec(start: float, stop: float, count: float) -> tuple[int, int, float]:
    step = (stop - start) / max(0.0, count)
    power = math.floor(math.log10(step))
    error = step / 10**power
    factor = 10 if error >= _E10 else 5 if error >= _E5 else 2 if error >= _E2 else 1
    if power < 0:
        inc = 10 ** (-power) / factor
        i1, i2 = _round(start * inc), _round(stop * inc)
        if i1 / inc < start:
            i1 += 1
        if i2 / inc > stop:
            i2 -= 1
        inc = -inc
    else:
        inc = 10**power * factor
        i1, i2 = _round(start / inc), _round(stop / inc)
        if i1 * inc < start:
            i1 += 1
        if i2 * inc > stop:
            i2 -= 1
    if i2 < i1 and 0.5 <= count < 2:
        return _tick_spec(start, stop, count * 2)
    return i1, i2, inc


def _round(x: float) -> int:
    """JavaScript's Math.round: halves go up (Python's round goes to even)."""
    return math.floor(x + 0.5)


def ticks(start: float, stop: float, count: int) -> list[float]:
    """d3.ticks for ``start <= stop``."""
    if count <= 0:
        return []
    if start == stop:
        return [start]
    i1, i2, inc = _tick_spec(start, stop, count)
    if i2 < i1:
        return []
    if inc < 0:
        return [(i1 + i) / -inc for i in range(i2 - i1 + 1)]
    return [(i1 + i) * inc for i in range(i2 - i1 + 1)]


def nice(start: float, stop: float, count: int = 10) -> tuple[float, float]:
    """d3's linear ``scale.nice(count)`` for ``start <= stop``."""
    previous = None
    for _ in range(10):
        if start == stop:
            break
        step = _tick_spec(start, stop, count)[2]
        if step == previous:
            break
        if step > 0:
            start, stop = math.floor(start / step) * step, math.ceil(stop / step) * step
        elif step < 0:
            start, stop = math.ceil(start * step) / step, math.floor(stop * step) / step
        else:
            break
        previous = step
    return start, stop


# --- The chart ----------------------------------------------------------------------------------


def _text_width(text: str) -> float:
    return len(text) * CHAR_EM * FONT_SIZE


def _layers(spec: Spec) -> list[Spec]:
    return [layer for layer in spec.get("layer", []) if isinstance(layer, dict)]


def _mark(layer: Spec) -> str:
    mark = layer.get("mark")
    return str(mark.get("type") if isinstance(mark, dict) else mark)


def _scale(spec: Spec, channel: str) -> tuple[list[str], list[str]]:
    """The domain and range of the colour or shape scale the page's layers share."""
    for layer in _layers(spec):
        found = layer.get("encoding", {}).get(channel)
        if isinstance(found, dict) and "scale" in found:
            return list(found["scale"]["domain"]), list(found["scale"]["range"])
    return [], []


def _caption(spec: Spec, series: IndicatorSeries) -> tuple[str, ...]:
    """The page's subtitle lines but the source (printed under the chart in the report)."""
    title = spec.get("title")
    subtitle = title.get("subtitle", []) if isinstance(title, dict) else []
    lines = [subtitle] if isinstance(subtitle, str) else list(subtitle)
    attribution = series.indicator.attribution
    return tuple(str(line) for line in lines if line and str(line) != attribution)


def line_plot(spec: Spec, series: IndicatorSeries) -> Plot:
    """The page's line chart (``charts.line_chart`` for these areas) laid out for the report."""
    rows: list[Row] = list(spec["data"]["values"])
    layers = _layers(spec)
    banded = any(_mark(layer) == "area" for layer in layers)
    codes = [a.code for a in series.areas]
    names, colours = _scale(spec, "color")
    _shape_names, shapes = _scale(spec, "shape")
    # By the area's place among the chart's areas: two areas of one name (Oslo the kommune and
    # Oslo the county) keep their own colour and shape.
    colour = {c: colours[i % len(colours)] for i, c in enumerate(codes)} if colours else {}
    shape = {c: shapes[i % len(shapes)] for i, c in enumerate(codes)} if shapes else {}
    present = {r["periode"] for r in rows}
    periods = [p for p in series.periods if p in present]

    values = [r["verdi"] for r in rows if r["verdi"] is not None]
    values += [r["etikett"] for r in rows if r.get("siste") and r.get("etikett") is not None]
    if banded:
        values += [r[k] for r in rows for k in ("nedre", "ovre") if r.get(k) is not None]
    low, high = nice(min([0.0, *values]), max([0.0, *values]))
    page_height = SIZES[SizePreset.SMALL][1]
    decimals = series.indicator.decimals
    y_values = ticks(low, high, math.ceil(page_height / 40))
    y_labels = [number(v, decimals) for v in y_values]

    ends = [r for r in rows if r.get("siste") and r["verdi"] is not None]
    right = max([_text_width(str(r["omrade"])) + 6 for r in ends], default=4.0)
    left = max([_text_width(t) for t in y_labels], default=0.0) + TICK_GAP + FONT_SIZE * 1.6
    many = len(periods) > 6
    longest = max([_text_width(p) for p in periods], default=0.0)
    bottom = longest * math.sin(math.radians(40)) + FONT_SIZE * 1.4 if many else FONT_SIZE * 1.8
    top = FONT_SIZE
    plot_width = WIDTH - left - right
    at = _Frame(tuple(periods), left, top, plot_width / max(1, len(periods)), low, high)
    x, y = at.x, at.y
    step = at.step

    # Vega hides labels that would overlap (``labelOverlap``): keep every k-th.
    room = FONT_SIZE * 1.5 if many else longest + FONT_SIZE
    every = max(1, math.ceil(room / step)) if step > 0 else 1
    x_ticks = tuple(Tick(x(p), p) for i, p in enumerate(periods) if i % every == 0)

    return Plot(
        width=WIDTH,
        height=top + PLOT_HEIGHT + bottom,
        left=left,
        top=top,
        plot_width=plot_width,
        plot_height=PLOT_HEIGHT,
        y_title=str(spec_y_title(spec)),
        y_ticks=tuple(Tick(y(v), t) for v, t in zip(y_values, y_labels, strict=True)),
        x_ticks=x_ticks,
        x_angle=-40.0 if many else 0.0,
        bands=tuple(_bands(rows, codes, colour, at)) if banded else (),
        lines=tuple(_lines(rows, codes, colour, at)),
        points=tuple(
            {
                "x": x(r["periode"]),
                "y": y(r["verdi"]),
                "colour": colour.get(r["kode"], "#1E2B3C"),
                "shape": shape.get(r["kode"], "circle"),
                "hollow": bool(r.get("merknad")),
                "size": math.sqrt(55) * PX,
            }
            for r in rows
            if r["verdi"] is not None
        ),
        labels=tuple(
            {"x": x(r["periode"]) + 7 * PX, "y": y(r["etikett"]), "text": str(r["omrade"])}
            for r in ends
        ),
        legend=tuple(
            {"name": name, "colour": colour.get(code, ""), "shape": shape.get(code, "circle")}
            for code, name in zip(codes, names, strict=False)
        ),
        caption=_caption(spec, series),
    )


def spec_y_title(spec: Spec) -> str:
    """The page's y axis title (the indicator's unit)."""
    for layer in _layers(spec):
        found = layer.get("encoding", {}).get("y")
        if isinstance(found, dict) and found.get("title"):
            return str(found["title"])
    return ""


@dataclass(frozen=True, slots=True)
class _Frame:
    """Where a period and a value are drawn: Vega's point scale (padding 0.5) across, the
    linear scale from the nice domain down."""

    periods: tuple[str, ...]
    left: float
    top: float
    step: float
    low: float
    high: float

    def x(self, period: str) -> float:
        return self.left + self.step * (self.periods.index(period) + 0.5)

    def y(self, value: float) -> float:
        span = self.high - self.low or 1.0
        return self.top + PLOT_HEIGHT * (1 - (value - self.low) / span)


Row = dict[str, Any]


def _runs(
    rows: Sequence[Row], codes: Sequence[str], at: _Frame, fields: Sequence[str]
) -> list[tuple[str, list[Row]]]:
    """Each area's rows in period order, cut where a field is missing and at a declared break
    (the page draws one line per area and side of a break, broken at missing values)."""
    runs: list[tuple[str, list[dict[str, Any]]]] = []
    for code in codes:
        mine = sorted(
            (r for r in rows if r["kode"] == code), key=lambda r: at.periods.index(r["periode"])
        )
        current: list[Row] = []
        side = None
        for r in mine:
            if any(r.get(f) is None for f in fields) or (current and r.get("del") != side):
                if current:
                    runs.append((code, current))
                current = []
            if all(r.get(f) is not None for f in fields):
                current.append(r)
                side = r.get("del")
        if current:
            runs.append((code, current))
    return runs


def _lines(
    rows: Sequence[Row], codes: Sequence[str], colour: dict[str, str], at: _Frame
) -> list[Row]:
    out = []
    for code, run in _runs(rows, codes, at, ["verdi"]):
        if len(run) < 2:
            continue  # a single point is drawn as a point, as on the page
        highlighted = bool(run[0].get("fremhevet"))
        out.append(
            {
                "colour": colour.get(code, "#1E2B3C"),
                "width": LINE_WIDTHS[highlighted] * PX,
                "points": [[at.x(r["periode"]), at.y(r["verdi"])] for r in run],
            }
        )
    return out


def _bands(
    rows: Sequence[Row], codes: Sequence[str], colour: dict[str, str], at: _Frame
) -> list[Row]:
    out = []
    for code, run in _runs(rows, codes, at, ["nedre", "ovre"]):
        if len(run) < 2:
            continue  # an area of one point has no width
        upper = [[at.x(r["periode"]), at.y(r["ovre"])] for r in run]
        lower = [[at.x(r["periode"]), at.y(r["nedre"])] for r in reversed(run)]
        out.append({"colour": colour.get(code, "#1E2B3C"), "points": upper + lower})
    return out
