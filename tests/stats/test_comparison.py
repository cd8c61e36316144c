"""Benchmark comparison (Fingertips' method), quintiles and group values."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.proportion import proportion_confint

from oppvekst.errors import StatisticsInputError
from oppvekst.stats.comparison import (
    Polarity,
    Significance,
    compare,
    group_value,
    member_group_value,
    quintiles,
)

# value 50 with 95 % interval [40, 60] and 99.8 % interval [35, 65]
AREA = (50.0, 40.0, 60.0, 35.0, 65.0)


@pytest.mark.parametrize(
    ("benchmark", "higher_better", "lower_better", "none"),
    [
        (30.0, "much_better", "much_worse", "higher"),  # below even the 99.8 % lower limit
        (38.0, "better", "worse", "higher"),  # between the two lower limits
        (40.0, "similar", "similar", "similar"),  # on the limit counts as inside
        (55.0, "similar", "similar", "similar"),
        (62.0, "worse", "better", "lower"),
        (70.0, "much_worse", "much_better", "lower"),
    ],
)
def test_compare_follows_the_overlapping_interval_rule(
    benchmark: float, higher_better: str, lower_better: str, none: str
) -> None:
    v, l95, u95, l998, u998 = AREA
    assert compare(v, l95, u95, l998, u998, benchmark, "higher_better").item() == higher_better
    assert compare(v, l95, u95, l998, u998, benchmark, Polarity.LOWER_BETTER).item() == lower_better
    assert compare(v, l95, u95, l998, u998, benchmark, "none").item() == none


def test_compare_with_real_wilson_limits() -> None:
    # 30 of 100 against a country at 45 %: the 95 % Wilson interval excludes 45, the 99.8 % not.
    lo95, hi95 = proportion_confint(30, 100, alpha=0.05, method="wilson")
    lo998, hi998 = proportion_confint(30, 100, alpha=0.002, method="wilson")
    assert hi95 < 0.45 < hi998  # the independent premise of this case
    got = compare(0.30, lo95, hi95, lo998, hi998, 0.45, "lower_better")
    assert got.item() == Significance.BETTER.value


def test_missing_inputs_are_not_compared_never_similar() -> None:
    nan = np.nan
    got = compare(
        [50, 50, nan, 50],
        [40, nan, 40, 40],
        [60, nan, 60, 60],
        [35, nan, 35, 35],
        [65, nan, 65, 65],
        [nan, 50, 50, 50],
        "higher_better",
    )
    assert got.tolist() == ["not_compared", "not_compared", "not_compared", "similar"]


def test_compare_broadcasts_profile_shape() -> None:
    # 40 indicators × 3 benchmarks, per-indicator polarity
    rng = np.random.default_rng(1)
    v = rng.uniform(10, 90, 40)
    pol = np.array(["higher_better", "lower_better", "none", "higher_better"] * 10)
    bench = rng.uniform(10, 90, (40, 3))
    got = compare(
        v[:, None], (v - 5)[:, None], (v + 5)[:, None], (v - 8)[:, None], (v + 8)[:, None],
        bench, pol[:, None],
    )  # fmt: skip
    assert got.shape == (40, 3)
    assert set(got[pol == "none"].ravel()) <= {"lower", "similar", "higher"}
    assert "lower" not in set(got[pol != "none"].ravel())


def test_compare_rejects_unnested_limits_and_unknown_polarity() -> None:
    with pytest.raises(StatisticsInputError):
        compare(50, 40, 60, 45, 65, 30, "higher_better")  # 99.8 % lower above 95 % lower
    with pytest.raises(StatisticsInputError):
        compare(50, 40, 60, 35, 65, 30, "up_is_good")


SWAP = {
    "much_better": "much_worse",
    "better": "worse",
    "similar": "similar",
    "worse": "better",
    "much_worse": "much_better",
    "not_compared": "not_compared",
}
finite = st.floats(-1e6, 1e6, allow_nan=False)


@settings(max_examples=200, deadline=None)
@given(
    v=finite,
    widths=st.tuples(*(st.floats(0, 1e3) for _ in range(4))),
    benchmark=st.one_of(finite, st.just(float("nan"))),
)
def test_swapping_polarity_swaps_better_and_worse(
    v: float, widths: tuple[float, float, float, float], benchmark: float
) -> None:
    a, b, c, d = widths
    args = (v, v - a, v + b, v - a - c, v + b + d, benchmark)
    up = compare(*args, "higher_better").item()
    down = compare(*args, "lower_better").item()
    plain = compare(*args, "none").item()
    assert down == SWAP[up]
    # Without polarity the same direction is reported without judging it.
    expected_plain = {"much_better": "higher", "better": "higher", "worse": "lower"}
    expected_plain |= {"much_worse": "lower", "similar": "similar", "not_compared": "not_compared"}
    assert plain == expected_plain[up]


def test_quintiles_split_ranked_values_in_fifths_and_skip_missing() -> None:
    values = np.arange(10, dtype=float)[::-1].copy()
    values[3] = np.nan
    q = quintiles(values)
    assert np.isnan(q[3])
    present = ~np.isnan(q)
    # independent expectation: sort the 9 values, ceil(5·rank/9)
    order = np.argsort(values[present])
    expected = np.empty(9)
    expected[order] = np.ceil(5 * np.arange(1, 10) / 9)
    np.testing.assert_array_equal(q[present], expected)


def test_quintiles_of_357_are_balanced_and_ties_share_a_group() -> None:
    rng = np.random.default_rng(3)
    q = quintiles(rng.normal(size=357))
    counts = np.bincount(q.astype(int))[1:]
    assert counts.sum() == 357 and counts.max() - counts.min() <= 1
    tied = quintiles([1, 1, 1, 1, 1, 2])
    assert len(set(tied[:5].tolist())) == 1


def test_group_value_is_pooled_not_a_mean_of_rates() -> None:
    num = np.array([1, 300])
    den = np.array([10, 10_000])
    # Not the mean of 10 % and 3 % (6.5 %): the small member gets its small weight.
    assert float(group_value(num, den, 100)) == pytest.approx(301 / 10_010 * 100)


def test_group_value_vectorised_over_indicators_and_missing_member() -> None:
    num = np.array([[1.0, 2.0], [3.0, np.nan]])
    den = np.array([[10.0, 10.0], [30.0, 10.0]])
    got = group_value(num, den, 1000)
    assert got[0] == pytest.approx(4 / 40 * 1000)
    assert np.isnan(got[1])


def test_group_value_with_zero_population_is_an_error() -> None:
    with pytest.raises(StatisticsInputError):
        group_value([0, 0], [0, 0])


def test_member_group_value_names_the_members_without_numbers() -> None:
    nan = float("nan")
    result = member_group_value(["1111", "1112", "5061"], [nan, 32, 7], [nan, 27, nan], 100)
    assert result.value is None and result.members == 3
    assert result.missing == ("1111", "5061")
    whole = member_group_value(["1112", "1114"], [32, 20], [27, 24], 100)
    assert whole.value == pytest.approx(52 / 51 * 100) and whole.missing == ()


def test_a_zero_population_is_no_value() -> None:
    empty = member_group_value(["a", "b"], [0, 0], [0, 0])
    assert empty.value is None and empty.empty_population and empty.missing == ()


def test_the_reason_a_value_is_not_compared_is_the_first_missing_piece() -> None:
    from oppvekst.stats.comparison import NotCompared, not_compared_reason

    nan = float("nan")
    assert not_compared_reason(50.0, 45.0, 55.0, 40.0, "wilson") is None
    assert not_compared_reason(None, None, None, None, "wilson") is NotCompared.NO_VALUE
    assert not_compared_reason(50.0, 45.0, 55.0, nan, "wilson") is NotCompared.NO_BENCHMARK
    assert not_compared_reason(50.0, None, None, 40.0, "none") is NotCompared.NOT_PUBLISHED
    assert not_compared_reason(50.0, nan, nan, 40.0, "wilson") is NotCompared.NO_INTERVAL
    assert not_compared_reason(50.0, nan, nan, 40.0, "published") is NotCompared.NO_INTERVAL
