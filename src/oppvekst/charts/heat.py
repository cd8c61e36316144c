"""Heat table for compare (areas × indicators) and the ranked index chart for composites.

In the heat table each cell shows its value and a mark (▲ better, ▼ worse, ● similar …) besides
its colour, so nothing depends on colour alone.
"""

from __future__ import annotations

from oppvekst.charts.options import (
    SIGNIFICANCE_STYLE,
    ChartOptions,
    Spec,
    frame,
    number_format,
)
from oppvekst.language import _
from oppvekst.views.compare import SIGNIFICANCE_MARK, CompareTable
from oppvekst.views.composite import CompositeView
from oppvekst.views.numbers import NBSP, number

QUINTILE_COLOURS = ("#EFF3FF", "#BDD7E7", "#6BAED6", "#3182BD", "#08519C")
DARK = {"much_better", "much_worse", "higher", "q4", "q5"}


def _fmt(x: float | None, decimals: int) -> str:
    return number(x, decimals, missing="", thousands=NBSP)


def heat_table(table: CompareTable, options: ChartOptions) -> Spec:
    title = _("Sammenligning av områder")
    if table.colour_by == "kvintil":
        subtitle = _("Farget etter femdel blant kommunene")
    else:
        subtitle = _("Farget etter signifikans mot {benchmark}").format(
            benchmark=table.benchmark_label
        )
    options = options.with_defaults(title, subtitle, None, synthetic=table.synthetic)
    names = {a.code: a.name for a in table.areas}
    indicators = {i.id: i for i in table.indicators}
    if table.colour_by == "kvintil":
        domain = [f"q{q}" for q in range(1, 6)] + ["not_compared"]
        labels = [_("{n}. femdel").format(n=q) for q in range(1, 6)] + [_("Ikke rangert")]
        colours = [*QUINTILE_COLOURS, SIGNIFICANCE_STYLE["not_compared"][0]]
    else:
        domain = list(SIGNIFICANCE_STYLE)
        labels = [SIGNIFICANCE_STYLE[k][1] for k in domain]
        colours = [SIGNIFICANCE_STYLE[k][0] for k in domain]
    used = {c.category for c in table.cells}
    keep = [i for i, d in enumerate(domain) if d in used]
    rows = []
    for c in table.cells:
        ind = indicators[c.indicator_id]
        value = _fmt(c.value, ind.decimals) if c.value is not None else (c.status or "..")
        mark = SIGNIFICANCE_MARK.get(c.significance, "") if table.colour_by == "signifikans" else ""
        rows.append(
            {
                "omrade": names[c.region],
                "indikator": ind.short_title,
                "tekst": f"{value} {mark}".strip(),
                "kategori": labels[domain.index(c.category)],
                "mork": c.category in DARK,
                "fremhevet": c.region in options.highlight,
                "periode": c.period or "",
            }
        )
    y = {"field": "omrade", "type": "nominal", "title": None, "sort": [a.name for a in table.areas]}
    x = {
        "field": "indikator",
        "type": "nominal",
        "title": None,
        "sort": [i.short_title for i in table.indicators],
        "axis": {"orient": "top", "labelAngle": -35, "labelLimit": 180},
    }
    spec = frame(
        {
            "data": {"values": rows},
            "encoding": {"x": x, "y": y},
            "layer": [
                {
                    "mark": {"type": "rect", "stroke": "#FFFFFF", "strokeWidth": 2},
                    "encoding": {
                        "color": {
                            "field": "kategori",
                            "type": "nominal",
                            "title": None,
                            "scale": {
                                "domain": [labels[i] for i in keep],
                                "range": [colours[i] for i in keep],
                            },
                        },
                        # Focus on the chosen areas: the other rows fade (their marks stay legible).
                        **(
                            {
                                "opacity": {
                                    "condition": {"test": "datum.fremhevet", "value": 1},
                                    "value": 0.3,
                                }
                            }
                            if options.greys_others
                            else {}
                        ),
                        "tooltip": [
                            {"field": "omrade", "title": _("Område")},
                            {"field": "indikator", "title": _("Indikator")},
                            {"field": "tekst", "title": _("Verdi")},
                            {"field": "periode", "title": _("Periode")},
                            {"field": "kategori", "title": _("Sammenligning")},
                        ],
                    },
                },
                {
                    "mark": {"type": "text", "fontSize": 12},
                    "encoding": {
                        "text": {"field": "tekst"},
                        "color": {
                            "condition": {"test": "datum.mork", "value": "#FFFFFF"},
                            "value": "#111111",
                        },
                    },
                },
            ],
        },
        options,
        _("Varmetabell: {summary}").format(summary=" ".join(table.summary)),
    )
    spec["width"] = {"step": 110}
    spec["height"] = {"step": 34}
    spec["autosize"] = {"type": "pad"}
    return spec


