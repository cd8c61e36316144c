"""Scatter of two indicators across kommuner: own municipality and chosen group highlighted.

Roles differ in shape and size as well as colour; the own municipality and the group are named
on the chart. The regression line is drawn only when the crossing says it is meaningful
(R² ≥ 0.15). Each point links to that municipality's profile (Vega's ``href`` channel), so a
click opens it without any script of ours.
"""

from __future__ import annotations

from collections.abc import Mapping

from oppvekst.charts.options import (
    CATEGORICAL,
    ChartOptions,
    Spec,
    frame,
    number_format,
)
from oppvekst.glossary import N_, Glossary
from oppvekst.language import _, url
from oppvekst.views.cross import CrossView
from oppvekst.views.numbers import NBSP, number

SIZES = {"egen": 220, "gruppe": 90, "andre": 28}  # point area in px² per role
ROLE_LABELS: Mapping[str, str] = Glossary(
    {"egen": N_("Egen kommune"), "gruppe": N_("Valgt gruppe"), "andre": N_("Andre kommuner")}
)
DRAW_ORDER = {"andre": 0, "gruppe": 1, "egen": 2}


def _r(x: float) -> str:
    return number(x, 2, thousands=NBSP)


def scatter_chart(view: CrossView, options: ChartOptions) -> Spec:
    palette = CATEGORICAL[options.palette]
    x, y = view.x, view.y
    title = _("{y} og {x}, {year}").format(y=y.short_title, x=x.short_title, year=view.year)
    stats = f"r = {_r(view.result.pearson)}, R² = {_r(view.result.r2)}, n = {view.result.n}"
    options = options.with_defaults(
        title,
        stats,
        _("Sammenhengen gjelder kommunene, ikke enkeltbarn."),
        synthetic=view.synthetic,
    )
    roles = [r for r in ("egen", "gruppe", "andre") if any(p.role == r for p in view.points)]
    rows = sorted(
        (
            {
                "kode": p.code,
                "navn": p.name,
                "x": p.x,
                "y": p.y,
                "rolle": ROLE_LABELS[p.role],
                "merket": p.role != "andre",
                "lenke": url(f"/kommune/{p.code}"),  # in the reader's language
                "orden": DRAW_ORDER[p.role],
                "storrelse": SIZES[p.role],
            }
            for p in view.points
        ),
        key=lambda r: (r["orden"], r["navn"]),
    )
    fx, fy = number_format(x.decimals), number_format(y.decimals)
    ex = {
        "field": "x",
        "type": "quantitative",
        "title": f"{x.short_title} ({x.unit})",
        "axis": {"format": fx},
        "scale": {"zero": False},
    }
    ey = {
        "field": "y",
        "type": "quantitative",
        "title": f"{y.short_title} ({y.unit})",
        "axis": {"format": fy},
        "scale": {"zero": False},
    }
    colours = {"egen": options.highlight_colour, "gruppe": palette[1], "andre": "#9AA5B1"}
    shapes = {"egen": "circle", "gruppe": "diamond", "andre": "circle"}
    domain = [ROLE_LABELS[r] for r in roles]
    layers: list[Spec] = [
        {
            "mark": {"type": "point", "filled": True, "opacity": 0.85, "cursor": "pointer"},
            "encoding": {
                "x": ex,
                "y": ey,
                "color": {
                    "field": "rolle",
                    "type": "nominal",
                    "title": None,
                    "scale": {"domain": domain, "range": [colours[r] for r in roles]},
                },
                "shape": {
                    "field": "rolle",
                    "type": "nominal",
                    "scale": {"domain": domain, "range": [shapes[r] for r in roles]},
                },
                # Sizes are data, not a scale: a size scale over a nominal field with one role
                # in it drew every point with a NaN path (nothing on the default /krysse).
                "size": {"field": "storrelse", "type": "quantitative", "scale": None},
                "stroke": {
                    "condition": {"test": "datum.orden == 2", "value": "#000000"},
                    "value": None,
                },
                "strokeWidth": {"value": 1.5},
                "order": {"field": "orden", "type": "quantitative"},
                "href": {"field": "lenke"},
                "tooltip": [
                    {"field": "navn", "title": _("Kommune")},
                    {"field": "x", "title": x.short_title, "format": fx, "type": "quantitative"},
                    {"field": "y", "title": y.short_title, "format": fy, "type": "quantitative"},
                    {"field": "rolle", "title": _("Rolle")},
                ],
            },
        },
    ]
    # Name labels only for roles that are there: a layer filtered to nothing makes Vega warn of
    # an infinite extent.
    if any(r["orden"] == 1 for r in rows):
        layers.append(
            {
                "transform": [{"filter": "datum.orden == 1"}],
                "mark": {"type": "text", "align": "left", "dx": 8, "dy": -6, "fontSize": 11},
                "encoding": {"x": ex, "y": ey, "text": {"field": "navn"}},
            }
        )
    if any(r["orden"] == 2 for r in rows):
        layers.append(
            {
                "transform": [{"filter": "datum.orden == 2"}],
                "mark": {
                    "type": "text",
                    "align": "left",
                    "dx": 10,
                    "dy": -8,
                    "fontSize": 13,
                    "fontWeight": "bold",
                },
                "encoding": {"x": ex, "y": ey, "text": {"field": "navn"}},
            }
        )
    if view.result.show_line and rows:
        xs = [p.x for p in view.points]
        lo, hi = min(xs), max(xs)
        a, b = view.result.intercept, view.result.slope
        layers.insert(
            0,
            {
                "data": {"values": [{"x": lo, "y": a + b * lo}, {"x": hi, "y": a + b * hi}]},
                "mark": {
                    "type": "line",
                    "color": "#1E2B3C",
                    "strokeDash": [6, 4],
                    "strokeWidth": 1.5,
                },
                "encoding": {"x": ex, "y": ey},
            },
        )
    spec = frame(
        {"data": {"values": rows}, "layer": layers},
        options,
        _("Punktdiagram: {title}.").format(title=title) + f" {view.sentence}",
    )
    if options.size.value == "skjerm":
        spec["height"] = 420
    return spec
