"""Harmonise step: figures published on old municipal codes → today's borders.

The arithmetic is ``stats.harmonisation.aggregate``: counts (and numerators/denominators) of merged
municipalities are summed into the current one and rates recomputed from the sums; a split shares
out counts by a *declared* weight. A split nobody declared weights for is a *break*, never an equal
split; so is a ratio without numerator and denominator that would have to be summed or split. A
break row is left out of the observations and recorded, with its reason, in the snapshot's
``harmonisation`` table, which the indicator page shows. Moved rows carry the flag ``harmonised``,
and rows given a weighted share of a split unit ``estimate`` as well.

A source that publishes on today's codes has already put the years before a split on today's
borders itself; where the split's shares are undeclared it cannot have done so from known shares,
so those rows are breaks too (``split_breaks``).

Codes that are not regions (``9999`` unknown, ``21xx`` Svalbard, ``XX99`` county unknown, KOSTRA
groups, abroad) are set aside and counted, never guessed into a region.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from oppvekst.catalog.schema import Indicator, Measure
from oppvekst.errors import MalformedResponse
from oppvekst.pipeline.derive import period_bounds
from oppvekst.pipeline.flags import with_flag
from oppvekst.pipeline.regions_step import UndeclaredSplit, YearCrosswalk
from oppvekst.snapshot.table import BREAKDOWNS, FLAG_SEPARATOR, flag_codes
from oppvekst.stats.harmonisation import Crosswalk, HarmonisationFlag, Harmonised, aggregate

KEYS = ("period", *BREAKDOWNS)
NOT_A_REGION = re.compile(
    r"^(9999|\d\d99|21\d\d|Rest|EKG\d+|EKA\d+|Utlandet|99|K-Rest|NULL|)$", re.I
)
_ONE_TO_ONE = (HarmonisationFlag.ORIGINAL.value, HarmonisationFlag.RECODED.value)
_BREAK = HarmonisationFlag.BREAK.value


@dataclass(frozen=True, slots=True)
class Break:
    """``region`` has no figure for ``period`` (and ``breakdown``) on today's borders: ``reason``."""

    region: str
    period: str
    breakdown: tuple[str, ...]  # one category per BREAKDOWNS column, in that order
    reason: str
    # The source itself shared the old unit out by fixed weights: its figures are an estimate.
    estimate: bool = False


@dataclass(frozen=True, slots=True)
class HarmonisationReport:
    set_aside: int  # rows with codes that are not regions (unknown, Svalbard, abroad)
    harmonised: int  # rows that were moved or summed onto current codes
    breaks: tuple[Break, ...]  # one per region, period and breakdown that could not be carried


@dataclass(frozen=True)
class OnTodaysBorders:
    """The rows on today's codes, and the break rows ``held`` back only to sum their fylke.

    A split's parts within one fylke add up to the old unit whatever the shares, so the fylke (and
    the country) total stays exact; ``held`` feeds that sum and is never published itself.
    """

    frame: pd.DataFrame
    held: pd.DataFrame
    report: HarmonisationReport


def check_current_codes(frame: pd.DataFrame, known: set[str]) -> tuple[pd.DataFrame, int]:
    """A source on current borders: drop non-regions; an unknown code is an error, not a guess."""
    aside = frame["region"].map(lambda c: bool(NOT_A_REGION.match(c)))
    kept = frame[~aside]
    unknown = sorted(set(kept["region"]) - known)
    if unknown:
        raise MalformedResponse(
            f"Kilden bruker regionkoder som ikke finnes i regionregisteret: {unknown[:10]}"
            + (f" (+{len(unknown) - 10} til)" if len(unknown) > 10 else ""),
            hint="Kilden kan publisere på gamle grenser: sett geography_year i katalogposten.",
        )
    return kept, int(aside.sum())


def unfilled(breaks: list[Break], frame: pd.DataFrame) -> list[Break]:
    """The breaks still without a value (a fylke is rebuilt from today's kommuner, for example)."""
    keys = ["region", *KEYS]
    shown = set(frame.loc[frame["value"].notna(), keys].astype(str).itertuples(False, None))
    return [b for b in breaks if (b.region, b.period, *b.breakdown) not in shown]


def split_reason(split: UndeclaredSplit) -> str:
    return (
        f"{split.name} ({split.code}) ble delt 1.1.{split.year} uten kjente andeler; tall fra før "
        "delingen kan ikke fordeles på dagens kommuner."
    )


