"""Optional benchmark comparison attached to data rows (``compare=land|fylke``).

The columns it adds are ``oppvekst.exports.COMPARISON_COLUMNS``, so every format carries them.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from oppvekst.snapshot.store import Store
from oppvekst.snapshot.table import BREAKDOWNS
from oppvekst.stats import comparison
from oppvekst.views.regions import region_ref

Against = Literal["land", "fylke"]
# A row meets its benchmark's row with the same indicator, period and breakdown categories.
KEY = ("indicator_id", "period", *BREAKDOWNS)


def attach_comparison(store: Store, frame: pd.DataFrame, against: Against) -> pd.DataFrame:
    if frame.empty:
        return frame.assign(benchmark_region=None, benchmark_value=np.nan, significance=None)
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
    out = out.merge(bench, on=[*KEY, "benchmark_region"], how="left")
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
