"""The Norwegian CSV and the Excel workbook as LibreOffice Calc opens them, cell by cell against the
JSON answer: numbers as numbers at the published decimals, codes and symbols as text, every empty
value with a symbol and its reason in words; and the workbook printed to PDF on one page wide.

LibreOffice runs three times for the whole module (CSV → ODS, XLSX → ODS, XLSX → PDF), each run
converting every file, and the module stays in one xdist group so no two start at once.
"""

from __future__ import annotations

import math
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from oppvekst.exports import COLUMNS
from oppvekst.exports.precision import ROUNDED
from oppvekst.snapshot.store import Store
from oppvekst.snapshot.table import FLAG_LABELS, FLAG_SEPARATOR, SYMBOL_LABELS
from oppvekst.views.numbers import rounded
from oppvekst.views.packages import package

from .conftest import Convert
from .opendocument import EMPTY, NORWEGIAN_CSV_FILTER, Cell, read_fods
from .selections import SELECTIONS, download, json_rows

pytestmark = pytest.mark.xdist_group("libreoffice")

PACKAGE = "tilstandsrapport-barnevern"
BY_LABEL = {label: name for name, label in COLUMNS.items()}


@dataclass(frozen=True)
class Opened:
    rows: list[dict[str, Any]]  # the JSON answer
    csv: list[list[Cell]]  # the Norwegian CSV as LibreOffice read it (header first)
    xlsx: dict[str, list[list[Cell]]]  # the workbook's sheets as LibreOffice read them
    pdf: Path  # the workbook printed by LibreOffice


@pytest.fixture(scope="module")
def opened(
    client: TestClient, libreoffice: Convert, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Opened]:
    folder = tmp_path_factory.mktemp("downloads")
    rows = {name: json_rows(client, name) for name in SELECTIONS}
    for name in SELECTIONS:
        for fmt in ("csv", "xlsx"):
            (folder / f"{name}-{fmt}.{fmt}").write_bytes(download(client, name, fmt))
    csvs = libreoffice([folder / f"{n}-csv.csv" for n in SELECTIONS], "fods", NORWEGIAN_CSV_FILTER)
    books = [folder / f"{n}-xlsx.xlsx" for n in SELECTIONS]
    sheets = libreoffice(books, "fods", None)
    package = client.get(f"/pakker/{PACKAGE}/4203.xlsx")
    assert package.status_code == 200
    (folder / "pakke.xlsx").write_bytes(package.content)
    *pdfs, _ = libreoffice([*books, folder / "pakke.xlsx"], "pdf", None)
    return {
        name: Opened(rows[name], next(iter(read_fods(c).values())), read_fods(x), p)
        for name, c, x, p in zip(SELECTIONS, csvs, sheets, pdfs, strict=True)
    }


def _words(row: dict[str, Any]) -> Cell:
    """The «merknad» a person reads: the symbol's meaning, then the flags' (declared labels)."""
    parts = [SYMBOL_LABELS[row["status"]]] if row["status"] else []
    parts += [FLAG_LABELS[f] for f in (row["flags"] or "").split(FLAG_SEPARATOR) if f]
    return Cell("string", "; ".join(parts)) if parts else EMPTY


def _expected(row: dict[str, Any], name: str, decimals: int, *, from_csv: bool) -> Cell:
    """The cell LibreOffice should show for the JSON row's field ``name``."""
    if name == "region_text":
        return Cell("string", f"{row['region']} {row['region_name']}")
    if name == "flags":
        return _words(row)
    value = row[name]
    if value is None:
        return EMPTY
    if name == "synthetic":
        return Cell("string", "ja" if value else "nei")
    if isinstance(value, float | int):
        return Cell("float", float(rounded(value, decimals)) if name in ROUNDED else float(value))
    # A CSV cell is only text to a spreadsheet when it does not look like a number: the bare
    # region code and a one-year period become numbers (hence «omrade», «0301 Oslo»).
    if from_csv and name in ("region", "period") and value.isdigit():
        return Cell("float", float(value))
    return Cell("string", str(value))


def _same(got: Cell, want: Cell) -> bool:
    if got.kind == want.kind == "float":
        assert isinstance(got.value, float) and isinstance(want.value, float)
        return math.isclose(got.value, want.value, rel_tol=1e-12, abs_tol=1e-12)
    return got == want


