"""Comparing an area with a benchmark, quintile ranking and benchmark (group) values.

The comparison is Fingertips' overlapping-interval method: the benchmark *value* is tested against
the *area's* 95 % and 99.8 % intervals. A benchmark exactly on a limit counts as inside (similar),
so rounding can never turn a borderline case into a significant one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt
from scipy import stats as sps

from oppvekst.errors import StatisticsInputError
from oppvekst.stats.intervals import IntervalMethod

FloatArray = npt.NDArray[np.float64]


class Polarity(StrEnum):
    HIGHER_BETTER = "higher_better"
    LOWER_BETTER = "lower_better"
    NONE = "none"  # no judgement: lower / similar / higher


class Significance(StrEnum):
    MUCH_BETTER = "much_better"
    BETTER = "better"
    SIMILAR = "similar"
    WORSE = "worse"
    MUCH_WORSE = "much_worse"
    LOWER = "lower"
    HIGHER = "higher"
    NOT_COMPARED = "not_compared"


# Indexed by the signed position −2..2 (+2 = above the benchmark even at 99.8 %).
_JUDGED = np.array(
    [
        Significance.MUCH_WORSE.value,
        Significance.WORSE.value,
        Significance.SIMILAR.value,
        Significance.BETTER.value,
        Significance.MUCH_BETTER.value,
    ]
)
# Without polarity the 99.8 % level adds nothing a reader could act on: lower / similar / higher.
_UNJUDGED = np.array(
    [
        Significance.LOWER.value,
        Significance.LOWER.value,
        Significance.SIMILAR.value,
        Significance.HIGHER.value,
        Significance.HIGHER.value,
    ]
)


class NotCompared(StrEnum):
    """Why a value was not tested against its benchmark: each is said to the reader as it is."""

    NO_VALUE = "no_value"  # the area has no value (missing or hidden)
    COUNT = "count"  # a count is compared through its share, never with a larger area's total
    NO_BENCHMARK = "no_benchmark"  # the benchmark has no value for the same period
    NOT_PUBLISHED = "not_published"  # the source publishes no uncertainty for this indicator
    NO_INTERVAL = "no_interval"  # an interval method exists, but this value lacks its inputs


def not_compared_reason(
    value: float | None,
    lower95: float | None,
    upper95: float | None,
    benchmark: float | None,
    method: IntervalMethod | str,
) -> NotCompared | None:
    """The first reason a comparison of one value cannot be made, or None when it can.

    The order is the order a reader would check: is there a value, a benchmark, an interval.
    """

    def missing(x: float | None) -> bool:
        return x is None or x != x  # NaN is not equal to itself

    if missing(value):
        return NotCompared.NO_VALUE
    if missing(benchmark):
        return NotCompared.NO_BENCHMARK
    if missing(lower95) or missing(upper95):
        if IntervalMethod(method) is IntervalMethod.NONE:
            return NotCompared.NOT_PUBLISHED
        return NotCompared.NO_INTERVAL
    return None


_SIGN = {Polarity.HIGHER_BETTER.value: 1, Polarity.LOWER_BETTER.value: -1, Polarity.NONE.value: 0}


def polarity_signs(polarity: Polarity | str | npt.ArrayLike) -> npt.NDArray[np.int8]:
    """+1 higher better, −1 lower better, 0 no polarity; accepts one value or an array of them."""
    pol = np.asarray(polarity, dtype=str)
    signs = np.zeros(pol.shape, dtype=np.int8)
    known = np.zeros(pol.shape, dtype=bool)
    for name, sign in _SIGN.items():
        hit = pol == name
        signs[hit] = sign
        known |= hit
    if not np.all(known):
        bad = sorted(set(np.atleast_1d(pol[~known]).tolist()))
        raise StatisticsInputError(
            f"Unknown polarity {bad}.", hint="Use higher_better, lower_better or none."
        )
    return signs


def compare(
    value: npt.ArrayLike,
    lower95: npt.ArrayLike,
    upper95: npt.ArrayLike,
    lower998: npt.ArrayLike,
    upper998: npt.ArrayLike,
    benchmark: npt.ArrayLike,
    polarity: Polarity | str | npt.ArrayLike,
) -> npt.NDArray[np.str_]:
    """Significance string values, broadcast over all inputs.

    ``not_compared`` wherever the value, any of the four limits or the benchmark is missing: an
    area without an interval is never silently "similar".
    """
    arrays = np.broadcast_arrays(
        *(np.asarray(a, dtype=np.float64) for a in (value, lower95, upper95, lower998, upper998))
    )
    v, l95, u95, l998, u998 = arrays
    b = np.asarray(benchmark, dtype=np.float64)
    signs = polarity_signs(polarity)
    shape = np.broadcast_shapes(v.shape, b.shape, signs.shape)
    _reject_disordered(l998, l95, u95, u998)

    with np.errstate(invalid="ignore"):
        position = (
            (l95 > b).astype(np.int8)
            + (l998 > b).astype(np.int8)
            - (u95 < b).astype(np.int8)
            - (u998 < b).astype(np.int8)
        )
    missing = np.isnan(v) | np.isnan(l95) | np.isnan(u95) | np.isnan(l998) | np.isnan(u998)
    missing = missing | np.isnan(b)
    judged = _JUDGED[position * signs + 2]
    unjudged = _UNJUDGED[position + 2]
    out = np.where(signs == 0, unjudged, judged)
    out = np.where(missing, Significance.NOT_COMPARED.value, out)
    return np.broadcast_to(out, shape).copy()


def _reject_disordered(
    l998: FloatArray, l95: FloatArray, u95: FloatArray, u998: FloatArray
) -> None:
    # NaN compares False, so missing limits pass here and become "not compared" later.
    bad = (l998 > l95) | (l95 > u95) | (u95 > u998)
    if np.any(bad):
        raise StatisticsInputError(
            f"{int(np.count_nonzero(bad))} interval(s) are not nested "
            "(need lower99.8 ≤ lower95 ≤ upper95 ≤ upper99.8).",
            hint="Check that the 95 % and 99.8 % limits were not swapped.",
        )


def quintiles(values: npt.ArrayLike) -> FloatArray:
    """Quintile 1 (lowest 20 % of values) to 5 (highest); NaN stays NaN.

    This is a *ranking* among the areas given, not a significance test. Tied values share the
    lower quintile (ranks by the minimum method), so equal values never land in different groups.
    """
    v = np.asarray(values, dtype=np.float64)
    out = np.full(v.shape, np.nan)
    present = ~np.isnan(v)
    n = int(np.count_nonzero(present))
    if n == 0:
        return out
    ranks = sps.rankdata(v[present], method="min")
    out[present] = np.ceil(5.0 * ranks / n)
    return out


def group_value(
    numerators: npt.ArrayLike,
    denominators: npt.ArrayLike,
    multiplier: float = 1.0,
    *,
    axis: int = 0,
) -> FloatArray:
    """Benchmark value of a group of areas along ``axis`` (default: members on axis 0).

    Pooled: the group is treated as one population (a mean of rates would give a
    municipality of 200 people the same say as one of 200 000). Any missing member makes the group
    value missing, since a partial sum would describe a different group. A count has no group
    value: the pages compare its share (``views.benchmark``).
    """
    num = np.asarray(numerators, dtype=np.float64)
    den = np.asarray(denominators, dtype=np.float64)
    num, den = np.broadcast_arrays(num, den)
    if num.size == 0:
        raise StatisticsInputError("A group needs at least one member.")
    den_sum = np.sum(den, axis=axis)
    if np.any(den_sum <= 0):
        raise StatisticsInputError(
            "The group's summed denominator is 0.", hint="A group value needs a population."
        )
    return np.asarray(np.sum(num, axis=axis) / den_sum * multiplier, dtype=np.float64)


@dataclass(frozen=True, slots=True)
class GroupValue:
    """A group's value, or ``None`` with the reason: the members that lack the data it needs."""

    value: float | None
    members: int
    missing: tuple[str, ...]  # member codes without a numerator (or denominator)
    empty_population: bool = False  # every member is there, but the summed denominator is 0


def member_group_value(
    codes: Sequence[str],
    numerators: npt.ArrayLike,
    denominators: npt.ArrayLike,
    multiplier: float = 1.0,
) -> GroupValue:
    """:func:`group_value` for one group whose members are ``codes`` (NaN = the member lacks data).

    The value exists only when every member has what the method needs: a sum over the members that
    happen to have data describes another group, so it is never shown as this one's.
    """
    num = np.asarray(numerators, dtype=np.float64)
    den = np.asarray(denominators, dtype=np.float64)
    if not len(codes) == num.size == den.size or num.ndim != 1:
        raise StatisticsInputError("A group needs one numerator and denominator per member.")
    lacking = np.isnan(num) | np.isnan(den)
    missing = tuple(c for c, gone in zip(codes, lacking.tolist(), strict=True) if gone)
    if missing or not codes:
        return GroupValue(None, len(codes), missing)
    if float(np.sum(den)) <= 0:
        return GroupValue(None, len(codes), (), empty_population=True)
    value = float(group_value(num, den, multiplier))
    return GroupValue(value, len(codes), ())