# Added to the reason where the source shared the old unit out itself (``fixed_shares``).
ALLOCATED_NOTE = (
    " Kilden har selv fordelt tallene med faste andeler (samme andeler hvert år), så tallene er "
    "et anslag, ikke statistikk."
)


# A source's own figures for a split's parts whose shares of their sum vary by no more than this
# over every period are a fixed-weight allocation (Ålesund 2005–2023: exactly half each year).
_FIXED_SHARE_SPREAD = 0.002


def fixed_shares(rows: pd.DataFrame, targets: Sequence[str]) -> bool:
    """Whether ``rows`` (a split's parts before the split) are shared out by fixed weights.

    Real populations of two kommuner drift apart over the years; a publisher's allocation keeps
    the same shares in every year. Two or more periods with every part present are needed.
    """
    if len(targets) < 2 or rows.empty:
        return False
    wide = rows.pivot_table(index=list(KEYS), columns="region", values="value", aggfunc="first")
    wide = wide.reindex(columns=list(targets)).dropna()
    wide = wide[wide.sum(axis=1) > 0]
    if len(wide) < 2:
        return False
    shares = wide.div(wide.sum(axis=1), axis=0)
    return bool((shares.max() - shares.min()).max() <= _FIXED_SHARE_SPREAD)


def split_breaks(frame: pd.DataFrame, splits: Sequence[UndeclaredSplit]) -> OnTodaysBorders:
    """Rows of a source on today's codes that lie before an undeclared split of their region."""
    if frame.empty or not splits:
        return OnTodaysBorders(frame, frame.iloc[0:0], HarmonisationReport(0, 0, ()))
    starts = {p: period_bounds(p)[0] for p in frame["period"].astype(str).unique()}
    start = frame["period"].astype(str).map(starts)
    broken = pd.Series(False, index=frame.index)
    held = pd.Series(False, index=frame.index)
    reasons = pd.Series("", index=frame.index)
    estimated = pd.Series(False, index=frame.index)
    for split in splits:
        hit = frame["region"].isin(split.targets) & (start < split.year)
        broken |= hit
        held |= hit & split.within_one_fylke
        allocated = fixed_shares(frame[hit], split.targets)
        estimated[hit] = allocated
        reasons[hit] = split_reason(split) + (ALLOCATED_NOTE if allocated else "")
    rows = frame[broken]
    found = tuple(
        Break(str(r["region"]), str(r["period"]), _breakdown(r), why, bool(est))
        for r, why, est in zip(
            rows.to_dict("records"),
            reasons[broken].tolist(),
            estimated[broken].tolist(),
            strict=True,
        )
    )
    return OnTodaysBorders(frame[~broken], frame[held], HarmonisationReport(0, 0, found))


def _breakdown(row: Mapping[Any, Any]) -> tuple[str, ...]:
    return tuple(str(row[column]) for column in BREAKDOWNS)


def to_current_borders(
    frame: pd.DataFrame, indicator: Indicator, crosswalk: YearCrosswalk
) -> OnTodaysBorders:
    """Map ``frame`` (codes of ``crosswalk.year``) onto current codes, one slice at a time."""
    table = crosswalk.table
    aside = ~frame["region"].isin(table.codes_from) | frame["region"].str.match(NOT_A_REGION)
    kept = frame[~aside]
    # Any shares that add up to 1 give the same fylke total: used for ``held`` rows only.
    provisional = YearCrosswalk(crosswalk.year, _any_shares(table), crosswalk.names)
    parts: list[pd.DataFrame] = []
    held: list[pd.DataFrame] = []
    breaks: list[Break] = []
    moved = 0
    for _, group in kept.groupby(list(KEYS), sort=False, dropna=False):
        group = group.reset_index(drop=True)
        part, part_breaks = _slice(group, indicator, crosswalk)
        # A weighted split makes fractional people: published counts stay whole (the held rows
        # below are not rounded, so the fylke sum is the old unit's own total).
        whole = ["numerator", "denominator", *(["value"] if indicator.additive else [])]
        part[whole] = part[whole].round()
        parts.append(part)
        breaks += part_breaks
        moved += int(part["flags"].map(lambda f: "harmonised" in flag_codes(f)).sum())
        broken = {b.region for b in part_breaks} & crosswalk.within_one_fylke
        if broken:
            guess, _ = _slice(group, indicator, provisional)
            held.append(guess[guess["region"].isin(broken)])
    out = pd.concat(parts, ignore_index=True) if parts else frame.iloc[0:0]
    kept_back = pd.concat(held, ignore_index=True) if held else frame.iloc[0:0]
    return OnTodaysBorders(
        out, kept_back, HarmonisationReport(int(aside.sum()), moved, tuple(breaks))
    )


