"""The report's line chart over time, laid out here and drawn by Typst itself.

The chart is the indicator page's own (``charts.line_chart``): the same rows, colours, shapes,
hollow points, breaks, interval bands, end labels and y axis. This module only reads that spec
and places it on the report's chart column in points (a ``reports.scene.Scene``); the template
paints the scene with Typst's own lines, polygons and text. Drawing it with Vega in a worker cost
~20 ms of CPU a chart and Typst another ~5 ms to read the SVG back: for every report of the
country, about two minutes of CPU for the line charts alone. Painted by Typst the chart costs
about two milliseconds, its text is set in the report's font, and a screen reader gets the
chart's summary as the figure's alternative text.

The y axis is Vega's (``reports.scale``), so the report's ticks are the page's ticks; the
numbers on it come from ``views.numbers.number``, as every other number in the report. The
chart's title is the heading beside it, and the source stands under it; what else the page's
subtitle says (unit, demo values, breaks, hollow points) is the figure's caption.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from oppvekst.charts.options import SIZES, SizePreset, Spec
from oppvekst.reports.page_spec import (
    axis_title,
    caption,
    encoding_of,
    grid,
    ink,
    mark_of,
)
from oppvekst.reports.scale import (
    AXIS,
    FONT_SIZE,
    PX,
    TICK_GAP,
    WIDTH,
    text_width,
    tick_count,
    ticks,
    zero_based,
)
from oppvekst.reports.scene import Anchor, Key, Mark, Polygon, Polyline, Rule, Scene, Text
from oppvekst.views.indicator import IndicatorSeries
from oppvekst.views.numbers import number

PLOT_HEIGHT = 150.0  # points
VEGA_POINT_SIZE = 30.0  # Vega-Lite's default symbol area, in square pixels
POINT_OPACITY = 0.7  # Vega-Lite's default for a filled point mark
Row = dict[str, Any]


def _scale(spec: Spec, channel: str) -> list[str]:
    """The range of the colour or shape scale the page's layers share."""
    return list(encoding_of(spec, channel, "scale").get("scale", {}).get("range", []))