def index_chart(view: CompositeView, options: ChartOptions) -> Spec:
    """Every kommune's index by rank, with its uncertainty band; highlighted kommuner named."""
    accent = options.highlight_colour
    options = options.with_defaults(
        _("Sammensatt indeks, {year}").format(year=view.year),
        _("Rangert fra best til dårligst, med 95 %-usikkerhetsbånd"),
        None,
        synthetic=view.synthetic,
    )
    fmt = number_format(2)
    rows = [
        {
            "kode": r.code,
            "navn": r.name,
            "rang": r.rank,
            "indeks": r.index,
            "nedre": r.lower,
            "ovre": r.upper,
            "rangtekst": f"{r.rank_lower}–{r.rank_upper}",
            "fremhevet": r.code in options.highlight,
        }
        for r in view.rows
        if r.index is not None
    ]
    x = {
        "field": "rang",
        "type": "quantitative",
        "title": _("Rang (1 = best)"),
        "axis": {"format": ",d"},
    }
    y = {
        "field": "indeks",
        "type": "quantitative",
        "title": _("Indeks"),
        "axis": {"format": fmt},
        "scale": {"zero": False},
    }
    tooltip = [
        {"field": "navn", "title": _("Kommune")},
        {"field": "indeks", "title": _("Indeks"), "format": fmt, "type": "quantitative"},
        {"field": "rang", "title": _("Rang")},
        {"field": "rangtekst", "title": _("Trolig rang")},
    ]
    layers: list[Spec] = [
        {
            "mark": {"type": "rule", "color": "#B8C4D0"},
            "encoding": {
                "x": x,
                "y": {"field": "nedre", "type": "quantitative"},
                "y2": {"field": "ovre"},
            },
        },
        {
            "mark": {"type": "point", "filled": True, "size": 14, "color": "#5B6B7C"},
            "encoding": {"x": x, "y": y, "tooltip": tooltip},
        },
    ]
    # The highlighted kommuner's layers only when there are some: a layer filtered to nothing
    # makes Vega warn of an infinite extent.
    if any(r["fremhevet"] for r in rows):
        layers += _highlight_layers(x, y, tooltip, accent)
    spec = frame(
        {"data": {"values": rows}, "layer": layers},
        options,
        "Indeksdiagram: " + " ".join(view.summary),
    )
    if options.size.value == "skjerm":
        spec["height"] = 360
    return spec


def _highlight_layers(x: Spec, y: Spec, tooltip: list[Spec], accent: str) -> list[Spec]:
    return [
        {
            "transform": [{"filter": "datum.fremhevet"}],
            "mark": {"type": "rule", "strokeWidth": 3, "color": accent},
            "encoding": {
                "x": x,
                "y": {"field": "nedre", "type": "quantitative"},
                "y2": {"field": "ovre"},
            },
        },
        {
            "transform": [{"filter": "datum.fremhevet"}],
            "mark": {
                "type": "point",
                "shape": "diamond",
                "filled": True,
                "size": 160,
                "color": accent,
                "stroke": "#000000",
            },
            "encoding": {"x": x, "y": y, "tooltip": tooltip},
        },
        {
            "transform": [{"filter": "datum.fremhevet"}],
            "mark": {"type": "text", "align": "left", "dx": 9, "dy": -8, "fontWeight": "bold"},
            "encoding": {"x": x, "y": y, "text": {"field": "navn"}},
        },
    ]
