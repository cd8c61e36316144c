"""The «Ulikhet» table as Excel beside its CSV, and the groups as a JSON-stat dimension."""

from __future__ import annotations

import csv
import io

import openpyxl
from fastapi.testclient import TestClient

from oppvekst.catalog import breakdown_dimensions
from oppvekst.snapshot.store import Store

INDICATOR = "vedvarende-lavinntekt-alle-aldre"
PAGE = f"/indikator/{INDICATOR}/ulikhet"


def _number_or_text(cell: object) -> object:
    """A CSV cell («27,2», «», «Oslo») or a workbook cell (27.2, None, "Oslo") as one value."""
    if cell is None or cell == "":
        return None
    if isinstance(cell, float | int):
        return float(cell)
    try:
        return float(str(cell).replace(",", "."))
    except ValueError:
        return str(cell)


def test_the_page_links_the_excel_table_and_its_cells_are_the_csv_rows(
    client: TestClient,
) -> None:
    query = {"omrade": "0301", "inndeling": "background"}
    page = client.get(PAGE, params=query)
    assert page.status_code == 200
    assert f'href="{PAGE}.xlsx?omrade=0301&amp;inndeling=background"' in page.text
    raw = client.get(f"{PAGE}.csv", params=query).content.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(raw), delimiter=";"))
    workbook = client.get(f"{PAGE}.xlsx", params=query)
    assert workbook.status_code == 200
    assert workbook.headers["content-disposition"].endswith('-0301.xlsx"')
    book = openpyxl.load_workbook(io.BytesIO(workbook.content))
    sheet = list(book["Tabell"].iter_rows(values_only=True))
    assert list(sheet[0]) == lines[0]
    assert [[_number_or_text(c) for c in row] for row in sheet[1:]] == [
        [_number_or_text(c) for c in line] for line in lines[1:]
    ]
    # The groups are there, immigrants and the rest, each with its value.
    groups = [line[lines[0].index("Bakgrunn")] for line in lines[1:]]
    assert {"Innvandrere", "Befolkningen ellers"} <= set(groups)
    about = dict(book["Om tabellen"].iter_rows(min_col=1, max_col=2, values_only=True))
    assert about["Område"] == "0301 Oslo" and about["Inndeling"] == "Bakgrunn"
    assert client.get(f"{PAGE}.ods", params=query).status_code == 400


def test_json_stat_carries_the_groups_as_a_dimension_with_the_catalogues_labels(
    client: TestClient, store: Store
) -> None:
    answer = client.get(
        "/api/v1/data",
        params={
            "indicator": INDICATOR,
            "region": "0301",
            "background": "*",
            "format": "jsonstat2",
        },
    )
    assert answer.status_code == 200, answer.text[:300]
    doc = answer.json()
    assert "bakgrunn" in doc["id"]
    dimension = doc["dimension"]["bakgrunn"]
    assert dimension["label"] == "Bakgrunn"
    codes = store.breakdown_values(INDICATOR)["background"]
    # Every group, in the catalogue's reading order (the total first, reading «I alt»).
    assert list(dimension["category"]["index"]) == codes
    declared = breakdown_dimensions()["background"]
    labels = dimension["category"]["label"]
    assert labels["total"] == "I alt"
    assert {c: labels[c] for c in codes if c != "total"} == {
        c: declared.label_of(c) for c in codes if c != "total"
    }
    assert labels["innvandrere"] == "Innvandrere"
    assert doc["size"][doc["id"].index("bakgrunn")] == len(codes)
