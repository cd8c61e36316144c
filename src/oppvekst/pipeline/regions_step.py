"""The region tables a build needs: rows for the snapshot, crosswalks, and the hierarchy.

Wraps the registry (built from KLASS live, or from the offline files) in the shapes the pipeline
steps use, so they do not depend on how the registry was obtained.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd

from oppvekst.errors import SourceError
from oppvekst.pipeline.demo import DemoPopulation
from oppvekst.regions.registry import Registry
from oppvekst.regions.tree import to_frames


@dataclass
class RegionTables:
    registry: Registry
    _crosswalks: dict[int, dict[str, list[tuple[str, float]]]] = field(default_factory=dict)

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

    def expected_members(self, parent_of: Mapping[str, str]) -> Counter[str]:
        return Counter(parent_of.values())

    def crosswalk(self, year: int) -> dict[str, list[tuple[str, float]]]:
        if year not in self._crosswalks:
            table: dict[str, list[tuple[str, float]]] = {}
            for level in ("kommune", "fylke"):
                for row in self.registry.history.crosswalk(year, level):
                    table.setdefault(row.original_code, []).append((row.current_code, row.weight))
            table.setdefault("0", [("0", 1.0)])
            for bydel in self.registry.bydeler():
                table.setdefault(bydel.code, [(bydel.code, 1.0)])
            self._crosswalks[year] = table
        return self._crosswalks[year]

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
        keys = ["region", "period", "sex", "age", "background", "grade"]
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
