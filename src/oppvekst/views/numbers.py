"""Numbers as Norwegian readers write them, rounded as the sources publish them.

One function for every number a person reads: the pages, the PDF report, chart labels and the
sentences beside them. Decimal comma, a narrow no-break space between thousands, a true minus sign.

Rounding is half away from zero (13/16 = 81.25 → «81,3»), as SSB, FHI and IMDi publish, not
Python's half-to-even («81,2»). It works on the shortest decimal that stands for the float
(``repr``), so 2.675 — stored as 2.67499999… — is read as the 2.675 the source wrote and shown
as «2,68».
"""

from __future__ import annotations

import math
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

NARROW_NBSP = "\u202f"  # thousands separator in Norwegian typesetting (pages, PDF)
NBSP = "\u00a0"  # for chart fonts, which may lack the narrow one
MINUS = "\u2212"
MISSING = "–"  # shown where there is no value at all (never 0, never blank)


def rounded(value: float, decimals: int) -> Decimal:
    """``value`` rounded half away from zero to ``decimals`` places (never a negative zero)."""
    exact = Decimal(repr(float(value)))
    result = exact.quantize(Decimal(1).scaleb(-max(0, decimals)), rounding=ROUND_HALF_UP)
    return result.copy_abs() if result.is_zero() else result


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
    text = f"{rounded(x, decimals):,.{max(0, decimals)}f}"
    return text.replace(",", thousands).replace(".", ",").replace("-", MINUS)


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
    """A moment as Norwegian pages write it: '07.12.2026 kl. 02.18' (ISO text accepted)."""
    moment = value
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
    return moment.strftime("%d.%m.%Y kl. %H.%M") if isinstance(moment, datetime) else MISSING
