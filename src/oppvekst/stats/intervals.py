"""Confidence intervals at 95 % and 99.8 %, vectorised over numpy arrays.

Methods (the ones England's Fingertips uses, see docs/statistics.md):

* proportions: Wilson score interval, never the normal approximation;
* counts and crude rates: exact Poisson (chi-square based) below 10 events, Byar's approximation
  from 10 events up; rate limits are count limits divided by the denominator times the multiplier;
* means: Student's t from mean, SD and n;
* published: the source's own ± margin of a 95 % interval (Udir's «Usikkerhet» on national tests),
  taken as it is; the 99.8 % limits widen it by the ratio of the normal quantiles.

Missing inputs (NaN) give NaN limits: "no interval", never a guessed one. Inputs that cannot be
right (denominator 0, numerator above denominator, negative counts) raise
:class:`~oppvekst.errors.StatisticsInputError`, because publishing an interval for them would hide
a data error. Mark a cell as missing (NaN) upstream if it should simply get no interval.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt
from scipy import stats as sps

from oppvekst.errors import StatisticsInputError
from oppvekst.glossary import N_, Glossary

FloatArray = npt.NDArray[np.float64]

LEVEL_95 = 0.95
LEVEL_998 = 0.998

# Below this many events Byar's approximation is visibly off, so the exact interval is used.
EXACT_BELOW = 10


class IntervalMethod(StrEnum):
    WILSON = "wilson"
    BYAR = "byar"  # exact Poisson below 10 events, Byar's approximation from 10
    POISSON_EXACT = "poisson_exact"  # exact Poisson at every count
    T = "t"
    PUBLISHED = "published"  # the source publishes a ± margin of its own 95 % interval
    NONE = "none"  # only a value is published: say so, do not invent uncertainty


# How each method's interval came about, in the words every page, workbook and report uses.
METHOD_SENTENCES: Mapping[str, str] = Glossary(
    {
        IntervalMethod.WILSON: N_(
            "95 %-intervallet er beregnet med Wilsons metode for andeler "
            "(riktig også ved små tall og ved 0)."
        ),
        IntervalMethod.BYAR: N_(
            "95 %-intervallet er beregnet med Byars tilnærming (eksakt Poisson under 10 hendelser)."
        ),
        IntervalMethod.POISSON_EXACT: N_("95 %-intervallet er et eksakt Poisson-intervall."),
        IntervalMethod.T: N_(
            "95 %-intervallet er beregnet med Students t ut fra gjennomsnitt, "
            "standardavvik og antall."
        ),
        IntervalMethod.PUBLISHED: N_(
            "95 %-intervallet er kildens eget: verdien pluss/minus "
            "usikkerheten kilden oppgir (Udirs «Usikkerhet»)."
        ),
        IntervalMethod.NONE: N_(
            "Kilden publiserer ikke det som trengs for å beregne usikkerhet, så vi "
            "viser ingen intervaller og sammenligner ikke statistisk."
        ),
    }
)


@dataclass(frozen=True, slots=True)
class Interval:
    """Lower and upper limits, same shape; NaN where no interval can be given."""

    lower: FloatArray
    upper: FloatArray

    def __post_init__(self) -> None:
        # Arithmetic on 0-d arrays yields numpy scalars; callers index and slice, so keep arrays.
        object.__setattr__(self, "lower", np.asarray(self.lower, dtype=np.float64))
        object.__setattr__(self, "upper", np.asarray(self.upper, dtype=np.float64))


def _floats(x: npt.ArrayLike) -> FloatArray:
    return np.asarray(x, dtype=np.float64)


def _z(level: float) -> float:
    _check_level(level)
    return float(sps.norm.ppf(0.5 + level / 2.0))


def _check_level(level: float) -> None:
    if not 0.0 < level < 1.0:
        raise StatisticsInputError(
            f"Confidence level {level!r} is not between 0 and 1.",
            hint="Use 0.95 or 0.998.",
        )


def _reject(bad: npt.NDArray[np.bool_], what: str) -> None:
    if np.any(bad):
        first = tuple(int(i) for i in np.argwhere(bad)[0])
        raise StatisticsInputError(
            f"{what} ({int(np.count_nonzero(bad))} cell(s), first at index {first}).",
            hint="Fix the source row, or mark the cell as missing (NaN) so it gets no interval.",
        )


def _check_counts(count: FloatArray) -> None:
    _reject(count < 0, "A count is negative")
    _reject(np.isinf(count), "A count is infinite")


def _check_denominator(denominator: FloatArray) -> None:
    _reject(denominator <= 0, "A denominator is 0 or negative")
    _reject(np.isinf(denominator), "A denominator is infinite")


def wilson(x: npt.ArrayLike, n: npt.ArrayLike, level: float = LEVEL_95) -> Interval:
    """Wilson score interval for the proportion x/n (limits as proportions, 0..1)."""
    xa, na = np.broadcast_arrays(_floats(x), _floats(n))
    _check_counts(xa)
    _check_denominator(na)
    _reject(xa > na, "A numerator is larger than its denominator")
    z = _z(level)
    z2 = z * z
    with np.errstate(invalid="ignore", divide="ignore"):
        p = xa / na
        denom = 1.0 + z2 / na
        centre = (p + z2 / (2.0 * na)) / denom
        half = z * np.sqrt(p * (1.0 - p) / na + z2 / (4.0 * na * na)) / denom
    # The closed form gives ±1e-17 instead of exactly 0 and 1 at the edges; pin them.
    lower = np.where(xa == 0, 0.0, np.clip(centre - half, 0.0, 1.0))
    upper = np.where(xa == na, 1.0, np.clip(centre + half, 0.0, 1.0))
    return Interval(lower=lower, upper=upper)


def poisson_exact(count: npt.ArrayLike, level: float = LEVEL_95) -> Interval:
    """Exact (chi-square based) Poisson interval for an observed count, at every count."""
    c = _floats(count)
    _check_counts(c)
    alpha = 1.0 - level
    _check_level(level)
    # chi2 with 0 degrees of freedom is undefined; the lower limit for 0 events is 0 by definition.
    df_low = np.where(c > 0, 2.0 * c, 1.0)
    lower = np.where(c > 0, sps.chi2.ppf(alpha / 2.0, df_low) / 2.0, 0.0)
    upper = sps.chi2.ppf(1.0 - alpha / 2.0, 2.0 * c + 2.0) / 2.0
    nan = np.isnan(c)
    return Interval(
        lower=np.where(nan, np.nan, lower).astype(np.float64),
        upper=np.where(nan, np.nan, upper).astype(np.float64),
    )


def byar(count: npt.ArrayLike, level: float = LEVEL_95) -> Interval:
    """Byar's approximation to the Poisson interval, at every count (use :func:`poisson_count`)."""
    c = _floats(count)
    _check_counts(c)
    z = _z(level)
    with np.errstate(invalid="ignore", divide="ignore"):
        lower = c * (1.0 - 1.0 / (9.0 * c) - z / (3.0 * np.sqrt(c))) ** 3
        c1 = c + 1.0
        upper = c1 * (1.0 - 1.0 / (9.0 * c1) + z / (3.0 * np.sqrt(c1))) ** 3
    lower = np.where(c == 0, 0.0, np.maximum(lower, 0.0))
    return Interval(lower=lower.astype(np.float64), upper=upper.astype(np.float64))


