"""The «Ulikhet» chart: one bar per group with its 95 % interval, and the area's total as a line.

Groups stand in the catalogue's reading order (``breakdowns.yml``); a group without a value (too
few people, hidden by the source or to protect another group) is left out of the bars and named
under the subtitle, so the figure never shows a hidden group as zero.
"""

from __future__ import annotations

from oppvekst.charts.options import CATEGORICAL, ChartOptions, Spec, frame, number_format
from oppvekst.language import _
from oppvekst.views.inequality import InequalityView
from oppvekst.views.numbers import NBSP, number


def inequality_chart(view: InequalityView, options: ChartOptions) -> Spec:
    indicator = view.indicator
    d = indicator.decimals
    title = _("{title} etter {dimension}, {area}").format(
        title=indicator.short_title, dimension=view.dimension_label.lower(), area=view.area.name
    )
    subtitle = _("{period} · {unit} · strekene viser 95 % konfidensintervall").format(
        period=view.period, unit=indicator.unit
    )
    options = options.with_defaults(
        title, subtitle, view.sentence or None, [indicator.unit], synthetic=False
    )
    rows = [
        {
            "gruppe": g.label,
            "orden": i,
            "verdi": g.value,
            "nedre": g.lower95,
            "ovre": g.upper95,
            "tekst": number(g.value, d, thousands=NBSP),
        }
        for i, g in enumerate(view.groups)
        if g.value is not None
    ]
    hidden = [f"{g.label}: {g.shown} ({g.reason})" for g in view.groups if g.value is None]
    colour = options.highlight_colour if options.accent else CATEGORICAL[options.palette][0]
    y = {
        "field": "gruppe",
        "type": "nominal",
        # The groups' order as a list: a sort by field cannot be unioned across the layers
        # (Vega warns of conflicting sort properties and falls back to alphabetical).
        "sort": [r["gruppe"] for r in rows],
        "title": None,
        "axis": {"labelLimit": 240},
    }
    x_title = f"{indicator.short_title} ({indicator.unit})"
    layers: list[Spec] = [
        {
            "mark": {"type": "bar", "color": colour, "height": {"band": 0.6}},
            "encoding": {
                "y": y,
                "x": {
                    "field": "verdi",
                    "type": "quantitative",
                    "title": x_title,
                    "axis": {"format": number_format(d)},
                },
                "tooltip": [
                    {"field": "gruppe", "title": view.dimension_label},
                    {"field": "tekst", "title": _("Verdi")},
                ],
            },
        },
        {
            "mark": {"type": "text", "align": "left", "dx": 4, "color": "#1E2B3C"},
            "encoding": {
                "y": y,
                "x": {"field": "verdi", "type": "quantitative"},
                "text": {"field": "tekst"},
            },
        },
    ]
    if options.show_intervals and any(r["nedre"] is not None for r in rows):
        layers.append(
            {
                "mark": {"type": "rule", "color": "#1E2B3C", "strokeWidth": 1.5},
                "encoding": {
                    "y": y,
                    "x": {"field": "nedre", "type": "quantitative"},
                    "x2": {"field": "ovre"},
                },
            }
        )
    if view.total.value is not None:
        layers.append(
            {
                "data": {"values": [{"alle": view.total.value}]},
                "mark": {"type": "rule", "color": "#4B5563", "strokeDash": [4, 3]},
                "encoding": {"x": {"field": "alle", "type": "quantitative"}},
            }
        )
    spec: Spec = {"data": {"values": rows}, "layer": layers}
    total = number(view.total.value, d)
    description = (
        _("{title}. Stiplet linje: {area} i alt ({total}).").format(
            title=title, area=view.area.name, total=total
        )
        + " "
        + " ".join(f"{r['gruppe']}: {r['tekst']}." for r in rows)
    )
    marks = [
        _("Stiplet linje: alle i {area} ({total})").format(area=view.area.name, total=total),
        *hidden,
    ]
    return frame(spec, options, description, marks)
