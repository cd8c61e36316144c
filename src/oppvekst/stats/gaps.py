"""The gap between two groups of one area: a ratio of two shares, its interval and its test.

Fingertips' Inequalities view shows groups side by side; the number a planner quotes is how many
times as high the share is in one group as in the other. For two proportions ``x1/n1`` and
``x2/n2`` the ratio's 95 % interval is Katz's log method (Katz et al. 1978): on the log scale the
ratio is near normal with standard error ``sqrt(1/x1 − 1/n1 + 1/x2 − 1/n2)``. Whether the two
shares differ is the two-proportion z test with the pooled share (the same question asked of the
difference, so it agrees with the interval except at the margin). Whether one area's gap is wider
than another's compares the two log ratios, whose standard errors add (independent areas).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy import special

from oppvekst.stats.intervals import LEVEL_95

SIGNIFICANT = 0.05  # the 95 % level every comparison on the site uses


@dataclass(frozen=True, slots=True)
class Gap:
    """How many times as high the first group's share is as the second's."""

    ratio: float
    lower95: float | None  # None when the counts are not known (shares only)
    upper95: float | None
    p_value: float | None  # two-proportion test; None without counts

    @property
    def significant(self) -> bool | None:
        return None if self.p_value is None else self.p_value < SIGNIFICANT

    @property
    def log_se(self) -> float | None:
        """Standard error of ln(ratio), read back from the interval."""
        if self.lower95 is None or self.upper95 is None:
            return None
        return (math.log(self.upper95) - math.log(self.lower95)) / (2 * _z(LEVEL_95))


def _z(level: float) -> float:
    # scipy.special's functions are what scipy.stats.norm computes with, without its argument
    # checking (~0.1 ms a call, and the profile page makes a few hundred).
    return float(special.ndtri(0.5 + level / 2))


def _usable(x: float, n: float) -> bool:
    return math.isfinite(x) and math.isfinite(n) and 0 < x <= n


def gap(
    share1: float,
    share2: float,
    counts1: tuple[float | None, float | None] = (None, None),
    counts2: tuple[float | None, float | None] = (None, None),
) -> Gap | None:
    """The gap of group 1 against group 2; None when either share is missing or the second is 0.

    ``counts`` are (numerator, denominator); without both groups' counts the ratio stands alone.
    """
    if not (math.isfinite(share1) and math.isfinite(share2)) or share2 <= 0 or share1 < 0:
        return None
    ratio = share1 / share2
    (x1, n1), (x2, n2) = counts1, counts2
    if x1 is None or n1 is None or x2 is None or n2 is None:
        return Gap(ratio, None, None, None)
    if not (_usable(x1, n1) and _usable(x2, n2)):
        return Gap(ratio, None, None, None)
    se = math.sqrt(1 / x1 - 1 / n1 + 1 / x2 - 1 / n2)
    z = _z(LEVEL_95)
    lower, upper = ratio * math.exp(-z * se), ratio * math.exp(z * se)
    return Gap(ratio, lower, upper, two_proportion_p(x1, n1, x2, n2))


def two_proportion_p(x1: float, n1: float, x2: float, n2: float) -> float:
    """Two-sided p value of the pooled two-proportion z test."""
    pooled = (x1 + x2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if se == 0:
        return 1.0
    z = (x1 / n1 - x2 / n2) / se
    return float(2 * special.ndtr(-abs(z)))  # norm.sf(|z|)


def gaps_differ(own: Gap, other: Gap) -> float | None:
    """Two-sided p value that two areas' gaps (log ratios) differ; None without intervals."""
    se_own, se_other = own.log_se, other.log_se
    if se_own is None or se_other is None:
        return None
    z = (math.log(own.ratio) - math.log(other.ratio)) / math.sqrt(se_own**2 + se_other**2)
    return float(2 * special.ndtr(-abs(z)))  # norm.sf(|z|)
