"""Harmonisation to current borders through the real crosswalks of the 2020 and 2024 reforms."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from oppvekst.catalog.schema import Indicator
from oppvekst.errors import MalformedResponse
from oppvekst.pipeline.harmonise import check_current_codes, split_breaks, to_current_borders
from oppvekst.pipeline.regions_step import RegionTables
from oppvekst.regions.offline import registry_from_offline

CATALOG = Path(__file__).resolve().parents[2] / "src" / "oppvekst" / "catalog" / "indicators"


@pytest.fixture(scope="module")
def regions(shared_data: Path) -> RegionTables:
    return RegionTables(registry_from_offline(shared_data))


def _indicator(**changes: object) -> Indicator:
    record = yaml.safe_load((CATALOG / "barn-0-17.yml").read_text(encoding="utf-8"))
    record.update(changes)
    return Indicator.model_validate(record)


def _frame(
    rows: list[tuple[str, float | None, float | None, float | None]], period: str
) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "region": [r[0] for r in rows],
            "period": period,
            "sex": "total",
            "age": "total",
            "background": "total",
            "grade": "total",
            "value": [r[1] for r in rows],
            "numerator": [r[2] for r in rows],
            "denominator": [r[3] for r in rows],
            "sd": np.nan,
            "n": np.nan,
            "status": None,
        }
    )


def _targets(regions: RegionTables, year: int, code: str) -> dict[str, float]:
    table = regions.crosswalk(year).table
    rows = table.codes_from == code
    return dict(zip(table.codes_to[rows].tolist(), table.weights[rows].tolist(), strict=True))


def test_holmestrand_2017_codes_are_summed_into_3903(regions: RegionTables) -> None:
    # 0702 Holmestrand + 0714 Hof (–2018) → 0715 (2018–2020), + 0713 Sande → 3802 → 3903 (2024–).
    assert list(_targets(regions, 2017, "0702")) == ["3903"]
    rows = [("0702", 2000.0, 2000.0, None), ("0713", 1800.0, 1800.0, None)]
    rows.append(("0714", 700.0, 700.0, None))
    placed = to_current_borders(_frame(rows, "2017"), _indicator(), regions.crosswalk(2017))
    out = placed.frame
    assert out["region"].tolist() == ["3903"]
    assert out["value"].tolist() == [4500.0]
    assert placed.report.harmonised == 1 and placed.report.breaks == ()
    assert set(out["flags"]) == {"harmonised"}


def test_moss_and_rygge_are_summed_into_3103(regions: RegionTables) -> None:
    # Moss 0104 + Rygge 0136 (2019) → Moss 3002 (2020) → Moss 3103 (2024): counts are summed.
    frame = _frame([("0104", 6000.0, 6000.0, None), ("0136", 3500.0, 3500.0, None)], "2019")
    out = to_current_borders(frame, _indicator(), regions.crosswalk(2019)).frame
    moss = out[out["region"] == "3103"]
    assert moss["value"].tolist() == [9500.0]


def test_a_merge_with_a_part_missing_is_missing_not_a_partial_sum(regions: RegionTables) -> None:
    frame = _frame([("0104", 6000.0, 6000.0, None)], "2019")  # Rygge 0136 has no row
    moss = to_current_borders(frame, _indicator(), regions.crosswalk(2019)).frame
    row = moss[moss["region"] == "3103"].iloc[0]
    assert np.isnan(row["value"]) and row["status"] == ".."


def test_rates_of_merged_kommuner_are_recomputed_from_sums(regions: RegionTables) -> None:
    share = _indicator(
        id="andel-test",
        measure="proportion",
        multiplier=100,
        interval="wilson",
        additive=False,
        unit="prosent",
        decimals=1,
    )
    frame = _frame([("0104", 10.0, 100.0, 1000.0), ("0136", 50.0, 100.0, 200.0)], "2019")
    out = to_current_borders(frame, share, regions.crosswalk(2019)).frame
    moss = out[out["region"] == "3103"].iloc[0]
    # (100 + 100) / (1000 + 200) — not the mean of 10 % and 50 %.
    assert moss["value"] == pytest.approx(200 / 1200 * 100)
    assert moss["denominator"] == 1200


def test_alesund_split_2024_is_a_break_not_an_equal_split(regions: RegionTables) -> None:
    # csdata's 0.5/0.5 for 1507 is a rough guess, not population shares: weight unknown.
    targets = _targets(regions, 2022, "1507")
    assert set(targets) == {"1508", "1580"} and all(np.isnan(w) for w in targets.values())
    placed = to_current_borders(
        _frame([("1507", 1000.0, 1000.0, None)], "2022"), _indicator(), regions.crosswalk(2022)
    )
    assert placed.frame.empty
    assert {b.region for b in placed.report.breaks} == {"1508", "1580"}
    assert all("Ålesund (1507)" in b.reason for b in placed.report.breaks)
    # Held back only for Møre og Romsdal's total: both parts lie there, so the sum is exact.
    assert placed.held["value"].sum() == pytest.approx(1000.0)


def test_declared_split_weights_share_out_counts(regions: RegionTables) -> None:
    # Viken (30) 2022 → Østfold, Akershus, Buskerud with csdata's population shares.
    targets = _targets(regions, 2022, "30")
    assert set(targets) == {"31", "32", "33"} and sum(targets.values()) == pytest.approx(1.0)
    placed = to_current_borders(
        _frame([("30", 10_000.0, 10_000.0, None)], "2022"), _indicator(), regions.crosswalk(2022)
    )
    by_code = dict(zip(placed.frame["region"], placed.frame["value"], strict=True))
    assert by_code == {c: round(10_000 * w) for c, w in targets.items()}
    assert placed.report.breaks == ()
    # Shared out by assumed weights: each part is an estimate, and says so (issue #12, audit c).
    assert set(placed.frame["flags"]) == {"harmonised;estimate"}


def test_ratio_only_series_is_not_summed_but_counted_as_a_break(regions: RegionTables) -> None:
    ratio = _indicator(
        id="ratio-test", measure="score", interval="none", additive=False, unit="poeng"
    )
    frame = _frame(
        [("0104", 40.0, None, None), ("0136", 42.0, None, None), ("0101", 41.0, None, None)], "2019"
    )
    placed = to_current_borders(frame, ratio, regions.crosswalk(2019))
    out = placed.frame
    assert "3103" not in set(out["region"])  # Moss + Rygge: a mean of two scores would be made up
    assert [b.region for b in placed.report.breaks] == ["3103"]
    assert "uten teller og nevner" in placed.report.breaks[0].reason
    assert out.loc[out["region"] == "3101", "value"].tolist() == [41.0]  # Halden: 1:1 renumbering


def test_source_on_todays_codes_before_an_undeclared_split_is_a_break(
    regions: RegionTables,
) -> None:
    frame = pd.concat(
        [
            _frame([("1508", 6955.0, 6955.0, None), ("1580", 6955.0, 6955.0, None)], "2023"),
            _frame([("1508", 11890.0, 11890.0, None), ("1580", 1929.0, 1929.0, None)], "2024"),
        ],
        ignore_index=True,
    )
    placed = split_breaks(frame, regions.undeclared_splits)
    assert placed.frame["period"].tolist() == ["2024", "2024"]  # after the split: on its borders
    assert {(b.region, b.period) for b in placed.report.breaks} == {
        ("1508", "2023"),
        ("1580", "2023"),
    }
    assert placed.held["value"].sum() == 2 * 6955.0  # the old Ålesund, for the fylke total


def test_unknown_region_code_is_a_clear_error(regions: RegionTables) -> None:
    frame = _frame([("0301", 1.0, 1.0, None), ("7777", 1.0, 1.0, None)], "2024")
    with pytest.raises(MalformedResponse, match="7777"):
        check_current_codes(frame, regions.codes)


def test_non_regions_are_set_aside_not_guessed(regions: RegionTables) -> None:
    frame = _frame(
        [("0301", 1.0, 1.0, None), ("9999", 1.0, 1.0, None), ("2100", 1.0, 1.0, None)], "2024"
    )
    kept, aside = check_current_codes(frame, regions.codes)
    assert kept["region"].tolist() == ["0301"]
    assert aside == 2
