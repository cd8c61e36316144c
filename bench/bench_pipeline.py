"""Pipeline benchmarks: the full snapshot from the mirror, the demo fill at national scale, and
rows per second through parse + harmonise. Baselines in the same run: reading the same files with
plain pandas, and a plain pandas groupby-sum over the same rows."""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bench.timing import Result, measure, median
from oppvekst.catalog import default_catalog
from oppvekst.pipeline import build
from oppvekst.pipeline.harmonise import to_current_borders
from oppvekst.pipeline.setup import choose_sources, load_regions
from oppvekst.pipeline.tidy import tidy
from oppvekst.snapshot.files import DataDir

MIRROR = Path(__file__).resolve().parents[1].parent / "shared" / "data"
POPULATION = "stats/population_0-17_by_single_age_2024borders_2005-2026.csv"


def _build(fill: bool) -> float:
    choice = choose_sources(MIRROR, record_into_mirror=False, probe=False)
    regions = load_regions(choice)
    root = Path(tempfile.mkdtemp(prefix="bench-build-"))
    try:
        start = time.perf_counter()
        build.run_update(
            default_catalog(), regions, choice.context, DataDir(root), fill_with_demo=fill
        )
        return time.perf_counter() - start
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _read_raw_files() -> None:
    for indicator in default_catalog():
        for spec in indicator.source.offline:
            path = MIRROR / getattr(spec, "path", "")
            if path.is_file() and path.suffix == ".csv":
                pd.read_csv(path, dtype=str)


def run() -> list[dict[str, Any]]:
    results: list[Result] = []
    raw = median(measure(_read_raw_files, repeat=3))
    real = [_build(fill=False) for _ in range(2)]
    results.append(
        Result(
            "update: full snapshot from the mirror (real figures)",
            median(real),
            None,
            "reading the same CSV files with plain pandas",
            raw,
        )
    )
    demo = [_build(fill=True) for _ in range(2)]
    results.append(
        Result(
            "update: mirror + demo fill, national scale",
            median(demo),
            None,
            "reading the same CSV files with plain pandas",
            raw,
            note="synthetic demo values (benchmark only)",
        )
    )

    choice = choose_sources(MIRROR, record_into_mirror=False, probe=False)
    regions = load_regions(choice)
    indicator = default_catalog().indicator("barn-0-17")
    spec = indicator.source.offline[0]
    frame = pd.read_csv(MIRROR / POPULATION, dtype=str, keep_default_na=False)
    rows = len(frame)
    parse = measure(lambda: tidy(frame, spec.mapping), repeat=3)
    numbers = frame.assign(v=frame["population_jan1"].astype(float))
    plain = measure(lambda: numbers.groupby(["region_code", "year"])["v"].sum(), repeat=3)
    results.append(
        Result(
            f"parse (tidy) {rows} rows: {rows / median(parse):,.0f} rows/s",
            median(parse),
            None,
            "plain pandas groupby-sum of the same rows",
            median(plain),
        )
    )

    tidy_2019 = tidy(frame, spec.mapping)
    crosswalk = regions.crosswalk(2019)
    codes = np.unique(crosswalk.table.codes_from)
    synthetic = tidy_2019.iloc[: len(codes) * 20].copy()
    synthetic["region"] = np.resize(codes, len(synthetic))
    synthetic["period"] = np.repeat(np.arange(len(synthetic) // len(codes) + 1), len(codes))[
        : len(synthetic)
    ].astype(str)
    harmonise = measure(lambda: to_current_borders(synthetic, indicator, crosswalk), repeat=3)
    plain_h = measure(lambda: synthetic.groupby(["region", "period"])["value"].sum(), repeat=3)
    results.append(
        Result(
            f"harmonise {len(synthetic)} rows on 2019 codes: {len(synthetic) / median(harmonise):,.0f} rows/s",
            median(harmonise),
            None,
            "plain pandas groupby-sum of the same rows",
            median(plain_h),
            note="synthetic frame on real 2019 codes (benchmark only)",
        )
    )
    results.append(_decoder())
    return [r.row() for r in results]


def _decoder() -> Result:
    """JSON-stat decoding of 1.2 M cells (synthetic cube) vs just parsing the same JSON."""
    import orjson

    from oppvekst.sources.jsonstat import decode

    sizes = [400, 25, 10, 12]
    n = int(np.prod(sizes))
    values = np.random.default_rng(1).integers(0, 1000, n).astype(float).tolist()
    dims = ["Region", "Alder", "Kjonn", "Tid"]
    doc = {
        "version": "2.0",
        "class": "dataset",
        "id": dims,
        "size": sizes,
        "value": values,
        "dimension": {
            d: {"category": {"index": {f"{d}{i:04d}": i for i in range(s)}}}
            for d, s in zip(dims, sizes, strict=True)
        },
    }
    raw = orjson.dumps(doc)
    decoding = measure(lambda: decode(raw).to_frame(), repeat=3)
    parsing = measure(lambda: orjson.loads(raw), repeat=3)
    return Result(
        f"JSON-stat decode + frame, {n:,} cells: {n / median(decoding):,.0f} cells/s",
        median(decoding),
        None,
        "orjson.loads of the same bytes",
        median(parsing),
        note="synthetic cube (benchmark only)",
    )
