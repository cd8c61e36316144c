"""Disclosure control across an indicator family (catalog/families.yml), and the check at publish.

Secondary suppression in ``derive.finalise`` protects one indicator along the region hierarchy. A
family's indicators share counts — IMDi's share of minority-language children in kindergarten has
as denominator the count that ``andel-barn-1-5-innvandrerbakgrunn`` publishes as numerator — so a
count withheld in one can come back from a share in another times a count shown in a third
(Sokndal 2013: 50 % × 4 = 2 children). Here each region, period and breakdown of a family is one
small system of counts tied by shares (``stats.disclosure_bounds.LinkedCell``), and
``stats.suppression.protect_linked`` withholds whole cells until no withheld count is derivable.

Only this update's rows are changed; rows carried unchanged from the previous snapshot are
published as they were, so ``leaks`` runs over everything at publish and the update refuses to
publish a snapshot that still gives a withheld count back.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from oppvekst.catalog.schema import Family, FamilyMember, Indicator, Measure
from oppvekst.pipeline.flags import with_flag
from oppvekst.snapshot.table import BREAKDOWNS
from oppvekst.stats.disclosure_bounds import Link, LinkedCell, derivable
from oppvekst.stats.suppression import CONFIDENTIAL, protect_linked

_GROUP = ["region", "period", *BREAKDOWNS]
_WITHHELD_COLUMNS = [
    "value",
    "numerator",
    "denominator",
    "lower95",
    "upper95",
    "lower998",
    "upper998",
]


@dataclass(frozen=True, slots=True)
class Leak:
    """A count withheld in ``indicator_id`` that a reader can derive from the published cells."""

    family: str
    indicator_id: str
    region: str
    period: str
    count: str  # the family's name for the count

    def describe(self) -> str:
        return (
            f"{self.indicator_id} {self.region} {self.period}: telleren «{self.count}» er skjult, "
            f"men kan regnes ut fra andre publiserte tall i familien {self.family}"
        )


@dataclass(frozen=True)
class _System:
    """One region, period and breakdown of a family: its rows, counts and cells."""

    rows: np.ndarray  # positions in the observations frame
    cells: list[LinkedCell]
    sensitive: np.ndarray  # per count
    names: list[str]
    owner: dict[int, int]  # sensitive count → the row that withheld it


def protect_families(
    frame: pd.DataFrame,
    families: Sequence[Family],
    indicators: Mapping[str, Indicator],
    fresh: Collection[str],
) -> pd.DataFrame:
    """``frame`` with the cells withheld that keep every family's withheld counts withheld."""
    out = frame.reset_index(drop=True).copy()
    withhold = np.zeros(len(out), dtype=bool)
    is_fresh = out["indicator_id"].isin(list(fresh)).to_numpy()
    for family in families:
        for system in _systems(out, family, indicators):
            if not system.sensitive.any():
                continue
            shown = _shown(out, system)
            mask = protect_linked(
                len(system.names), system.cells, system.sensitive, ~shown, _costs(out, system)
            )
            newly = system.rows[mask & shown]
            withhold[newly[is_fresh[newly]]] = True
    if not withhold.any():
        return out
    for column in _WITHHELD_COLUMNS:
        if column in out.columns:
            out.loc[withhold, column] = np.nan
    no_symbol = out["status"].isna() | (out["status"] == "")
    out.loc[withhold & no_symbol.to_numpy(), "status"] = CONFIDENTIAL
    out["flags"] = with_flag(out["flags"], withhold, "secondary_suppression")
    return out


def leaks(
    frame: pd.DataFrame, families: Sequence[Family], indicators: Mapping[str, Indicator]
) -> list[Leak]:
    """Every withheld count that the published cells give back, family by family."""
    found: list[Leak] = []
    frame = frame.reset_index(drop=True)
    for family in families:
        for system in _systems(frame, family, indicators):
            if not system.sensitive.any():
                continue
            known = derivable(len(system.names), system.cells, _shown(frame, system))
            for count in np.flatnonzero(known & system.sensitive).tolist():
                row = frame.iloc[system.owner[count]]
                found.append(
                    Leak(
                        family.id,
                        str(row["indicator_id"]),
                        str(row["region"]),
                        str(row["period"]),
                        system.names[count],
                    )
                )
    return found


def _shown(frame: pd.DataFrame, system: _System) -> np.ndarray:
    """A cell counts as shown while it shows anything (a row already all-missing shows nothing)."""
    part = frame.iloc[system.rows]
    return part[["value", "numerator", "denominator"]].notna().any(axis=1).to_numpy(dtype=bool)


def _costs(frame: pd.DataFrame, system: _System) -> np.ndarray:
    part = frame.iloc[system.rows]
    return part["numerator"].fillna(part["value"]).to_numpy(float)


def _systems(
    frame: pd.DataFrame, family: Family, indicators: Mapping[str, Indicator]
) -> list[_System]:
    members = {m.indicator: m for m in family.members}
    part = frame[frame["indicator_id"].isin(list(members))]
    if part.empty or part["indicator_id"].nunique() < 2:
        return []
    names = sorted({n for m in family.members for n in (m.numerator, m.denominator) if n})
    index = {name: i for i, name in enumerate(names)}
    withheld = set(family.withheld)
    systems = []
    for _, group in part.groupby(_GROUP, sort=False):
        if group["indicator_id"].nunique() < 2:
            continue
        cells: list[LinkedCell] = []
        sensitive = np.zeros(len(names), dtype=bool)
        owner: dict[int, int] = {}
        for position, row in zip(group.index.tolist(), group.to_dict("records"), strict=True):
            member = members[str(row["indicator_id"])]
            cells.append(_cell(row, member, indicators[member.indicator], index))
            if member.numerator and _withholds(row, member, withheld):
                count = index[member.numerator]
                sensitive[count] = True
                owner.setdefault(count, position)
        systems.append(_System(group.index.to_numpy(), cells, sensitive, names, owner))
    return systems


def _withholds(row: Mapping[Hashable, object], member: FamilyMember, withheld: set[str]) -> bool:
    """The source (or our own pass) withheld this row's numerator."""
    status = row.get("status")
    if isinstance(status, str) and status in withheld:
        return True
    shown_without_count = _finite(row.get("value")) and not _finite(row.get("numerator"))
    return member.count_given and shown_without_count


def _cell(
    row: Mapping[Hashable, object],
    member: FamilyMember,
    indicator: Indicator,
    index: dict[str, int],
) -> LinkedCell:
    measure = indicator.measure
    counts = []
    if member.numerator and (
        _finite(row.get("numerator")) or (measure is Measure.COUNT and _finite(row.get("value")))
    ):
        counts.append(index[member.numerator])
    if member.denominator and _finite(row.get("denominator")):
        counts.append(index[member.denominator])
    link = None
    ratio_measure = measure in (Measure.PROPORTION, Measure.RATE)
    if ratio_measure and member.numerator and member.denominator and _finite(row.get("value")):
        value = float(row["value"])  # type: ignore[arg-type]
        link = Link(
            index[member.numerator], index[member.denominator], value / indicator.multiplier
        )
    return LinkedCell(tuple(counts), link)


def _finite(value: object) -> bool:
    return isinstance(value, (int, float)) and bool(np.isfinite(value))
