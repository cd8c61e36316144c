"""The statistics bank's table downloads (CSV and Excel) as LibreOffice opens them: the table the
page shows, cell by cell — regions down, periods across, numbers at the published decimals,
symbols as text — linked from the page."""

from __future__ import annotations

import html
import math
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from oppvekst.snapshot.store import Store
from oppvekst.views import bank
from oppvekst.views.numbers import rounded

from .conftest import Convert
from .opendocument import EMPTY, NORWEGIAN_CSV_FILTER, Cell, read_fods

pytestmark = pytest.mark.xdist_group("libreoffice")

# Nordland's kommuner (Sámi names, one decimal) and Rogaland's with the source's "*" (Kvitsøy).
TABLES = {
    "nordland": {"indikator": "andel-barn-0-17", "niva": "kommune", "fylke": "18", "fra": "2022"},
    "rogaland": {"indikator": "nasjonale-prover-lesing-5", "niva": "kommune", "fylke": "11"},
}


def _shown(store: Store, query: dict[str, str]) -> bank.Pivot:
    return bank.pivot(
        store,
        query["indikator"],
        query["niva"],
        within=query["fylke"],
        year_from=int(query["fra"]) if "fra" in query else None,
        max_periods=None if "fra" in query else 10,
    )


def _expected(table: bank.Pivot, *, from_csv: bool) -> list[list[Cell]]:
    header = [Cell("string", "region"), Cell("string", "omrade")]
    header += [
        Cell("float", float(p)) if from_csv and p.isdigit() else Cell("string", p)
        for p in table.periods
    ]
    rows = [header]
    for row in table.rows:
        code = Cell("float", float(row.code)) if from_csv else Cell("string", row.code)
        cells = [code, Cell("string", f"{row.code} {row.name}")]
        for cell in row.cells:
            if cell.value is None:
                cells.append(Cell("string", cell.status or ".."))
            else:
                cells.append(Cell("float", float(rounded(cell.value, table.decimals))))
        rows.append(cells)
    return rows


def _same(got: list[list[Cell]], want: list[list[Cell]]) -> None:
    assert len(got) == len(want)
    for got_row, want_row in zip(got, want, strict=True):
        padded = got_row + [EMPTY] * (len(want_row) - len(got_row))
        for g, w in zip(padded, want_row, strict=True):
            if g.kind == w.kind == "float":
                assert math.isclose(float(g.value or 0), float(w.value or 0), rel_tol=1e-12), (g, w)
            else:
                assert g == w, (want_row[1], g, w)


def test_the_page_links_the_table_as_shown(client: TestClient) -> None:
    page = client.get("/statistikkbank", params=TABLES["nordland"]).text
    links = {
        html.unescape(h)
        for h in re.findall(r'href="(/statistikkbank/tabell\.[a-z]+\?[^"]+)"', page)
    }
    kinds = {link.split("?")[0].rsplit(".", 1)[1] for link in links}
    assert kinds == {"csv", "xlsx"}
    for link in links:
        assert "indikator=andel-barn-0-17" in link and "fylke=18" in link


def test_unknown_kind_is_refused_in_norwegian(client: TestClient) -> None:
    response = client.get("/statistikkbank/tabell.pdf", params=TABLES["nordland"])
    assert response.status_code == 400
    assert "Ukjent filtype" in response.text


def test_the_tables_open_in_libreoffice_as_the_page_shows_them(
    client: TestClient, store: Store, libreoffice: Convert, tmp_path: Path
) -> None:
    files: dict[str, dict[str, Path]] = {}
    for name, query in TABLES.items():
        for kind in ("csv", "xlsx"):
            response = client.get(f"/statistikkbank/tabell.{kind}", params=query)
            assert response.status_code == 200, response.text
            path = tmp_path / f"{name}-{kind}.{kind}"
            path.write_bytes(response.content)
            files.setdefault(kind, {})[name] = path
    csvs = libreoffice(list(files["csv"].values()), "fods", NORWEGIAN_CSV_FILTER)
    books = libreoffice(list(files["xlsx"].values()), "fods", None)
    for query, csv_file, book in zip(TABLES.values(), csvs, books, strict=True):
        table = _shown(store, query)
        _same(next(iter(read_fods(csv_file).values())), _expected(table, from_csv=True))
        sheets = read_fods(book)
        assert list(sheets) == ["Tabell", "Om tabellen"]
        _same(sheets["Tabell"], _expected(table, from_csv=False))
        about = {str(c.value) for row in sheets["Om tabellen"] for c in row}
        assert store.indicator(query["indikator"]).attribution in about
    rogaland = _shown(store, TABLES["rogaland"])
    assert any(c.status == "*" for row in rogaland.rows for c in row.cells)  # symbols are covered
