"""Secondary suppression across a breakdown family: no hidden group comes back as total − others.

A *family* is one indicator's cells for one area and period: the total and its groups (girls and
boys, immigrants and the rest, age groups), possibly crossed (sex × immigrant category). Each
breakdown dimension ties the cells together: for every combination of the other dimensions, the
``total`` category is the sum of the dimension's groups. A group hidden at the source («:») or by
our own rule is exposed when the published total and sibling groups give it back; then one more
cell of the family is hidden (``stats.suppression.protect`` chooses it: the smallest first).

The constraints are written only where the family has every group of the dimension (the groups
the indicator has anywhere), because a line with a group absent from the data is no sum we know.
Where a dimension's groups overlap (immigrants + everyone else, and immigrants + Norwegian-born to
immigrant parents + those without immigrant background), its declared *partitions* say which
groups add up to the total: one sum per partition the indicator has all groups of.
Counts (numerators) are what add up; a family without counts (shares only) has nothing a reader
could subtract and is left as it is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from oppvekst.snapshot.table import BREAKDOWNS, TOTAL
from oppvekst.stats.disclosure_bounds import BoolArray, Constraint
from oppvekst.stats.suppression import protect


@dataclass(frozen=True, slots=True)
class FamilyCells:
    """One family: each cell's breakdown categories, in the frame's row order."""

    categories: tuple[tuple[str, ...], ...]  # one tuple per cell, in ``dimensions`` order
    dimensions: tuple[str, ...]


Partitions = Mapping[str, Sequence[frozenset[str]]]


def family_constraints(
    family: FamilyCells, groups: Mapping[str, frozenset[str]], partitions: Partitions | None = None
) -> list[Constraint]:
    """``total = Σ groups`` along each dimension, for every combination of the others.

    ``groups`` are the non-total categories each dimension has in the whole indicator: a line
    missing one of them is left out (its sum is not known to hold). ``partitions`` (declared per
    dimension) replace "all groups" by the sets that add up where the groups overlap.
    """
    index = {cats: i for i, cats in enumerate(family.categories)}
    out: list[Constraint] = []
    for d, name in enumerate(family.dimensions):
        for members_of in _sums(groups.get(name, frozenset()), (partitions or {}).get(name)):
            for cats, i in index.items():
                if cats[d] != TOTAL:
                    continue
                members = [index.get((*cats[:d], group, *cats[d + 1 :])) for group in members_of]
                if all(m is not None for m in members):
                    out.append(Constraint(i, tuple(m for m in members if m is not None)))
    return out


def _sums(
    present: frozenset[str], declared: Sequence[frozenset[str]] | None
) -> list[tuple[str, ...]]:
    """The group sets that add up to the total: the declared partitions the indicator has every
    group of, or (none declared) all its groups."""
    if not present:
        return []
    if not declared:
        return [tuple(sorted(present))]
    return [tuple(sorted(p)) for p in declared if p <= present]


def protect_family(
    numerator: npt.ArrayLike, hidden: npt.ArrayLike, constraints: Sequence[Constraint]
) -> BoolArray:
    """The family's final mask: ``hidden`` cells plus the few more that keep them hidden.

    A hidden cell's count may be unknown to us too (the source withheld it): it still needs
    protecting, so it enters the exposure test as an unknown with a placeholder count (which
    count it has does not change what a reader can derive, only which sibling is cheapest).
    """
    counts = np.asarray(numerator, dtype=np.float64)
    hide = np.asarray(hidden, dtype=bool)
    if not constraints or not hide.any():
        return hide.copy()
    unpublished = np.isnan(counts) & ~hide  # missing at the source: unknown, nothing to protect
    placeholder = np.where(np.isnan(counts) & hide, 0.0, counts)
    return protect(placeholder, hide, constraints, missing=unpublished).mask


def protect_breakdowns(
    frame: pd.DataFrame, hidden: npt.ArrayLike, partitions: Partitions | None = None
) -> BoolArray:
    """Mask over ``frame``'s rows (one indicator): ``hidden`` plus secondary cells, per family.

    ``frame`` has ``region``, ``period``, the breakdown columns and ``numerator``; ``partitions``
    are the catalogue's (``catalog.breakdown_partitions``).
    """
    hide = np.asarray(hidden, dtype=bool).copy()
    dimensions = tuple(b for b in BREAKDOWNS if frame[b].ne(TOTAL).any())
    if not dimensions or not hide.any():
        return hide
    groups = {d: frozenset(frame.loc[frame[d] != TOTAL, d].astype(str)) for d in dimensions}
    positions = np.arange(len(frame))
    numerator = frame["numerator"].to_numpy(dtype=float)
    for _, family in frame.groupby(["region", "period"], sort=False):
        rows = positions[frame.index.get_indexer(family.index)]
        if not hide[rows].any():
            continue
        cells = FamilyCells(
            categories=tuple(
                tuple(str(v) for v in row) for row in family[list(dimensions)].itertuples(False)
            ),
            dimensions=dimensions,
        )
        constraints = family_constraints(cells, groups, partitions)
        hide[rows] = protect_family(numerator[rows], hide[rows], constraints)
    return hide
