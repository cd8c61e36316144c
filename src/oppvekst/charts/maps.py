"""Choropleth of kommuner (or Oslo's bydeler), restrictable to a county or a set of codes.

The boundaries are not inlined: the spec loads ``/kart/{level}.geojson`` (cached and gzipped by
the server) and joins the values by ``properties.code`` with a lookup transform. For server-side
rendering, pass the GeoJSON itself as ``geo`` and the spec inlines it.

Classes are computed here, in Python, so the legend, the table alternative and every download
agree: quantiles (equal counts), equal-width classes, or significance against the country.
Highlighted areas get a thick dark outline, so they are found without relying on colour.

«My county in colour» (``MapValues.focus``): the whole country is drawn, the focused fylke's areas
coloured by classes computed from their values alone, every other area grey with its own legend
entry, so the county's spread is not flattened by the country's.
"""

from __future__ import annotations

from dataclasses import replace
from itertools import pairwise
from typing import Any

import numpy as np

from oppvekst.charts.options import (
    MUTED,
    SIGNIFICANCE_STYLE,
    ChartOptions,
    Classification,
    Palette,
    Spec,
    frame,
    number_format,
)
from oppvekst.glossary import N_
from oppvekst.language import _
from oppvekst.views.maps import MapValues
from oppvekst.views.numbers import NBSP, number
from oppvekst.views.regions import RegionRef

MISSING_LABEL = N_("Mangler tall / skjult")  # translated at use
MISSING_COLOUR = "#FFFFFF"
OUTSIDE_COLOUR = MUTED  # the areas outside the focused fylke
# Seven-step sequential ramps (ColorBrewer Blues and Greys, viridis reversed so dark = high);
# the palest step is left out so a low class never looks like a missing one.
RAMPS: dict[Palette, tuple[str, ...]] = {
    Palette.OKABE_ITO: (
        "#DEEBF7",
        "#C6DBEF",
        "#9ECAE1",
        "#6BAED6",
        "#4292C6",
        "#2171B5",
        "#084594",
    ),
    Palette.TOL: ("#FDE725", "#90D743", "#35B779", "#21918C", "#31688E", "#443983", "#440154"),
    Palette.GREYS: ("#E0E0E0", "#BDBDBD", "#969696", "#737373", "#525252", "#363636", "#1A1A1A"),
}


def _fmt(x: float, decimals: int) -> str:
    return number(x, decimals, thousands=NBSP)


def classes(values: list[float], method: Classification, n: int) -> list[float]:
    """Class breaks (n + 1 edges, ascending, unique) for quantile or equal-width classes."""
    v = np.asarray(values, dtype=float)
    if v.size == 0:
        return []
    if method is Classification.EQUAL:
        edges = np.linspace(v.min(), v.max(), n + 1)
    else:
        edges = np.quantile(v, np.linspace(0.0, 1.0, n + 1))
    return sorted({float(e) for e in edges})


