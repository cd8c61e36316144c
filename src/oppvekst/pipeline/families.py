"""Disclosure control across an indicator family (catalog/families.yml), and the check at publish.

Secondary suppression in ``derive.finalise`` protects one indicator along the region hierarchy. A
family's indicators share counts — IMDi's share of minority-language children in kindergarten has
as denominator the count that ``andel-barn-1-5-innvandrerbakgrunn`` publishes as numerator — so a
count withheld in one can come back from a share in another times a count shown in a third
(Sokndal 2013: 50 % × 4 = 2 children). Here each region, period and breakdown of a family is one
small system of counts tied by shares (``stats.disclosure_bounds.LinkedCell``), and
``stats.suppression.protect_linked`` withholds whole cells until no withheld count is derivable.
Before that, a count the *source* withheld (IMDi's «:», which no rule of ours set) is protected
along its own indicator's region hierarchy with ``stats.suppression.secondary``, as our own
suppressed cells are in ``derive.finalise``.

Only this update's rows are changed; rows carried unchanged from the previous snapshot are
published as they were, so ``leaks`` runs over everything at publish and the update refuses to
publish a snapshot that still gives a withheld count back.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from oppvekst.catalog import breakdown_partitions
from oppvekst.catalog.schema import Family, FamilyMember, Indicator, Measure
from oppvekst.pipeline.flags import with_flag
from oppvekst.snapshot.table import BREAKDOWNS, flag_codes
from oppvekst.stats.breakdown_suppression import protect_breakdowns
from oppvekst.stats.disclosure_bounds import Link, LinkedCell, derivable
from oppvekst.stats.suppression import CONFIDENTIAL, exposed, protect_linked, secondary

_GROUP = ["region", "period", *BREAKDOWNS]
_SLICE = ["period", *BREAKDOWNS]
# Rows of one period and breakdown → (total row, member rows) along the region hierarchy.
Hierarchy = Callable[[pd.DataFrame], list[tuple[int, Sequence[int]]]]
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


@dataclass(frozen=True)
class _System:
    """One region, period and breakdown of a family: its rows, counts and cells."""

    rows: np.ndarray  # positions in the observations frame
    cells: list[LinkedCell]
    sensitive: np.ndarray  # per count
    names: list[str]
    owner: dict[int, int]  # sensitive count → the row that withheld it


# Family and breakdown protection each hide cells the other must then protect; a few rounds
# reach the fixed point (each round only hides more, and there are finitely many cells).
MAX_ROUNDS = 5


def protect_families(
    frame: pd.DataFrame,
    families: Sequence[Family],
    indicators: Mapping[str, Indicator],
    fresh: Collection[str],
    hierarchy: Hierarchy | None = None,
) -> pd.DataFrame:
    """``frame`` with the cells withheld that keep every family's withheld counts withheld: along
    the region hierarchy of each member (a count the source withheld, under a published total),
    across the family's shares, and across each indicator's groups (a group hidden here must not
    come back as the total minus its siblings)."""
    out = frame.reset_index(drop=True).copy()
    for _ in range(MAX_ROUNDS):
        out = _protect_once(out, families, indicators, fresh, hierarchy)
        out, more = _protect_groups(out, fresh)
        if not more:
            break
    return out


def _protect_groups(out: pd.DataFrame, fresh: Collection[str]) -> tuple[pd.DataFrame, bool]:
    """The breakdown pass (``stats.breakdown_suppression``) again over this update's indicators,
    after the family pass hid more: True when it had to hide more still."""
    withhold = np.zeros(len(out), dtype=bool)
    for indicator_id in fresh:
        rows = np.flatnonzero((out["indicator_id"] == indicator_id).to_numpy())
        if rows.size == 0:
            continue
        part = out.iloc[rows]
        hidden = (part["status"] == CONFIDENTIAL).to_numpy(dtype=bool)
        mask = protect_breakdowns(part.reset_index(drop=True), hidden, breakdown_partitions())
        withhold[rows[mask & ~hidden]] = True
    return _withhold(out, withhold), bool(withhold.any())


def _protect_once(
    out: pd.DataFrame,
    families: Sequence[Family],
    indicators: Mapping[str, Indicator],
    fresh: Collection[str],
    hierarchy: Hierarchy | None,
) -> pd.DataFrame:
    withhold = np.zeros(len(out), dtype=bool)
    is_fresh = out["indicator_id"].isin(list(fresh)).to_numpy()
    secrets = {family.id: secret_rows(out, family) for family in families}
    if hierarchy is not None:
        for family in families:
            for rows, secret, _ in _slices(out, family, secrets[family.id]):
                part = out.iloc[rows].reset_index(drop=True)
                counts, gone = _counts(part, indicators, secret)
                mask = secondary(counts, secret, hierarchy(part), missing=gone)
                newly = rows[mask & ~secret & ~gone]
                withhold[newly[is_fresh[newly]]] = True
        out = _withhold(out, withhold)
        withhold = np.zeros(len(out), dtype=bool)
    for family in families:
        for system in _systems(out, family, indicators, secrets[family.id]):
            if not system.sensitive.any():
                continue
            shown = _shown(out, system)
            mask = protect_linked(
                len(system.names), system.cells, system.sensitive, ~shown, _costs(out, system)
            )
            newly = system.rows[mask & shown]
            withhold[newly[is_fresh[newly]]] = True
    return _withhold(out, withhold)


def _withhold(out: pd.DataFrame, withhold: np.ndarray) -> pd.DataFrame:
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
    frame: pd.DataFrame,
    families: Sequence[Family],
    indicators: Mapping[str, Indicator],
    hierarchy: Hierarchy | None = None,
    before: pd.DataFrame | None = None,
) -> list[Leak]:
    """Every withheld count that the published cells give back, family by family: by
    subtraction along the region hierarchy, and through the family's shares. ``before`` is the
    same table before protection, which says which counts were withheld in the first place."""
    found: list[Leak] = []
    frame = frame.reset_index(drop=True)
    judged = frame if before is None else before.reset_index(drop=True)
    secrets = {family.id: secret_rows(judged, family) for family in families}
    for family in families if hierarchy is not None else ():
        for rows, secret, member in _slices(frame, family, secrets[family.id]):
            part = frame.iloc[rows].reset_index(drop=True)
            counts, gone = _counts(part, indicators, secret)
            assert hierarchy is not None
            hit = (
                exposed(
                    counts,
                    gone | secret,
                    hierarchy(part),
                )
                & secret
            )
            found += [
                Leak(family.id, member, str(r["region"]), str(r["period"]), "teller (sum)")
                for r in part[hit].to_dict("records")
            ]
    for family in families:
        for system in _systems(frame, family, indicators, secrets[family.id]):
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


def _slices(
    frame: pd.DataFrame, family: Family, withheld_rows: np.ndarray
) -> list[tuple[np.ndarray, np.ndarray, str]]:
    """(rows, withheld numerators, indicator) per member, period and breakdown with a count the
    source withheld: the tables along whose hierarchy subtraction could give it back."""
    out = []
    for member in family.members:
        if not member.numerator:
            continue
        rows = frame[frame["indicator_id"] == member.indicator]
        for _, group in rows.groupby(_SLICE, sort=False):
            secret = withheld_rows[group.index.to_numpy()]
            if secret.any():
                out.append((group.index.to_numpy(), secret, member.indicator))
    return out


def _counts(
    part: pd.DataFrame, indicators: Mapping[str, Indicator], secret: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The numerators of one slice (a count's value is its numerator), with a stand-in 0 where
    the source withheld one: whether subtraction pins a cell down depends on which cells are
    shown, not on their values. ``gone``: cells with no count that were not withheld."""
    indicator = indicators[str(part["indicator_id"].iloc[0])]
    counts = part["numerator"].to_numpy(float).copy()
    if indicator.measure is Measure.COUNT:
        counts = np.where(np.isfinite(counts), counts, part["value"].to_numpy(float))
    gone = ~np.isfinite(counts) & ~secret
    counts[secret] = 0.0
    return counts, gone


