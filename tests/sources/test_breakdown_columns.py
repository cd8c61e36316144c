"""Breakdown columns the issue names that no catalogue table has yet: SSB ``InnvandrKat`` and FHI
``ALDER``. The catalogue's SSB tables have no immigrant-category variable and its FHI tables no
age dimension (docs/sources.md), so no record maps them; the connectors' one tidy step reads any
source column a record names, and these tests show it does for these two, on synthetic answers in
the documented JSON-stat 2.0 shapes (values invented for the test, codes as SSB and FHI write them).
"""

from __future__ import annotations

from typing import Any

from oppvekst.catalog.schema import Breakdown, BreakdownMap, TableMapping
from oppvekst.pipeline.tidy import tidy
from oppvekst.sources.jsonstat import decode

from .cells import one_cell


def _dataset(dimensions: dict[str, list[str]], values: list[float | None]) -> dict[str, Any]:
    return {
        "version": "2.0",
        "class": "dataset",
        "id": list(dimensions),
        "size": [len(codes) for codes in dimensions.values()],
        "dimension": {
            name: {"category": {"index": {code: i for i, code in enumerate(codes)}}}
            for name, codes in dimensions.items()
        },
        "value": values,
    }


def test_ssb_innvandrkat_is_read_as_background_groups_and_summed_for_the_total() -> None:
    # SSB's immigrant categories: B innvandrere, C norskfødte med innvandrerforeldre, A the rest.
    doc = _dataset(
        {
            "Region": ["K-3101", "K-3103"],
            "InnvandrKat": ["A", "B", "C"],
            "ContentsCode": ["Personer1"],
            "Tid": ["2025"],
        },
        [5000, 700, 300, 8000, 1500, 450],
    )
    mapping = TableMapping(
        region="Region",
        region_prefix="K-",
        period="Tid",
        period_format="year",
        measure_column="ContentsCode",
        value="Personer1",
        breakdowns=[
            BreakdownMap(
                name=Breakdown.BACKGROUND,
                column="InnvandrKat",
                groups={
                    "innvandrere": ["B"],
                    "norskfodte": ["C"],
                    "uten-innvandrerbakgrunn": ["A"],
                },
            )
        ],
    )
    rows = tidy(decode(doc).to_frame(), mapping)
    assert one_cell(rows, "3103", background="innvandrere")["value"] == 1500
    assert one_cell(rows, "3103", background="norskfodte")["value"] == 450
    assert one_cell(rows, "3103", background="uten-innvandrerbakgrunn")["value"] == 8000
    assert one_cell(rows, "3101")["value"] == 5000 + 700 + 300  # the total, each person once
    assert set(rows["background"]) == {
        "total",
        "innvandrere",
        "norskfodte",
        "uten-innvandrerbakgrunn",
    }
    assert set(rows["period"]) == {"2025"}


def test_fhi_alder_is_read_as_age_beside_kjonn() -> None:
    # FHI writes «alle aldre» as ALDER 0 and «kjønn samlet» as KJONN 0 (its documented example).
    doc = _dataset(
        {
            "GEO": ["03"],
            "AAR": ["2021_2021"],
            "KJONN": ["0", "1", "2"],
            "ALDER": ["0", "0_5", "6_12"],
            "MEASURE_TYPE": ["RATE"],
        },
        [12.0, 10.0, 14.0, 11.0, 9.0, 13.0, 13.0, 11.0, 15.0],
    )
    mapping = TableMapping(
        region="GEO",
        period="AAR",
        period_format="fhi_span",
        measure_column="MEASURE_TYPE",
        value="RATE",
        breakdowns=[
            BreakdownMap(
                name=Breakdown.SEX,
                column="KJONN",
                categories={"0": "total", "1": "male", "2": "female"},
            ),
            BreakdownMap(
                name=Breakdown.AGE,
                column="ALDER",
                categories={"0": "total", "0_5": "0-5", "6_12": "6-12"},
            ),
        ],
    )
    rows = tidy(decode(doc).to_frame(), mapping)
    assert one_cell(rows, "03")["value"] == 12.0
    assert one_cell(rows, "03", age="0-5")["value"] == 10.0
    assert one_cell(rows, "03", sex="male")["value"] == 11.0
    assert (
        one_cell(rows, "03", sex="female", age="6-12")["value"] == 15.0
    )  # FHI crosses them; kept crossed
    assert set(rows["period"]) == {"2021"}
    assert len(rows) == 9