def poisson_count(count: npt.ArrayLike, level: float = LEVEL_95) -> Interval:
    """Interval for a count: exact Poisson below 10 events, Byar's approximation from 10 up."""
    c = _floats(count)
    exact = poisson_exact(c, level)
    approx = byar(c, level)
    use_exact = c < EXACT_BELOW
    return Interval(
        lower=np.where(use_exact, exact.lower, approx.lower),
        upper=np.where(use_exact, exact.upper, approx.upper),
    )


def rate(
    count: npt.ArrayLike,
    denominator: npt.ArrayLike,
    multiplier: float = 1.0,
    level: float = LEVEL_95,
) -> Interval:
    """Crude rate count/denominator × multiplier: count limits scaled the same way."""
    c, d = np.broadcast_arrays(_floats(count), _floats(denominator))
    _check_denominator(d)
    counts = poisson_count(c, level)
    return Interval(lower=counts.lower / d * multiplier, upper=counts.upper / d * multiplier)


def mean_t(
    mean: npt.ArrayLike, sd: npt.ArrayLike, n: npt.ArrayLike, level: float = LEVEL_95
) -> Interval:
    """Student's t interval for a mean from its SD and n; n = 1 gives no interval."""
    m, s, k = np.broadcast_arrays(_floats(mean), _floats(sd), _floats(n))
    _check_level(level)
    _reject(s < 0, "A standard deviation is negative")
    _reject(k <= 0, "A sample size is 0 or negative")
    # One observation has no spread estimate: that is "no interval", not an error.
    usable = k >= 2
    df = np.where(usable, k - 1.0, 1.0)
    t = sps.t.ppf(0.5 + level / 2.0, df)
    with np.errstate(invalid="ignore", divide="ignore"):
        half = np.where(usable, t * s / np.sqrt(np.where(usable, k, 1.0)), np.nan)
    return Interval(lower=(m - half).astype(np.float64), upper=(m + half).astype(np.float64))


