"""Crossing two indicators, checked against scipy and statsmodels."""

from __future__ import annotations

import math

import numpy as np
import pytest
import statsmodels.api as sm
from scipy import stats as sps
from statsmodels.stats.outliers_influence import OLSInfluence

from oppvekst.errors import StatisticsInputError
from oppvekst.stats.crossing import cross


def _data(seed: int, n: int = 60, slope: float = 0.8) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.normal(50, 10, n)
    return x, slope * x + rng.normal(0, 8, n)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_pearson_and_line_match_scipy(seed: int) -> None:
    x, y = _data(seed)
    got = cross(x, y)
    ref = sps.pearsonr(x, y)
    ci = ref.confidence_interval(0.95)
    assert got.pearson == pytest.approx(ref.statistic, rel=1e-6)
    assert got.pearson_lower == pytest.approx(ci.low, rel=1e-6)
    assert got.pearson_upper == pytest.approx(ci.high, rel=1e-6)
    line = sps.linregress(x, y)
    assert got.slope == pytest.approx(line.slope, rel=1e-6)
    assert got.intercept == pytest.approx(line.intercept, rel=1e-6)
    assert got.r2 == pytest.approx(line.rvalue**2, rel=1e-6)
    assert got.n == 60


def test_spearman_matches_scipy_with_bonett_wright_interval() -> None:
    x, y = _data(4, n=40)
    got = cross(x, y)
    rho = sps.spearmanr(x, y).statistic
    se = math.sqrt(1 + rho**2 / 2) / math.sqrt(40 - 3)
    assert got.spearman == pytest.approx(rho, rel=1e-6)
    assert got.spearman_lower == pytest.approx(math.tanh(math.atanh(rho) - 1.959964 * se), rel=1e-6)
    assert got.spearman_upper == pytest.approx(math.tanh(math.atanh(rho) + 1.959964 * se), rel=1e-6)


def test_weighted_line_matches_statsmodels_wls() -> None:
    x, y = _data(5)
    w = np.random.default_rng(5).uniform(100, 50_000, x.size)
    got = cross(x, y, weights=w)
    fit = sm.WLS(y, sm.add_constant(x), weights=w).fit()
    assert got.slope == pytest.approx(fit.params[1], rel=1e-6)
    assert got.intercept == pytest.approx(fit.params[0], rel=1e-6)
    assert got.r2 == pytest.approx(fit.rsquared, rel=1e-6)


def test_outliers_are_studentised_residuals_above_three() -> None:
    x, y = _data(6)
    y[7] += 60  # one municipality far off the line
    labels = [f"K{i}" for i in range(x.size)]
    got = cross(x, y, labels=labels)
    t = OLSInfluence(sm.OLS(y, sm.add_constant(x)).fit()).resid_studentized_external
    expected = tuple(labels[i] for i in np.flatnonzero(np.abs(t) > 3))
    assert "K7" in expected
    assert got.outliers == expected


def test_line_shown_only_from_r2_015() -> None:
    rng = np.random.default_rng(8)
    x = rng.normal(size=200)
    noise = rng.normal(size=200)
    weak = cross(x, 0.1 * x + noise)
    strong = cross(x, x + 0.5 * noise)
    assert weak.r2 < 0.15 and not weak.show_line
    assert strong.r2 >= 0.15 and strong.show_line


def test_missing_pairs_are_dropped_and_tiny_n_gives_nothing() -> None:
    x = np.array([1.0, 2.0, np.nan, 4.0, 5.0, 6.0])
    y = np.array([2.0, 1.0, 3.0, np.nan, 7.0, 5.0])
    got = cross(x, y)
    ref = sps.pearsonr([1, 2, 5, 6], [2, 1, 7, 5])
    assert got.n == 4
    assert got.pearson == pytest.approx(ref.statistic, rel=1e-6)
    tiny = cross([1.0, 2.0], [3.0, 1.0])
    assert tiny.n == 2 and math.isnan(tiny.pearson) and not tiny.show_line


def test_constant_variable_has_no_correlation() -> None:
    got = cross([1.0, 1.0, 1.0, 1.0, 1.0], [1.0, 2.0, 3.0, 4.0, 6.0])
    assert math.isnan(got.pearson) and not got.show_line


def test_input_errors() -> None:
    with pytest.raises(StatisticsInputError):
        cross([1.0, 2.0], [1.0])
    with pytest.raises(StatisticsInputError):
        cross([1.0, 2.0, 3.0], [1.0, 2.0, 3.0], weights=[1.0, -1.0, 1.0])
