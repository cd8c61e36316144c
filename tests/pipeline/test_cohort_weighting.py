"""Shares without counts (FHI's vaccination coverage, 2019 codes) onto today's borders by cohort.

A merged kommune's 5-year average is its old kommuner's shares weighted by their cohorts; a part of
a kommune split without known shares is a break with its reason, never an invented figure.
"""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from oppvekst.catalog import default_catalog
from oppvekst.catalog.schema import Indicator
from oppvekst.pipeline.harmonise import to_current_borders
from oppvekst.pipeline.regions_step import RegionTables
from oppvekst.regions.offline import registry_from_offline
from oppvekst.snapshot.files import DataDir
from oppvekst.sources.kommunehelsa import CodeLists, read_export

MEASLES_9 = "vaksine-meslinger-9-aar"
EXPORT = "stats/fhi_vaksinasjonsdekning_2002-2018/fhi_kommunehelsa_vaksinasjonsdekning_5aar_snitt_export.xlsx"
IMDI = "stats/imdi_imdikator_2013/imdikator_barnehagedeltakelse_2013.csv"
SPLIT_PARTS = {"5055", "5056", "5059", "1806", "1875"}  # Snillfjord → Heim/Hitra/Orkland; Tysfjord


@pytest.fixture(scope="module")
def regions(shared_data: Path) -> RegionTables:
    return RegionTables(registry_from_offline(shared_data))


@pytest.fixture(scope="module")
def measles() -> Indicator:
    return default_catalog().indicator(MEASLES_9)


def _frame(rows: list[tuple[str, float, float | None, str | None]]) -> pd.DataFrame:
    """Tidy rows of one period: (2019 code, share, cohort weight, status)."""
    return pd.DataFrame(
        {
            "region": [r[0] for r in rows],
            "period": "2014-2018",
            "sex": "total",
            "age": "total",
            "background": "total",
            "grade": "total",
            "value": [r[1] for r in rows],
            "numerator": np.nan,
            "denominator": np.nan,
            "sd": np.nan,
            "n": np.nan,
            "status": [r[3] for r in rows],
            "weight": [r[2] for r in rows],
        }
    )


def test_a_merge_is_the_cohort_weighted_mean(regions: RegionTables, measles: Indicator) -> None:
    # Moss 0104 + Rygge 0136 (2019) → Moss 3103 (2024); Bærum 0219 → 3201 is only renumbered.
    frame = _frame(
        [("0104", 90.0, 100.0, None), ("0136", 98.0, 300.0, None), ("0219", 97.3, 5000.0, None)]
    )
    out = to_current_borders(frame, measles, regions.crosswalk(2019)).frame.set_index("region")
    assert out.loc["3103", "value"] == pytest.approx((90 * 100 + 98 * 300) / 400)  # 96.0
    assert out.loc["3103", "flags"] == "harmonised"
    assert out.loc["3201", "value"] == 97.3  # the source's own figure, unchanged
    assert np.isnan(out.loc["3103", "numerator"])  # a weight is not a count: never published


def test_without_cohorts_a_merged_share_is_a_break(
    regions: RegionTables, measles: Indicator
) -> None:
    frame = _frame([("0104", 90.0, 100.0, None), ("0136", 98.0, 300.0, None)])
    placed = to_current_borders(frame.drop(columns="weight"), measles, regions.crosswalk(2019))
    assert "3103" not in set(placed.frame["region"])
    assert [b.region for b in placed.report.breaks] == ["3103"]


def test_a_suppressed_part_suppresses_the_merge(regions: RegionTables, measles: Indicator) -> None:
    frame = _frame([("0104", np.nan, 100.0, ":"), ("0136", 98.0, 300.0, None)])
    moss = to_current_borders(frame, measles, regions.crosswalk(2019)).frame.iloc[0]
    assert moss["region"] == "3103" and np.isnan(moss["value"]) and moss["status"] == ":"


def test_a_part_of_a_split_kommune_is_a_break(regions: RegionTables, measles: Indicator) -> None:
    # Snillfjord 5012 went to Heim, Hitra and Orkland in 2020 in shares nobody measured.
    frame = _frame(
        [
            ("5012", 95.0, 40.0, None),
            ("5011", 96.0, 200.0, None),  # Hemne → Heim 5055
            ("5013", 97.0, 250.0, None),  # Hitra → Hitra 5056
        ]
    )
    placed = to_current_borders(frame, measles, regions.crosswalk(2019))
    assert {b.region for b in placed.report.breaks} == {"5055", "5056", "5059"}
    assert all("Snillfjord (5012)" in b.reason for b in placed.report.breaks)
    assert not set(placed.frame["region"]) & {"5055", "5056", "5059"}