def published(value: npt.ArrayLike, margin95: npt.ArrayLike, level: float = LEVEL_95) -> Interval:
    """value ± the source's 95 % margin; at another level the margin is scaled by z(level)/z(95 %).

    The scaling assumes the source's interval is a normal one (Udir's scale scores are means of
    many pupils); the 95 % limits themselves are exactly the published ones.
    """
    v, m = np.broadcast_arrays(_floats(value), _floats(margin95))
    _reject(m < 0, "A published margin is negative")
    half = m * (_z(level) / _z(LEVEL_95))
    return Interval(lower=v - half, upper=v + half)


def no_interval(shape: tuple[int, ...]) -> Interval:
    """NaN limits: the honest answer when only a value is published."""
    return Interval(lower=np.full(shape, np.nan), upper=np.full(shape, np.nan))


def _need(name: str, x: npt.ArrayLike | None, method: IntervalMethod) -> FloatArray:
    if x is None:
        raise StatisticsInputError(
            f"The {method.value} interval needs `{name}`.",
            hint="Pass it, or use the method 'none' when the source gives only a value.",
        )
    return _floats(x)


def interval(
    method: IntervalMethod | str,
    *,
    value: npt.ArrayLike | None = None,
    numerator: npt.ArrayLike | None = None,
    denominator: npt.ArrayLike | None = None,
    sd: npt.ArrayLike | None = None,
    n: npt.ArrayLike | None = None,
    margin95: npt.ArrayLike | None = None,
    multiplier: float = 1.0,
    level: float = LEVEL_95,
) -> Interval:
    """Limits on the scale of ``value`` (numerator / denominator × multiplier) for any method.

    * ``wilson``: numerator, denominator (multiplier 100 gives percent);
    * ``byar`` / ``poisson_exact``: numerator (events) and, for a rate, denominator; without a
      denominator the limits are those of the count times the multiplier;
    * ``t``: value (the mean), sd, n;
    * ``published``: value and the source's ± 95 % margin (``margin95``);
    * ``none``: NaN limits shaped like the first array given.
    """
    m = IntervalMethod(method)
    _check_level(level)
    if m is IntervalMethod.WILSON:
        p = wilson(_need("numerator", numerator, m), _need("denominator", denominator, m), level)
        return Interval(lower=p.lower * multiplier, upper=p.upper * multiplier)
    if m in (IntervalMethod.BYAR, IntervalMethod.POISSON_EXACT):
        count = _need("numerator", numerator, m)
        counts = (
            poisson_count(count, level) if m is IntervalMethod.BYAR else poisson_exact(count, level)
        )
        if denominator is None:
            return Interval(lower=counts.lower * multiplier, upper=counts.upper * multiplier)
        d = _floats(denominator)
        _check_denominator(d)
        return Interval(lower=counts.lower / d * multiplier, upper=counts.upper / d * multiplier)
    if m is IntervalMethod.T:
        return mean_t(_need("value", value, m), _need("sd", sd, m), _need("n", n, m), level)
    if m is IntervalMethod.PUBLISHED:
        return published(_need("value", value, m), _need("margin95", margin95, m), level)
    given = [a for a in (value, numerator, denominator, sd, n) if a is not None]
    shape = np.broadcast_shapes(*(np.shape(a) for a in given)) if given else ()
    return no_interval(shape)
