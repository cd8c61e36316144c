"""Line over time (with interval bands) and bars for one period, for chosen areas.

Meaning never rests on colour alone: lines carry point shapes and a name label at their last
point; bars are named on the axis, with the highlighted areas in bold; suppressed or missing
values are written out with their symbol instead of being drawn as 0. A break the catalogue
declares is never bridged by a line, and a value with a note (``flags``) is a hollow point; both
are explained under the subtitle.
"""

from __future__ import annotations

import math
from typing import Any

from oppvekst.charts.options import (
    CATEGORICAL,
    MUTED,
    SIZES,
    ChartOptions,
    Spec,
    frame,
    number_format,
)
from oppvekst.language import _
from oppvekst.snapshot.table import FLAG_BY_CODE, FLAG_SEPARATOR, flag_codes
from oppvekst.views.indicator import IndicatorSeries, category_label

SHAPES = ("circle", "square", "triangle-up", "diamond", "cross", "triangle-down", "triangle-right")


def _colours(names: list[str], codes: list[str], options: ChartOptions) -> list[str]:
    palette = CATEGORICAL[options.palette]
    out = []
    for i, code in enumerate(codes):
        if options.greys_others and code not in options.highlight:
            out.append(MUTED)
        elif options.accent and options.highlight and code == options.highlight[0]:
            out.append(options.highlight_colour)
        else:
            out.append(palette[i % len(palette)])
    return out


def _rows(series: IndicatorSeries, options: ChartOptions) -> list[dict[str, Any]]:
    last: dict[str, tuple[int, str]] = {}
    for p in series.points:
        if p.value is not None and (
            p.region not in last or (p.period_end, p.period) > last[p.region]
        ):
            last[p.region] = (p.period_end, p.period)
    ind = series.indicator
    return [
        {
            "kode": p.region,
            "omrade": p.name,
            "periode": p.period,
            "verdi": p.value,
            "nedre": p.lower95,
            "ovre": p.upper95,
            "symbol": p.status or "",
            "fremhevet": p.region in options.highlight,
            "siste": last.get(p.region) == (p.period_end, p.period),
            "del": ind.side_of_breaks(p.period_start),
            "merknad": _flag_text(p.flags),
            "flagg": FLAG_SEPARATOR.join(c for c in flag_codes(p.flags) if c in FLAG_BY_CODE),
        }
        for p in series.points
    ]


HIGHLIGHTED = "fremhevede_omrader"  # the bar chart's parameter: the highlighted areas' names
# The least vertical distance between two end labels, in pixels (an 11 px font and some air).
LABEL_GAP_PX = 14


def _place_end_labels(rows: list[dict[str, Any]], height: int) -> None:
    """Give each line's end label a height (``etikett``) at least one label apart from the others.

    Lines that end close together (Norway, Vestland and Bergen at 96 % on a 0–100 axis) would
    otherwise print their names on top of each other. The axis starts at zero and ends near the
    largest value or upper limit, so a pixel is about that span / the plot's height.
    """
    ends = sorted((r for r in rows if r["siste"] and r["verdi"] is not None), key=_end_value)
    tops = [v for r in rows for v in (r["verdi"], r["ovre"]) if v is not None]
    span = _nice(max([*tops, 0.0])) - min([*tops, 0.0])
    gap = span * LABEL_GAP_PX / height if span > 0 else 0.0
    previous: float | None = None
    for r in ends:
        place = r["verdi"] if previous is None else max(r["verdi"], previous + gap)
        r["etikett"] = previous = place
    for r in rows:
        r.setdefault("etikett", r["verdi"])


def _nice(top: float) -> float:
    """About where Vega's «nice» axis ends above ``top`` (96.1 → 100), in half-decades."""
    if top <= 0:
        return top
    step = 5 * 10 ** (math.floor(math.log10(top)) - 1)
    return float(math.ceil(top / step) * step)


def _end_value(row: dict[str, Any]) -> float:
    return float(row["verdi"])


def _flag_text(flags: str | None) -> str:
    known = [FLAG_BY_CODE[c] for c in flag_codes(flags) if c in FLAG_BY_CODE]
    return "; ".join(f"{flag.mark}: {flag.label}" for flag in known)


def _marks(series: IndicatorSeries, rows: list[dict[str, Any]]) -> list[str]:
    """The chart's own explanations: declared breaks inside the periods shown, hollow points."""
    sides = {r["del"] for r in rows if r["verdi"] is not None}
    out = [
        _("Brudd i serien fra {year}: linjen er ikke trukket over bruddet.").format(year=b.year)
        for n, b in enumerate(series.indicator.comparability_breaks, start=1)
        if {n - 1, n} <= sides
    ]
    flagged = {c for r in rows if r["verdi"] is not None for c in flag_codes(r["flagg"])}
    if flagged:
        notes = [FLAG_BY_CODE[f].short for f in sorted(flagged)]
        out.append(_("Åpne punkter: {notes}.").format(notes="; ".join(notes)))
    return out


