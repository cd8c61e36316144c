"""Disclosure control: primary suppression by an indicator's rule, then secondary suppression.

A *cell* is one area × breakdown category (e.g. Bergen, girls). Its numerator, value and interval
are published or withheld together, because any one of them gives the others back.

Secondary suppression — the algorithm
-------------------------------------
Published totals tie cells together: each :class:`Constraint` says ``cell[total] = Σ cell[members]``
(kommune → fylke → land, bydel → Oslo, girls + boys = all, age groups = all ages). A reader who
knows the published cells can treat the withheld ones as unknowns of that linear system. A
withheld cell is *exposed* when the reader can pin down its exact value:

1. **by subtraction** — it is determined by the linear system. We test this exactly: a cell is
   determined iff the null space of the constraint matrix restricted to the unknown cells has a
   zero in that cell's row (no direction of change is compatible with all published totals);
2. **by non-negativity** — a published total equal to the sum of its published members forces
   every withheld member to 0.

Both steps are repeated until nothing new is learnt (each exposed cell becomes known and may expose
the next). While some primary-suppressed cell is exposed, we withhold one more published cell that
shares a constraint with it (widening the neighbourhood if none does), choosing the candidate
that hides it with the least loss: the smallest value first, members before totals. Each round
withholds at least one cell, so the loop ends; withholding every cell exposes nothing, because
all constraints are sums of cells.

With ``reader=Reader.BOUNDS`` each withheld primary cell is also checked by two linear
programmes (its minimum and maximum given the published cells and non-negativity); a cell whose
minimum equals its maximum is exposed. Subtraction alone can miss such deductions in three-way
tables (region × sex × age), so use ``BOUNDS`` there when the table is small enough.

Not covered: ranges (a reader may learn that a cell lies in 0..4) and integer reasoning; these
are the usual limits of cell suppression.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt
from scipy import optimize

from oppvekst.errors import StatisticsInputError

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

CONFIDENTIAL = ":"  # our own suppression, as SSB marks confidential cells
_TOL = 1e-9


class Reader(StrEnum):
    """What the reader we protect against may do with the published table."""

    SUBTRACTION = "subtraction"  # linear algebra on the totals, plus "a zero total means zeros"
    # Also every bound non-negativity gives (a linear programme per withheld cell): complete for
    # exact disclosure with real numbers, but slower — use it for small tables.
    BOUNDS = "bounds"


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
class Constraint:
    """A published total: ``cell[total] = Σ cell[members]``."""

    total: int
    members: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class SuppressionResult:
    mask: BoolArray  # withhold these cells (primary | secondary)
    primary: BoolArray
    secondary: BoolArray  # withheld only to protect primary cells


ConstraintLike = Constraint | tuple[int, Sequence[int]]


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


def _normalise(constraints: Iterable[ConstraintLike], n_cells: int) -> list[Constraint]:
    out: list[Constraint] = []
    for c in constraints:
        con = c if isinstance(c, Constraint) else Constraint(int(c[0]), tuple(int(m) for m in c[1]))
        cells = (con.total, *con.members)
        if not con.members:
            raise StatisticsInputError(f"Total {con.total} has no members.")
        if min(cells) < 0 or max(cells) >= n_cells:
            raise StatisticsInputError(f"Constraint {con} refers to a cell outside the table.")
        if con.total in con.members or len(set(con.members)) != len(con.members):
            raise StatisticsInputError(f"Constraint {con} repeats a cell.")
        out.append(con)
    return out


def _matrix(constraints: Sequence[Constraint], n_cells: int) -> FloatArray:
    a = np.zeros((len(constraints), n_cells))
    for row, con in enumerate(constraints):
        a[row, con.total] = 1.0
        a[row, list(con.members)] = -1.0
    return a


def exposed(
    values: npt.ArrayLike,
    withheld: npt.ArrayLike,
    constraints: Iterable[ConstraintLike],
    *,
    reader: Reader | str = Reader.SUBTRACTION,
) -> BoolArray:
    """Withheld cells whose exact value a reader can derive from the published cells.

    ``values`` are the true cell values (NaN where unknown to us too); ``withheld`` marks every
    cell that is not published (suppressed or missing).
    """
    v = np.asarray(values, dtype=np.float64).copy()
    unknown = np.asarray(withheld, dtype=bool) | np.isnan(v)
    cons = _normalise(constraints, v.size)
    return _exposed(v, unknown, cons, _matrix(cons, v.size), Reader(reader), unknown)


def _exposed(
    values: FloatArray,
    unknown: BoolArray,
    cons: Sequence[Constraint],
    a: FloatArray,
    reader: Reader,
    check: BoolArray,
) -> BoolArray:
    known = ~unknown
    v = values.copy()
    while True:
        learnt = _linear(a, known) | _zero_forced(v, known, cons)
        learnt &= ~known
        if not learnt.any():
            break
        if np.isnan(v[learnt]).any():
            # A cell missing at the source became derivable: fill in what the reader now knows.
            v[learnt] = _solve(a, v, known)[learnt]
        known = known | learnt
    out = unknown & known
    if reader is Reader.BOUNDS:
        # Non-negativity reasoning is a relaxation of the original table, so the LP runs on the
        # published cells only (not on what the closure above derived).
        out |= _pinned_by_bounds(values, unknown, a, check & unknown & ~out)
    return out


def _pinned_by_bounds(
    v: FloatArray, unknown: BoolArray, a: FloatArray, check: BoolArray
) -> BoolArray:
    out = np.zeros(v.size, dtype=bool)
    cols = np.flatnonzero(unknown)
    if not check.any() or cols.size == 0:
        return out
    known = ~unknown
    sub = a[:, cols]
    rows = np.any(sub != 0.0, axis=1)
    a_eq, b_eq = sub[rows], (-a[:, known] @ v[known])[rows]
    for j in np.flatnonzero(check):
        c = (cols == j).astype(np.float64)
        lo = optimize.linprog(c, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        hi = optimize.linprog(-c, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        if lo.status == 2 or hi.status == 2:
            raise StatisticsInputError(
                "The published totals do not add up to their members.",
                hint="Check the hierarchy and the source's totals before suppression.",
            )
        if lo.status == 0 and hi.status == 0 and (-hi.fun - lo.fun) <= 1e-7 * max(1.0, -hi.fun):
            out[j] = True
    return out


def _linear(a: FloatArray, known: BoolArray) -> BoolArray:
    """Unknown cells fixed by the linear system (see :func:`_determined`)."""
    cols = np.flatnonzero(~known)
    out = np.zeros(known.size, dtype=bool)
    if cols.size == 0:
        return out
    sub = a[:, cols]
    sub = sub[np.any(sub != 0.0, axis=1)]
    out[cols[_determined(sub)]] = True
    return out


def _determined(m: FloatArray) -> BoolArray:
    """Columns j with the unit vector e_j in the row space of ``m``.

    Reduced row echelon form by Gauss–Jordan elimination with partial pivoting: e_j lies in the
    row space iff column j holds a pivot whose row is zero everywhere else. Plain numpy row
    operations, because LAPACK's SVD spends more time on thread start-up than on these small 0/±1
    matrices (and the tests run many of them).
    """
    r = m.copy()
    n_rows, n_cols = r.shape
    pivot_of_col = np.full(n_cols, -1)
    row = 0
    for col in range(n_cols):
        if row == n_rows:
            break
        k = row + int(np.argmax(np.abs(r[row:, col])))
        if abs(r[k, col]) <= _TOL:
            continue
        if k != row:
            r[[row, k]] = r[[k, row]]
        r[row] /= r[row, col]
        factors = r[:, col].copy()
        factors[row] = 0.0
        nz = np.flatnonzero(np.abs(factors) > _TOL)
        if nz.size:
            r[nz] -= np.outer(factors[nz], r[row])
        r[np.abs(r) <= _TOL] = 0.0
        pivot_of_col[col] = row
        row += 1
    out = np.zeros(n_cols, dtype=bool)
    for pc in np.flatnonzero(pivot_of_col >= 0).tolist():
        out[pc] = np.count_nonzero(r[pivot_of_col[pc]]) == 1
    return out


def _zero_forced(v: FloatArray, known: BoolArray, cons: Sequence[Constraint]) -> BoolArray:
    out = np.zeros(known.size, dtype=bool)
    for con in cons:
        if not known[con.total]:
            continue
        members = np.asarray(con.members)
        hidden = members[~known[members]]
        if hidden.size == 0:
            continue
        residual = v[con.total] - v[members[known[members]]].sum()
        if np.isfinite(residual) and abs(residual) <= _TOL * max(1.0, abs(v[con.total])):
            out[hidden] = True
    return out


def _solve(a: FloatArray, v: FloatArray, known: BoolArray) -> FloatArray:
    cols = np.flatnonzero(~known)
    rhs = -a[:, known] @ np.nan_to_num(v[known])
    sol, *_ = np.linalg.lstsq(a[:, cols], rhs, rcond=None)
    out = v.copy()
    out[cols] = sol
    return out


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
    cons = _normalise(constraints, v.size)
    a = _matrix(cons, v.size)
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
        hit = _exposed(v, mask | gone, cons, a, how, protected) & protected
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
            if not _exposed(v, trial | gone, cons, a, how, only_target)[target]:
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


def hierarchy(parents: Sequence[int | None]) -> list[Constraint]:
    """Constraints of a region tree given each cell's parent (``None`` for the root)."""
    children: dict[int, list[int]] = {}
    for child, parent in enumerate(parents):
        if parent is not None:
            children.setdefault(parent, []).append(child)
    return [Constraint(total, tuple(members)) for total, members in sorted(children.items())]


def crossed(
    rows: Sequence[Constraint], n_rows: int, cols: Sequence[Constraint], n_cols: int
) -> list[Constraint]:
    """Constraints of a two-way table (e.g. region × sex), cell (r, c) at index r·n_cols + c.

    Every region total holds within each category and every category total within each region.
    Crossing the result with a third classification (age) works the same way.
    """
    out = [
        Constraint(con.total * n_cols + c, tuple(m * n_cols + c for m in con.members))
        for con in rows
        for c in range(n_cols)
    ]
    out += [
        Constraint(r * n_cols + con.total, tuple(r * n_cols + m for m in con.members))
        for r in range(n_rows)
        for con in cols
    ]
    return out


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
