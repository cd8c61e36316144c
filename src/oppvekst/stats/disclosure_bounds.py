"""What a reader can derive from a published table: the exposure test behind secondary suppression.

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
the next).

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

_TOL = 1e-9


class Reader(StrEnum):
    """What the reader we protect against may do with the published table."""

    SUBTRACTION = "subtraction"  # linear algebra on the totals, plus "a zero total means zeros"
    # Also every bound non-negativity gives (a linear programme per withheld cell): complete for
    # exact disclosure with real numbers, but slower — use it for small tables.
    BOUNDS = "bounds"


@dataclass(frozen=True, slots=True)
class Constraint:
    """A published total: ``cell[total] = Σ cell[members]``."""

    total: int
    members: tuple[int, ...]


ConstraintLike = Constraint | tuple[int, Sequence[int]]


def normalise_constraints(constraints: Iterable[ConstraintLike], n_cells: int) -> list[Constraint]:
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


def constraint_matrix(constraints: Sequence[Constraint], n_cells: int) -> FloatArray:
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
    cons = normalise_constraints(constraints, v.size)
    return exposed_cells(v, unknown, cons, constraint_matrix(cons, v.size), Reader(reader), unknown)


def exposed_cells(
    values: FloatArray,
    unknown: BoolArray,
    cons: Sequence[Constraint],
    a: FloatArray,
    reader: Reader,
    check: BoolArray,
) -> BoolArray:
    """:func:`exposed` on prepared inputs, so secondary suppression can call it round after round.

    ``a`` is :func:`constraint_matrix` of ``cons``; ``check`` limits the linear programmes of
    ``Reader.BOUNDS`` to the cells that need protecting (each costs two solves).
    """
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


# --- Across indicators: counts tied by published shares ------------------------------------------


@dataclass(frozen=True, slots=True)
class Link:
    """A published ratio between two counts: ``count[numerator] = ratio × count[denominator]``.

    A share of 50 % is ``ratio=0.5``. The reader is taken to know the ratio exactly: with the
    small counts that need protection, a share rounded to one decimal leaves one whole number.
    """

    numerator: int
    denominator: int
    ratio: float


@dataclass(frozen=True, slots=True)
class LinkedCell:
    """One published cell of a family of indicators: the counts it shows and the ratio it shows."""

    counts: tuple[int, ...] = ()
    link: Link | None = None


def derivable(n_counts: int, cells: Sequence[LinkedCell], shown: BoolArray) -> BoolArray:
    """Counts a reader can work out from the ``shown`` cells: those they show, and then, round
    after round, a ratio's other side once one side is known (a ratio of 0 gives its numerator
    alone; a ratio of 0 says nothing about the denominator)."""
    known = np.zeros(n_counts, dtype=bool)
    links: list[Link] = []
    for cell, visible in zip(cells, shown.tolist(), strict=True):
        if not visible:
            continue
        known[list(cell.counts)] = True
        if cell.link is not None and np.isfinite(cell.link.ratio):
            links.append(cell.link)
    changed = True
    while changed:
        changed = False
        for link in links:
            if not known[link.numerator] and (known[link.denominator] or link.ratio == 0):
                known[link.numerator] = changed = True
            if not known[link.denominator] and known[link.numerator] and link.ratio > 0:
                known[link.denominator] = changed = True
    return known
