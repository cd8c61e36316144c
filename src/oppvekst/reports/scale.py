"""Vega's linear scale as the report's own charts need it: d3's «nice» domain and d3's ticks
(d3-array 3, as bundled in Vega 5), and the sizes the report draws its charts at.

The report draws the page's charts itself (``reports.lines``, ``reports.bars``); their numeric
axes must have the ticks Vega gives the same spec on the page. Tests compare both with Vega's own
scene graph.
"""

from __future__ import annotations

import math

FONT_SIZE = 7.0  # points: every text of the report's charts
# Average advance of a character of DejaVu Sans (digits are 0.64 em, lower case about 0.58):
# enough to keep labels inside the chart without measuring them.
CHAR_EM = 0.62
# Points per pixel of the page's chart: it is 420 px across a plot the report draws about 240 pt
# wide. The page's point sizes (an area in square pixels), line widths and offsets scale by this.
PX = 0.6
# The page's small charts (``charts.SizePreset.SMALL``) are 420 × 260 px: Vega asks for
# ceil(extent / 40) ticks along each axis.
TICK_SPACING_PX = 40

# The chart column of ``oppvekstprofil.typ`` (A4, 18 mm margins, a 58 mm fact column and a
# 6 mm gutter leave 110 mm = 311.8 pt), in points.
WIDTH = 310.0
TICK_GAP = 3.0  # between an axis and its labels
AXIS = "#8A939E"  # the axis line: the template's rule colour

_E10, _E5, _E2 = math.sqrt(50), math.sqrt(10), math.sqrt(2)


def text_width(text: str) -> float:
    """About how wide a label is, in points."""
    return len(text) * CHAR_EM * FONT_SIZE


def tick_count(extent_px: int) -> int:
    return math.ceil(extent_px / TICK_SPACING_PX)


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
    """d3's linear ``scale.nice(count)`` for ``start <= stop`` (Vega's ``nice: true``)."""
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


def zero_based(values: list[float]) -> tuple[float, float]:
    """The nice domain of a quantitative axis that includes zero (Vega's ``zero: true``)."""
    return nice(min([0.0, *values]), max([0.0, *values]))
