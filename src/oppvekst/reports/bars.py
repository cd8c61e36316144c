"""The report's bar chart for an indicator with one period, laid out here and drawn by Typst.

It is the indicator page's ``figur=stolper`` chart (``charts.bar_chart``): the same rows, one bar
per area in the page's order with the highlighted area in its colour and its name in bold, the
95 % interval as a whisker, the value at the bar's end and, for an area without a value, its
symbol where the bar would start. The value axis is Vega's (``reports.scale``): tests compare its
ticks with Vega's scene graph. Like ``reports.lines`` this turns the page's spec into a
``reports.scene.Scene``; the template paints it.
"""

from __future__ import annotations

from typing import Any

from oppvekst.charts.options import SIZES, SizePreset, Spec
from oppvekst.reports.page_spec import axis_title, caption, encoding_of, grid, ink, mark_of
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
from oppvekst.reports.scene import Polyline, Rect, Rule, Scene, Text
from oppvekst.views.indicator import IndicatorSeries
from oppvekst.views.numbers import number

BAND = 22.0  # points per area: the page's small chart gives each of 3 areas 87 px, too much
BAR = 0.7  # of the band, as the page's ``height: {band: 0.7}``
BOLD = 1.08  # a bold label is about this much wider
OTHER = "#7FA7CF"  # the page's colour of an area not highlighted


def _colours(spec: Spec) -> tuple[str, str]:
    """The page's colour of the highlighted bars and of the others."""
    colour = encoding_of(spec, "color", "condition")
    if not colour:
        return ink(spec), OTHER
    return str(colour["condition"]["value"]), str(colour.get("value", OTHER))


def bar_scene(spec: Spec, series: IndicatorSeries) -> Scene:
    """The page's bar chart (``charts.bar_chart`` for these areas) laid out for the report."""
    by_code: dict[str, dict[str, Any]] = {r["kode"]: r for r in spec["data"]["values"]}
    rows = [by_code[a.code] for a in series.areas if a.code in by_code]
    decimals = series.indicator.decimals
    values = [r[k] for r in rows for k in ("verdi", "nedre", "ovre") if r.get(k) is not None]
    low, high = zero_based(values)
    x_values = ticks(low, high, tick_count(int(SIZES[SizePreset.SMALL][0])))
    x_labels = [number(v, decimals) for v in x_values]
    shown = [r for r in rows if r["verdi"] is not None]
    right = max([text_width(number(r["verdi"], decimals)) + 6 for r in shown], default=0.0)
    right = max(right, text_width(x_labels[-1]) / 2 if x_labels else 0.0)
    left = max([text_width(str(r["omrade"])) * BOLD for r in rows], default=0.0) + TICK_GAP * 2
    plot_width = WIDTH - left - right
    top = FONT_SIZE / 2
    base = top + BAND * len(rows)
    span = high - low or 1.0

    def x(value: float) -> float:
        return left + plot_width * (value - low) / span

    highlighted, other = _colours(spec)
    whisker = mark_of(spec, "rule")  # the page's interval layer: the reader may hide it
    rects: list[Rect] = []
    texts: list[Text] = []
    whiskers: list[Polyline] = []
    for i, r in enumerate(rows):
        middle = top + BAND * (i + 0.5)
        bold = bool(r.get("fremhevet"))
        texts.append(
            Text(left - TICK_GAP * 2, middle, str(r["omrade"]), "category", "end", 0.0, bold)
        )
        if r["verdi"] is None:
            texts.append(Text(x(0) + 4 * PX, middle, str(r.get("visning") or ""), "value"))
            continue
        start, end = sorted((x(0), x(r["verdi"])))
        height = BAND * BAR
        rects.append(
            Rect(start, middle - height / 2, end - start, height, highlighted if bold else other)
        )
        texts.append(Text(end + 4 * PX, middle, number(r["verdi"], decimals), "value"))
        if whisker and r.get("nedre") is not None and r.get("ovre") is not None:
            ends = ((x(r["nedre"]), middle), (x(r["ovre"]), middle))
            width = float(whisker.get("strokeWidth", 1.0)) * PX
            # A polyline, painted after the bars: the whisker lies over its bar, as on the page.
            whiskers.append(Polyline(str(whisker.get("color", ink(spec))), width, ends))
    # Vega hides every other label while neighbours overlap (``labelOverlap: parity``).
    every = 1
    step = plot_width / max(1, len(x_values) - 1)
    widest = max([text_width(t) for t in x_labels], default=0.0) + FONT_SIZE
    while every < len(x_values) and step * every < widest:
        every *= 2
    ticks_shown = [
        Text(x(v), base + TICK_GAP + FONT_SIZE / 2, label, "tick", "middle")
        for i, (v, label) in enumerate(zip(x_values, x_labels, strict=True))
        if i % every == 0
    ]
    title = Text(
        left + plot_width / 2,
        base + FONT_SIZE * 3,
        axis_title(spec, "x"),
        "title",
        "middle",
        muted=True,
    )
    lines = [Rule(x(v), top, x(v), base, grid(spec), 0.5) for v in x_values]
    return Scene(
        width=WIDTH,
        height=base + FONT_SIZE * 4,
        rules=(*lines, Rule(x(0), top, x(0), base, AXIS, 0.6)),
        rects=tuple(rects),
        polylines=tuple(whiskers),
        texts=(*texts, *ticks_shown, title),
        caption=caption(spec, series),
    )