def _with_titles(series: IndicatorSeries, options: ChartOptions, kind: str) -> ChartOptions:
    ind = series.indicator
    # The group as the page's breakdown form names it («Jenter», «0–5 år»), not its code.
    breakdown = ", ".join(category_label(column, v) for column, v in series.breakdown)
    unit = f"{ind.unit[:1].upper()}{ind.unit[1:]}"
    subtitle = unit + (f" · {breakdown}" if breakdown else "")
    return options.with_defaults(
        f"{ind.title}{kind}", subtitle, ind.attribution, keep=[unit], synthetic=series.synthetic
    )


def line_chart(series: IndicatorSeries, options: ChartOptions) -> Spec:
    """Development over time; 95 % intervals as bands where they exist and the reader wants them."""
    options = _with_titles(series, options, "")
    title = options.title or ""
    fmt = number_format(series.indicator.decimals)
    names = [a.name for a in series.areas]
    codes = [a.code for a in series.areas]
    colour = {
        "field": "omrade",
        "type": "nominal",
        "title": None,
        "scale": {"domain": names, "range": _colours(names, codes, options)},
        "legend": {"orient": "bottom", "direction": "horizontal", "columns": 3},
    }
    x = {
        "field": "periode",
        "type": "ordinal",
        "sort": list(series.periods),
        "title": None,
        "axis": {"labelAngle": -40 if len(series.periods) > 6 else 0, "labelOverlap": "greedy"},
    }
    y = {
        "field": "verdi",
        "type": "quantitative",
        "title": series.indicator.unit,
        "axis": {"format": fmt},
    }
    tooltip = [
        {"field": "omrade", "title": _("Område")},
        {"field": "periode", "title": _("Periode")},
        {"field": "verdi", "title": _("Verdi"), "format": fmt, "type": "quantitative"},
    ]
    rows = _rows(series, options)
    _place_end_labels(rows, SIZES[options.size][1])
    marks = _marks(series, rows)
    broken = any(r["del"] for r in rows)
    flagged = any(r["merknad"] and r["verdi"] is not None for r in rows)
    # Each side of a declared break is its own line and band: nothing is drawn across it.
    detail: Spec | list[Spec] = (
        [{"field": "kode"}, {"field": "del"}] if broken else {"field": "kode"}
    )
    layers: list[Spec] = []
    if options.show_intervals and series.has_intervals:
        tooltip += [
            {"field": "nedre", "title": _("Nedre 95 %"), "format": fmt, "type": "quantitative"},
            {"field": "ovre", "title": _("Øvre 95 %"), "format": fmt, "type": "quantitative"},
        ]
        layers.append(
            {
                "mark": {"type": "area", "opacity": 0.18},
                "encoding": {
                    "x": x,
                    "y": {"field": "nedre", "type": "quantitative"},
                    "y2": {"field": "ovre"},
                    "color": colour,
                    **({"detail": detail} if broken else {}),
                },
            }
        )
    if flagged:
        tooltip.append({"field": "merknad", "title": _("Merknad")})
    shape = {
        "field": "omrade",
        "type": "nominal",
        "scale": {
            "domain": names,
            "range": [SHAPES[i % len(SHAPES)] for i in range(len(names))],
        },
        # The same legend as the colour: one legend, each area with its colour AND
        # its shape (told apart without colour; a disabled one conflicted with it).
        "legend": colour["legend"],
    }
    points: Spec = {
        "mark": {"type": "point", "filled": True, "size": 55},
        "encoding": {"x": x, "y": y, "color": colour, "shape": shape, "tooltip": tooltip},
    }
    layers += [
        {
            "mark": {"type": "line", "invalid": "break-paths-show-domains"},
            "encoding": {
                "x": x,
                "y": y,
                "color": colour,
                "strokeWidth": {
                    "condition": {"test": "datum.fremhevet", "value": 3.5},
                    "value": 1.8,
                },
                "detail": detail,
            },
        },
    ]
    # A value with a note is a hollow point, the others stay filled. A layer is added only when it
    # has points: an empty one makes Vega warn of an infinite extent (all values aggregated).
    plain = any(r["verdi"] is not None and not r["merknad"] for r in rows)
    if plain or not flagged:
        layers.append(points)
    if flagged:
        points["transform"] = [{"filter": "!datum.merknad"}]
        layers.append(
            {
                "transform": [{"filter": "datum.merknad"}],
                "mark": {"type": "point", "filled": False, "size": 55, "strokeWidth": 1.6},
                "encoding": {"x": x, "y": y, "color": colour, "shape": shape, "tooltip": tooltip},
            }
        )
    layers += [
        {
            "transform": [{"filter": "datum.siste"}],
            "mark": {"type": "text", "align": "left", "dx": 7, "fontSize": 11},
            "encoding": {
                "x": x,
                "y": {**y, "field": "etikett"},
                "text": {"field": "omrade"},
                "color": {"value": "#1E2B3C"},
            },
        },
    ]
    return frame(
        {"data": {"values": rows}, "layer": layers},
        options,
        " ".join([_("Linjediagram: {title}.").format(title=title), *series.summary, *marks]),
        marks,
    )