def _any_shares(table: Crosswalk) -> Crosswalk:
    weights = table.weights.copy()
    for code in np.unique(table.codes_from[np.isnan(weights)]):
        rows = table.codes_from == code
        weights[rows] = 1.0 / int(rows.sum())
    return Crosswalk(table.codes_from, table.codes_to, weights)


def _slice(
    group: pd.DataFrame, indicator: Indicator, crosswalk: YearCrosswalk
) -> tuple[pd.DataFrame, list[Break]]:
    """One period and breakdown: every target the group's codes reach, through stats."""
    table = crosswalk.table
    codes = group["region"].to_numpy(str)
    # Only the targets these codes reach; their other parts count as missing inputs.
    reached = np.isin(table.codes_to, table.codes_to[np.isin(table.codes_from, codes)])
    sub = Crosswalk(table.codes_from[reached], table.codes_to[reached], table.weights[reached])
    status = group["status"].where(group["status"].notna(), "").astype(str).to_numpy()
    value = group["value"].to_numpy(float)
    numerator = group["numerator"].to_numpy(float)
    denominator = group["denominator"].to_numpy(float)

    ratio = aggregate(sub, codes, value=value, status=status)
    if indicator.additive:
        stacked = np.column_stack([value, numerator, denominator])
        counts = aggregate(
            sub, codes, numerator=stacked, denominator=np.ones_like(stacked), status=status
        )
        assert counts.numerator is not None  # counts were given
        new = pd.DataFrame(
            {
                "value": counts.numerator[:, 0],
                "numerator": counts.numerator[:, 1],
                "denominator": counts.numerator[:, 2],
                "status": counts.status[:, 0],
            }
        )
        flag = counts.flag
    elif _weighted(group, indicator):
        # A share without counts whose cohorts are declared (FileFetch.weights): a merge is the
        # cohort-weighted mean of its parts' shares; a split without known shares still breaks.
        weight = group["weight"].to_numpy(float)
        mean = aggregate(sub, codes, numerator=value * weight, denominator=weight, status=status)
        new = pd.DataFrame({"value": mean.value, "status": mean.status})
        flag = mean.flag
    elif indicator.measure in (Measure.PROPORTION, Measure.RATE):
        counts = aggregate(
            sub,
            codes,
            numerator=numerator,
            denominator=denominator,
            status=status,
            multiplier=indicator.multiplier,
        )
        new = _counted(counts)
        # A part with a share but no counts cannot be summed or shared out: its targets break.
        ratio_only = codes[np.isnan(numerator) | np.isnan(denominator)]
        ratio_only = ratio_only[~np.isnan(value[np.isin(codes, ratio_only)])]
        uncounted = np.isin(counts.codes, sub.codes_to[np.isin(sub.codes_from, ratio_only)])
        flag = np.where(uncounted & (counts.flag != _BREAK), ratio.flag, counts.flag)
    else:
        new = pd.DataFrame({"value": ratio.value, "status": ratio.status})
        flag = ratio.flag
    return _rows(group, sub, ratio, new, flag, crosswalk)


def _weighted(group: pd.DataFrame, indicator: Indicator) -> bool:
    """A share given with cohort weights and without counts (see sources/cohorts.py)."""
    return (
        "weight" in group.columns
        and indicator.measure is Measure.PROPORTION
        and bool(group["numerator"].isna().all())
    )


def _from_rebuilt(sub: Crosswalk, group: pd.DataFrame, targets: npt.NDArray[np.str_]) -> list[bool]:
    """Per target: is one of its parts' denominators rebuilt from a rounded share? A sum of such
    denominators is as approximate as its parts, so it keeps their mark."""
    if "flags" not in group.columns:
        return [False] * len(targets)
    rebuilt = {
        str(r)
        for r, f in zip(group["region"].tolist(), group["flags"].tolist(), strict=True)
        if "denominator_reconstructed" in flag_codes(f)
    }
    parts: dict[str, set[str]] = {}
    for f, t in zip(sub.codes_from.tolist(), sub.codes_to.tolist(), strict=True):
        parts.setdefault(str(t), set()).add(str(f))
    return [bool(parts.get(str(t), set()) & rebuilt) for t in targets.tolist()]


