"""Aggregate step: fill the levels a source does not publish (fylke, land) from its kommuner.

Counts and numerators/denominators are summed and the rate recomputed from the sums (never a mean
of rates). Means and scores with a respondent count are n-weighted. A level the source publishes
itself is never overwritten. Aggregated rows carry the flag ``aggregated`` so the page can say so.
Aggregates of partly suppressed or missing members are themselves missing: a sum that silently
skips a member would be wrong.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from oppvekst.catalog.schema import Indicator, Measure

KEYS = ["period", "sex", "age", "background", "grade"]


def _summable(indicator: Indicator) -> bool:
    return indicator.additive or indicator.measure in (Measure.PROPORTION, Measure.RATE)


def _strict_sum(grouped: Any, column: str) -> pd.Series:
    """Sum per group, NaN when any member is missing (vectorised; no Python per group)."""
    total: pd.Series = grouped[column].sum(min_count=1)
    complete = grouped[column].count() == grouped[column].size()
    return total.where(complete)


def aggregate_up(
    frame: pd.DataFrame,
    indicator: Indicator,
    parent_of: Mapping[str, str],
    expected_members: Mapping[str, int],
) -> pd.DataFrame:
    """Rows for parents (``parent_of``: child code → parent code) that ``frame`` lacks.

    ``expected_members`` is how many children each parent has: a parent is only computed when every
    member is present with a value, so a partial sum is never shown as a total.
    """
    empty = frame.iloc[0:0]
    if frame.empty or indicator.measure is Measure.CHANGE:
        return empty
    members = frame[frame["region"].isin(list(parent_of))].copy()
    if members.empty:
        return empty
    members["parent"] = members["region"].map(parent_of)
    grouped = members.groupby(["parent", *KEYS], sort=False)
    agg = pd.DataFrame({"members": grouped["region"].nunique(), "valued": grouped["value"].count()})
    if _summable(indicator):
        agg["value"] = _strict_sum(grouped, "value")
        agg["numerator"] = _strict_sum(grouped, "numerator")
        agg["denominator"] = _strict_sum(grouped, "denominator")
        ratio = agg["denominator"].notna() & (agg["denominator"] > 0)
        agg.loc[ratio, "value"] = (
            agg.loc[ratio, "numerator"] / agg.loc[ratio, "denominator"] * indicator.multiplier
        )
        if indicator.measure is Measure.COUNT:
            agg["numerator"] = agg["value"]
        agg["sd"], agg["n"] = np.nan, np.nan
    else:
        members["_wv"] = members["value"] * members["n"]
        grouped = members.groupby(["parent", *KEYS], sort=False)
        agg["n"] = _strict_sum(grouped, "n")
        agg["value"] = _strict_sum(grouped, "_wv") / agg["n"]
        agg["numerator"], agg["denominator"], agg["sd"] = np.nan, np.nan, np.nan
    agg = agg.reset_index().rename(columns={"parent": "region"})
    expected = agg["region"].map(expected_members)
    agg = agg[
        (agg["members"] == expected) & (agg["valued"] == agg["members"]) & agg["value"].notna()
    ]
    # Never overwrite what the source publishes itself: anti-join on the full key.
    published = frame[["region", *KEYS]].drop_duplicates().assign(_published=True)
    agg = agg.merge(published, on=["region", *KEYS], how="left")
    agg = agg[agg["_published"].isna()].drop(columns=["members", "valued", "_published"])
    agg["status"] = None
    agg["flags"] = "aggregated"
    return agg.reset_index(drop=True)