def bar_chart(series: IndicatorSeries, options: ChartOptions, period: str | None = None) -> Spec:
    """One period (the latest by default), one bar per area with its 95 % interval as a whisker."""
    period = period or series.latest_period or (series.periods[-1] if series.periods else "")
    options = _with_titles(series, options, f", {period}")
    title = options.title or ""
    fmt = number_format(series.indicator.decimals)
    rows = [r for r in _rows(series, options) if r["periode"] == period]
    # Areas with no row at all still get a line saying so.
    present = {r["kode"] for r in rows}
    for area in series.areas:
        if area.code not in present:
            rows.append(
                {
                    "kode": area.code,
                    "omrade": area.name,
                    "periode": period,
                    "verdi": None,
                    "nedre": None,
                    "ovre": None,
                    "symbol": "..",
                    "fremhevet": area.code in options.highlight,
                    "siste": False,
                }
            )
    for r in rows:
        r["visning"] = r["symbol"] if r["verdi"] is None else None
    highlight_names = [r["omrade"] for r in rows if r["fremhevet"]]
    y = {
        "field": "omrade",
        "type": "nominal",
        "title": None,
        "sort": [a.name for a in series.areas],
        "axis": {
            "labelFontWeight": {
                "condition": {
                    "test": f"indexof({HIGHLIGHTED}, datum.value) >= 0",
                    "value": "bold",
                },
                "value": "normal",
            },
            "labelLimit": 200,
        },
    }
    x = {
        "field": "verdi",
        "type": "quantitative",
        "title": series.indicator.unit,
        "axis": {"format": fmt},
    }
    layers: list[Spec] = [
        {
            "mark": {"type": "bar", "height": {"band": 0.7}},
            "encoding": {
                "y": y,
                "x": x,
                "color": {
                    "condition": {"test": "datum.fremhevet", "value": options.highlight_colour},
                    "value": MUTED if options.greys_others else "#7FA7CF",
                },
                "tooltip": [
                    {"field": "omrade", "title": _("Område")},
                    {"field": "verdi", "title": _("Verdi"), "format": fmt, "type": "quantitative"},
                    {
                        "field": "nedre",
                        "title": _("Nedre 95 %"),
                        "format": fmt,
                        "type": "quantitative",
                    },
                    {
                        "field": "ovre",
                        "title": _("Øvre 95 %"),
                        "format": fmt,
                        "type": "quantitative",
                    },
                ],
            },
        },
        {
            "transform": [{"filter": "datum.verdi != null"}],
            "mark": {"type": "text", "align": "left", "dx": 4, "fontSize": 11},
            "encoding": {
                "y": y,
                "x": x,
                "text": {"field": "verdi", "format": fmt, "type": "quantitative"},
            },
        },
        {
            "transform": [{"filter": "datum.verdi == null"}],
            "mark": {"type": "text", "align": "left", "dx": 4, "fontSize": 11},
            "encoding": {
                "y": y,
                "x": {"datum": 0, "type": "quantitative"},
                "text": {"field": "visning"},
            },
        },
    ]
    if options.show_intervals and any(r["nedre"] is not None for r in rows):
        layers.insert(
            1,
            {
                "transform": [{"filter": "datum.nedre != null"}],
                "mark": {"type": "rule", "color": "#1E2B3C", "strokeWidth": 1.5},
                "encoding": {
                    "y": y,
                    "x": {"field": "nedre", "type": "quantitative"},
                    "x2": {"field": "ovre"},
                },
            },
        )
    spec = frame(
        {"data": {"values": rows}, "layer": layers},
        options,
        _("Stolpediagram: {title}.").format(title=title),
    )
    # The highlighted names as a parameter, not written into the expression: a name stays a
    # value of its own (no quote in it can break the expression), and the report's compiled
    # chart shapes (``reports.templates``) are shared by every area instead of one per area.
    spec["params"] = [*spec.get("params", []), {"name": HIGHLIGHTED, "value": highlight_names}]
    if options.size.value == "skjerm":
        spec["height"] = {"step": 26}
    return spec


def dot_chart(series: IndicatorSeries, options: ChartOptions, period: str | None = None) -> Spec:
    """One period as dots on a shared axis: the bar chart's data, labels and whiskers, but a dot
    per area, which reads better when the values lie far from zero."""
    spec = bar_chart(series, options, period)
    bars = spec["layer"][0]
    bars["mark"] = {"type": "point", "filled": True, "size": 140, "opacity": 1, "aria": False}
    bars["encoding"]["shape"] = {
        "condition": {"test": "datum.fremhevet", "value": "diamond"},
        "value": "circle",
    }
    for layer in spec["layer"]:
        if layer["mark"].get("type") == "text":
            layer["mark"]["dx"] = 10
    spec["description"] = spec["description"].replace("Stolpediagram", "Prikkdiagram", 1)
    return spec
