"""Primary and secondary suppression; the property: no withheld cell can be derived."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import linalg
from scipy.optimize import linprog

from oppvekst.errors import StatisticsInputError
from oppvekst.stats.suppression import (
    Constraint,
    DisclosureRule,
    Reader,
    ZeroRule,
    crossed,
    exposed,
    hierarchy,
    primary,
    protect,
    secondary,
    status_after,
    withhold,
)


# --- primary --------------------------------------------------------------------------------------
def test_primary_rule_parts() -> None:
    num = np.array([0, 1, 4, 5, 30, 17, np.nan, 3])
    den = np.array([50, 50, 50, 50, 31, 18, 50, 10])
    assert primary(num, den, DisclosureRule(min_numerator=5)).tolist() == [
        False, True, True, False, False, False, False, True,
    ]  # fmt: skip
    zero = DisclosureRule(min_numerator=5, zero=ZeroRule.SUPPRESS)
    assert primary(num, den, zero)[0]
    small_pop = primary(num, den, DisclosureRule(min_denominator=20))
    assert small_pop.tolist() == [False] * 5 + [True, False, True]
    complement = primary(num, den, DisclosureRule(min_complement=3))
    assert complement.tolist() == [False, False, False, False, True, True, False, False]
    survey = primary(num, den, DisclosureRule(min_respondents=25), respondents=[30] * 7 + [10])
    assert survey.tolist() == [False] * 7 + [True]


def test_primary_needs_denominators_for_a_denominator_rule() -> None:
    with pytest.raises(StatisticsInputError):
        primary([1, 2], None, DisclosureRule(min_denominator=20))


# --- small worked examples ------------------------------------------------------------------------
def test_total_minus_one_sex_is_protected() -> None:
    # cells: all, girls, boys for one municipality; girls = 3 is withheld
    values = np.array([40.0, 3.0, 37.0])
    cons = [Constraint(0, (1, 2))]
    prim = primary(values, None, DisclosureRule(min_numerator=5))
    assert exposed(values, prim, cons)[1]  # all − boys gives the girls back
    result = protect(values, prim, cons)
    assert result.mask[1] and result.secondary.sum() == 1
    assert not exposed(values, result.mask, cons).any()
    assert np.array_equal(secondary(values, prim, cons), result.mask)


def test_county_minus_other_municipalities_is_protected() -> None:
    # land 0 → fylke 1 (k 3, 4, 5), fylke 2 (k 6, 7)
    values = np.array([100.0, 60.0, 40.0, 2.0, 28.0, 30.0, 15.0, 25.0])
    cons = hierarchy([None, 0, 0, 1, 1, 1, 2, 2])
    prim = primary(values, None, DisclosureRule(min_numerator=5))
    result = protect(values, prim, cons)
    assert result.mask[3]
    assert result.mask[4] or result.mask[5] or result.mask[1]
    assert not exposed(values, result.mask, cons).any()


def test_zero_total_exposes_withheld_members() -> None:
    # A municipality withheld for its small population, but every cell around it is 0.
    values = np.array([0.0, 0.0, 0.0])
    cons = [Constraint(0, (1, 2))]
    assert exposed(values, [False, True, False], cons)[1]
    result = protect(values, np.array([False, True, False]), cons)
    assert not exposed(values, result.mask, cons)[1]


def test_crossed_constraints_index_cells_row_major() -> None:
    cons = crossed(hierarchy([None, 0, 0]), 3, [Constraint(0, (1, 2))], 3)
    assert Constraint(0, (3, 6)) in cons  # land total = fylke totals
    assert Constraint(4, (5,)) not in cons
    assert Constraint(3, (4, 5)) in cons  # fylke 1: all = girls + boys
    assert len(cons) == 3 + 3


def test_bad_constraints_are_rejected() -> None:
    with pytest.raises(StatisticsInputError):
        protect([1.0, 1.0], [True, False], [(0, ())])
    with pytest.raises(StatisticsInputError):
        protect([1.0, 1.0], [True, False], [(0, (5,))])


def test_status_and_withhold() -> None:
    mask = np.array([True, False, True])
    assert status_after(["", "", ".."], mask).tolist() == [":", "", ".."]
    got = withhold(mask, [1.0, 2.0, 3.0])
    assert np.isnan(got[0]) and got[1] == 2.0 and np.isnan(got[2])


# --- property: nothing withheld can be derived ----------------------------------------------------
@st.composite
def tables(draw: st.DrawFn, max_fylker: int = 3) -> tuple[np.ndarray, np.ndarray, list[Constraint]]:
    """Random land → fylke → kommune (→ bydel) trees, crossed with none / sex / sex × age."""
    parents: list[int | None] = [None]
    n_fylker = draw(st.integers(1, max_fylker))
    fylker = list(range(1, n_fylker + 1))
    parents += [0] * n_fylker
    for f in fylker:
        for _ in range(draw(st.integers(1, 4))):
            parents.append(f)
            if draw(st.integers(0, 5)) == 0:  # an Oslo-like kommune with bydeler
                k = len(parents) - 1
                parents += [k] * draw(st.integers(2, 3))
    n_regions = len(parents)
    breakdown = draw(st.sampled_from(["none", "sex", "sex_age"]))
    if breakdown == "none":
        cats: list[Constraint] = []
        n_cats = 1
    elif breakdown == "sex":
        cats, n_cats = [Constraint(0, (1, 2))], 3
    else:
        cats, n_cats = crossed([Constraint(0, (1, 2))], 3, [Constraint(0, (1, 2))], 3), 9
    cons = crossed(hierarchy(parents), n_regions, cats, n_cats)
    # True counts: draw the finest cells, then add up every constraint bottom-up.
    children = {c.total for c in cons}
    leaves = [i for i in range(n_regions * n_cats) if i not in children]
    values = np.zeros(n_regions * n_cats)
    values[leaves] = draw(st.lists(st.integers(0, 12), min_size=len(leaves), max_size=len(leaves)))
    for _ in range(6):  # enough passes for the deepest chain of totals
        for c in cons:
            values[c.total] = values[list(c.members)].sum()
    missing = np.zeros(values.size, dtype=bool)
    if draw(st.booleans()):
        missing[draw(st.sampled_from(leaves))] = True
    return values, missing, cons


def _derivable_by_subtraction(
    values: np.ndarray, withheld: np.ndarray, cons: list[Constraint]
) -> np.ndarray:
    """Independent check (SVD): a withheld cell is derivable iff no null-space vector moves it."""
    a = np.zeros((len(cons), values.size))
    for r, c in enumerate(cons):
        a[r, c.total] = 1.0
        a[r, list(c.members)] = -1.0
    cols = np.flatnonzero(withheld)
    out = np.zeros(values.size, dtype=bool)
    if cols.size == 0:
        return out
    null = linalg.null_space(a[:, cols])
    moves = np.linalg.norm(null, axis=1) > 1e-8 if null.size else np.zeros(cols.size, bool)
    out[cols[~moves]] = True
    return out


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(table=tables(), min_numerator=st.integers(2, 6), zero=st.sampled_from(list(ZeroRule)))
def test_no_withheld_cell_can_be_derived_by_subtraction(
    table: tuple[np.ndarray, np.ndarray, list[Constraint]], min_numerator: int, zero: ZeroRule
) -> None:
    values, missing, cons = table
    given_values = np.where(missing, np.nan, values)
    prim = primary(given_values, None, DisclosureRule(min_numerator=min_numerator, zero=zero))
    result = protect(given_values, prim, cons, missing=missing)
    assert np.array_equal(result.mask & prim, prim)  # never un-withholds a primary cell
    assert not (result.secondary & prim).any()
    derivable = _derivable_by_subtraction(values, result.mask | missing, cons)
    assert not (derivable & prim).any()


def _pinned_by_lp(values: np.ndarray, withheld: np.ndarray, cons: list[Constraint]) -> np.ndarray:
    """Independent check with non-negativity: min = max of a withheld cell over all tables."""
    a = np.zeros((len(cons), values.size))
    for r, c in enumerate(cons):
        a[r, c.total] = 1.0
        a[r, list(c.members)] = -1.0
    cols, known = np.flatnonzero(withheld), np.flatnonzero(~withheld)
    a_eq, b_eq = a[:, cols], -a[:, known] @ values[known]
    out = np.zeros(values.size, dtype=bool)
    for k, j in enumerate(cols):
        c = np.zeros(cols.size)
        c[k] = 1.0
        lo = linprog(c, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        hi = linprog(-c, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        assert lo.status == 0 and hi.status in (0, 3)
        out[j] = hi.status == 0 and (-hi.fun - lo.fun) < 1e-7
    return out


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(table=tables(max_fylker=2), min_numerator=st.integers(2, 6))
def test_bounds_reader_cannot_pin_a_withheld_cell(
    table: tuple[np.ndarray, np.ndarray, list[Constraint]], min_numerator: int
) -> None:
    values, _, cons = table
    prim = primary(values, None, DisclosureRule(min_numerator=min_numerator))
    result = protect(values, prim, cons, reader=Reader.BOUNDS)
    assert not (_pinned_by_lp(values, result.mask, cons) & prim).any()
