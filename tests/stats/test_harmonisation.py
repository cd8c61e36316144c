"""Harmonisation to today's borders: merges sum, splits scale, ratios break."""

from __future__ import annotations

import numpy as np
import pytest

from oppvekst.errors import StatisticsInputError
from oppvekst.stats.harmonisation import Crosswalk, aggregate

# 2019 → 2020 style: 1 and 2 merge into A; 3 splits 0.7/0.3 into B and C; 4 recoded to D;
# 5 splits without a declared weight into E and F.
CW = Crosswalk.of(
    ["1", "2", "3", "3", "4", "5", "5"],
    ["A", "A", "B", "C", "D", "E", "F"],
    [1, 1, 0.7, 0.3, 1, np.nan, np.nan],
)


def _row(h: object, code: str) -> int:
    return int(np.flatnonzero(h.codes == code)[0])  # type: ignore[attr-defined]


def test_merge_sums_and_recomputes_the_rate() -> None:
    h = aggregate(
        CW, ["1", "2", "4"], numerator=[3, 9, 5], denominator=[100, 200, 50], multiplier=1000
    )
    a = _row(h, "A")
    assert h.numerator is not None and h.denominator is not None
    assert h.numerator[a] == 12 and h.denominator[a] == 300
    assert h.value[a] == pytest.approx(12 / 300 * 1000)  # not the mean of 30 and 45
    assert h.flag[a] == "harmonised"
    assert h.flag[_row(h, "D")] == "recoded" and h.value[_row(h, "D")] == pytest.approx(100)


def test_split_scales_counts_by_the_declared_weight() -> None:
    h = aggregate(CW, ["3"], numerator=[40], denominator=[400], multiplier=100)
    assert h.numerator is not None
    assert h.numerator[_row(h, "B")] == pytest.approx(28)
    assert h.numerator[_row(h, "C")] == pytest.approx(12)
    assert h.value[_row(h, "B")] == pytest.approx(10)
    assert h.flag[_row(h, "B")] == "harmonised"


def test_undeclared_split_weight_is_a_break() -> None:
    h = aggregate(CW, ["5"], numerator=[4], denominator=[40])
    for code in ("E", "F"):
        assert h.flag[_row(h, code)] == "break" and np.isnan(h.value[_row(h, code)])


def test_ratio_only_series_is_not_summed_but_breaks() -> None:
    h = aggregate(CW, ["1", "2", "3", "4", "9"], value=[10.0, 20.0, 30.0, 40.0, 50.0])
    assert h.numerator is None
    assert h.flag[_row(h, "A")] == "break" and np.isnan(h.value[_row(h, "A")])
    assert h.flag[_row(h, "B")] == "break"
    assert h.flag[_row(h, "D")] == "recoded" and h.value[_row(h, "D")] == 40.0
    assert h.flag[_row(h, "9")] == "original" and h.value[_row(h, "9")] == 50.0


def test_status_propagates_and_missing_is_never_zero() -> None:
    h = aggregate(
        CW,
        ["1", "2", "4"],
        numerator=[3, np.nan, 5],
        denominator=[100, 200, 50],
        status=["", ":", ""],
    )
    a = _row(h, "A")
    assert np.isnan(h.value[a]) and h.status[a] == ":"
    h2 = aggregate(CW, ["1", "4"], numerator=[3, 5], denominator=[100, 50])
    assert np.isnan(h2.value[_row(h2, "A")]) and h2.status[_row(h2, "A")] == ".."


def test_extra_axis_for_years() -> None:
    num = np.array([[1.0, 2.0], [3.0, 4.0]])
    den = np.array([[10.0, 10.0], [30.0, 30.0]])
    h = aggregate(CW, ["1", "2"], numerator=num, denominator=den)
    a = _row(h, "A")
    np.testing.assert_allclose(h.value[a], [4 / 40, 6 / 40])


def test_bad_crosswalks_and_inputs() -> None:
    with pytest.raises(StatisticsInputError):
        Crosswalk.of(["3", "3"], ["B", "C"], [0.7, 0.7])
    with pytest.raises(StatisticsInputError):
        aggregate(CW, ["1"], numerator=[1])
    with pytest.raises(StatisticsInputError):
        aggregate(CW, ["1", "1"], value=[1.0, 2.0])
