"""Aggregate step: fill the levels a source does not publish (fylke, land) from its kommuner.

Counts and numerators/denominators are summed and the rate recomputed from the sums (never a mean
of rates). Means and scores with a respondent count are n-weighted. A level the source publishes
itself is never overwritten. Aggregated rows carry the flag ``aggregated`` so the page can say so.
Aggregates of partly suppressed or missing members are themselves missing: a sum that silently
skips a member would be wrong.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from oppvekst.catalog.schema import Indicator, Measure

KEYS = ("period", "sex", "age", "background", "grade")


def _summable(indicator: Indicator) -> bool:
    return indicator.additive or indicator.measure in (Measure.PROPORTION, Measure.RATE)


def aggregate_up(
    frame: pd.DataFrame,
    indicator: Indicator,
    parent_of: Mapping[str, str],
    expected_members: Mapping[str, int],
) -> pd.DataFrame:
    """Rows for parents (given by ``parent_of``: child code → parent code) missing in ``frame``.

    ``expected_members`` is how many children each parent has: a parent is only computed when every
    member is present with a value, so a partial sum is never shown as a total.
    """
    if frame.empty or indicator.measure is Measure.CHANGE:
        return frame.iloc[0:0]
    members = frame[frame["region"].isin(parent_of.keys())].copy()
    if members.empty:
        return frame.iloc[0:0]
    members["parent"] = members["region"].map(parent_of)
    present = set(zip(frame["region"], *(frame[k] for k in KEYS), strict=True))
    group_keys = ["parent", *KEYS]
    if _summable(indicator):
        members["_w"] = 1.0
        agg = members.groupby(group_keys, sort=False).agg(
            value=("value", lambda s: s.sum(min_count=len(s))),
            numerator=("numerator", lambda s: s.sum(min_count=len(s))),
            denominator=("denominator", lambda s: s.sum(min_count=len(s))),
            members=("region", "nunique"),
            valued=("value", "count"),
        )
        has_ratio = agg["denominator"].notna() & (agg["denominator"] > 0)
        agg.loc[has_ratio, "value"] = (
            agg.loc[has_ratio, "numerator"] / agg.loc[has_ratio, "denominator"] * indicator.multiplier
        )
        if indicator.measure is Measure.COUNT:
            agg["numerator"] = agg["value"]
        agg["sd"], agg["n"] = np.nan, np.nan
    else:
        weighted = members.assign(_wv=members["value"] * members["n"])
        agg = weighted.groupby(group_keys, sort=False).agg(
            wv=("_wv", lambda s: s.sum(min_count=len(s))),
            n=("n", lambda s: s.sum(min_count=len(s))),
            members=("region", "nunique"),
            valued=("value", "count"),
        )
        agg["value"] = agg["wv"] / agg["n"]
        agg["numerator"], agg["denominator"], agg["sd"] = np.nan, np.nan, np.nan
        agg = agg.drop(columns="wv")
    agg = agg.reset_index().rename(columns={"parent": "region"})
    complete = (agg["members"] == agg["region"].map(expected_members)) & (agg["valued"] == agg["members"])
    agg = agg[complete & agg["value"].notna()]
    keep = np.array(
        [
            (r, *rest) not in present
            for r, *rest in zip(agg["region"], *(agg[k] for k in KEYS), strict=True)
        ],
        dtype=bool,
    )
    agg = agg[keep].drop(columns=["members", "valued"])
    agg["status"] = None
    agg["flags"] = "aggregated"
    return agg
