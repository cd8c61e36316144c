"""Aggregate step: fill the levels a source does not publish (fylke, land) from its kommuner.

A parent is its members merged, so the arithmetic is ``stats.harmonisation.aggregate`` over a
crosswalk child → parent: counts and numerators/denominators are summed and the rate recomputed
from the sums (never a mean of rates); means and scores are weighted by their respondents (summed
value × n over summed n). A share without numerator and denominator cannot be summed, so its
parent stays empty. A level the source publishes itself is never overwritten. Aggregated rows carry
the flag ``aggregated`` so the page can say so. A parent with a member missing, suppressed or
absent is itself missing: a sum that silently skips a member would be wrong.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from oppvekst.catalog.schema import Indicator, Measure
from oppvekst.snapshot.table import BREAKDOWNS
from oppvekst.stats.harmonisation import STATUS_PRECEDENCE, Crosswalk, aggregate

KEYS = ["period", *BREAKDOWNS]


def aggregate_up(
    frame: pd.DataFrame, indicator: Indicator, parent_of: Mapping[str, str]
) -> pd.DataFrame:
    """Rows for parents (``parent_of``: child code → parent code) that ``frame`` lacks.

    Every child in ``parent_of`` is a member: a parent is computed only when each of its members
    has its numbers, so a partial sum is never shown as a total.
    """
    empty = frame.iloc[0:0]
    if frame.empty or indicator.measure is Measure.CHANGE:
        return empty
    members = frame[frame["region"].isin(list(parent_of))]
    if members.empty:
        return empty
    children = sorted(parent_of)
    crosswalk = Crosswalk.of(children, [parent_of[c] for c in children])
    agg = _parents(members, indicator, crosswalk)
    # Never overwrite what the source publishes itself: anti-join on the full key.
    published = frame[["region", *KEYS]].drop_duplicates().assign(_published=True)
    agg = agg.merge(published, on=["region", *KEYS], how="left")
    agg = agg[agg["_published"].isna()].drop(columns=["_published"])
    agg["status"] = None
    agg["flags"] = "aggregated"
    return agg.reset_index(drop=True)


def _parents(members: pd.DataFrame, indicator: Indicator, crosswalk: Crosswalk) -> pd.DataFrame:
    """Every parent, period and breakdown that each member has numbers for, in one call.

    The members' rows are laid out as children × slices (period and breakdown), so the crosswalk
    arithmetic runs once with the slices as a trailing axis; a child without a row in a slice is
    NaN there, which leaves its parent missing in that slice.
    """
    slice_of, slices = pd.factorize(pd.MultiIndex.from_frame(members[KEYS]))
    code_of, codes = pd.factorize(members["region"])
    # A cell the source marks (suppressed, missing) has no number to add, whatever it holds.
    marked = members["status"].isin(STATUS_PRECEDENCE).to_numpy()

    def wide(column: str) -> np.ndarray:
        out = np.full((len(codes), len(slices)), np.nan)
        if column in members:
            values = members[column].to_numpy(float).copy()
            values[marked] = np.nan
            out[code_of, slice_of] = values
        return out

    reached = np.isin(crosswalk.codes_to, crosswalk.codes_to[np.isin(crosswalk.codes_from, codes)])
    sub = Crosswalk(
        crosswalk.codes_from[reached], crosswalk.codes_to[reached], crosswalk.weights[reached]
    )
    value = wide("value")
    columns: dict[str, np.ndarray]
    if indicator.additive:
        # A count is its own numerator.
        total = aggregate(sub, codes, numerator=value, denominator=np.ones_like(value))
        assert total.numerator is not None
        columns = {"value": total.numerator, "numerator": total.numerator}
        parents = total.codes
    elif indicator.measure in (Measure.PROPORTION, Measure.RATE):
        pooled = aggregate(
            sub,
            codes,
            numerator=wide("numerator"),
            denominator=wide("denominator"),
            multiplier=indicator.multiplier,
        )
        assert pooled.numerator is not None
        assert pooled.denominator is not None
        columns = {
            "value": pooled.value,
            "numerator": pooled.numerator,
            "denominator": pooled.denominator,
        }
        parents = pooled.codes
    else:
        # Means and scores: the respondents' pooled mean, Σ value × n / Σ n.
        n = wide("n")
        weighted = aggregate(sub, codes, numerator=value * n, denominator=n)
        assert weighted.denominator is not None
        columns = {"value": weighted.value, "n": weighted.denominator}
        parents = weighted.codes
    row, col = np.nonzero(np.isfinite(columns["value"]))
    out = pd.DataFrame({"region": parents[row]})
    chosen = slices[col]
    for level, key in enumerate(KEYS):
        out[key] = chosen.get_level_values(level)
    for name in ("value", "numerator", "denominator", "sd", "n"):
        out[name] = columns[name][row, col] if name in columns else np.nan
    return out