def _shown(frame: pd.DataFrame, system: _System) -> np.ndarray:
    """A cell counts as shown while it shows anything (a row already all-missing shows nothing)."""
    part = frame.iloc[system.rows]
    return part[["value", "numerator", "denominator"]].notna().any(axis=1).to_numpy(dtype=bool)


def _costs(frame: pd.DataFrame, system: _System) -> np.ndarray:
    part = frame.iloc[system.rows]
    return part["numerator"].fillna(part["value"]).to_numpy(float)


def _systems(
    frame: pd.DataFrame,
    family: Family,
    indicators: Mapping[str, Indicator],
    withheld_rows: np.ndarray,
) -> list[_System]:
    members = {m.indicator: m for m in family.members}
    part = frame[frame["indicator_id"].isin(list(members))]
    if part.empty or part["indicator_id"].nunique() < 2:
        return []
    names = sorted({n for m in family.members for n in (m.numerator, m.denominator) if n})
    index = {name: i for i, name in enumerate(names)}
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
            if member.numerator and withheld_rows[position]:
                count = index[member.numerator]
                sensitive[count] = True
                owner.setdefault(count, position)
        systems.append(_System(group.index.to_numpy(), cells, sensitive, names, owner))
    return systems


def secret_rows(frame: pd.DataFrame, family: Family) -> np.ndarray:
    """Rows of ``frame`` (positions) whose numerator the source or a disclosure rule withheld:
    judged before any cell is withheld to protect them, so that a cell hidden for protection is
    not itself taken for one that needs it, and a hidden count stays known as hidden."""
    out = np.zeros(len(frame), dtype=bool)
    withheld = set(family.withheld)
    for member in family.members:
        if not member.numerator:
            continue
        rows = np.flatnonzero((frame["indicator_id"] == member.indicator).to_numpy())
        records = frame.iloc[rows].to_dict("records")
        out[rows] = [_withholds(r, member, withheld) for r in records]
    return out


def _withholds(row: Mapping[Hashable, object], member: FamilyMember, withheld: set[str]) -> bool:
    """The source (or our own pass) withheld this row's numerator."""
    status = row.get("status")
    protecting = "secondary_suppression" in flag_codes(row.get("flags"))
    if isinstance(status, str) and status in withheld and not protecting:
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
