"""Harmonise step: figures published on old municipal codes → today's borders.

Counts (and numerators/denominators) of merged municipalities are summed into the current one and
rates recomputed from the sums; a split spreads counts by the declared weight. A ratio without
numerator and denominator cannot be summed: it is carried over only where the old unit maps 1:1 onto
a current one (a renumbering); otherwise the row is dropped and counted as a *break*, which the
indicator page explains. Every harmonised row carries the flag ``harmonised``.

Codes that are not regions (``9999`` unknown, ``21xx`` Svalbard, ``XX99`` county unknown, KOSTRA
groups, abroad) are set aside and counted, never guessed into a region.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from oppvekst.catalog.schema import Indicator, Measure
from oppvekst.errors import MalformedResponse

KEYS = ("period", "sex", "age", "background", "grade")
NOT_A_REGION = re.compile(
    r"^(9999|\d\d99|21\d\d|Rest|EKG\d+|EKA\d+|Utlandet|99|K-Rest|NULL|)$", re.I
)


@dataclass(frozen=True, slots=True)
class HarmonisationReport:
    set_aside: int  # rows with codes that are not regions (unknown, Svalbard, abroad)
    breaks: int  # ratio rows that could not be carried to current borders
    harmonised: int  # rows that were moved or summed onto current codes


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


def to_current_borders(
    frame: pd.DataFrame,
    indicator: Indicator,
    crosswalk: Mapping[str, Sequence[tuple[str, float]]],
) -> tuple[pd.DataFrame, HarmonisationReport]:
    """Map ``frame`` (codes of one historical year) onto current codes via ``crosswalk``."""
    links = pd.DataFrame(
        [(old, new, weight) for old, targets in crosswalk.items() for new, weight in targets],
        columns=["origin", "target", "weight"],
    )
    aside = ~frame["region"].isin(links["origin"]) | frame["region"].str.match(NOT_A_REGION)
    expanded = (
        frame[~aside]
        .rename(columns={"region": "origin"})
        .merge(links, on="origin", how="inner", sort=False)
        .rename(columns={"target": "region"})
    )
    if expanded.empty:
        return frame.iloc[0:0], HarmonisationReport(int(aside.sum()), 0, 0)
    moved = (expanded["origin"] != expanded["region"]) | (expanded["weight"] != 1.0)
    target = [expanded["region"], *(expanded[k] for k in KEYS)]
    if indicator.additive:
        summable = pd.Series(True, index=expanded.index)
    elif indicator.measure in (Measure.PROPORTION, Measure.RATE):
        # A target can be recomputed from sums only if every part of it brought its counts.
        counted = expanded["numerator"].notna() & expanded["denominator"].notna()
        summable = counted.groupby(target).transform("all").astype(bool)
    else:
        summable = pd.Series(False, index=expanded.index)
    parts = expanded[summable].copy()
    for column in ("numerator", "denominator"):
        parts[column] = parts[column] * parts["weight"]
    if indicator.additive:
        parts["value"] = parts["value"] * parts["weight"]
    summed = _sum_onto_targets(parts, indicator) if len(parts) else parts.iloc[0:0]
    rest = expanded[~summable]
    origins = rest.groupby([rest["region"], *(rest[k] for k in KEYS)])["origin"].transform(
        "nunique"
    )
    one_to_one = (rest["weight"] == 1.0) & (origins == 1)
    carried = rest[one_to_one].drop(columns=["origin", "weight"])
    carried["flags"] = moved[rest.index[one_to_one]].map({True: "harmonised", False: None})
    breaks = int((~one_to_one).sum())
    out = pd.concat([summed, carried], ignore_index=True) if len(carried) else summed
    report = HarmonisationReport(int(aside.sum()), breaks, int(moved.sum()))
    return out.reset_index(drop=True), report


def _strict_sum(grouped: Any, column: str) -> pd.Series:
    """Sum per group; NaN when any member is missing (a partial sum is not the total)."""
    total: pd.Series = grouped[column].sum(min_count=1)
    return total.where(grouped[column].count() == grouped[column].size())


def _sum_onto_targets(expanded: pd.DataFrame, indicator: Indicator) -> pd.DataFrame:
    grouped = expanded.groupby(["region", *KEYS], sort=False)
    out = pd.DataFrame(
        {
            "value": _strict_sum(grouped, "value"),
            "numerator": _strict_sum(grouped, "numerator"),
            "denominator": _strict_sum(grouped, "denominator"),
            "status": grouped["status"].first(),
        }
    ).reset_index()
    if not indicator.additive:
        ok = out["denominator"] > 0
        out["value"] = (out["numerator"] / out["denominator"].where(ok)) * indicator.multiplier
    # Rounded weights make fractional people: keep counts whole.
    for column in ("numerator", "denominator"):
        out[column] = out[column].round()
    if indicator.additive:
        out["value"] = out["value"].round()
    out.loc[out["value"].notna(), "status"] = None
    out["sd"], out["n"] = np.nan, np.nan
    out["flags"] = "harmonised"
    return out