def classify(
    values: MapValues, options: ChartOptions
) -> tuple[dict[str, str], list[str], list[str]]:
    """(code → class label, labels in legend order, colours in the same order). With a focus,
    classes come from the focused rows only and every other area has the «outside» label."""
    decimals = values.indicator.decimals
    all_rows = values.rows
    values = replace(values, rows=values.focused_rows)
    if options.classification is Classification.SIGNIFICANCE:
        order = [
            "much_better",
            "better",
            "similar",
            "worse",
            "much_worse",
            "lower",
            "higher",
            "not_compared",
        ]
        present = {r.significance for r in values.rows if r.value is not None}
        used = [k for k in order if k in present]
        labels = {
            r.code: SIGNIFICANCE_STYLE[r.significance][1]
            for r in values.rows
            if r.value is not None
        }
        legend = [SIGNIFICANCE_STYLE[k][1] for k in used]
        colours = [SIGNIFICANCE_STYLE[k][0] for k in used]
    else:
        valued = [r.value for r in values.rows if r.value is not None]
        edges = classes(valued, options.classification, options.classes)
        ramp = RAMPS[options.palette]
        k = max(1, len(edges) - 1)
        picks = np.linspace(0, len(ramp) - 1, k).round().astype(int) if k > 1 else [len(ramp) // 2]
        colours = [ramp[i] for i in picks]
        legend = (
            [
                f"{_fmt(edges[i], decimals)}–{_fmt(edges[i + 1], decimals)}"
                for i in range(len(edges) - 1)
            ]
            or [_fmt(valued[0], decimals)]
            if valued
            else []
        )
        labels = {}
        for r in values.rows:
            if r.value is None:
                continue
            i = int(np.searchsorted(edges, r.value, side="right")) - 1
            labels[r.code] = legend[min(max(i, 0), len(legend) - 1)]
    if any(r.value is None for r in values.rows):
        legend, colours = [*legend, _(MISSING_LABEL)], [*colours, MISSING_COLOUR]
    if values.focus is not None:
        outside = outside_label(values.focus)
        labels.update({r.code: outside for r in all_rows if not values.in_focus(r.code)})
        legend, colours = [*legend, outside], [*colours, OUTSIDE_COLOUR]
    return labels, legend, colours


def outside_label(focus: RegionRef) -> str:
    return _("Utenfor {name}").format(name=focus.name)


def choropleth(values: MapValues, options: ChartOptions, geo: str | dict[str, Any]) -> Spec:
    ind = values.indicator
    level = (
        _("Bydeler")
        if values.level == "bydel"
        else _("Fylker")
        if values.level == "fylke"
        else _("Kommuner")
    )
    where = " " + _("i {name}").format(name=values.county.name) if values.county else ""
    if values.focus is not None:
        where = " " + _("i {name} i farger, resten av landet grått").format(name=values.focus.name)
    title = f"{ind.title}, {values.period}"
    options = options.with_defaults(
        title,
        f"{level}{where} · {ind.unit}",
        _("{attribution}. Kart: © Kartverket").format(attribution=ind.attribution),
        keep=[ind.unit],
        synthetic=values.synthetic,
    )
    labels, legend, colours = classify(values, options)
    fmt = number_format(ind.decimals)
    rows = [
        {
            "kode": r.code,
            "navn": r.name,
            "verdi": r.value,
            "visning": _fmt(r.value, ind.decimals) if r.value is not None else (r.status or ".."),
            "klasse": labels.get(r.code, _(MISSING_LABEL)),
            "fremhevet": r.code in options.highlight,
        }
        for r in values.rows
    ]
    if isinstance(geo, str):
        data: Spec = {"url": geo, "format": {"type": "json", "property": "features"}}
    else:
        data = {"values": geo, "format": {"type": "json", "property": "features"}}
    lookup = {
        "lookup": "properties.code",
        "from": {
            "data": {"values": rows},
            "key": "kode",
            "fields": ["navn", "verdi", "visning", "klasse", "fremhevet"],
        },
    }
    body: Spec = {
        "data": data,
        "transform": [
            lookup,
            {"calculate": "datum.klasse || " + repr(_(MISSING_LABEL)), "as": "klasse"},
        ],
        # UTM-like transverse Mercator centred on Norway keeps the north from stretching.
        "projection": {"type": "transverseMercator", "rotate": [-15, -65, 0]},
        "layer": [
            {
                "mark": {"type": "geoshape", "stroke": "#FFFFFF", "strokeWidth": 0.4},
                "encoding": {
                    "color": {
                        "field": "klasse",
                        "type": "ordinal",
                        "title": ind.unit
                        if options.classification is not Classification.SIGNIFICANCE
                        else _("Sammenlignet med landet"),
                        "scale": {"domain": legend, "range": colours},
                        # Focus on the chosen areas: the others are drawn grey (values in the table).
                        **(
                            {"condition": {"test": "!datum.fremhevet", "value": MUTED}}
                            if options.greys_others
                            else {}
                        ),
                        "legend": {
                            "orient": "bottom",
                            "columns": 2,
                            "symbolStrokeColor": "#888888",
                        },
                    },
                    "tooltip": [
                        {"field": "navn", "title": _("Område")},
                        {"field": "visning", "title": _("Verdi")},
                        {"field": "klasse", "title": _("Klasse")},
                    ],
                },
            },
            {
                "transform": [{"filter": "datum.fremhevet"}],
                "mark": {
                    "type": "geoshape",
                    "filled": False,
                    "stroke": "#000000",
                    "strokeWidth": 2.5,
                },
            },
        ],
    }
    spec = frame(
        body, options, _("Kart: {title}.").format(title=title) + " " + " ".join(values.summary)
    )
    if options.size.value == "skjerm":
        spec["height"] = 520
    spec["usermeta"] = {"format": fmt}
    return spec


def _signed_area(ring: list[list[float]]) -> float:
    return sum(x0 * y1 - x1 * y0 for (x0, y0, *_r0), (x1, y1, *_r1) in pairwise(ring)) / 2.0


def wound_for_d3(collection: dict[str, Any]) -> dict[str, Any]:
    """Rewind polygons the way d3-geo (Vega's projection) expects: outer rings clockwise.

    d3 treats polygons on the sphere, so an outer ring in RFC 7946's anticlockwise order means
    "everything except this area" and floods the map. Holes go the other way.
    """

    def ring(points: list[list[float]], outer: bool) -> list[list[float]]:
        clockwise = _signed_area(points) < 0
        return points if clockwise == outer else points[::-1]

    def polygon(rings: list[list[list[float]]]) -> list[list[list[float]]]:
        return [ring(r, i == 0) for i, r in enumerate(rings)]

    features = []
    for feature in collection["features"]:
        geometry = feature.get("geometry")
        if geometry and geometry["type"] == "Polygon":
            geometry = {**geometry, "coordinates": polygon(geometry["coordinates"])}
        elif geometry and geometry["type"] == "MultiPolygon":
            geometry = {**geometry, "coordinates": [polygon(p) for p in geometry["coordinates"]]}
        features.append({**feature, "geometry": geometry})
    return {**collection, "features": features}
