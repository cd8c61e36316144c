"""Report benchmarks: one municipality's PDF, every area's PDF, a package ZIP, a 100 000-row
Excel file.

Runs on a snapshot in ``$OPPVEKST_BENCH_DATA_DIR`` when set, else builds one from the offline
mirror with the demo fill (about 30 s, not timed). Each case has a baseline from the same run:
the PDF against the same Typst document without charts (so the ratio is the price of the
charts), all reports against the profile view alone, the package ZIP (README, Excel, PDF,
a 2× PNG figure per indicator) against that package's PDF alone, Excel against plain CSV.

"Cold" means no chart is cached: the SVG cache and the kept parts (``reports.parts``) are emptied
before every report, so all of its charts are made: the indicators' charts laid out for Typst
(``reports.lines``, ``reports.bars``), the «Ulikhet» charts drawn by vl-convert. What a running
process keeps is kept, as in the portal: Typst's compiler, the chart worker processes (started by
the warm-up report) and the Vega compiled per «Ulikhet» chart shape (``reports.templates``).

All reports are measured as what they are: ``oppvekst report --all`` run as a new process on the
snapshot, every area's PDF, nothing kept; then once more, reading back what the first run kept.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.timing import Result, measure, median, p99
from oppvekst.catalog import default_catalog
from oppvekst.charts.render import FigureCache, Renderer
from oppvekst.exports import Download
from oppvekst.exports.tabular import to_csv
from oppvekst.exports.workbook import to_xlsx
from oppvekst.pipeline import build
from oppvekst.pipeline.setup import choose_sources, load_regions
from oppvekst.reports import bundle, content, figures, report
from oppvekst.reports.typesetter import typesetter
from oppvekst.snapshot.files import DataDir
from oppvekst.snapshot.store import Store
from oppvekst.views.benchmark import parse_benchmark
from oppvekst.views.data import parse_selection, select
from oppvekst.views.packages import package
from oppvekst.views.profile import profile

MIRROR = Path(__file__).resolve().parents[1].parent / "shared" / "data"
ONE_REPORT_SAMPLE = 7  # distinct kommuner: a repeated one would hit the chart cache
XLSX_ROWS = 100_000
ZIP_PACKAGE = "tilstandsrapport-barnevern"  # 7 indicators: 7 figures, a 7-chart PDF
ZIP_SAMPLE = 5  # distinct kommuner, none of them in the PDF sample


@dataclass(frozen=True, slots=True)
class BenchData:
    store: Store
    data_dir: Path  # what ``--data-dir`` names for the commands run on it
    built: bool  # made for this run (removed after it)


def _store() -> BenchData:
    configured = os.environ.get("OPPVEKST_BENCH_DATA_DIR")
    if configured:
        return BenchData(Store(DataDir(Path(configured)).current_path()), Path(configured), False)
    root = Path(tempfile.mkdtemp(prefix="bench-reports-"))
    choice = choose_sources(MIRROR, record_into_mirror=False, probe=False)
    build.run_update(
        default_catalog(), load_regions(choice), choice.context, DataDir(root), fill_with_demo=True
    )
    return BenchData(Store(DataDir(root).current_path()), root, True)


def _kommuner(store: Store, count: int, skip: int = 0) -> list[str]:
    codes = [c for c, r in store.regions.items() if r.level == "kommune"]
    step = max(1, len(codes) // (count + skip))
    return codes[::step][skip : skip + count]


def _pdf(store: Store, code: str) -> float:
    figures.forget(store)  # every chart is drawn, as for a first download
    start = time.perf_counter()
    report.build(store, code, parse_benchmark(store, None, code))
    return time.perf_counter() - start


def _report_all(data: BenchData) -> float:
    """Seconds for ``oppvekst report --all`` on the data dir, run as a new process."""
    out = Path(tempfile.mkdtemp(prefix="bench-report-all-"))
    command = [sys.executable, "-m", "oppvekst", "report", "--all", "--out-dir", str(out)]
    command += ["--data-dir", str(data.data_dir)]
    try:
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True)
        elapsed = time.perf_counter() - start
        made = len(list(out.glob("*.pdf")))
        if done.returncode != 0 or made != len(data.store.regions):
            raise RuntimeError(
                f"report --all: exit {done.returncode}, {made} PDFs\n{done.stdout[-3000:]}"
            )
        return elapsed
    finally:
        shutil.rmtree(out, ignore_errors=True)


def _zip(store: Store, code: str) -> float:
    """A package ZIP as a first download: no report chart cached, an empty figure cache on disk."""
    figures.forget(store)
    cache = Path(tempfile.mkdtemp(prefix="bench-zip-figures-"))
    try:
        start = time.perf_counter()
        bundle.archive(
            store,
            ZIP_PACKAGE,
            code,
            parse_benchmark(store, None, code),
            Renderer(FigureCache(cache)),
            site="http://127.0.0.1/",
        )
        return time.perf_counter() - start
    finally:
        shutil.rmtree(cache, ignore_errors=True)


def _package_pdf(store: Store, code: str) -> float:
    figures.forget(store)
    start = time.perf_counter()
    summary = package(store, ZIP_PACKAGE)
    report.build(store, code, parse_benchmark(store, None, code), package=summary)
    return time.perf_counter() - start


def _pdf_without_charts(store: Store, code: str) -> float:
    start = time.perf_counter()
    result = profile(store, code, parse_benchmark(store, None, code))
    document = content.document(store, result, {}, title=report.TITLE, lead="")
    typesetter().pdf(document)
    return time.perf_counter() - start


def _profile_only(store: Store, code: str) -> float:
    start = time.perf_counter()
    profile(store, code, parse_benchmark(store, None, code))
    return time.perf_counter() - start


def _download(store: Store) -> Download:
    ids = sorted(store.indicators_with_data)[:60]  # every indicator: ~170 000 totals
    frame = select(store, parse_selection(store, ",".join(ids), "kommune,bydel,fylke,land", None))
    rows = frame.head(XLSX_ROWS)
    ids = sorted(set(rows["indicator_id"]))
    return Download(
        rows, tuple(store.indicators[i] for i in ids), store.snapshot_id, "bench", "", "bench"
    )


def run() -> list[dict[str, Any]]:
    data = _store()
    store = data.store
    try:
        _pdf(store, "0301")  # fonts, template and the chart engine warm up once per process
        _pdf_without_charts(store, "0301")
        sample = _kommuner(store, ONE_REPORT_SAMPLE)
        with_charts = [_pdf(store, c) for c in sample]
        plain = [_pdf_without_charts(store, c) for c in sample]
        results = [
            Result(
                "report: Oppvekstprofil PDF, one kommune (its charts laid out, «Ulikhet» charts drawn; none cached)",
                median(with_charts),
                p99(with_charts),
                "the same Typst document without charts",
                median(plain),
                note=f"{len(sample)} different kommuner",
            )
        ]
        # Every area's report, as `oppvekst report --all` makes them: the command itself, in a
        # process of its own (its chart workers start cold), on this snapshot with no part kept.
        areas = len(store.regions)
        figures.forget(store)
        total = _report_all(data)
        views = [_profile_only(store, c) for c in store.regions]
        results.append(
            Result(
                f"report: all {areas} areas (land, fylker, kommuner, bydeler), total",
                total,
                None,
                "the profile view alone for every area",
                sum(views),
                note="`oppvekst report --all` in a new process, two in flight, no chart or PDF "
                "kept; target < 2 min",
            )
        )
        # The same command again on the same snapshot: every PDF read back from the parts
        # the first run kept on disk, as a second replica, a restart or the warmer's next pass.
        again = _report_all(data)
        results.append(
            Result(
                f"report: all {areas} areas again, parts kept on disk (a new process), total",
                again,
                None,
                "the same, nothing kept (the row above)",
                total,
                note="`oppvekst report --all` once more in a new process",
            )
        )
        _zip(store, "0301")  # the figure shapes of this package, compiled once per process
        zip_sample = _kommuner(store, ZIP_SAMPLE, skip=ONE_REPORT_SAMPLE)
        zips = [_zip(store, c) for c in zip_sample]
        package_pdfs = [_package_pdf(store, c) for c in zip_sample]
        results.append(
            Result(
                "package ZIP: README, Excel, PDF and a 2× PNG per indicator, one kommune, "
                "nothing cached",
                median(zips),
                p99(zips),
                "the same package's PDF alone (no chart cached)",
                median(package_pdfs),
                note=f"{ZIP_PACKAGE}, {len(zip_sample)} different kommuner; target < 2 s",
            )
        )
        download = _download(store)
        rows = len(download.observations)
        xlsx = measure(lambda: to_xlsx(download), repeat=3)
        csv = measure(lambda: to_csv(download), repeat=3)
        results.append(
            Result(
                f"xlsx: {rows:,} rows with metadata sheet".replace(",", " "),
                median(xlsx),
                None,
                "the same rows as CSV",
                median(csv),
            )
        )
        return [r.row() for r in results]
    finally:
        store.close()
        if data.built:
            shutil.rmtree(data.data_dir, ignore_errors=True)


if __name__ == "__main__":
    for row in run():
        print(row)
