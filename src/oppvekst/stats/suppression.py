"""Disclosure control: primary suppression by an indicator's rule, then secondary suppression.

A *cell* is one area × breakdown category (e.g. Bergen, girls). Its numerator, value and interval
are published or withheld together, because any one of them gives the others back.

Secondary suppression — the algorithm
-------------------------------------
Published totals tie cells together (:class:`Constraint`); a withheld cell is *exposed* when a
reader can derive its exact value from the published cells, by subtraction or by non-negativity
(``stats.disclosure_bounds`` says exactly how, and with ``reader=Reader.BOUNDS`` also by linear
programming). While some primary-suppressed cell is exposed, we withhold one more published cell
that shares a constraint with it (widening the neighbourhood if none does), choosing the candidate
that hides it with the least loss: the smallest value first, members before totals. Each round
withholds at least one cell, so the loop ends; withholding every cell exposes nothing, because
all constraints are sums of cells.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from oppvekst.errors import StatisticsInputError
from oppvekst.stats.disclosure_bounds import (
    BoolArray,
    Constraint,
    ConstraintLike,
    FloatArray,
    LinkedCell,
    Reader,
    constraint_matrix,
    crossed,
    derivable,
    exposed,
    exposed_cells,
    hierarchy,
    normalise_constraints,
)

# The constraint and exposure names stay importable from here: callers build a table's
# constraints and suppress it through this one module.
__all__ = [
    "CONFIDENTIAL",
    "Constraint",
    "ConstraintLike",
    "DisclosureRule",
    "LinkedCell",
    "Reader",
    "SuppressionResult",
    "ZeroRule",
    "crossed",
    "exposed",
    "hierarchy",
    "primary",
    "protect",
    "protect_linked",
    "secondary",
    "status_after",
    "withhold",
]

CONFIDENTIAL = ":"  # our own suppression, as SSB marks confidential cells


class ZeroRule(StrEnum):
    PUBLISH = "publish"  # 0 events reveals nothing about a person: shown
    SUPPRESS = "suppress"  # 0 would reveal something (e.g. "none of the 12 passed"): withheld


@dataclass(frozen=True, slots=True)
class DisclosureRule:
    """An indicator's disclosure rule from the catalogue; ``None`` switches a test off."""

    min_numerator: int | None = None  # withhold when 0 < numerator < this (5 hides 1–4)
    min_denominator: int | None = None  # withhold when denominator < this
    min_respondents: int | None = None  # survey: withhold when respondents < this
    min_complement: int | None = None  # withhold when 0 < denominator − numerator < this
    zero: ZeroRule = ZeroRule.PUBLISH


@dataclass(frozen=True, slots=True)
class SuppressionResult:
    mask: BoolArray  # withhold these cells (primary | secondary)
    primary: BoolArray
    secondary: BoolArray  # withheld only to protect primary cells


def primary(
    numerator: npt.ArrayLike,
    denominator: npt.ArrayLike | None,
    rule: DisclosureRule,
    *,
    respondents: npt.ArrayLike | None = None,
) -> BoolArray:
    """Cells the rule withholds. Missing numerators (NaN) are not flagged: nothing to hide.

    ``respondents`` defaults to the denominator (survey indicators count respondents there).
    """
    num = np.asarray(numerator, dtype=np.float64)
    den = None if denominator is None else np.asarray(denominator, dtype=np.float64)
    resp = den if respondents is None else np.asarray(respondents, dtype=np.float64)
    shape = np.broadcast_shapes(num.shape, *(a.shape for a in (den, resp) if a is not None))
    hide = np.zeros(shape, dtype=bool)
    if rule.min_numerator is not None:
        hide |= (num > 0) & (num < rule.min_numerator)
    if rule.zero is ZeroRule.SUPPRESS:
        hide |= num == 0
    if rule.min_denominator is not None or rule.min_complement is not None:
        if den is None:
            raise StatisticsInputError("This disclosure rule needs denominators.")
        if rule.min_denominator is not None:
            hide |= den < rule.min_denominator
        if rule.min_complement is not None:
            rest = den - num
            hide |= (rest > 0) & (rest < rule.min_complement)
    if rule.min_respondents is not None:
        if resp is None:
            raise StatisticsInputError("This disclosure rule needs respondent counts.")
        hide |= resp < rule.min_respondents
    return hide & ~np.isnan(np.broadcast_to(num, shape))


