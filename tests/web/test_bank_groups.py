"""The statistics bank with a breakdown's groups as columns or rows, and its downloads: the page
shows the store's value per group, and the CSV and Excel files hold exactly the page's table."""

from __future__ import annotations

import csv
import html
import io
import re

import openpyxl
import pytest
from fastapi.testclient import TestClient

from oppvekst.snapshot.store import Store
from oppvekst.views import bank
from oppvekst.views.numbers import number

INDICATOR = "vedvarende-lavinntekt-alle-aldre"
COLUMNS = {
    "indikator": INDICATOR,
    "niva": "kommune",
    "fylke": "03",
    "inndeling": "bakgrunn",
    "grupper": "kolonner",
}


def _table(page: str) -> tuple[list[str], list[list[str]]]:
    """Headers and rows (row header texts, then the cell texts) of the page's pivot table."""
    table = page.split('class="pivot"')[1].split("</table>")[0]
    head = [html.unescape(h) for h in re.findall(r'<th scope="col"[^>]*>([^<]*)', table)]
    rows = []
    for tr in re.findall(r"<tr><th scope=\"row\">.*?</tr>", table, re.S):
        code = re.search(r'<span class="row-meta">(\d+)</span>', tr)
        group = re.findall(r'<th scope="row" class="group">([^<]*)', tr)
        cells = re.findall(r'<td class="num[^"]*"[^>]*>([^<]*)', tr)
        assert code
        rows.append([code.group(1), *map(html.unescape, group), *map(html.unescape, cells)])
    return head, rows


def test_groups_as_columns_are_the_stores_values_per_group(
    client: TestClient, store: Store
) -> None:
    groups = store.breakdown_values(INDICATOR)["background"]
    assert groups[0] == "total" and {"innvandrere", "ovrige"} <= set(groups)
    response = client.get("/statistikkbank", params=COLUMNS)
    assert response.status_code == 200, response.text[:500]
    head, rows = _table(response.text)
    # Område, then the groups' Norwegian labels in the catalogue's order.
    assert head == ["Område", *(bank.category_label("background", g) for g in groups)]
    assert head[1:3] == ["I alt", "Innvandrere"]
    period = store.periods(INDICATOR)[-1]
    decimals = store.indicator(INDICATOR).decimals
    oslo = next(row for row in rows if row[0] == "0301")
    for group, shown in zip(groups, oslo[1:], strict=True):
        frame = store.observations([INDICATOR], ["0301"], [period], breakdown={"background": group})
        assert len(frame) == 1
        assert shown == number(float(frame["value"].item()), decimals)
    # The immigrants' share is not the total's: the column really is the group.
    assert oslo[1] != oslo[2]
    # «Alle radene i langt format» asks the API for every group too, not the totals only.
    long = re.search(r'href="(/api/v1/data\?[^"]+)"', response.text)
    assert long and "background=%2A" in long.group(1)
    answer = client.get(html.unescape(long.group(1)))
    assert answer.status_code == 200
    text = answer.content.decode("utf-8-sig")
    delimiter = ";" if text.split("\n", 1)[0].count(";") else ","
    records = list(csv.DictReader(io.StringIO(text), delimiter=delimiter))
    assert {r["bakgrunn"] for r in records} == set(groups), text[:300]


def test_groups_as_rows_give_each_region_one_row_per_group(
    client: TestClient, store: Store
) -> None:
    groups = store.breakdown_values(INDICATOR)["background"]
    page = client.get("/statistikkbank", params={**COLUMNS, "grupper": "rader"}).text
    head, rows = _table(page)
    assert head[:2] == ["Område", "Bakgrunn"]
    oslo = [row for row in rows if row[0] == "0301"]
    assert [row[1] for row in oslo] == [bank.category_label("background", g) for g in groups]


def _read(cell: object) -> object:
    """A cell as a number where it is one (page «27,2», CSV «27,2», Excel 27.2), else its text."""
    text = str(cell).replace("\xa0", "").replace(" ", "").replace(",", ".")
    try:
        return round(float(text), 6)
    except ValueError:
        return str(cell)


@pytest.mark.parametrize("grupper", ["kolonner", "rader"])
def test_downloads_hold_exactly_the_page_table(client: TestClient, grupper: str) -> None:
    query = {**COLUMNS, "grupper": grupper}
    head, rows = _table(client.get("/statistikkbank", params=query).text)
    shown = [[row[0], *map(_read, row[1:])] for row in rows]
    # Both files: region number, «0301 Oslo», (the group when groups are rows), the page's columns.
    skip = 2
    raw = client.get("/statistikkbank/tabell.csv", params=query)
    assert raw.status_code == 200
    lines = list(csv.reader(io.StringIO(raw.content.decode("utf-8-sig")), delimiter=";"))
    assert lines[0][skip:] == (head[1:] if grupper == "kolonner" else ["gruppe", *head[2:]])
    assert [[line[0], *map(_read, line[skip:])] for line in lines[1:]] == shown
    book = openpyxl.load_workbook(
        io.BytesIO(client.get("/statistikkbank/tabell.xlsx", params=query).content)
    )
    sheet = list(book["Tabell"].iter_rows(values_only=True))
    assert [str(h) for h in sheet[0]] == lines[0]
    assert [[str(r[0]), *map(_read, r[skip:])] for r in sheet[1:]] == shown


def test_a_wrong_grouping_keeps_the_page_with_a_message(client: TestClient) -> None:
    response = client.get("/statistikkbank", params={**COLUMNS, "inndeling": "hårfarge"})
    assert response.status_code == 400
    assert "kan ikke deles inn etter «hårfarge»" in html.unescape(response.text)
    assert "Velg en av inndelingene: bakgrunn." in html.unescape(response.text)
    assert 'class="panel filter-form"' in response.text  # the form is still there to fix it
    bad_layout = client.get("/statistikkbank", params={**COLUMNS, "grupper": "diagonalt"})
    assert bad_layout.status_code == 400
    assert "Ukjent valg «diagonalt» for grupper." in html.unescape(bad_layout.text)
