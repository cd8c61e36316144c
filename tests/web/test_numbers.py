"""Numbers as the sources publish them: half away from zero, Norwegian separators, one function."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oppvekst.views.numbers import NBSP, interval, number, rounded


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [
        (13 / 16 * 100, 1, "81,3"),  # IMDi publishes 81.3; half-to-even gave «81,2»
        (0.125, 2, "0,13"),
        (2.675, 2, "2,68"),  # the float is 2.67499…; the source wrote 2.675
        (-2.5, 0, "\u22123"),  # away from zero on the negative side too
        (-0.04, 1, "0,0"),  # never «−0,0»
        (1234567.891, 1, "1\u202f234\u202f567,9"),
        (1112853.0, 0, "1\u202f112\u202f853"),
    ],
)
def test_rounding_half_away_from_zero(value: float, decimals: int, text: str) -> None:
    assert number(value, decimals) == text


def test_missing_and_chart_separator() -> None:
    assert number(None) == "–" and number(math.nan) == "–"
    assert number(None, missing="") == ""
    assert number(12345.0, 0, thousands=NBSP) == "12\u00a0345"


@given(st.integers(min_value=-(10**9), max_value=10**9), st.integers(min_value=0, max_value=3))
def test_exact_halves_always_round_away_from_zero(whole: int, decimals: int) -> None:
    # x.xx5 at one more decimal than shown: exactly the tie the two rules disagree on.
    text = f"{whole}5e-{decimals + 1}"
    value = float(text)
    got = rounded(value, decimals)
    step = 10 ** (-decimals)
    assert abs(float(got)) >= abs(value) - 1e-9 * max(1.0, abs(value))
    assert abs(float(got) - value) <= step / 2 + 1e-9 * max(1.0, abs(value))


@pytest.mark.parametrize(
    ("lower", "upper", "decimals", "text"),
    [
        (50.8, 51.2, 0, "50,8–51,2"),  # Udir: 51 ± 0,2 would print «51–51» at the value's decimals
        (47.2, 48.8, 0, "47–49"),  # limits that already differ keep the indicator's decimals
        (22.19, 22.64, 1, "22,2–22,6"),
        (10.0, 10.0, 1, "10,0–10,0"),  # a zero-width interval is what it is
        (None, 3.0, 1, ""),
    ],
)
def test_an_interval_never_prints_two_equal_limits_for_different_ones(
    lower: float | None, upper: float | None, decimals: int, text: str
) -> None:
    assert interval(lower, upper, decimals) == text
