"""The region tables a build needs: rows for the snapshot, crosswalks, and the hierarchy.

Wraps the registry (built from KLASS live, or from the offline files) in the shapes the pipeline
steps use, so they do not depend on how the registry was obtained.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

import pandas as pd

from oppvekst.errors import SourceError
from oppvekst.pipeline.demo import DemoPopulation
from oppvekst.regions.history import EQUAL_SPLIT, ChangeKind, Level
from oppvekst.regions.offline import ROUGH_SPLIT
from oppvekst.regions.registry import Registry
from oppvekst.regions.tree import to_frames
from oppvekst.snapshot.table import BREAKDOWNS
from oppvekst.stats.harmonisation import Crosswalk

# Split shares nobody measured: KLASS gives none, and csdata's kommune splits are rough guesses
# ("ikke befolkningsandeler", 0.5/0.5 for Ålesund) — counting people with them would invent
# figures, so they are treated as undeclared (NaN) and the new regions become breaks.
_GUESSED = (ROUGH_SPLIT, EQUAL_SPLIT)


def declared_weight(weight: float | None, note: str) -> float:
    """The share of an old unit in a new one, or NaN when nobody has declared it."""
    if weight is None or math.isnan(weight) or note.startswith(_GUESSED):
        return math.nan
    return weight


@dataclass(frozen=True, slots=True)
class YearCrosswalk:
    """Codes used for ``year``'s data → today's codes; ``names`` are the old codes' names then."""

    year: int
    table: Crosswalk
    names: Mapping[str, str]
    # Targets of undeclared splits whose parts all lie in one fylke: that fylke's total is exact.
    within_one_fylke: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class UndeclaredSplit:
    """``code`` was split on 1 January ``year`` into ``targets`` with no declared shares."""

    code: str
    name: str
    year: int
    targets: tuple[str, ...]
    within_one_fylke: bool  # then the fylke's total is exact whatever the shares


@dataclass
class RegionTables:
    registry: Registry
    _crosswalks: dict[int, YearCrosswalk] = field(default_factory=dict)

    @cached_property
    def frames(self) -> dict[str, pd.DataFrame]:
        return to_frames(self.registry)

    @property
    def regions(self) -> pd.DataFrame:
        return self.frames["regions"]

    @property
    def changes(self) -> pd.DataFrame:
        return self.frames["region_changes"]

    @cached_property
    def codes(self) -> set[str]:
        return {r.code for r in self.registry.regions()}

    @cached_property
    def kommune_to_fylke(self) -> dict[str, str]:
        return {r.code: r.parent for r in self.registry.kommuner() if r.parent}

    @cached_property
    def fylke_to_land(self) -> dict[str, str]:
        return {r.code: "0" for r in self.registry.fylker()}

    @cached_property
    def bydel_to_kommune(self) -> dict[str, str]:
        return {r.code: r.parent for r in self.registry.bydeler() if r.parent}

    def crosswalk(self, year: int) -> YearCrosswalk:
        if year not in self._crosswalks:
            rows: list[tuple[str, str, float]] = []
            names: dict[str, str] = {}
            seen: set[str] = set()
            for level in ("kommune", "fylke"):
                for row in self.registry.history.crosswalk(year, level):
                    weight = declared_weight(row.weight, row.note)
                    rows.append((row.original_code, row.current_code, weight))
                    names[row.original_code] = row.original_name
                    seen.add(row.original_code)
            identity = ["0", *(b.code for b in self.registry.bydeler())]
            rows += [(code, code, 1.0) for code in identity if code not in seen]
            table = Crosswalk.of(*zip(*rows, strict=True)) if rows else Crosswalk.of([], [], [])
            targets: dict[str, set[str]] = defaultdict(set)
            for old, new, weight in rows:
                if math.isnan(weight):
                    targets[old].add(new)
            contained = {t for ts in targets.values() if self._one_fylke(ts) for t in ts}
            self._crosswalks[year] = YearCrosswalk(year, table, names, frozenset(contained))
        return self._crosswalks[year]

    @cached_property
    def undeclared_splits(self) -> tuple[UndeclaredSplit, ...]:
        """Kommune splits without declared shares (fylker are rebuilt from kommuner by sources)."""
        grouped: dict[tuple[str, str, date], list[str]] = defaultdict(list)
        for change in self.registry.history.changes:
            if change.kind is not ChangeKind.SPLIT or change.level is not Level.KOMMUNE:
                continue
            if math.isnan(declared_weight(change.weight, change.note)):
                key = (change.old_code, change.old_name, change.changed_on)
                grouped[key].append(change.new_code)
        splits = []
        for (code, name, day), targets in sorted(grouped.items()):
            current = tuple(sorted(t for t in targets if t in self.codes))
            splits.append(UndeclaredSplit(code, name, day.year, current, self._one_fylke(current)))
        return tuple(splits)

    def _one_fylke(self, codes: set[str] | Sequence[str]) -> bool:
        parents = {self.kommune_to_fylke.get(c) for c in codes}
        return len(parents) == 1 and None not in parents

    def demo_population(self, children: pd.DataFrame | None) -> DemoPopulation:
        """The latest real number of children per kommune and bydel (the demo source's base)."""
        if children is None or children.empty:
            raise SourceError(
                "Demotall bygges på det virkelige antallet barn, men barn-0-17 har ingen data.",
                hint="Kjør med --mirror (offline-speilet) eller mot SSB først.",
            )
        totals = children[(children["age"] == "total") & (children["sex"] == "total")]
        latest = totals[totals["period"] == totals["period"].max()].set_index("region")["value"]
        kommuner = latest.reindex(sorted(self.kommune_to_fylke)).fillna(0.0)
        bydeler = latest.reindex(sorted(self.bydel_to_kommune)).dropna()
        return DemoPopulation(kommuner, bydeler, self.kommune_to_fylke)

    def hierarchy_constraints(self, frame: pd.DataFrame) -> list[tuple[int, Sequence[int]]]:
        """(total row, member rows) for every published total along the region hierarchy.

        Rows are positions in ``frame``; members and total must share period and breakdowns.
        Used by secondary suppression so that no hidden cell can be recovered by subtraction.
        """
        keys = ["region", "period", *BREAKDOWNS]
        rows_as_keys = zip(*(frame[k].astype(str) for k in keys), strict=True)
        lookup: dict[tuple[str, ...], int] = {key: i for i, key in enumerate(rows_as_keys)}
        constraints: list[tuple[int, Sequence[int]]] = []
        members_of: dict[tuple[str, ...], list[int]] = {}
        for key, i in lookup.items():
            for parent_of in (self.kommune_to_fylke, self.fylke_to_land, self.bydel_to_kommune):
                parent = parent_of.get(key[0])
                if parent is not None:
                    members_of.setdefault((parent, *key[1:]), []).append(i)
        for total_key, members in members_of.items():
            total = lookup.get(total_key)
            if total is not None:
                constraints.append((total, members))
        return constraints
