"""Take-away renders: a national kommune map as PNG, cold (Vega layout + draw) vs from the cache.

The cold render runs the same path as ``/indikator/{id}/bilde.png?fane=kart``: spec, figure with
footer, fitting pass, SVG, PNG. The cached render reads the file the cold one wrote.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from bench.timing import Result, median, p99
from oppvekst import charts
from oppvekst.charts.figure import FIGURE_SIZES, Footer, figure
from oppvekst.charts.maps import wound_for_d3
from oppvekst.charts.render import FigureCache, ImageFormat, Renderer

INDICATOR = "barn-lavinntekt-eu60"
RUNS = 3


def run() -> list[dict[str, Any]]:
    import time

    from tests.conftest import shared_data_dir

    from oppvekst.catalog import default_catalog
    from oppvekst.pipeline import build
    from oppvekst.pipeline.setup import choose_sources, load_regions
    from oppvekst.snapshot.files import DataDir
    from oppvekst.snapshot.store import Store
    from oppvekst.views import maps
    from oppvekst.web.selection import boundaries_for

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        choice = choose_sources(shared_data_dir(), record_into_mirror=False, probe=False)
        build.run_update(
            default_catalog(),
            load_regions(choice),
            choice.context,
            DataDir(root / "data"),
            fill_with_demo=True,
        )
        store = Store(DataDir(root / "data").current_path())
        boundaries = boundaries_for(store)
        assert boundaries is not None, "boundaries are needed for the map benchmark"
        values = maps.map_values(store, INDICATOR)
        geo = wound_for_d3(boundaries.layer("kommune", 2024))
        size = FIGURE_SIZES[charts.SizePreset.REPORT]
        cold: list[float] = []
        warm: list[float] = []
        for i in range(RUNS):
            # A different title per run gives a new spec hash: a true cold render each time.
            options = charts.ChartOptions(
                highlight=("4601",), size=charts.SizePreset.REPORT, note="", title=f"Kart {i}"
            )
            spec = figure(charts.choropleth(values, options, geo), Footer("Kilde: SSB"), size)
            renderer = Renderer(FigureCache(root / "cache"))
            start = time.perf_counter()
            first = renderer.render(spec, size, ImageFormat.PNG, 2)
            cold.append(time.perf_counter() - start)
            start = time.perf_counter()
            second = renderer.render(spec, size, ImageFormat.PNG, 2)
            warm.append(time.perf_counter() - start)
            assert second.cached
            assert second.data == first.data
        store.close()
    return [
        Result(
            "national kommune map PNG @2x, cold render",
            median(cold),
            p99(cold),
            "same PNG from the figure cache",
            median(warm),
            note=f"{RUNS} runs; ratio = cold / cached",
        ).row()
    ]
