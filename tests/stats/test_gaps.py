"""The gap between two groups: Katz's log interval for a ratio of shares, and its tests."""

from __future__ import annotations

import math

import pytest
from scipy import stats as sps

from oppvekst.stats.gaps import gap, gaps_differ, two_proportion_p


def test_katz_interval_of_a_ratio_of_two_shares() -> None:
    # 30 of 100 against 10 of 100: ratio 3; se(ln) = √(1/30 − 1/100 + 1/10 − 1/100) = 0.33665.
    found = gap(30.0, 10.0, (30, 100), (10, 100))
    assert found is not None
    assert found.ratio == pytest.approx(3.0)
    assert found.lower95 == pytest.approx(1.5506, abs=1e-3)
    assert found.upper95 == pytest.approx(5.8041, abs=1e-3)
    # The interval is symmetric on the log scale around the ratio.
    assert math.log(found.upper95 / found.ratio) == pytest.approx(
        math.log(found.ratio / found.lower95)
    )


def test_the_two_proportion_test_is_the_uncorrected_chi_square_test() -> None:
    for x1, n1, x2, n2 in ((30, 100, 10, 100), (864, 1459, 10372, 13576), (4, 20, 6, 25)):
        table = [[x1, n1 - x1], [x2, n2 - x2]]
        _, p, _, _ = sps.chi2_contingency(table, correction=False)
        assert two_proportion_p(x1, n1, x2, n2) == pytest.approx(p, rel=1e-9)


def test_without_counts_the_ratio_stands_alone_and_is_not_tested() -> None:
    found = gap(27.2, 10.0)
    assert found is not None and found.ratio == pytest.approx(2.72)
    assert found.lower95 is None and found.p_value is None and found.significant is None
    assert gaps_differ(found, found) is None


def test_no_gap_without_both_shares_or_against_zero() -> None:
    assert gap(math.nan, 10.0) is None
    assert gap(5.0, 0.0) is None


def test_comparing_two_areas_gaps() -> None:
    own = gap(30.0, 10.0, (300, 1000), (100, 1000))
    same = gap(30.0, 10.0, (3000, 10000), (1000, 10000))
    narrow = gap(12.0, 10.0, (1200, 10000), (1000, 10000))
    assert own is not None and same is not None and narrow is not None
    assert gaps_differ(own, same) == pytest.approx(1.0)
    wider = gaps_differ(own, narrow)
    assert wider is not None and wider < 0.001