def secondary(
    values: npt.ArrayLike,
    primary_mask: npt.ArrayLike,
    constraints: Iterable[ConstraintLike],
    *,
    missing: npt.ArrayLike | None = None,
    reader: Reader | str = Reader.SUBTRACTION,
) -> BoolArray:
    """Final mask: primary cells plus few, small extra cells so that none can be derived."""
    return protect(values, primary_mask, constraints, missing=missing, reader=reader).mask


def protect(
    values: npt.ArrayLike,
    primary_mask: npt.ArrayLike,
    constraints: Iterable[ConstraintLike],
    *,
    missing: npt.ArrayLike | None = None,
    reader: Reader | str = Reader.SUBTRACTION,
) -> SuppressionResult:
    """Secondary suppression with the split into primary and secondary cells (see module doc).

    ``values`` are the cells' counts (numerators), flattened; ``missing`` marks cells the source
    did not publish (they are unknowns for the reader too, but need no protection themselves).
    """
    v = np.asarray(values, dtype=np.float64).ravel()
    prim = np.asarray(primary_mask, dtype=bool).ravel()
    gone = np.isnan(v) if missing is None else np.asarray(missing, dtype=bool).ravel() | np.isnan(v)
    if prim.size != v.size or gone.size != v.size:
        raise StatisticsInputError("values, primary_mask and missing must have the same size.")
    cons = normalise_constraints(constraints, v.size)
    a = constraint_matrix(cons, v.size)
    cells_of_row = [np.asarray((c.total, *c.members)) for c in cons]
    rows_of_cell: list[list[int]] = [[] for _ in range(v.size)]
    for r, cells in enumerate(cells_of_row):
        for cell in cells:
            rows_of_cell[cell].append(r)
    is_total = np.zeros(v.size, dtype=bool)
    is_total[[c.total for c in cons]] = True

    protected = prim & ~gone
    how = Reader(reader)
    mask = _pair_up(v, prim.copy(), gone, cells_of_row, is_total)
    while True:
        hit = exposed_cells(v, mask | gone, cons, a, how, protected) & protected
        if not hit.any():
            break
        target = int(np.flatnonzero(hit)[0])
        candidates = _candidates(target, mask | gone, rows_of_cell, cells_of_row)
        # Cheapest first: small cells lose least information, and totals carry more than members.
        candidates.sort(key=lambda c: (abs(v[c]), bool(is_total[c]), c))
        chosen = candidates[0]
        only_target = np.zeros(v.size, dtype=bool)
        only_target[target] = True
        for cand in candidates[:20]:
            trial = mask.copy()
            trial[cand] = True
            if not exposed_cells(v, trial | gone, cons, a, how, only_target)[target]:
                chosen = cand
                break
        mask[chosen] = True
        mask = _pair_up(v, mask, gone, cells_of_row, is_total)
    return SuppressionResult(mask=mask, primary=prim, secondary=mask & ~prim)


def _pair_up(
    v: FloatArray,
    mask: BoolArray,
    gone: BoolArray,
    cells_of_row: Sequence[npt.NDArray[np.int_]],
    is_total: BoolArray,
) -> BoolArray:
    """The classic local rule, cheap and usually enough: no total may hide a single cell.

    A constraint with exactly one withheld cell gives it back by subtraction, so withhold the
    cheapest published cell beside it. The global check afterwards catches what this misses.
    """
    changed = True
    while changed:
        changed = False
        for cells in cells_of_row:
            hidden = (mask | gone)[cells]
            if np.count_nonzero(hidden) != 1 or not mask[cells[hidden][0]]:
                continue
            published = cells[~hidden].tolist()
            mask[min(published, key=lambda c: (abs(v[c]), bool(is_total[c]), c))] = True
            changed = True
    return mask


