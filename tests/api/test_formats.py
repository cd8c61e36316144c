"""Every format of /api/v1/data carries exactly the columns of the JSON rows, with and without a
comparison; the formats offered anywhere come from one list."""

from __future__ import annotations

import csv
import io

import openpyxl
import pandas as pd
import pytest
from fastapi.testclient import TestClient

from oppvekst.exports import COLUMNS, COMPARISON_COLUMNS, REGION_TEXT
from oppvekst.exports.formats import DOWNLOADS, FORMATS
from oppvekst.exports.jsonstat import DIMENSIONS
from oppvekst.snapshot.store import Store
from oppvekst.web import links

PLAIN = "/api/v1/data?indicator=spesialundervisning-andel,barn-0-17&region=4203,42,0&period=2024,2025-26"
COMPARED = PLAIN + "&compare=land"
GROUPED = PLAIN + "&compare=gruppe:4203,4204"
BY_LABEL = {label: name for name, label in COLUMNS.items()}


def _json(client: TestClient, url: str) -> tuple[set[str], set[str]]:
    """The JSON rows' columns, and those with a value in at least one row."""
    rows = client.get(url).json()["rows"]
    assert rows
    return set(rows[0]), {k for row in rows for k, v in row.items() if v is not None}


def _csv(client: TestClient, url: str, fmt: str) -> set[str]:
    text = client.get(f"{url}&format={fmt}").content.decode("utf-8-sig")
    header = next(csv.reader(io.StringIO(text), delimiter=";" if fmt == "csv" else ","))
    return {BY_LABEL[label] for label in header}


def _xlsx(client: TestClient, url: str) -> set[str]:
    book = openpyxl.load_workbook(io.BytesIO(client.get(url + "&format=xlsx").content))
    return {BY_LABEL[str(cell.value)] for cell in book["Data"][1]}


def _parquet(client: TestClient, url: str) -> set[str]:
    return set(pd.read_parquet(io.BytesIO(client.get(url + "&format=parquet").content)).columns)


def _jsonstat(client: TestClient, url: str) -> set[str]:
    """Dimensions, value and status, the region names as labels, and the columns kept per cell
    (a cell keeps only the columns with a value)."""
    doc = client.get(url + "&format=jsonstat2").json()
    by_dimension = {dim_id: column for column, dim_id, _ in DIMENSIONS}
    cells = {key for cell in doc["extension"]["cells"].values() for key in cell}
    return {by_dimension[d] for d in doc["id"]} | {"value", "status", "region_name"} | cells


@pytest.mark.parametrize(
    "url", [PLAIN, COMPARED, GROUPED], ids=["plain", "compare=land", "compare=gruppe"]
)
def test_every_format_carries_the_json_columns(client: TestClient, url: str) -> None:
    columns, with_values = _json(client, url)
    compared = {c.name for c in COMPARISON_COLUMNS}
    assert (compared <= columns) is (url != PLAIN)
    # The files people open in a spreadsheet add the region as text («0301 Oslo»), nothing else.
    assert _csv(client, url, "csv") == columns | {REGION_TEXT.name}
    assert _csv(client, url, "csv-plain") == columns
    assert _xlsx(client, url) == columns | {REGION_TEXT.name}
    assert _parquet(client, url) == columns
    # JSON-stat leaves out what has no value anywhere (status, flags here), and nothing else.
    carried = _jsonstat(client, url)
    assert carried <= columns
    assert with_values <= carried


def test_the_compared_csv_has_the_benchmark_of_the_json(client: TestClient) -> None:
    rows = client.get(COMPARED).json()["rows"]
    text = client.get(COMPARED + "&format=csv-plain").content.decode()
    table = list(csv.DictReader(io.StringIO(text)))
    assert len(table) == len(rows)
    for row, line in zip(rows, table, strict=True):
        assert (line["region"], line["periode"]) == (row["region"], row["period"])
        assert line["signifikans"] == (row["significance"] or "")
        if row["benchmark_value"] is not None:
            assert float(line["sammenligning_verdi"]) == pytest.approx(row["benchmark_value"])


def test_formats_come_from_one_list(client: TestClient) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    parameter = next(
        p for p in spec["paths"]["/api/v1/data"]["get"]["parameters"] if p["name"] == "format"
    )
    pattern = parameter["schema"]["anyOf"][0]["pattern"]
    assert pattern == "^(" + "|".join(f.key for f in FORMATS) + ")$"
    for fmt in FORMATS:  # every listed format is served
        response = client.get(f"{PLAIN}&format={fmt.key}")
        assert response.status_code == 200, fmt.key
        assert response.headers["content-type"] == fmt.media_type
    guide = client.get("/api").text
    assert all(f"<code>{fmt.key}</code>" in guide for fmt in FORMATS)
    offered = links.selection_downloads(["barn-0-17"], ["0301"])
    assert [key for key, _, _ in offered] == [fmt.key for fmt in DOWNLOADS]


def test_a_group_is_compared_as_one_population(client: TestClient, store: Store) -> None:
    rows = client.get(GROUPED).json()["rows"]
    members = ("4203", "4204")
    indicator = store.indicator("spesialundervisning-andel")
    # The oracle: the members' own rows pooled by hand (summed numerators over summed
    # denominators), not the function under test.
    member_rows = store.observation_records([indicator.id], list(members))
    judged = [r for r in rows if r["indicator_id"] == indicator.id]
    assert any(r["benchmark_value"] is not None for r in judged)
    for row in judged:
        period = [r for r in member_rows if r["period"] == row["period"]]
        assert row["benchmark_region"] == "gruppe:4203,4204"
        if len(period) == len(members) and all(r["numerator"] is not None for r in period):
            pooled = sum(r["numerator"] for r in period) / sum(r["denominator"] for r in period)
            assert row["benchmark_value"] == pytest.approx(pooled * indicator.multiplier)
            assert row["benchmark_note"] is None
            assert row["significance"] in {"lower", "similar", "higher"}
        else:  # a member without numbers: no group value, and the note says so
            assert row["benchmark_value"] is None and "mangler tall" in row["benchmark_note"]
    unknown = client.get(PLAIN + "&compare=gruppe:4203,9999")
    assert unknown.status_code == 404 and "9999" in unknown.json()["title"]


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_jsonstat_of_synthetic_values_says_so_first(client: TestClient, lang: str) -> None:
    """The demo snapshot's low-income figures are synthetic: the JSON-stat file's first note
    warns, in the asked language (this path once failed: a throwaway ``_`` hid the gettext)."""
    url = "/api/v1/data?indicator=barn-lavinntekt-eu60&region=4601,46,0&format=jsonstat2"
    response = client.get(url + f"&lang={lang}")
    assert response.status_code == 200
    first = response.json()["note"][0]
    assert ("SYNTETISKE DEMOTALL" if lang == "nb" else "SYNTHETIC") in first
