"""Numbers as the reader's language writes them, rounded as the sources publish them.

One function for every number a person reads: the pages, the PDF report, chart labels and the
sentences beside them. In bokmål and nynorsk: decimal comma, a narrow no-break space between
thousands, a true minus sign; in English: point and comma (``language.format_number``, Babel's
locale data for the current language).

Rounding is half away from zero (13/16 = 81.25 → «81,3»), as SSB, FHI and IMDi publish, not
Python's half-to-even («81,2»). It works on the shortest decimal that stands for the float
(``repr``), so 2.675 — stored as 2.67499999… — is read as the 2.675 the source wrote and shown
as «2,68».
"""

from __future__ import annotations

import math
from datetime import datetime

from oppvekst.language import NARROW_NBSP, NBSP, format_datetime, format_number, rounded

__all__ = [
    "MINUS",
    "MISSING",
    "NARROW_NBSP",
    "NBSP",
    "interval",
    "number",
    "observation",
    "rounded",
    "when",
]

MINUS = "\u2212"
MISSING = "–"  # shown where there is no value at all (never 0, never blank)


def number(
    value: object,
    decimals: int = 1,
    *,
    missing: str = MISSING,
    thousands: str = NARROW_NBSP,
) -> str:
    """1234567.891 → '1 234 567,9'; None or NaN → ``missing``; text that is no number: as is."""
    if value is None:
        return missing
    try:
        x = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(value)
    if math.isnan(x):
        return missing
    if math.isinf(x):
        return ("−" if x < 0 else "") + "∞"
    return format_number(x, decimals, thousands=thousands)


def observation(value: float | None, status: str | None, decimals: int = 1) -> str:
    """The value, or its status symbol when the value is missing or suppressed (never 0 or blank)."""
    if status and (value is None or (isinstance(value, float) and math.isnan(value))):
        return status
    return number(value, decimals)


# At most this many decimals beyond the indicator's own, to keep a narrow interval visible.
EXTRA_INTERVAL_DECIMALS = 2


def interval_decimals(lower: float | None, upper: float | None, decimals: int = 1) -> int:
    """The indicator's decimals, or a few more when its limits would otherwise print alike.

    Udir publishes national-test scores as whole points with an uncertainty of a few tenths:
    «51 (51–51)» would hide the interval the comparison uses; «51 (50,8–51,2)» shows it.
    """
    if lower is None or upper is None or math.isnan(lower) or math.isnan(upper) or lower == upper:
        return decimals
    for extra in range(EXTRA_INTERVAL_DECIMALS + 1):
        if number(lower, decimals + extra) != number(upper, decimals + extra):
            return decimals + extra
    return decimals + EXTRA_INTERVAL_DECIMALS


def interval(lower: float | None, upper: float | None, decimals: int = 1) -> str:
    """'11,0–13,5', or '' when the source publishes no interval (limits never print alike)."""
    if lower is None or upper is None:
        return ""
    d = interval_decimals(lower, upper, decimals)
    return f"{number(lower, d)}–{number(upper, d)}"


def when(value: datetime | str | None) -> str:
    """A moment as the reader's language writes it: '07.12.2026 kl. 02.18' (ISO text accepted)."""
    moment = value
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
    return format_datetime(moment) if isinstance(moment, datetime) else MISSING
