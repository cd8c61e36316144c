"""Vega-Lite specs built in Python as plain dicts: one builder per chart kind.

Every builder takes a view result and a :class:`ChartOptions`, so the same spec renders on screen
(vega-embed) and in server-side PNG/SVG/PDF downloads (vl-convert). See docs/charts.md.
"""

from oppvekst.charts.heat import heat_table, index_chart
from oppvekst.charts.maps import choropleth
from oppvekst.charts.options import ChartOptions, Classification, Palette, SizePreset, parse_options
from oppvekst.charts.scatter import scatter_chart
from oppvekst.charts.series import bar_chart, dot_chart, line_chart

__all__ = [
    "ChartOptions",
    "Classification",
    "Palette",
    "SizePreset",
    "bar_chart",
    "choropleth",
    "dot_chart",
    "heat_table",
    "index_chart",
    "line_chart",
    "parse_options",
    "scatter_chart",
]