def _candidates(
    target: int,
    unknown: BoolArray,
    rows_of_cell: Sequence[Sequence[int]],
    cells_of_row: Sequence[npt.NDArray[np.int_]],
) -> list[int]:
    """Published cells in the constraints around ``target``, widening through unknown cells."""
    seen_cells = {target}
    frontier = [target]
    seen_rows: set[int] = set()
    while frontier:
        published: set[int] = set()
        nxt: list[int] = []
        for cell in frontier:
            for r in rows_of_cell[cell]:
                if r in seen_rows:
                    continue
                seen_rows.add(r)
                for other in cells_of_row[r].tolist():
                    if other in seen_cells:
                        continue
                    seen_cells.add(other)
                    if unknown[other]:
                        nxt.append(other)
                    else:
                        published.add(other)
        if published:
            return sorted(published)
        frontier = nxt
    raise StatisticsInputError(
        f"Cell {target} is exposed but no published cell shares a constraint with it.",
        hint="The constraints are not sums of table cells; check the hierarchy.",
    )


def status_after(status: npt.ArrayLike, mask: npt.ArrayLike) -> npt.NDArray[np.str_]:
    """Status symbols to publish: our ``:`` where we withhold a normal cell.

    A cell the source already marked (``..`` missing, ``:`` confidential, Udir ``*``) keeps the
    source's own symbol, so the page can say who withheld it and why.
    """
    s = np.asarray(status, dtype=object)
    m = np.asarray(mask, dtype=bool)
    keep = np.where(s == None, "", s)  # noqa: E711 -- elementwise test on an object array
    return np.asarray(np.where(m & (keep == ""), CONFIDENTIAL, keep), dtype=str)


def withhold(mask: npt.ArrayLike, array: npt.ArrayLike) -> FloatArray:
    """NaN where withheld — apply to the value, both intervals and the counts alike."""
    return np.where(np.asarray(mask, dtype=bool), np.nan, np.asarray(array, dtype=np.float64))


def protect_linked(
    n_counts: int,
    cells: Sequence[LinkedCell],
    sensitive: npt.ArrayLike,
    hidden: npt.ArrayLike,
    cost: npt.ArrayLike,
) -> BoolArray:
    """Cells to withhold so that no ``sensitive`` count can be derived across a family.

    The family's indicators share counts (one's denominator is another's numerator), so a share
    shown in one and a count shown in another can give back a count withheld in a third. While a
    sensitive count is derivable, withhold the cheapest still-shown cell that shows it or ties it
    to a known count (lowest ``cost`` first; a cell whose own numerator is the sensitive count
    first of all, so the suppressed statistic loses its share before another indicator loses a
    count). Each round withholds a cell, so the loop ends; withholding every cell shows nothing.
    """
    secret = np.asarray(sensitive, dtype=bool)
    mask = np.asarray(hidden, dtype=bool).copy()
    price = np.asarray(cost, dtype=np.float64)
    while True:
        exposed_now = derivable(n_counts, cells, ~mask) & secret
        if not exposed_now.any():
            return mask
        target = int(np.flatnonzero(exposed_now)[0])
        touching = [
            i
            for i, cell in enumerate(cells)
            if not mask[i]
            and (
                target in cell.counts
                or (
                    cell.link is not None and target in (cell.link.numerator, cell.link.denominator)
                )
            )
        ]
        if not touching:  # pragma: no cover - a derivable count always has a cell showing a way in
            raise StatisticsInputError(f"Count {target} is derivable but no cell touches it.")

        def order(i: int, target: int = target) -> tuple[bool, float, int]:
            link = cells[i].link
            own = link is not None and link.numerator == target
            return (not own, float(np.nan_to_num(price[i], nan=0.0)), i)

        mask[min(touching, key=order)] = True
