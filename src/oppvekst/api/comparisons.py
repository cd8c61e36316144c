"""Optional benchmark comparison attached to data rows (``compare=land|fylke|gruppe:kode,kode``).

The columns it adds are ``oppvekst.exports.COMPARISON_COLUMNS``, so every format carries them.
The country and the county are compared row by row (the same breakdown categories); a group is
one population (summed numerators over summed denominators, ``Store.group_values``), which the
snapshot holds for the totals only, so rows of a breakdown are not compared with a group.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from oppvekst.snapshot.store import Store
from oppvekst.snapshot.table import BREAKDOWNS, TOTAL
from oppvekst.stats import comparison
from oppvekst.views.benchmark import MAX_GROUP
from oppvekst.views.regions import region_ref, unknown_region

GROUP = "gruppe:"
# What ``compare`` accepts: the OpenAPI pattern.
AGAINST = rf"^(land|fylke|{GROUP}[0-9]{{1,6}}(,[0-9]{{1,6}}){{0,{MAX_GROUP - 1}}})$"
# A row meets its benchmark's row with the same indicator, period and breakdown categories.
KEY = ("indicator_id", "period", *BREAKDOWNS)


def attach_comparison(store: Store, frame: pd.DataFrame, against: str) -> pd.DataFrame:
    members = tuple(dict.fromkeys(against.removeprefix(GROUP).split(",")))
    if against.startswith(GROUP):
        for code in members:
            if code not in store.regions:
                raise unknown_region(store, code)
    if frame.empty:
        return frame.assign(benchmark_region=None, benchmark_value=np.nan, significance=None)
    if against.startswith(GROUP):
        out = _against_group(store, frame, GROUP + ",".join(members), members)
    else:
        out = _against_region(store, frame, against)
    polarity = out["indicator_id"].map(lambda i: store.indicator(i).polarity.value)
    out["significance"] = comparison.compare(
        out["value"].to_numpy(float),
        out["lower95"].to_numpy(float),
        out["upper95"].to_numpy(float),
        out["lower998"].to_numpy(float),
        out["upper998"].to_numpy(float),
        out["benchmark_value"].to_numpy(float),
        polarity.to_numpy(str),
    )
    return out


def _against_region(store: Store, frame: pd.DataFrame, against: str) -> pd.DataFrame:
    out = frame.copy()
    if against == "land":
        out["benchmark_region"] = "0"
    else:
        out["benchmark_region"] = out["region"].map(lambda c: region_ref(store, c).county or "0")
    bench = store.observations(
        sorted(set(out["indicator_id"])), sorted(set(out["benchmark_region"])), all_breakdowns=True
    )[[*KEY, "region", "value"]].rename(
        columns={"region": "benchmark_region", "value": "benchmark_value"}
    )
    return out.merge(bench, on=[*KEY, "benchmark_region"], how="left")


def _against_group(
    store: Store, frame: pd.DataFrame, label: str, members: tuple[str, ...]
) -> pd.DataFrame:
    out = frame.copy()
    values = store.group_values(sorted(set(out["indicator_id"])), members)
    totals = np.logical_and.reduce([out[b].to_numpy() == TOTAL for b in BREAKDOWNS])
    out["benchmark_region"] = label
    out["benchmark_value"] = [
        values.get((i, p), np.nan) if total else np.nan
        for i, p, total in zip(out["indicator_id"], out["period"], totals, strict=True)
    ]
    return out