# --- The real build (`oppvekst update --mirror ../shared/data`, no demo values) ----------------


@pytest.fixture(scope="module")
def snapshot(real_snapshot_dir: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(DataDir(real_snapshot_dir).current_path()), read_only=True)


def _value(snapshot: duckdb.DuckDBPyConnection, indicator: str, region: str) -> tuple[object, ...]:
    row = snapshot.execute(
        "SELECT value, status FROM observations WHERE indicator_id = ? AND region = ? "
        "AND period = '2014-2018'",
        [indicator, region],
    ).fetchone()
    assert row is not None, (indicator, region)
    return tuple(row)


def test_the_real_build_has_the_documented_national_figures(
    snapshot: duckdb.DuckDBPyConnection,
) -> None:
    assert _value(snapshot, MEASLES_9, "0") == (96.0, None)
    assert _value(snapshot, "vaksine-mmr-2-aar", "0") == (95.7, None)
    assert _value(snapshot, "vaksine-hpv-jenter-16-aar", "0") == (82.4, None)
    periods = snapshot.execute(
        "SELECT DISTINCT period FROM observations WHERE indicator_id = ? ORDER BY 1", [MEASLES_9]
    ).fetchall()
    assert [p for (p,) in periods] == [f"{y}-{y + 4}" for y in range(2009, 2015)]
    # No counts, no intervals: FHI gives only the share.
    counts = snapshot.execute(
        "SELECT count(numerator), count(denominator), count(n), count(lower95) "
        "FROM observations WHERE indicator_id LIKE 'vaksine-%'"
    ).fetchone()
    assert counts == (0, 0, 0, 0)


def _children_2013(root: Path) -> dict[str, int]:
    with (root / IMDI).open(encoding="utf-8", newline="") as handle:
        return {
            r["kommune_nr"]: int(r["tabellvariabel"])
            for r in csv.DictReader(handle)
            if (r["barnikommune"], r["bhgalder"], r["enhet"]) == ("alle", "1_5", "personer")
            and r["kommune_nr"] != "NULL"
        }


def test_asker_2024_is_the_cohort_weighted_mean_of_its_2019_kommuner(
    snapshot: duckdb.DuckDBPyConnection, shared_data: Path
) -> None:
    cells = read_export((shared_data / EXPORT).read_bytes(), CodeLists.from_mirror(shared_data))
    wanted = cells[
        (cells["alder"] == "9 år")
        & (cells["kategori"] == "Meslinger")
        & (cells["periode"] == "2014-2018")
    ].set_index("region")["verdi"]
    children = _children_2013(shared_data)
    # Asker 3203 (2020) = Asker 0220 + Røyken 0627 + Hurum 0628 (same codes 2013–2019).
    parts = ["0220", "0627", "0628"]
    shares = [float(wanted[c]) for c in parts]
    assert shares == [95.2, 94.7, 92.5]
    expected = sum(s * children[c] for s, c in zip(shares, parts, strict=True)) / sum(
        children[c] for c in parts
    )
    value, status = _value(snapshot, MEASLES_9, "3203")
    assert value == pytest.approx(expected) and status is None
    assert sum(shares) / 3 != pytest.approx(expected, abs=1e-3)  # not the plain mean
    # Haram 1580 (2024) is Haram 1534 of 2019 alone; Ålesund 1508 has suppressed parts.
    assert _value(snapshot, MEASLES_9, "1580") == (float(wanted["1534"]), None)
    assert wanted["1523"] == ":" and _value(snapshot, MEASLES_9, "1508") == (None, ":")


def test_the_real_build_flags_the_split_kommuner(snapshot: duckdb.DuckDBPyConnection) -> None:
    shown = snapshot.execute(
        "SELECT DISTINCT region FROM observations WHERE indicator_id = ?", [MEASLES_9]
    ).fetchall()
    assert not {r for (r,) in shown} & SPLIT_PARTS
    breaks = snapshot.execute(
        "SELECT region, reason FROM harmonisation WHERE indicator_id = ? AND period = '2014-2018'",
        [MEASLES_9],
    ).fetchall()
    assert {r for r, _ in breaks} == SPLIT_PARTS
    reasons = dict(breaks)
    assert "Snillfjord" in reasons["5059"] and "Tysfjord" in reasons["1875"]
