"""Scale: the demo snapshot at 1× and at 10× the national data volume, served and loaded the same way.

The 10× snapshot is SYNTHETIC: every observation of the 1× snapshot is replicated nine more times —
four copies over earlier years (period shifted back 22, 44, 66 and 88 years) and five as extra
breakdown values (``grade`` = ``syntetisk-skala-k``) — flagged ``synthetic`` with the provenance
«Syntetiske skaleringstall (benchmark)», and written through ``SnapshotWriter`` (so it passes the
same validation as a real build). Reported: sequential request latency at 10× against 1× (the ratio
is the growth) and the server's peak memory at each scale.
"""

from __future__ import annotations

import functools
import shutil
import tempfile
from pathlib import Path
from typing import Any

import duckdb
import httpx
import pandas as pd

from bench.portal import build_demo_data, peak_rss_mb, serve
from bench.timing import Result, measure, median, p99
from oppvekst.snapshot.files import OBSERVATION_COLUMNS, DataDir, SnapshotWriter

REPEAT = 7
PROVENANCE = "syntetisk-skala"
PATHS = {
    "profile page": "/kommune/0301",
    "indicator page": "/indikator/barn-0-17",
    "API JSON, indicator × all kommuner × all years": (
        "/api/v1/data?indicator=barn-0-17&region=kommune&limit=50000"
    ),
    "API CSV, one kommune × one indicator": "/api/v1/data?indicator=barn-0-17&region=0301&format=csv",
}
TABLES = ("regions", "region_changes", "topics", "indicators", "packages", "source_status")


def scaled_snapshot(source: Path, factor: int = 10) -> tuple[Path, int, int]:
    """A data dir whose snapshot holds ``factor`` × the observations of ``source``'s."""
    con = duckdb.connect(str(DataDir(source).current_path()), read_only=True)
    try:
        frames = {t: con.execute(f"SELECT * FROM {t}").df() for t in TABLES}
        meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
        provenance = con.execute("SELECT * FROM provenance").df()
        base = con.execute("SELECT * FROM observations").df()
    finally:
        con.close()
    copies = [base]
    yearly = base["period"].str.fullmatch(r"\d{4}")
    for k in range(1, factor):
        copy = base.copy()
        if k <= 4:  # more years (only yearly periods shift cleanly; the rest get a breakdown)
            shift = 22 * k
            copy.loc[yearly, "period"] = (copy.loc[yearly, "period"].astype(int) - shift).astype(
                str
            )
            copy.loc[yearly, "period_start"] -= shift
            copy.loc[yearly, "period_end"] -= shift
            copy.loc[~yearly, "grade"] = f"syntetisk-skala-{k}"
        else:  # more breakdowns
            copy["grade"] = f"syntetisk-skala-{k}"
        copy["synthetic"] = True
        copy["provenance_id"] = PROVENANCE
        copies.append(copy)
    observations = pd.concat(copies, ignore_index=True).sort_values(
        ["indicator_id", "region", "period_end", "period"]
    )
    provenance = pd.concat(
        [
            provenance,
            pd.DataFrame(
                [{"id": PROVENANCE, "source": "Syntetiske skaleringstall (benchmark)",
                  "publisher": "Syntetiske skaleringstall (benchmark)", "synthetic": True,
                  "request": f"bench/bench_scale.py: {factor}× replikert"}]
            ),
        ],
        ignore_index=True,
    )  # fmt: skip
    root = Path(tempfile.mkdtemp(prefix=f"bench-scale-{factor}x-"))
    data = DataDir(root)
    writer = SnapshotWriter(data)
    for table, frame in frames.items():
        writer.write_frame(table, frame)
    writer.write_frame("provenance", provenance)
    writer.write_frame("observations", observations[OBSERVATION_COLUMNS])
    writer.set_meta(
        **{**meta, "snapshot_id": writer.snapshot_id, "total_rows": str(len(observations)),
           "synthetic_rows": str(int(observations["synthetic"].sum())),
           "data_mode": meta.get("data_mode", "") + f" + syntetisk skalering {factor}×"}
    )  # fmt: skip
    writer.publish()
    return root, len(base), len(observations)


def _get(http: httpx.Client, path: str) -> None:
    http.get(path).raise_for_status()


def _measure(data: Path) -> tuple[dict[str, list[float]], float]:
    """Sequential requests (one warm-up, then REPEAT): at 10× some answers take longer than a
    wrk window, and the growth per request is the point here (load is in bench_load). The API's
    answer cache and the portal's response cache are off, so every request is computed on the
    data at this scale."""
    times: dict[str, list[float]] = {}
    settings = {"OPPVEKST_ANSWER_CACHE_MB": "0", "OPPVEKST_RESPONSE_CACHE_MB": "0"}
    with (
        serve(data, None, settings) as server,
        httpx.Client(base_url=server.base, timeout=300) as http,
    ):
        for label, path in PATHS.items():
            times[label] = measure(functools.partial(_get, http, path), repeat=REPEAT)
        memory = peak_rss_mb(server.pid)
    return times, memory


def run() -> list[dict[str, Any]]:
    one = build_demo_data()
    ten, rows_1x, rows_10x = scaled_snapshot(one)
    try:
        small, memory_1x = _measure(one)
        large, memory_10x = _measure(ten)
    finally:
        shutil.rmtree(ten, ignore_errors=True)
    size = f"{rows_1x:,} → {rows_10x:,} rows".replace(",", " ")
    rows = []
    for label in PATHS:
        rows.append(
            Result(
                f"scale 10×: {label}",
                median(large[label]),
                p99(large[label]),
                "the same at 1×",
                median(small[label]),
                f"{size}; peak RSS {memory_1x:.0f} → {memory_10x:.0f} MiB",
            ).row()
        )
    return rows
