"""Harmonisation to current borders through the real crosswalks of the 2020 and 2024 reforms."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from oppvekst.catalog.schema import Indicator
from oppvekst.errors import MalformedResponse
from oppvekst.pipeline.harmonise import check_current_codes, to_current_borders
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


def test_holmestrand_2017_code_lands_on_3903(regions: RegionTables) -> None:
    # 0702 Holmestrand (–2018) → 0715 (2018–2020) → 3802 (2020–2024) → 3903 (2024–).
    crosswalk = regions.crosswalk(2017)
    assert [c for c, _ in crosswalk["0702"]] == ["3903"]
    out, report = to_current_borders(
        _frame([("0702", 2000.0, 2000.0, None)], "2017"), _indicator(), crosswalk
    )
    assert out["region"].tolist() == ["3903"]
    assert out["value"].tolist() == [2000.0]
    assert report.harmonised == 1
    assert set(out["flags"]) == {"harmonised"}


def test_moss_and_rygge_are_summed_into_3103(regions: RegionTables) -> None:
    # Moss 0104 + Rygge 0136 (2019) → Moss 3002 (2020) → Moss 3103 (2024): counts are summed.
    frame = _frame([("0104", 6000.0, 6000.0, None), ("0136", 3500.0, 3500.0, None)], "2019")
    out, _ = to_current_borders(frame, _indicator(), regions.crosswalk(2019))
    moss = out[out["region"] == "3103"]
    assert moss["value"].tolist() == [9500.0]


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
    out, _ = to_current_borders(frame, share, regions.crosswalk(2019))
    moss = out[out["region"] == "3103"].iloc[0]
    # (100 + 100) / (1000 + 200) — not the mean of 10 % and 50 %.
    assert moss["value"] == pytest.approx(200 / 1200 * 100)
    assert moss["denominator"] == 1200


def test_alesund_split_2024_spreads_counts_by_declared_weights(regions: RegionTables) -> None:
    crosswalk = regions.crosswalk(2022)
    targets = dict(crosswalk["1507"])
    assert set(targets) == {"1508", "1580"}
    assert sum(targets.values()) == pytest.approx(1.0)
    out, _ = to_current_borders(
        _frame([("1507", 1000.0, 1000.0, None)], "2022"), _indicator(), crosswalk
    )
    by_code = dict(zip(out["region"], out["value"], strict=True))
    assert by_code["1508"] + by_code["1580"] == pytest.approx(1000.0, abs=1.0)


def test_ratio_only_series_is_not_summed_but_counted_as_a_break(regions: RegionTables) -> None:
    ratio = _indicator(
        id="ratio-test", measure="score", interval="none", additive=False, unit="poeng"
    )
    frame = _frame(
        [("0104", 40.0, None, None), ("0136", 42.0, None, None), ("0101", 41.0, None, None)], "2019"
    )
    out, report = to_current_borders(frame, ratio, regions.crosswalk(2019))
    assert "3103" not in set(out["region"])  # Moss + Rygge: a mean of two scores would be made up
    assert report.breaks == 2
    assert out.loc[out["region"] == "3101", "value"].tolist() == [41.0]  # Halden: 1:1 renumbering


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
