"""Optional benchmark comparison attached to data rows (``compare=land|fylke|gruppe:kode,kode``).

The columns it adds are ``oppvekst.exports.COMPARISON_COLUMNS``, so every format carries them.
The country and the county are compared row by row (the same breakdown categories); a group is
one population, computed by the same function as on the pages (``views.benchmark.benchmark_values``,
through ``stats.comparison``): no value when a member lacks numbers, and ``benchmark_note`` says
which. The snapshot holds members' numbers for the totals only, so rows of a breakdown are not
compared with a group.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from oppvekst.snapshot.store import Store
from oppvekst.snapshot.table import BREAKDOWNS, TOTAL
from oppvekst.stats import comparison
from oppvekst.views.benchmark import MAX_GROUP, Benchmark, benchmark_values
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
        return frame.assign(
            benchmark_region=None, benchmark_value=np.nan, benchmark_note=None, significance=None
        )
    if against.startswith(GROUP):
        out = _against_group(store, frame, GROUP + ",".join(members), members)
    else:
        out = _against_region(store, frame, against)
    # One lookup per distinct indicator or region, not per row (compare=fylke over every kommune).
    polarity = out["indicator_id"].map(
        {i: store.indicator(i).polarity.value for i in out["indicator_id"].unique()}
    )
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
        counties = {c: region_ref(store, c).county or "0" for c in out["region"].unique()}
        out["benchmark_region"] = out["region"].map(counties)
    bench = store.observations(
        sorted(set(out["indicator_id"])), sorted(set(out["benchmark_region"])), all_breakdowns=True
    )[[*KEY, "region", "value"]].rename(
        columns={"region": "benchmark_region", "value": "benchmark_value"}
    )
    merged = out.merge(bench, on=[*KEY, "benchmark_region"], how="left")
    merged["benchmark_note"] = None
    return merged


def _against_group(
    store: Store, frame: pd.DataFrame, label: str, members: tuple[str, ...]
) -> pd.DataFrame:
    out = frame.copy()
    group = Benchmark("gruppe", members, "gruppen")
    values = benchmark_values(store, group, sorted(set(out["indicator_id"])))
    totals = np.logical_and.reduce([out[b].to_numpy() == TOTAL for b in BREAKDOWNS])
    found = [
        values.get((i, p)) if total else None
        for i, p, total in zip(out["indicator_id"], out["period"], totals, strict=True)
    ]
    out["benchmark_region"] = label
    out["benchmark_value"] = [
        v.value if v is not None and v.value is not None else np.nan for v in found
    ]
    out["benchmark_note"] = [v.note if v is not None else None for v in found]
    return out
