"""The update as a whole: real regions and figures from the mirror, demo fill, failure isolation,
and an interrupted update that leaves the previous snapshot serving."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import yaml

from oppvekst.catalog import CATALOG_DIR, load_catalog
from oppvekst.errors import ValidationFailed
from oppvekst.pipeline import build
from oppvekst.pipeline.setup import choose_sources, load_regions
from oppvekst.snapshot.files import DataDir, SnapshotWriter
from oppvekst.snapshot.store import Store


def test_snapshot_has_every_region(store: Store) -> None:
    levels = pd.Series([r.level for r in store.regions.values()]).value_counts()
    assert levels["kommune"] == 357
    assert levels["fylke"] == 15
    assert levels["bydel"] == 15
    assert levels["land"] == 1


def test_children_in_norway_on_1_january_2024(store: Store) -> None:
    obs = store.observations(["barn-0-17"], ["0"], ["2024"])
    assert obs["value"].tolist() == [1_112_853]
    assert not obs["synthetic"].any()


def test_population_covers_2005_to_2026_for_every_kommune(store: Store) -> None:
    frame = store.frame(
        "SELECT count(DISTINCT o.region) AS n, min(period) AS first, max(period) AS last "
        "FROM observations o JOIN regions r ON r.code = o.region "
        "WHERE indicator_id = 'barn-0-17' AND r.level = 'kommune' AND age = 'total'"
    )
    assert frame.iloc[0].tolist() == [357, "2005", "2026"]


def test_kommuner_add_up_to_their_fylke(store: Store, shared_data: Path) -> None:
    # Independent check against the source file: Agder's kommuner (42xx) sum to Agder (42).
    raw = pd.read_csv(
        shared_data / "stats/population_0-17_by_single_age_2024borders_2005-2026.csv",
        dtype={"region_code": str},
    )
    year = raw[raw["year"] == 2026]
    kommuner = year[(year["region_level"] == "municip") & year["region_code"].str.startswith("42")]
    obs = store.observations(["barn-0-17"], ["42"], ["2026"])
    assert obs["value"].tolist() == [kommuner["population_jan1"].sum()]


def test_real_udir_figures_arrive_from_recorded_responses(store: Store, shared_data: Path) -> None:
    import json

    doc = json.loads((shared_data / "api_fixtures/atlas/udir_gsi/data_202510.json").read_text())
    arendal = next(r for r in doc["rows"] if r["kode"] == "4203")
    pupils = float(arendal["data"][0].replace(" ", ""))
    obs = store.observations(["elever-grunnskole"], ["4203"], ["2025-26"])
    assert obs["value"].tolist() == [pupils]


def test_demo_values_are_marked_and_never_replace_real_ones(store: Store) -> None:
    synthetic = store.frame(
        "SELECT DISTINCT o.indicator_id, p.source, p.synthetic FROM observations o "
        "JOIN provenance p ON p.id = o.provenance_id WHERE o.synthetic"
    )
    assert len(synthetic) > 0
    assert set(synthetic["source"]) == {"Syntetiske demotall"}
    assert synthetic["synthetic"].all()
    mixed = store.frame(
        "SELECT indicator_id FROM observations GROUP BY 1 HAVING bool_or(synthetic) AND bool_or(NOT synthetic)"
    )
    assert mixed.empty, "an indicator mixes real and synthetic rows"
    assert "barn-0-17" not in synthetic["indicator_id"].tolist()


def test_every_observation_has_provenance(store: Store) -> None:
    orphans = store.frame(
        "SELECT count(*) AS n FROM observations o LEFT JOIN provenance p ON p.id = o.provenance_id "
        "WHERE p.id IS NULL"
    )
    assert orphans["n"].iloc[0] == 0
    real = store.frame("SELECT * FROM provenance WHERE NOT synthetic")
    assert real["checksum"].str.fullmatch(r"[0-9a-f]{64}").all()
    assert real["request"].str.len().min() > 5


def _catalog_with(tmp_path: Path, extra: dict[str, object] | None) -> Path:
    directory = tmp_path / "catalog"
    shutil.copytree(CATALOG_DIR, directory, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    if extra is not None:
        (directory / "indicators" / f"{extra['id']}.yml").write_text(
            yaml.safe_dump(extra, allow_unicode=True)
        )
    return directory


def test_one_broken_indicator_does_not_stop_the_others(tmp_path: Path, shared_data: Path) -> None:
    broken_file = tmp_path / "mirror"
    shutil.copytree(shared_data / "stats", broken_file / "stats")
    # A truncated copy of a real file: the parser must fail on it, clearly.
    (broken_file / "broken.csv").write_text(
        'region_code,year,population_jan1\n0301,2024,"12', encoding="utf-8"
    )
    record = yaml.safe_load((CATALOG_DIR / "indicators" / "barn-0-17.yml").read_text())
    record.update(id="odelagt", key_indicator=False)
    record["source"]["offline"] = [
        {
            "connector": "file",
            "path": "broken.csv",
            "mapping": {"region": "region_code", "period": "year", "value": "population_jan1"},
        }
    ]
    catalog = load_catalog(_catalog_with(tmp_path, record))
    choice = choose_sources(shared_data, record_into_mirror=False, probe=False)
    object.__setattr__(choice.context, "mirror_dir", broken_file)
    summary = build.run_update(
        catalog,
        load_regions(choose_sources(shared_data, record_into_mirror=False, probe=False)),
        choice.context,
        DataDir(tmp_path / "data"),
        fill_with_demo=False,
        only=frozenset({"odelagt", "barn-0-17"}),
    )
    outcome = {r.indicator_id: r for r in summary.results}
    assert outcome["odelagt"].outcome is build.Outcome.FAILED
    assert "broken.csv" in outcome["odelagt"].message or "odelagt" in outcome["odelagt"].message
    assert outcome["barn-0-17"].outcome is build.Outcome.UPDATED
    published = Store(summary.path)
    assert published.observations(["barn-0-17"], ["0"], ["2024"])["value"].tolist() == [1_112_853]


def test_a_snapshot_that_fails_validation_is_not_published(
    tmp_path: Path, snapshot_dir: Path
) -> None:
    data = DataDir(tmp_path / "data")
    shutil.copytree(snapshot_dir, data.root)
    before = data.current_id()
    writer = SnapshotWriter(data)
    row = {
        "indicator_id": "x",
        "region": "0301",
        "period": "2024",
        "period_start": 2024,
        "period_end": 2024,
        "sex": "total",
        "age": "total",
        "background": "total",
        "grade": "total",
        "value": 1.0,
        "numerator": None,
        "denominator": None,
        "lower95": None,
        "upper95": None,
        "lower998": None,
        "upper998": None,
        "status": None,
        "flags": None,
        "provenance_id": "p",
        "synthetic": False,
    }
    writer.write_frame("observations", pd.DataFrame([row, row]))  # a duplicate key, unknown region
    with pytest.raises(ValidationFailed, match="duplicate"):
        writer.publish()
    assert data.current_id() == before
    # The failed build never reaches snapshots/: it stays closed in building/ until the update
    # abandons it (run_update does on any error), and abandoning removes it.
    assert writer.path.parent == data.building and writer.path.exists()
    assert not (data.snapshots / writer.path.name).exists()
    writer.abandon()
    assert not list(data.building.glob("*.duckdb"))


def _count_rows(path: Path) -> int:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return int(con.execute("SELECT count(*) FROM observations").fetchone()[0])  # type: ignore[index]
    finally:
        con.close()


@pytest.mark.slow
def test_kill_9_during_update_leaves_the_previous_snapshot_serving(
    tmp_path: Path, snapshot_dir: Path, shared_data: Path
) -> None:
    data = DataDir(tmp_path / "data")
    shutil.copytree(snapshot_dir, data.root)
    before_id = data.current_id()
    before_rows = _count_rows(data.current_path())
    command = [
        sys.executable,
        "-m",
        "oppvekst",
        "update",
        "--mirror",
        str(shared_data),
        "--demo",
        "--data-dir",
        str(data.root),
    ]
    kills = 0
    for delay in (0.5, 2.0, 4.0, 8.0):
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        if process.poll() is not None:
            # A fast machine finished the whole update before this kill point: a legitimate
            # switch, which becomes the new baseline.
            before_id, before_rows = data.current_id(), _count_rows(data.current_path())
            continue
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        kills += 1
        assert data.current_id() == before_id, f"CURRENT moved after kill at {delay} s"
        assert _count_rows(data.current_path()) == before_rows
    assert kills >= 2, "the update finished before most kill points; lower the delays"
    # The next update succeeds and switches.
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert data.current_id() != before_id
    after = Store(data.current_path())
    assert after.observations(["barn-0-17"], ["0"], ["2024"])["value"].tolist() == [1_112_853]
    after.close()


def test_a_killed_updates_leftovers_are_cleared_by_the_next(
    tmp_path: Path, snapshot_dir: Path, shared_data: Path
) -> None:
    """Before: a killed update left ``building/*.duckdb``, its ``.wal``, ``CURRENT.tmp`` and a
    finished but never-switched snapshot until the next good publish; failing updates piled up."""
    data = DataDir(tmp_path / "data")
    shutil.copytree(snapshot_dir, data.root)
    data.building.mkdir(exist_ok=True)
    half = data.building / "20990101T000000000000Z.duckdb"
    half.write_bytes(b"half a snapshot")
    (data.building / (half.name + ".wal")).write_bytes(b"log")
    pending = data.root / "CURRENT.tmp"
    pending.write_text("20990101T000000000000Z\n")
    never_switched = data.snapshots / "99991231T000000000000Z.duckdb"
    shutil.copy(data.current_path(), never_switched)
    served = data.current_id()
    # An update in which nothing can be refreshed publishes nothing, and still clears up.
    choice = choose_sources(shared_data, record_into_mirror=False, probe=False)
    catalog = load_catalog(_catalog_with(tmp_path, None))
    summary = build.run_update(
        catalog,
        load_regions(choice),
        choice.context,
        data,
        fill_with_demo=False,
        only=frozenset({"finnes-ikke"}),
    )
    assert not summary.published and data.current_id() == served
    assert list(data.building.iterdir()) == []
    assert not pending.exists() and not never_switched.exists()
    assert data.current_path().exists()