def _counted(h: Harmonised) -> pd.DataFrame:
    assert h.numerator is not None  # counts were given
    assert h.denominator is not None
    return pd.DataFrame(
        {
            "value": h.value,
            "numerator": h.numerator,
            "denominator": h.denominator,
            "status": h.status,
        }
    )


def _rows(
    group: pd.DataFrame,
    sub: Crosswalk,
    ratio: Harmonised,
    new: pd.DataFrame,
    flag: np.ndarray,
    crosswalk: YearCrosswalk,
) -> tuple[pd.DataFrame, list[Break]]:
    """Source rows for one-to-one targets (only the code changes), computed rows for the rest.

    A one-to-one target whose counts came through takes the value stats computed from them, as a
    merged one does, so every region of one slice is computed the same way.
    """
    targets = ratio.codes
    counted = np.isfinite(new["value"].to_numpy(float)) & ("numerator" in new)
    one_to_one = np.isin(flag, _ONE_TO_ONE) & ~counted
    # The single source row behind each one-to-one target, unchanged but for its code.
    origin = {t: f for f, t in zip(sub.codes_from.tolist(), sub.codes_to.tolist(), strict=True)}
    by_code = group.set_index("region", drop=False)
    kept = [t for t, keep in zip(targets.tolist(), one_to_one.tolist(), strict=True) if keep]
    carried = by_code.loc[[origin[t] for t in kept]].reset_index(drop=True)
    recoded = np.array([origin[t] != t for t in kept], dtype=bool)
    carried["region"] = kept
    if "flags" not in carried.columns:
        carried["flags"] = None
    # Added beside a flag the row already has (a rebuilt denominator stays marked when recoded).
    carried["flags"] = with_flag(carried["flags"], recoded, "harmonised")

    summed = ~one_to_one & (flag != _BREAK)
    computed = new[summed].copy()
    computed["region"] = targets[summed]
    for key in KEYS:
        computed[key] = group[key].iloc[0]
    computed["status"] = computed["status"].where(computed["status"] != "", None)
    # Only a region whose code or borders changed is marked; an untouched one keeps no flag.
    original = HarmonisationFlag.ORIGINAL.value
    shared_out = _shared_out(sub, targets[summed])
    computed["flags"] = [
        None if f == original else FLAG_SEPARATOR.join(["harmonised", "estimate"][: 1 + s])
        for f, s in zip(flag[summed].tolist(), shared_out.tolist(), strict=True)
    ]
    computed["flags"] = with_flag(
        computed["flags"], _from_rebuilt(sub, group, targets[summed]), "denominator_reconstructed"
    )
    out = pd.concat([carried, computed], ignore_index=True)

    first = group.iloc[0].to_dict()
    period, breakdown = str(first["period"]), _breakdown(first)
    breaks = [
        Break(str(t), period, breakdown, _reason(str(t), sub, crosswalk))
        for t in targets[flag == _BREAK].tolist()
    ]
    return out, breaks


def _shared_out(sub: Crosswalk, targets: np.ndarray) -> np.ndarray:
    """Targets that got a share of an old unit split by weights: the figure is an estimate (the
    weights are assumed, e.g. population shares applied to a count of pupils)."""
    codes, counts = np.unique(sub.codes_from, return_counts=True)
    split_codes = codes[counts > 1]
    weighted = np.isin(sub.codes_from, split_codes) & (sub.weights < 1.0)
    return np.isin(targets, sub.codes_to[weighted])


def _reason(target: str, sub: Crosswalk, crosswalk: YearCrosswalk) -> str:
    rows = sub.codes_to == target
    unknown = sub.codes_from[rows & np.isnan(sub.weights)]
    if unknown.size:
        old = ", ".join(f"{crosswalk.names.get(c, c)} ({c})" for c in unknown.tolist())
        return (
            f"Omfatter en del av {old} fra {crosswalk.year}, som ble delt uten kjente andeler; "
            "tallet kan ikke settes på dagens grenser."
        )
    parts = ", ".join(f"{crosswalk.names.get(c, c)} ({c})" for c in sub.codes_from[rows].tolist())
    return (
        f"Tallet fra {crosswalk.year} finnes bare som andel eller gjennomsnitt for {parts}; "
        "det kan ikke summeres eller deles til dagens grenser uten teller og nevner."
    )