def _check(
    cells: list[list[Cell]], rows: list[dict[str, Any]], store: Store, *, from_csv: bool
) -> None:
    header = [str(c.value) for c in cells[0]]
    names = [BY_LABEL[label] for label in header]
    assert "region_text" in names
    body = cells[1:]
    assert len(body) == len(rows) > 0
    for got, row in zip(body, rows, strict=True):
        decimals = store.indicator(row["indicator_id"]).decimals
        padded = got + [EMPTY] * (len(names) - len(got))
        for label, name, cell in zip(header, names, padded, strict=True):
            want = _expected(row, name, decimals, from_csv=from_csv)
            assert _same(cell, want), f"{label} of {row['region']} {row['period']}: {cell} ≠ {want}"


@pytest.mark.parametrize("selection", list(SELECTIONS))
def test_the_norwegian_csv_opens_in_libreoffice_as_the_json_answer(
    opened: dict[str, Opened], store: Store, selection: str
) -> None:
    _check(opened[selection].csv, opened[selection].rows, store, from_csv=True)


@pytest.mark.parametrize("selection", list(SELECTIONS))
def test_the_workbook_opens_in_libreoffice_as_the_json_answer(
    opened: dict[str, Opened], store: Store, selection: str
) -> None:
    sheets = opened[selection].xlsx
    assert list(sheets) == ["Data", "Metadata"]
    _check(sheets["Data"], opened[selection].rows, store, from_csv=False)
    legend = {str(c.value) for row in sheets["Metadata"] for c in row}
    assert set(SYMBOL_LABELS.values()) | set(FLAG_LABELS.values()) <= legend


def test_codes_keep_their_zeros_in_the_norwegian_csv(opened: dict[str, Opened]) -> None:
    """LibreOffice turns 0301 into 301 in the bare column; «omrade» keeps it as text."""
    header = [c.value for c in opened["symboler"].csv[0]]
    column = header.index(COLUMNS["region_text"])
    texts = [row[column] for row in opened["symboler"].csv[1:]]
    assert Cell("string", "0301 Oslo") in texts
    assert all(t.kind == "string" and str(t.value)[:4].isdigit() for t in texts)


def test_every_empty_value_has_a_symbol_and_its_reason(opened: dict[str, Opened]) -> None:
    """Moskenes, nasjonale-prover-lesing-8 2025-26: the source gave neither value nor symbol."""
    for selection in opened.values():
        header = [c.value for c in selection.csv[0]]
        value, symbol, note = (header.index(COLUMNS[n]) for n in ("value", "status", "flags"))
        for row in selection.csv[1:]:
            cells = row + [EMPTY] * (len(header) - len(row))
            if cells[value] == EMPTY:
                assert cells[symbol].kind == "string" and cells[note].kind == "string", row
    rows = opened["symboler"].rows
    moskenes = next(
        r
        for r in rows
        if r["region"] == "1874" and r["indicator_id"] == "nasjonale-prover-lesing-8"
    )
    assert (moskenes["value"], moskenes["status"], moskenes["flags"]) == (
        None,
        "..",
        "not_published",
    )


def _pdf_pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True)
    return int(
        next(line.split()[-1] for line in info.stdout.splitlines() if line.startswith("Pages:"))
    )


def test_the_workbook_prints_one_page_wide_with_keys_and_values_together(
    opened: dict[str, Opened],
) -> None:
    selection = opened["utskrift"]
    assert len(selection.rows) == 20
    # The data sheet on one page and the metadata sheet on one (they took ten).
    assert _pdf_pages(selection.pdf) <= 2
    first = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", "-layout", str(selection.pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    # The key columns and the last column of every row are on the same page.
    last = selection.rows[-1]
    for text in ("indikator", "0301 Oslo", last["provenance_id"], "kildeopplysning"):
        assert text in first, text


def test_the_package_workbook_has_a_sheet_per_topic_and_prints_on_few_pages(
    opened: dict[str, Opened], store: Store
) -> None:
    pdf = opened["utskrift"].pdf.parent / "pakke.pdf"
    topics = {i.topic_title for i in package(store, PACKAGE).indicators}
    # One page wide per sheet (it took 51 pages): a page or two for each topic and the metadata.
    assert _pdf_pages(pdf) <= 2 * (len(topics) + 1)
