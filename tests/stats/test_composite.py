"""Composite index: recipe, reproducible uncertainty, and the properties the issue asks for."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oppvekst.errors import StatisticsInputError
from oppvekst.stats.composite import BaseYear, composite_index


def _inputs(seed: int, areas: int = 30, k: int = 4) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    v = rng.normal(50, 10, (areas, k))
    return v, v - rng.uniform(1, 5, v.shape), v + rng.uniform(1, 5, v.shape)


POL = ["higher_better", "lower_better", "higher_better", "lower_better"]
NAMES = ["a", "b", "c", "d"]


def test_point_index_is_the_weighted_mean_of_oriented_z_scores() -> None:
    v, lo, up = _inputs(1)
    w = np.array([2.0, 1.0, 1.0, 0.5])
    got = composite_index(v, lo, up, POL, w, names=NAMES, simulations=50)
    z = (v - v.mean(axis=0)) / v.std(axis=0) * np.array([1, -1, 1, -1])
    expected = z @ w / w.sum()
    np.testing.assert_allclose(got.index, expected, rtol=1e-9, atol=1e-12)
    order = np.argsort(-expected)
    assert got.rank[order[0]] == 1 and got.rank[order[-1]] == 30
    inside = (got.lower <= got.index) & (got.index <= got.upper)
    assert inside.mean() >= 0.9
    assert np.all(got.rank_lower <= got.rank_upper)
    assert "vekt 2" in got.recipe and "lavere er bedre" in got.recipe


def test_base_year_scale_centres_on_500() -> None:
    v, lo, up = _inputs(2)
    base = BaseYear(year=2015, mean=v.mean(axis=0), sd=v.std(axis=0))
    got = composite_index(v, lo, up, POL, np.ones(4), names=NAMES, method="base_year", base=base)
    assert got.index.mean() == pytest.approx(500.0)
    shifted = composite_index(v + 1.0, lo + 1.0, up + 1.0, POL, np.ones(4), names=NAMES,
                              method="base_year", base=base)  # fmt: skip
    # Against a fixed base, a change is visible: +1 on every indicator moves the index.
    expected_shift = 100 * np.mean(np.array([1, -1, 1, -1]) / v.std(axis=0))
    np.testing.assert_allclose(shifted.index - got.index, expected_shift, rtol=1e-9)
    assert "basisåret 2015" in got.recipe


def test_uncertainty_band_is_reproducible_and_seed_dependent() -> None:
    v, lo, up = _inputs(3)
    a = composite_index(v, lo, up, POL, np.ones(4), names=NAMES, seed=7)
    b = composite_index(v, lo, up, POL, np.ones(4), names=NAMES, seed=7)
    c = composite_index(v, lo, up, POL, np.ones(4), names=NAMES, seed=8)
    np.testing.assert_array_equal(a.lower, b.lower)
    assert not np.array_equal(a.lower, c.lower)
    # Wider component intervals give a wider band.
    wide = composite_index(v, v - 20, v + 20, POL, np.ones(4), names=NAMES, seed=7)
    assert np.mean(wide.upper - wide.lower) > np.mean(a.upper - a.lower)


def test_missing_rules() -> None:
    v, lo, up = _inputs(4)
    v[0, 1] = np.nan
    v[1, :3] = np.nan
    re = composite_index(v, lo, up, POL, np.ones(4), names=NAMES, missing_rule="reweight")
    ex = composite_index(v, lo, up, POL, np.ones(4), names=NAMES, missing_rule="exclude_area")
    assert np.isfinite(re.index[0]) and np.isnan(re.index[1])  # 3/4 of the weight vs 1/4
    assert np.isnan(ex.index[0]) and np.isnan(ex.rank[0])
    assert re.components_used[0] == 3
    assert "minst 50 %" in re.recipe and "får ingen indeks" in ex.recipe


def test_components_without_interval_are_fixed_and_said_so() -> None:
    v, lo, up = _inputs(5)
    lo[:, 2] = np.nan
    up[:, 2] = np.nan
    got = composite_index(v, lo, up, POL, np.ones(4), names=NAMES)
    assert "c har ikke usikkerhetsintervall" in got.recipe


def test_input_errors() -> None:
    v, lo, up = _inputs(6)
    with pytest.raises(StatisticsInputError):
        composite_index(v, lo, up, [*POL[:3], "none"], np.ones(4), names=NAMES)
    with pytest.raises(StatisticsInputError):
        composite_index(v, lo, up, POL, np.ones(4), names=["a", "a", "b", "c"])
    with pytest.raises(StatisticsInputError):
        composite_index(v, lo, up, POL, np.ones(4), names=NAMES, method="base_year")
    v[:, 0] = 3.0
    with pytest.raises(StatisticsInputError):
        composite_index(v, lo, up, POL, np.ones(4), names=NAMES)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), perm=st.permutations(range(4)))
def test_invariant_to_the_order_of_indicators(seed: int, perm: list[int]) -> None:
    v, lo, up = _inputs(seed, areas=12)
    w = np.array([1.0, 2.0, 0.5, 1.5])
    p = list(perm)
    a = composite_index(v, lo, up, POL, w, names=NAMES, simulations=100, seed=seed)
    b = composite_index(
        v[:, p], lo[:, p], up[:, p], [POL[i] for i in p], w[p],
        names=[NAMES[i] for i in p], simulations=100, seed=seed,
    )  # fmt: skip
    np.testing.assert_allclose(a.index, b.index, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(a.lower, b.lower, rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(a.rank, b.rank)
    np.testing.assert_array_equal(a.rank_upper, b.rank_upper)


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    area=st.integers(0, 11),
    component=st.integers(0, 3),
    step=st.floats(0.01, 50.0),
)
def test_monotone_in_each_oriented_component(
    seed: int, area: int, component: int, step: float
) -> None:
    v, lo, up = _inputs(seed, areas=12)
    before = composite_index(v, lo, up, POL, np.ones(4), names=NAMES, simulations=10)
    sign = 1.0 if POL[component] == "higher_better" else -1.0
    v2 = v.copy()
    v2[area, component] += sign * step  # a step in the "better" direction
    after = composite_index(v2, lo, up, POL, np.ones(4), names=NAMES, simulations=10)
    assert after.index[area] >= before.index[area] - 1e-12
    assert after.rank[area] <= before.rank[area]
