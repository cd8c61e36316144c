"""Chi-square test for linear trend, checked against a weighted least-squares fit in statsmodels."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm
from scipy import stats as sps
from statsmodels.stats.proportion import proportion_confint

from oppvekst.errors import StatisticsInputError
from oppvekst.stats.trend import CRITICAL_CHI2, TrendKind, trend, trends


def _wls_chi2(y: np.ndarray, lo: np.ndarray, hi: np.ndarray, t: np.ndarray) -> tuple[float, float]:
    se = (hi - lo) / 3.92
    fit = sm.WLS(y, sm.add_constant(t), weights=1 / se**2).fit(
        cov_type="fixed scale", cov_kwds={"scale": 1.0}
    )
    return float(fit.params[1]), float((fit.params[1] / fit.bse[1]) ** 2)


def test_critical_value_is_the_998_point() -> None:
    assert pytest.approx(9.5495, abs=1e-4) == CRITICAL_CHI2


CASES = [
    # numerators over 1 000 per year; proportions with Wilson limits
    ([100, 120, 140, 160, 180], "higher_better", TrendKind.INCREASING_BETTER),
    ([100, 120, 140, 160, 180], "lower_better", TrendKind.INCREASING_WORSE),
    ([100, 120, 140, 160, 180], "none", TrendKind.INCREASING),
    ([180, 160, 140, 120, 100], "lower_better", TrendKind.DECREASING_BETTER),
    ([180, 160, 140, 120, 100], "higher_better", TrendKind.DECREASING_WORSE),
    ([180, 160, 140, 120, 100], "none", TrendKind.DECREASING),
    ([100, 104, 98, 103, 101], "higher_better", TrendKind.NO_CHANGE),
    ([50, 55, 45, 52, 60, 58, 61], "higher_better", None),  # only the last five count
]


@pytest.mark.parametrize(("counts", "polarity", "expected"), CASES)
def test_trend_matches_weighted_least_squares(
    counts: list[int], polarity: str, expected: TrendKind | None
) -> None:
    x = np.array(counts, dtype=float)
    lo, hi = proportion_confint(x, 1000, alpha=0.05, method="wilson")
    y = x / 1000
    got = trend(y, lo, hi, polarity)
    slope, chi2 = _wls_chi2(y[-5:], lo[-5:], hi[-5:], np.arange(5.0))
    assert got.slope == pytest.approx(slope, rel=1e-6)
    assert got.chi2 == pytest.approx(chi2, rel=1e-6)
    assert got.p_value == pytest.approx(sps.chi2.sf(chi2, 1), rel=1e-6)
    assert got.n_points == 5
    if expected is None:
        expected = TrendKind.NO_CHANGE if chi2 <= 9.5495 else TrendKind.INCREASING_BETTER
    assert got.kind is expected


def test_uneven_times_are_used() -> None:
    y = np.array([0.1, 0.12, 0.13, 0.15, 0.2])
    lo, hi = y - 0.01, y + 0.012
    t = np.array([2015.0, 2016.0, 2018.0, 2019.0, 2023.0])
    got = trend(y, lo, hi, "none", times=t)
    slope, chi2 = _wls_chi2(y, lo, hi, t)
    assert got.slope == pytest.approx(slope, rel=1e-6)
    assert got.chi2 == pytest.approx(chi2, rel=1e-6)


@pytest.mark.parametrize(
    ("values", "lower", "upper"),
    [
        ([1.0, 2.0, 3.0, 4.0], [0.5, 1.5, 2.5, 3.5], [1.5, 2.5, 3.5, 4.5]),  # four points
        ([1.0, 2.0, np.nan, 4.0, 5.0], [0.5] * 5, [9.0] * 5),  # a gap in the last five
        ([1.0, 2.0, 3.0, 4.0, 5.0], [np.nan] * 5, [np.nan] * 5),  # value only, no interval
        ([1.0, 2.0, 3.0, 4.0, 5.0], [1.0, 2.0, 3.0, 4.0, 5.0], [1.0, 2.0, 3.0, 4.0, 5.0]),
    ],
)
def test_cannot_calculate_is_never_no_change(
    values: list[float], lower: list[float], upper: list[float]
) -> None:
    got = trend(values, lower, upper, "higher_better")
    assert got.kind is TrendKind.CANNOT_CALCULATE
    assert got.text == "Kan ikke beregnes"
    assert np.isnan(got.chi2)


def test_vectorised_trends_agree_with_single_series() -> None:
    rng = np.random.default_rng(7)
    y = rng.uniform(0.1, 0.3, (20, 6)) + np.linspace(0, 0.05, 6)
    lo, hi = y - rng.uniform(0.005, 0.02, y.shape), y + rng.uniform(0.005, 0.02, y.shape)
    many = trends(y, lo, hi, "higher_better")
    for i in range(20):
        one = trend(y[i], lo[i], hi[i], "higher_better")
        assert many.kind[i] == one.kind.value
        assert many.chi2[i] == pytest.approx(one.chi2)


def test_trend_input_errors() -> None:
    with pytest.raises(StatisticsInputError):
        trend([1, 2, 3, 4, 5], [0] * 5, [9] * 5, "higher_better", times=[1, 2, 2, 3, 4])
    with pytest.raises(StatisticsInputError):
        trend([[1, 2, 3, 4, 5]], [0] * 5, [9] * 5, "higher_better")
