"""The indicator page's chart spec as the report's own layouts read it (``reports.lines``,
``reports.bars``): its layers, marks, axis titles, colours and subtitle, so the report draws what
the page draws without restating it.
"""

from __future__ import annotations

from oppvekst.charts.options import Spec, subtitle_lines
from oppvekst.views.indicator import IndicatorSeries


def layers(spec: Spec) -> list[Spec]:
    return [layer for layer in spec.get("layer", []) if isinstance(layer, dict)]


def mark_type(layer: Spec) -> str:
    mark = layer.get("mark")
    return str(mark.get("type") if isinstance(mark, dict) else mark)


def mark_of(spec: Spec, kind: str) -> Spec:
    """The mark properties of the first layer drawing ``kind`` (empty if there is none)."""
    for layer in layers(spec):
        mark = layer.get("mark")
        if isinstance(mark, dict) and mark.get("type") == kind:
            return mark
    return {}


def encoding_of(spec: Spec, channel: str, key: str) -> Spec:
    """The first encoding of ``channel`` that carries ``key`` (a scale, a title, a condition)."""
    for layer in layers(spec):
        found = layer.get("encoding", {}).get(channel)
        if isinstance(found, dict) and found.get(key):
            return found
    return {}


def axis_title(spec: Spec, channel: str) -> str:
    """The page's title of the quantitative axis (the indicator's unit)."""
    return str(encoding_of(spec, channel, "title").get("title", ""))


def ink(spec: Spec) -> str:
    """The page's text colour (its axis labels)."""
    return str(spec["config"]["axis"]["labelColor"])


def grid(spec: Spec) -> str:
    return str(spec["config"]["axis"]["gridColor"])


def caption(spec: Spec, series: IndicatorSeries) -> tuple[str, ...]:
    """The page's subtitle lines but the source (printed under the chart in the report)."""
    attribution = series.indicator.attribution
    return tuple(line for line in subtitle_lines(spec) if line and line != attribution)
