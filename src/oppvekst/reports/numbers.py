"""Numbers as Norwegian readers write them: decimal comma, narrow no-break space for thousands.

The same rule as the pages (``web.rendering.number``), kept here so that building a report does not
import the web layer.
"""

from __future__ import annotations

import math

NARROW_NBSP = "\u202f"
MINUS = "\u2212"
MISSING = "–"  # shown where there is no value at all (never 0, never blank)


def number(value: float | None, decimals: int = 1) -> str:
    """1234567.891 → '1 234 567,9'; None or NaN → '–'."""
    if value is None or math.isnan(value):
        return MISSING
    text = f"{value:,.{max(0, decimals)}f}"
    return text.replace(",", NARROW_NBSP).replace(".", ",").replace("-", MINUS)


def observation(value: float | None, status: str | None, decimals: int = 1) -> str:
    """The value, or its status symbol when the value is missing or suppressed."""
    if value is None and status:
        return status
    return number(value, decimals)


def interval(lower: float | None, upper: float | None, decimals: int = 1) -> str:
    """'11,0–13,5', or '' when the source publishes no interval."""
    if lower is None or upper is None:
        return ""
    return f"{number(lower, decimals)}–{number(upper, decimals)}"
