"""Intervals against the published reference values and independent scipy/statsmodels results."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats as sps
from statsmodels.stats.proportion import proportion_confint
from statsmodels.stats.rates import confint_poisson

from oppvekst.errors import StatisticsInputError
from oppvekst.stats.intervals import (
    IntervalMethod,
    byar,
    interval,
    mean_t,
    poisson_count,
    poisson_exact,
    rate,
    wilson,
)

SIG6 = {"rel": 1e-6, "abs": 1e-12}
LEVELS = [0.95, 0.998]


# --- Reference values from STATISTICS.md (given to 4 significant digits there) -------------------
@pytest.mark.parametrize(
    ("x", "n", "lower", "upper"), [(0, 10, 0.0, 0.2775), (15, 148, 0.0624, 0.1605)]
)
def test_wilson_reference_values(x: int, n: int, lower: float, upper: float) -> None:
    got = wilson(x, n, 0.95)
    assert float(got.lower) == pytest.approx(lower, abs=5e-5)
    assert float(got.upper) == pytest.approx(upper, abs=5e-5)


@pytest.mark.parametrize(
    ("count", "lower", "upper"),
    [(0, 0.0, 3.689), (5, 1.6235, 11.6683), (10, 4.7954, 18.3904)],
)
def test_exact_poisson_reference_values(count: int, lower: float, upper: float) -> None:
    got = poisson_exact(count, 0.95)
    assert float(got.lower) == pytest.approx(lower, abs=5e-4)
    assert float(got.upper) == pytest.approx(upper, abs=5e-4)


# --- Wilson against statsmodels: 16 cases × 2 levels ---------------------------------------------
WILSON_CASES = [
    (0, 1), (1, 1), (0, 3), (3, 3), (1, 2), (1, 20), (7, 13), (19, 20), (50, 100), (0, 500),
    (500, 500), (1, 1000), (333, 1000), (12345, 67890), (2, 5), (148, 148),
]  # fmt: skip


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize(("x", "n"), WILSON_CASES)
def test_wilson_matches_statsmodels(x: int, n: int, level: float) -> None:
    lo, hi = proportion_confint(x, n, alpha=1 - level, method="wilson")
    got = wilson(x, n, level)
    assert float(got.lower) == pytest.approx(lo, **SIG6)
    assert float(got.upper) == pytest.approx(hi, **SIG6)


def test_wilson_is_vectorised_and_keeps_missing_as_missing() -> None:
    x = np.array([0, 5, np.nan, 7])
    n = np.array([10, 50, 20, np.nan])
    got = wilson(x, n)
    assert np.isnan(got.lower[2:]).all() and np.isnan(got.upper[2:]).all()
    lo, hi = proportion_confint(np.array([0, 5]), np.array([10, 50]), method="wilson")
    np.testing.assert_allclose(got.lower[:2], lo, rtol=1e-6, atol=1e-12)
    np.testing.assert_allclose(got.upper[:2], hi, rtol=1e-6)


def test_wilson_edges_are_exactly_zero_and_one() -> None:
    got = wilson([0, 9], [9, 9])
    assert got.lower[0] == 0.0
    assert got.upper[1] == 1.0


@pytest.mark.parametrize(("x", "n"), [(1, 0), (0, 0), (5, 4), (-1, 10)])
def test_wilson_rejects_impossible_inputs(x: int, n: int) -> None:
    with pytest.raises(StatisticsInputError):
        wilson(x, n)


# --- Poisson: exact below 10 (statsmodels exact-c), Byar from 10 ----------------------------------
@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("count", [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 25, 100, 1234])
def test_exact_poisson_matches_statsmodels(count: int, level: float) -> None:
    lo, hi = confint_poisson(count, 1.0, method="exact-c", alpha=1 - level)
    got = poisson_exact(count, level)
    assert float(got.lower) == pytest.approx(lo, **SIG6)
    assert float(got.upper) == pytest.approx(hi, **SIG6)


def _byar_textbook(o: float, z: float) -> tuple[float, float]:
    # Breslow & Day (1987): O(1 − 1/9O − z/3√O)³ and (O+1)(1 − 1/9(O+1) + z/3√(O+1))³
    lower = o * (1 - 1 / (9 * o) - z / (3 * math.sqrt(o))) ** 3
    o1 = o + 1
    upper = o1 * (1 - 1 / (9 * o1) + z / (3 * math.sqrt(o1))) ** 3
    return lower, upper


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("count", [10, 11, 37, 389, 10_000])
def test_poisson_count_uses_byar_from_ten(count: int, level: float) -> None:
    z = float(sps.norm.ppf(1 - (1 - level) / 2))
    lo, hi = _byar_textbook(count, z)
    got = poisson_count(count, level)
    assert float(got.lower) == pytest.approx(lo, **SIG6)
    assert float(got.upper) == pytest.approx(hi, **SIG6)
    # Byar is an approximation to the exact interval: close, but not the same thing.
    exact_lo, exact_hi = confint_poisson(count, 1.0, method="exact-c", alpha=1 - level)
    assert float(got.lower) == pytest.approx(exact_lo, rel=0.02)
    assert float(got.upper) == pytest.approx(exact_hi, rel=0.02)


@pytest.mark.parametrize("count", [0, 3, 9])
def test_poisson_count_is_exact_below_ten(count: int) -> None:
    lo, hi = confint_poisson(count, 1.0, method="exact-c", alpha=0.05)
    got = poisson_count(count)
    assert float(got.lower) == pytest.approx(lo, **SIG6)
    assert float(got.upper) == pytest.approx(hi, **SIG6)


def test_byar_itself_handles_zero_and_nan() -> None:
    got = byar([0, np.nan])
    assert got.lower[0] == 0.0 and np.isnan(got.lower[1]) and np.isnan(got.upper[1])


@pytest.mark.parametrize(
    ("count", "den", "mult"), [(0, 1500, 1000), (4, 250, 1000), (57, 12345, 10000)]
)
def test_rate_is_count_limits_over_denominator(count: int, den: int, mult: int) -> None:
    if count < 10:
        lo, hi = confint_poisson(count, 1.0, method="exact-c", alpha=0.05)
    else:
        lo, hi = _byar_textbook(count, 1.959963984540054)
    got = rate(count, den, mult)
    assert float(got.lower) == pytest.approx(lo / den * mult, **SIG6)
    assert float(got.upper) == pytest.approx(hi / den * mult, **SIG6)


def test_rate_with_zero_denominator_is_a_clear_error() -> None:
    with pytest.raises(StatisticsInputError, match="denominator is 0"):
        rate([3, 4], [100, 0], 1000)


def test_poisson_rejects_negative_counts() -> None:
    with pytest.raises(StatisticsInputError):
        poisson_count(-1)


# --- Student's t ----------------------------------------------------------------------------------
@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize(("mean", "sd", "n"), [(3.2, 0.8, 2), (50.0, 10.0, 5), (4.1, 1.3, 812)])
def test_mean_t_matches_scipy(mean: float, sd: float, n: int, level: float) -> None:
    lo, hi = sps.t.interval(level, n - 1, loc=mean, scale=sd / math.sqrt(n))
    got = mean_t(mean, sd, n, level)
    assert float(got.lower) == pytest.approx(lo, **SIG6)
    assert float(got.upper) == pytest.approx(hi, **SIG6)


def test_mean_t_tiny_n_and_missing_give_no_interval() -> None:
    got = mean_t([3.0, 3.0, np.nan], [1.0, np.nan, 1.0], [1, 10, 10])
    assert np.isnan(got.lower).all() and np.isnan(got.upper).all()


def test_mean_t_rejects_zero_n_and_negative_sd() -> None:
    with pytest.raises(StatisticsInputError):
        mean_t(1.0, 1.0, 0)
    with pytest.raises(StatisticsInputError):
        mean_t(1.0, -1.0, 10)


# --- Dispatcher -----------------------------------------------------------------------------------
def test_dispatcher_wilson_in_percent_is_on_the_value_scale() -> None:
    lo, hi = proportion_confint(15, 148, alpha=0.002, method="wilson")
    got = interval("wilson", numerator=15, denominator=148, multiplier=100, level=0.998)
    assert float(got.lower) == pytest.approx(lo * 100, **SIG6)
    assert float(got.upper) == pytest.approx(hi * 100, **SIG6)


def test_dispatcher_byar_is_a_rate_and_poisson_exact_stays_exact_at_ten() -> None:
    got = interval(
        IntervalMethod.BYAR, numerator=[3, 30], denominator=[2000, 2000], multiplier=1000
    )
    lo3, _ = confint_poisson(3, 1.0, method="exact-c", alpha=0.05)
    lo30, _ = _byar_textbook(30, 1.959963984540054)
    np.testing.assert_allclose(got.lower, [lo3 / 2, lo30 / 2], rtol=1e-6)
    exact = interval("poisson_exact", numerator=10)
    assert float(exact.lower) == pytest.approx(4.7954, abs=5e-5)


def test_dispatcher_t_and_none() -> None:
    got = interval("t", value=10.0, sd=2.0, n=16)
    lo, hi = sps.t.interval(0.95, 15, loc=10.0, scale=0.5)
    assert float(got.lower) == pytest.approx(lo, **SIG6)
    assert float(got.upper) == pytest.approx(hi, **SIG6)
    none = interval("none", value=[1.0, 2.0, 3.0])
    assert none.lower.shape == (3,) and np.isnan(none.lower).all() and np.isnan(none.upper).all()


def test_dispatcher_needs_its_inputs() -> None:
    with pytest.raises(StatisticsInputError, match="needs `denominator`"):
        interval("wilson", numerator=3)
    with pytest.raises(StatisticsInputError):
        interval("wilson", numerator=3, denominator=10, level=95)
    with pytest.raises(ValueError):
        interval("normal", numerator=3, denominator=10)


def test_dispatcher_rate_with_zero_denominator_errors() -> None:
    with pytest.raises(StatisticsInputError):
        interval("byar", numerator=2, denominator=0, multiplier=1000)


def test_a_published_margin_is_the_95_interval_and_widens_by_the_normal_quantiles() -> None:
    from oppvekst.stats.intervals import published

    got = published([48.0, 45.0, np.nan], [0.8, 2.1, 1.0])
    assert np.allclose(got.lower[:2], [47.2, 42.9]) and np.allclose(got.upper[:2], [48.8, 47.1])
    assert np.isnan(got.lower[2]) and np.isnan(got.upper[2])
    wide = published(45.0, 2.1, level=0.998)
    ratio = sps.norm.ppf(0.999) / sps.norm.ppf(0.975)
    assert float(wide.upper) - 45.0 == pytest.approx(2.1 * ratio)
    with pytest.raises(StatisticsInputError):
        published(45.0, -1.0)
