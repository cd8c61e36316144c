"""Scale: the demo snapshot at 1× and at 10× the national data volume, served and loaded the same way.

The 10× snapshot is SYNTHETIC: beside every observation of the 1× snapshot it holds copies of
every indicator's totals under new indicator ids (``<id>-syntetisk-skala-<k>``, in a topic of their
own, «Syntetisk skalering (benchmark)»), as many copies as make the table at least ``factor`` × as
large — a portal that has grown from 59 indicators to about 770, as a nation's would with more
sources, rather than the same pages grown longer. Every copied row is flagged ``synthetic`` with
the provenance «Syntetiske skaleringstall (benchmark)», and the snapshot is written through
``SnapshotWriter`` (so it passes the same validation as a real build).

The measured pages and API answers are the same at both scales (the copies are no key indicators
and carry no groups, so the profile, the indicator page and the answers show what they showed at
1×): the ratio is what the size of the data costs a request, not a longer answer. An earlier
version shifted copies into earlier years and extra ``grade`` groups, so the profile and the
indicator page showed five times the years and the API answer held five times the rows; that
measured the answers' length as much as the data's size. Reported: sequential request latency at
10× against 1× (the ratio is the growth) and the server's peak memory at each scale.
"""

from __future__ import annotations

import functools
import json
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
from oppvekst.snapshot.table import BREAKDOWNS, TOTAL

REPEAT = 7
PROVENANCE = "syntetisk-skala"
SUFFIX = "-syntetisk-skala"  # + "-<k>" on each copied indicator id
TOPIC = "syntetisk-skala"
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
    """A data dir whose snapshot holds at least ``factor`` × the observations of ``source``'s."""
    con = duckdb.connect(str(DataDir(source).current_path()), read_only=True)
    try:
        frames = {t: con.execute(f"SELECT * FROM {t}").df() for t in TABLES}
        meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
        provenance = con.execute("SELECT * FROM provenance").df()
        base = con.execute("SELECT * FROM observations").df()
    finally:
        con.close()
    totals = base[(base[list(BREAKDOWNS)] == TOTAL).all(axis=1)]
    count = -(-(factor - 1) * len(base) // len(totals))  # copies of the totals for ≥ factor ×
    indicators = frames["indicators"]
    copies, records = [base], [indicators]
    for k in range(1, count + 1):
        suffix = f"{SUFFIX}-{k}"
        copy = totals.copy()
        copy["indicator_id"] = copy["indicator_id"] + suffix
        copy["synthetic"] = True
        copy["provenance_id"] = PROVENANCE
        copies.append(copy)
        records.append(_copied_records(indicators, suffix, k))
    observations = pd.concat(copies, ignore_index=True).sort_values(
        ["indicator_id", "region", "period_end", "period"]
    )
    frames["indicators"] = pd.concat(records, ignore_index=True)
    frames["topics"] = pd.concat([frames["topics"], _topic(frames["topics"])], ignore_index=True)
    provenance = pd.concat(
        [
            provenance,
            pd.DataFrame(
                [{"id": PROVENANCE, "source": "Syntetiske skaleringstall (benchmark)",
                  "publisher": "Syntetiske skaleringstall (benchmark)", "synthetic": True,
                  "request": f"bench/bench_scale.py: {count} kopier av hver indikator"}]
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


def _copied_records(indicators: pd.DataFrame, suffix: str, k: int) -> pd.DataFrame:
    """The catalogue records of one copy: new ids and titles, the synthetic topic, no groups and
    not key indicators (so no page measured here shows them)."""
    copied = indicators.copy()
    records = []
    for text in copied["record"].astype(str):
        record = json.loads(text)
        record.update(
            id=f"{record['id']}{suffix}",
            title=f"{record['title']} (syntetisk kopi {k})",
            topic=TOPIC,
            breakdowns=[],
            key_indicator=False,
        )
        record.pop("translations", None)  # shown as written, in every language
        records.append(json.dumps(record, ensure_ascii=False))
    copied["id"] = copied["id"] + suffix
    copied["title"] = copied["title"] + f" (syntetisk kopi {k})"
    copied["topic"] = TOPIC
    copied["key_indicator"] = False
    copied["record"] = records
    return copied


def _topic(topics: pd.DataFrame) -> pd.DataFrame:
    title = "Syntetisk skalering (benchmark)"
    description = "Syntetiske kopier av indikatorene, laget av bench/bench_scale.py."
    rank = int(topics["rank"].max()) + 1
    record = {
        "id": TOPIC,
        "title": title,
        "description": description,
        "rank": rank,
        # A topic record has its nynorsk and English words, or no page in those languages opens.
        "translations": {
            "nn": {"title": title, "description": "Syntetiske kopiar av indikatorane."},
            "en": {
                "title": "Synthetic scaling (benchmark)",
                "description": "Synthetic copies of the indicators, made by bench/bench_scale.py.",
            },
        },
    }
    return pd.DataFrame(
        [{"id": TOPIC, "title": title, "description": description, "rank": rank,
          "record": json.dumps(record, ensure_ascii=False)}]
    )  # fmt: skip


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
