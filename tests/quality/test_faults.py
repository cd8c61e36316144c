"""Fault injection in the pipeline: the REAL connectors and HTTP client fetch from a fake SSB/KLASS
on 127.0.0.1 (``OPPVEKST_*_BASE``) that answers truncated JSON, wrong-shape JSON-stat, the wrong
encoding, 429 storms with Retry-After and 503s; and an update whose writes hit a file-size limit.

After each fault: the previous snapshot is still there unchanged, the failure is reported with the
indicator and the reason, and the next update succeeds. (``kill -9`` is covered by
``tests/pipeline/test_update.py``.)
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from oppvekst.catalog import default_catalog
from oppvekst.pipeline import build
from oppvekst.pipeline.acquire import SourceBases, SourceContext
from oppvekst.pipeline.regions_step import RegionTables
from oppvekst.pipeline.setup import SourceChoice, load_regions
from oppvekst.snapshot.files import DataDir
from oppvekst.sources.http import HttpClient, RetryPolicy
from oppvekst.sources.mirror import Gateway, MirrorMode

from .fake_sources import FakeSources

pytestmark = pytest.mark.slow
ONLY = frozenset({"barn-0-17"})

# Fault → words the report must contain (the reason, in the connector's own message).
REASONS = {
    "truncated": "not valid JSON",
    "wrong-shape": "'size' has 4",
    "wrong-encoding": "not valid UTF-8",
    "429-storm": "429",
    "503": "HTTP 503",
}


@pytest.fixture(scope="module")
def fake(shared_data: Path) -> Iterator[FakeSources]:
    sources = FakeSources(shared_data).start()
    yield sources
    sources.stop()


@pytest.fixture(scope="module")
def context(fake: FakeSources) -> SourceContext:
    base = fake.base
    bases = SourceBases(
        pxweb=f"{base}/ssb", klass=f"{base}/klass", fhi=f"{base}/fhi", udir=f"{base}/udir"
    )
    client = HttpClient(retry=RetryPolicy(attempts=4, base_delay=0.05, max_delay=0.2))
    return SourceContext(Gateway(MirrorMode.LIVE, None, client), None, bases)


@pytest.fixture(scope="module")
def regions(context: SourceContext) -> RegionTables:
    return load_regions(SourceChoice(context, "falsk kilde"))


@pytest.fixture(scope="module")
def healthy(
    tmp_path_factory: pytest.TempPathFactory, fake: FakeSources, context: SourceContext, regions
) -> DataDir:  # type: ignore[no-untyped-def]
    """A data directory with one good snapshot, fetched live from the fake source."""
    fake.fault = None
    data = DataDir(tmp_path_factory.mktemp("healthy"))
    build.run_update(default_catalog(), regions, context, data, fill_with_demo=False, only=ONLY)
    return data


def rows(path: Path) -> pd.DataFrame:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(
            "SELECT * FROM observations ORDER BY indicator_id, region, period, age, sex"
        ).df()
    finally:
        con.close()


def oslo_2024(shared_data: Path) -> float:
    raw = pd.read_csv(
        shared_data / "stats/population_0-17_by_single_age_2024borders_2005-2026.csv",
        dtype={"region_code": str},
    )
    return float(
        raw[(raw["region_code"] == "0301") & (raw["year"] == 2024)]["population_jan1"].sum()
    )


@pytest.mark.parametrize("fault", list(REASONS))
def test_a_broken_source_answer_is_reported_and_the_next_update_succeeds(
    tmp_path: Path,
    fake: FakeSources,
    context: SourceContext,
    regions: RegionTables,
    healthy: DataDir,
    fault: str,
) -> None:
    data = DataDir(tmp_path / "data")
    shutil.copytree(healthy.root, data.root)
    before_id = data.current_id()
    before_path = data.current_path()
    before_rows = rows(before_path)
    assert len(before_rows) > 5000

    fake.fault = fault
    fake.hits.clear()
    try:
        summary = build.run_update(
            default_catalog(), regions, context, data, fill_with_demo=False, only=ONLY
        )
    finally:
        fake.fault = None
    result = {r.indicator_id: r for r in summary.results}["barn-0-17"]
    assert result.outcome is build.Outcome.FAILED
    assert REASONS[fault] in result.message, result.message
    if fault in ("429-storm", "503"):
        # Retried with back-off (and Retry-After honoured), then given up: never a hang.
        assert fake.hits["/ssb/tables/07459/data"] == 4
    # The previous snapshot's file is intact, row for row.
    pd.testing.assert_frame_equal(rows(before_path), before_rows)
    moved = data.current_id() != before_id

    summary = build.run_update(
        default_catalog(), regions, context, data, fill_with_demo=False, only=ONLY
    )
    assert {r.indicator_id: r.outcome for r in summary.results} == {
        "barn-0-17": build.Outcome.UPDATED
    }
    assert data.current_id() == summary.snapshot_id
    # The same figures as the healthy update fetched (values, not ids or fetch times).
    after = rows(data.current_path())
    columns = ["region", "period", "sex", "age", "value"]
    pd.testing.assert_frame_equal(after[columns], before_rows[columns])
    # An update in which nothing could be refreshed publishes nothing: the served data stay.
    assert not moved


def test_live_population_sums_both_sexes(healthy: DataDir, shared_data: Path) -> None:
    after = rows(healthy.current_path())
    oslo = after[
        (after["region"] == "0301") & (after["period"] == "2024") & (after["age"] == "total")
    ].set_index("sex")["value"]
    # 07459's Kjonn is read as girls and boys; the total is both, once.
    assert sorted(oslo.index) == ["female", "male", "total"]
    assert oslo["total"] == oslo_2024(shared_data) == oslo["female"] + oslo["male"]


def _cli(data: DataDir, fake: FakeSources, **extra: object) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "oppvekst", "update", "--only", "barn-0-17"]
    return subprocess.run(
        [*command, "--data-dir", str(data.root)],
        env={**os.environ, **fake.environment(), "COLUMNS": "200"},
        capture_output=True,
        text=True,
        timeout=240,
        **extra,  # type: ignore[call-overload]
    )


def test_the_cli_names_the_indicator_and_the_reason(
    tmp_path: Path, fake: FakeSources, healthy: DataDir
) -> None:
    data = DataDir(tmp_path / "data")
    shutil.copytree(healthy.root, data.root)
    fake.fault = "truncated"
    try:
        done = _cli(data, fake)
    finally:
        fake.fault = None
    output = done.stdout + done.stderr
    assert "barn-0-17: JSON-stat: not valid JSON" in output, output[-3000:]
    # Nothing could be refreshed, so nothing new is published and the exit code says so.
    assert "ingen ny datasamling ble publisert" in output
    assert done.returncode == 1


def test_a_source_down_before_any_indicator_leaves_current_unchanged(
    tmp_path: Path, fake: FakeSources, healthy: DataDir
) -> None:
    """KLASS (the region list) answering 503: the update stops before writing anything."""
    data = DataDir(tmp_path / "data")
    shutil.copytree(healthy.root, data.root)
    before_id, before_rows = data.current_id(), rows(data.current_path())
    fake.klass_fault = "503"
    try:
        done = _cli(data, fake)
    finally:
        fake.klass_fault = None
    assert done.returncode == 2, done.stderr[-2000:]
    assert "Feil:" in done.stderr and "HTTP 503" in done.stderr, done.stderr[-2000:]
    assert data.current_id() == before_id
    pd.testing.assert_frame_equal(rows(data.current_path()), before_rows)
    assert not list(data.building.glob("*.duckdb"))


def _limit_file_size() -> None:
    # 1 MiB: enough for the lock and CURRENT, far too little for a snapshot.
    resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 20, 1 << 20))


def test_a_full_disk_during_the_write_leaves_current_unchanged(
    tmp_path: Path, fake: FakeSources, healthy: DataDir
) -> None:
    data = DataDir(tmp_path / "data")
    shutil.copytree(healthy.root, data.root)
    before_id, before_rows = data.current_id(), rows(data.current_path())
    done = _cli(data, fake, preexec_fn=_limit_file_size)
    output = done.stdout + done.stderr
    assert done.returncode != 0, output[-2000:]
    assert "File too large" in output or "too large" in output.lower(), output[-3000:]
    assert data.current_id() == before_id
    pd.testing.assert_frame_equal(rows(data.current_path()), before_rows)
    assert not list(data.building.glob("*.duckdb")), "a half-written build was left behind"
    # The next update (no limit) succeeds.
    done = _cli(data, fake)
    assert done.returncode == 0, (done.stdout + done.stderr)[-2000:]
    assert data.current_id() != before_id
    assert "Traceback" not in output
    assert "Feil:" in output
