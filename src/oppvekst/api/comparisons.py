"""Optional benchmark comparison attached to data rows (``compare=land|fylke``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from oppvekst.errors import BadRequest
from oppvekst.snapshot.store import Store
from oppvekst.stats import comparison
from oppvekst.views.regions import region_ref


def attach_comparison(store: Store, frame: pd.DataFrame, against: str) -> pd.DataFrame:
    if against not in ("land", "fylke"):
        raise BadRequest(f"Ukjent sammenligning «{against}».", hint="Bruk land eller fylke.")
    if frame.empty:
        return frame.assign(benchmark_region=None, benchmark_value=np.nan, significance=None)
    out = frame.copy()
    if against == "land":
        out["benchmark_region"] = "0"
    else:
        out["benchmark_region"] = out["region"].map(lambda c: region_ref(store, c).county or "0")
    keys = ["indicator_id", "period", "sex", "age", "background", "grade"]
    bench = store.observations(
        sorted(set(out["indicator_id"])), sorted(set(out["benchmark_region"])), all_breakdowns=True
    )[[*keys, "region", "value"]].rename(
        columns={"region": "benchmark_region", "value": "benchmark_value"}
    )
    out = out.merge(bench, on=[*keys, "benchmark_region"], how="left")
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