def line_scene(spec: Spec, series: IndicatorSeries) -> Scene:
    """The page's line chart (``charts.line_chart`` for these areas) laid out for the report."""
    rows: list[Row] = list(spec["data"]["values"])
    band = mark_of(spec, "area")  # the page's interval bands, where the reader wants them
    codes = [a.code for a in series.areas]
    colours, shapes = _scale(spec, "color"), _scale(spec, "shape")
    # By the area's place among the chart's areas: two areas of one name (Oslo the kommune and
    # Oslo the county) keep their own colour and shape.
    colour = {c: colours[i % len(colours)] if colours else ink(spec) for i, c in enumerate(codes)}
    shape = {c: shapes[i % len(shapes)] if shapes else "circle" for i, c in enumerate(codes)}
    present = {r["periode"] for r in rows}
    periods = tuple(p for p in series.periods if p in present)

    values = [r["verdi"] for r in rows if r["verdi"] is not None]
    values += [r["etikett"] for r in rows if r.get("siste") and r.get("etikett") is not None]
    if band:
        values += [r[k] for r in rows for k in ("nedre", "ovre") if r.get(k) is not None]
    low, high = zero_based(values)
    y_values = ticks(low, high, tick_count(SIZES[SizePreset.SMALL][1]))
    y_labels = [number(v, series.indicator.decimals) for v in y_values]

    ends = [r for r in rows if r.get("siste") and r["verdi"] is not None]
    right = max([text_width(str(r["omrade"])) + 6 for r in ends], default=4.0)
    left = max([text_width(t) for t in y_labels], default=0.0) + TICK_GAP + FONT_SIZE * 1.6
    many = len(periods) > 6
    longest = max([text_width(p) for p in periods], default=0.0)
    bottom = longest * math.sin(math.radians(40)) + FONT_SIZE * 1.4 if many else FONT_SIZE * 1.8
    top = FONT_SIZE
    plot_width = WIDTH - left - right
    at = _Frame(periods, left, top, plot_width / max(1, len(periods)), low, high)
    base = top + PLOT_HEIGHT

    # Vega hides labels that would overlap (``labelOverlap``): keep every k-th.
    room = FONT_SIZE * 1.5 if many else longest + FONT_SIZE
    every = max(1, math.ceil(room / at.step)) if at.step > 0 else 1
    texts = [
        Text(left - TICK_GAP, at.y(v), label, "tick", "end")
        for v, label in zip(y_values, y_labels, strict=True)
    ]
    anchor: Anchor = "end" if many else "middle"  # turned labels end at their period
    angle = -40.0 if many else 0.0
    below = base + TICK_GAP + FONT_SIZE / 2
    texts += [
        Text(at.x(p), below, p, "category", anchor, angle)
        for i, p in enumerate(periods)
        if i % every == 0
    ]
    texts.append(
        Text(
            FONT_SIZE * 0.6,
            top + PLOT_HEIGHT / 2,
            axis_title(spec, "y"),
            "title",
            "middle",
            -90.0,
            muted=True,
        )
    )
    texts += [
        Text(at.x(r["periode"]) + 7 * PX, at.y(r["etikett"]), str(r["omrade"]), "name")
        for r in ends
    ]
    lines = [Rule(left, at.y(v), left + plot_width, at.y(v), grid(spec), 0.5) for v in y_values]
    size = math.sqrt(float(mark_of(spec, "point").get("size", VEGA_POINT_SIZE))) * PX
    return Scene(
        width=WIDTH,
        height=base + bottom,
        rules=(*lines, Rule(left, base, left + plot_width, base, AXIS, 0.6)),
        polygons=tuple(_bands(rows, codes, colour, at, float(band.get("opacity", 0.7))))
        if band
        else (),
        polylines=tuple(_lines(rows, codes, colour, at, _line_widths(spec))),
        marks=tuple(
            Mark(
                at.x(r["periode"]),
                at.y(r["verdi"]),
                shape[r["kode"]],
                colour[r["kode"]],
                size,
                bool(r.get("merknad")),
                POINT_OPACITY,
            )
            for r in rows
            if r["verdi"] is not None
        ),
        texts=tuple(texts),
        legend=tuple(Key(a.name, colour[a.code], shape[a.code]) for a in series.areas),
        caption=caption(spec, series),
    )


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


def _line_widths(spec: Spec) -> tuple[float, float]:
    """The page's plain and highlighted line widths, in pixels."""
    width = encoding_of(spec, "strokeWidth", "condition")
    if not width:
        return 2.0, 2.0
    return float(width["value"]), float(width["condition"]["value"])


def _lines(
    rows: Sequence[Row],
    codes: Sequence[str],
    colour: dict[str, str],
    at: _Frame,
    widths: tuple[float, float],
) -> list[Polyline]:
    out = []
    for code, run in _runs(rows, codes, at, ["verdi"]):
        if len(run) < 2:
            continue  # a single point is drawn as a point, as on the page
        highlighted = bool(run[0].get("fremhevet"))
        points = tuple((at.x(r["periode"]), at.y(r["verdi"])) for r in run)
        out.append(Polyline(colour[code], widths[highlighted] * PX, points))
    return out


def _bands(
    rows: Sequence[Row],
    codes: Sequence[str],
    colour: dict[str, str],
    at: _Frame,
    opacity: float,
) -> list[Polygon]:
    out = []
    for code, run in _runs(rows, codes, at, ["nedre", "ovre"]):
        if len(run) < 2:
            continue  # an area of one point has no width
        upper = [(at.x(r["periode"]), at.y(r["ovre"])) for r in run]
        lower = [(at.x(r["periode"]), at.y(r["nedre"])) for r in reversed(run)]
        out.append(Polygon(colour[code], opacity, tuple(upper + lower)))
    return out
