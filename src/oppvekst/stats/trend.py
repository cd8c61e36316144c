"""Recent trend: chi-square test for linear trend over the latest five points, at 99.8 %.

Each point is weighted by its inverse variance, with the standard error recovered from the 95 %
interval as SE = (U − L) / 3.92. The weighted least-squares slope b has variance 1 / Σ wᵢ(tᵢ − t̄)²,
and χ² = b² / var(b) on one degree of freedom; the trend is significant when χ² > 9.5495 (the
99.8 % point). Fewer than five usable points: "cannot be calculated" — never "no change".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt
from scipy import special
from scipy import stats as sps

from oppvekst.errors import StatisticsInputError
from oppvekst.glossary import N_, Glossary
from oppvekst.stats.comparison import Polarity, polarity_signs

FloatArray = npt.NDArray[np.float64]

TREND_POINTS = 5
TREND_LEVEL = 0.998
CRITICAL_CHI2 = float(sps.chi2.ppf(TREND_LEVEL, 1))  # 9.5495
# 2 × 1.959964: the width of a 95 % normal interval in standard errors.
SE_FROM_95_WIDTH = 3.92


class TrendKind(StrEnum):
    INCREASING_BETTER = "increasing_better"
    INCREASING_WORSE = "increasing_worse"
    INCREASING = "increasing"
    DECREASING_BETTER = "decreasing_better"
    DECREASING_WORSE = "decreasing_worse"
    DECREASING = "decreasing"
    NO_CHANGE = "no_change"
    CANNOT_CALCULATE = "cannot_calculate"


TREND_LABELS: Mapping[TrendKind, str] = Glossary(
    {
        TrendKind.INCREASING_BETTER: N_("Økende og blir bedre"),
        TrendKind.INCREASING_WORSE: N_("Økende og blir verre"),
        TrendKind.INCREASING: N_("Økende"),
        TrendKind.DECREASING_BETTER: N_("Synkende og blir bedre"),
        TrendKind.DECREASING_WORSE: N_("Synkende og blir verre"),
        TrendKind.DECREASING: N_("Synkende"),
        TrendKind.NO_CHANGE: N_("Ingen signifikant endring"),
        TrendKind.CANNOT_CALCULATE: N_("Kan ikke beregnes"),
    }
)


@dataclass(frozen=True, slots=True)
class Trend:
    kind: TrendKind
    chi2: float  # NaN when it cannot be calculated
    p_value: float
    slope: float  # change in the value per time unit (per point when no times are given)
    n_points: int  # usable points among the latest five
    text: str  # short Norwegian label shown on the page


@dataclass(frozen=True, slots=True)
class Trends:
    """Trend results for many series at once (one row per area)."""

    kind: npt.NDArray[np.str_]
    chi2: FloatArray
    p_value: FloatArray
    slope: FloatArray
    n_points: npt.NDArray[np.int64]

    def at(self, i: int) -> Trend:
        kind = TrendKind(str(self.kind[i]))
        return Trend(
            kind=kind,
            chi2=float(self.chi2[i]),
            p_value=float(self.p_value[i]),
            slope=float(self.slope[i]),
            n_points=int(self.n_points[i]),
            text=TREND_LABELS[kind],
        )


def trends(
    values: npt.ArrayLike,
    lower: npt.ArrayLike,
    upper: npt.ArrayLike,
    polarity: Polarity | str | npt.ArrayLike,
    *,
    times: npt.ArrayLike | None = None,
) -> Trends:
    """Vectorised trend test: arrays of shape (areas, periods), oldest period first.

    ``lower``/``upper`` are the 95 % limits. ``times`` (length = periods) gives uneven spacing,
    e.g. years with a gap; by default the points are taken as equally spaced.
    """
    v = np.atleast_2d(np.asarray(values, dtype=np.float64))
    lo = np.broadcast_to(np.atleast_2d(np.asarray(lower, dtype=np.float64)), v.shape)
    up = np.broadcast_to(np.atleast_2d(np.asarray(upper, dtype=np.float64)), v.shape)
    signs = np.broadcast_to(polarity_signs(polarity), v.shape[:1])
    periods = v.shape[1]
    t_all = (
        np.arange(periods, dtype=np.float64)
        if times is None
        else np.asarray(times, dtype=np.float64)
    )
    if t_all.shape != (periods,):
        raise StatisticsInputError(f"`times` has {t_all.size} entries for {periods} periods.")
    if periods > 1 and np.any(np.diff(t_all) <= 0):
        raise StatisticsInputError("`times` must be strictly increasing (oldest first).")

    k = min(periods, TREND_POINTS)
    y, lo5, up5, t = v[:, -k:], lo[:, -k:], up[:, -k:], t_all[-k:]
    with np.errstate(invalid="ignore"):
        usable_point = np.isfinite(y) & np.isfinite(lo5) & np.isfinite(up5) & (up5 > lo5)
    n_points = usable_point.sum(axis=1).astype(np.int64)
    ok = n_points == TREND_POINTS

    se = np.where(usable_point, (up5 - lo5) / SE_FROM_95_WIDTH, 1.0)
    w = np.where(ok[:, None], 1.0 / se**2, 1.0)
    yy = np.where(ok[:, None], y, 0.0)
    # Series that cannot be tested (fewer than five usable points, or none at all) divide by zero
    # here; their results are replaced by "cannot calculate" below, so the warning is noise.
    with np.errstate(invalid="ignore", divide="ignore"):
        t_bar = (w * t).sum(axis=1) / w.sum(axis=1)
        y_bar = (w * yy).sum(axis=1) / w.sum(axis=1)
        dt = t[None, :] - t_bar[:, None]
        sxx = (w * dt * dt).sum(axis=1)
        slope = (w * dt * (yy - y_bar[:, None])).sum(axis=1) / sxx
        chi2 = slope * slope * sxx  # b² / var(b) with var(b) = 1 / Σ w (t − t̄)²
    # chi2.sf's own kernel, without scipy.stats' argument checking (most of a trend's time).
    p_value = special.chdtrc(1, chi2)

    significant = chi2 > CRITICAL_CHI2
    # +1 getting better, −1 getting worse
    direction = np.sign(np.nan_to_num(slope)).astype(np.int8) * signs
    up_kind = np.where(
        signs == 0,
        TrendKind.INCREASING.value,
        np.where(
            direction > 0, TrendKind.INCREASING_BETTER.value, TrendKind.INCREASING_WORSE.value
        ),
    )
    down_kind = np.where(
        signs == 0,
        TrendKind.DECREASING.value,
        np.where(
            direction > 0, TrendKind.DECREASING_BETTER.value, TrendKind.DECREASING_WORSE.value
        ),
    )
    kind = np.where(significant, np.where(slope > 0, up_kind, down_kind), TrendKind.NO_CHANGE.value)
    kind = np.where(ok, kind, TrendKind.CANNOT_CALCULATE.value)
    nan = np.full(v.shape[0], np.nan)
    return Trends(
        kind=np.asarray(kind, dtype=str),
        chi2=np.where(ok, chi2, nan),
        p_value=np.where(ok, p_value, nan),
        slope=np.where(ok, slope, nan),
        n_points=n_points,
    )


def trend(
    values: npt.ArrayLike,
    lower: npt.ArrayLike,
    upper: npt.ArrayLike,
    polarity: Polarity | str,
    *,
    times: npt.ArrayLike | None = None,
) -> Trend:
    """Trend of one series (oldest first); only the latest five points are used."""
    v = np.asarray(values, dtype=np.float64)
    if v.ndim != 1:
        raise StatisticsInputError("`trend` takes one series; use `trends` for many.")
    return trends(
        v[None, :], np.asarray(lower)[None], np.asarray(upper)[None], polarity, times=times
    ).at(0)
