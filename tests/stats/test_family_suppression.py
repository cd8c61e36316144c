"""Disclosure control across indicators that share counts (stats.suppression.protect_linked).

The reader we check against is independent of ``stats.disclosure_bounds.derivable``: a brute force
over every whole-number assignment of the family's counts that agrees with what is shown. A
withheld count is safe only when at least two such assignments give it different values.
"""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from oppvekst.stats.disclosure_bounds import Link, LinkedCell, derivable
from oppvekst.stats.suppression import protect_linked

_RANGE = 25  # alternatives may reach this high: the true counts stay below 7


def _cells_for(truth: list[int], pairs: list[tuple[int | None, int | None]]) -> list[LinkedCell]:
    """One cell per indicator: its numerator and denominator counts, and its share when both."""
    cells = []
    for num, den in pairs:
        counts = tuple(c for c in (num, den) if c is not None)
        link = None
        if num is not None and den is not None and truth[den] > 0:
            link = Link(num, den, truth[num] / truth[den])
        cells.append(LinkedCell(counts, link))
    return cells


def _pinned_by_brute_force(
    truth: list[int], cells: list[LinkedCell], shown: np.ndarray
) -> np.ndarray:
    """Counts that take one value in every assignment agreeing with the shown cells."""
    n = len(truth)
    grid = np.array(list(itertools.product(range(_RANGE), repeat=n)))
    ok = np.ones(len(grid), dtype=bool)
    for cell, visible in zip(cells, shown.tolist(), strict=True):
        if not visible:
            continue
        for c in cell.counts:
            ok &= grid[:, c] == truth[c]
        if cell.link is not None:
            link = cell.link
            ok &= np.isclose(grid[:, link.numerator], link.ratio * grid[:, link.denominator])
    consistent = grid[ok]
    assert len(consistent), "the truth itself agrees with what is shown"
    return np.asarray(consistent.min(axis=0) == consistent.max(axis=0))


families = st.integers(min_value=2, max_value=4).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(min_value=0, max_value=6), min_size=n, max_size=n),
        st.lists(
            st.tuples(
                st.one_of(st.none(), st.integers(0, n - 1)),
                st.one_of(st.none(), st.integers(0, n - 1)),
            ).filter(lambda p: p != (None, None) and (p[0] != p[1])),
            min_size=2,
            max_size=5,
        ),
        st.lists(st.booleans(), min_size=n, max_size=n),
    )
)


@settings(max_examples=60, deadline=None)
@given(families)
def test_no_withheld_count_of_a_generated_family_can_be_worked_out(
    family: tuple[list[int], list[tuple[int | None, int | None]], list[bool]],
) -> None:
    truth, pairs, secret = family
    cells = _cells_for(truth, pairs)
    sensitive = np.array(secret)
    mask = protect_linked(
        len(truth), cells, sensitive, np.zeros(len(cells), bool), np.ones(len(cells))
    )
    pinned = _pinned_by_brute_force(truth, cells, ~mask)
    assert not (pinned & sensitive).any()


@settings(max_examples=60, deadline=None)
@given(families)
def test_what_the_linear_reader_derives_a_brute_force_reader_pins_too(
    family: tuple[list[int], list[tuple[int | None, int | None]], list[bool]],
) -> None:
    """``derivable`` never claims a count is known that is not: the check behind the refusal."""
    truth, pairs, _ = family
    cells = _cells_for(truth, pairs)
    shown = np.ones(len(cells), dtype=bool)
    known = derivable(len(truth), cells, shown)
    assert not (known & ~_pinned_by_brute_force(truth, cells, shown)).any()


def test_sokndal_a_share_times_another_indicators_count_gives_the_hidden_count_back() -> None:
    # IMDi 2013, Sokndal (1111): minority-language children in kindergarten hidden («:»), their
    # share 50 % shown, and its denominator (children with immigrant background, 4) shown as the
    # numerator of another indicator: 50 % × 4 = 2.
    minority, immigrant, children = 0, 1, 2
    cells = [
        LinkedCell((), Link(minority, immigrant, 0.5)),  # barnehage-minoritetssprak
        LinkedCell((immigrant, children), Link(immigrant, children, 4 / 234)),  # andel-barn-1-5-…
    ]
    sensitive = np.array([True, False, False])
    assert derivable(3, cells, np.ones(2, bool))[minority]
    mask = protect_linked(3, cells, sensitive, np.zeros(2, bool), np.array([0.0, 4.0]))
    # The suppressed statistic loses its own share; the other indicator keeps its figures.
    assert mask.tolist() == [True, False]
