"""Similar municipalities: weighted distance on standardised variables."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.spatial.distance import cdist

from oppvekst.errors import StatisticsInputError
from oppvekst.stats.similarity import similar

NAMES = ["folketall", "sentralitet", "inntekt"]


def _features(seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.column_stack(
        [rng.lognormal(8, 1, 50), rng.integers(1, 7, 50), rng.normal(600_000, 50_000, 50)]
    )


def test_nearest_match_scipy_weighted_euclidean() -> None:
    x = _features()
    w = np.array([1.0, 2.0, 0.5])
    z = (x - x.mean(axis=0)) / x.std(axis=0)
    d = cdist(z[[4]], z, metric="minkowski", p=2, w=w)[0]
    d[4] = np.inf
    expected = np.argsort(d, kind="stable")[:10]
    got = similar(4, x, w, NAMES, n=10)
    assert [nb.index for nb in got] == expected.tolist()
    np.testing.assert_allclose([nb.distance for nb in got], d[expected], rtol=1e-9)
    for nb in got:
        assert sum(c.share for c in nb.contributions) == pytest.approx(1.0)
        assert [c.name for c in nb.contributions] == NAMES


def test_weights_change_the_answer_and_zero_weight_ignores_a_variable() -> None:
    x = _features(2)
    x[7, 2] = np.nan  # income missing for one area
    only_pop = similar(0, x, [1.0, 0.0, 0.0], NAMES, n=49)
    assert 7 in [nb.index for nb in only_pop]  # income not used: area 7 stays in
    assert [c.name for c in only_pop[0].contributions] == ["folketall"]
    with_income = similar(0, x, [1.0, 0.0, 1.0], NAMES, n=49)
    assert 7 not in [nb.index for nb in with_income]
    assert [nb.index for nb in only_pop[:5]] != [nb.index for nb in with_income[:5]]


def test_errors() -> None:
    x = _features(3)
    with pytest.raises(StatisticsInputError):
        similar(0, x, [0.0, 0.0, 0.0], NAMES)
    with pytest.raises(StatisticsInputError):
        similar(99, x, [1.0, 1.0, 1.0], NAMES)
    x[0, 1] = np.nan
    with pytest.raises(StatisticsInputError):
        similar(0, x, [1.0, 1.0, 1.0], NAMES)
