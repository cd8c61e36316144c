"""XLSX downloads: the data sheet holds the Download's table cell by cell (type and value), read
back by two independent readers, with no formula anywhere; the metadata sheet keeps its formats."""

from __future__ import annotations

import io
import math
import re
import zipfile
from typing import Any

import numpy as np
import openpyxl
import pandas as pd
import pytest
import python_calamine

from oppvekst.exports import COLUMNS, SYNTHETIC_WARNING, Download, sheet_xml
from oppvekst.exports.workbook import KEY_COLUMNS, to_xlsx
from oppvekst.snapshot.store import Store
from oppvekst.views.data import parse_selection, select

TEXTS = [
    "<b>&amp;</b> </t></is></c>",
    "<r>rik tekst</r>",  # xlsxwriter wrote this as raw rich-text XML
    "sa \"hei\" & 'ha det'",
    "👩‍👩‍👧 barn 😀",
    "=1+2",
    '=HYPERLINK("http://x","klikk")',
    "+47 22 00 00 00",
    "-3",
    "@SUM(A1:A9)",
    "linje 1\nlinje 2",
    " mellomrom ",
    "\tfane",
    "_x0041_ ser ut som en escape",
    "bjelle\x07 og vognretur\r",
    "ø æ å Ø Æ Å",
    "",
    None,
    float("nan"),
]
NUMBERS = [
    float("nan"),
    -1.5,
    -123456.0,
    0.1 + 0.2,
    1 / 3,
    123456789.12345679,
    1e-300,
    5e-324,
    -2.5e-10,
    1.7976931348623157e308,  # written to 16 digits, this read back as infinity
    2.0**53,
    1e16,
    1e15 + 0.5,
    99999999999999.99,
    3.0,
    0.0,
    -0.0,
    42.0,
]


def _frame() -> pd.DataFrame:
    n = len(TEXTS)
    assert len(NUMBERS) == n
    counts = pd.array([7, None, -3] * (n // 3), dtype="Int64")
    return pd.DataFrame(
        {
            "indicator_id": [f"ind-{i % 4}" for i in range(n)],
            "region": pd.Series([t if isinstance(t, str) else None for t in TEXTS], dtype="str"),
            "region_name": list(reversed(TEXTS)),  # object column with None and NaN
            "period": ["2024"] * n,
            "value": NUMBERS,
            "numerator": counts,
            "denominator": np.arange(n, dtype=np.int64) * 1000,
            "lower95": [float("nan")] * n,  # a column with no cell at all
            "status": [":", None] * (n // 2),
            "flags": ["-", "=A1"] * (n // 2),
            "source": ["Syntetiske demotall"] * n,
            "synthetic": [True, False, False] * (n // 3),
        }
    )


def _download(frame: pd.DataFrame, indicators: tuple[Any, ...] = ()) -> Download:
    return Download(frame, indicators, "snapshot-1", "2026-11-26", url="=cmd|' /C calc'!A0")


def _expected(download: Download) -> list[list[tuple[str, object]]]:
    """Per data row, per column: ("n", float) for a number, ("s", text) for text, None if empty."""
    table = download.table()
    rows: list[list[tuple[str, object]]] = [[] for _ in range(len(table))]
    for name in table.columns:
        column = table[name]
        for i, value in enumerate(column.astype(object).tolist()):
            if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
                rows[i].append(("", None))
            elif pd.api.types.is_bool_dtype(column):
                rows[i].append(("s", "ja" if value else "nei"))
            elif pd.api.types.is_numeric_dtype(column):
                rows[i].append(("n", float(value)))
            else:
                rows[i].append(("s", str(value)))
    return rows


def _unescape(text: str) -> str:
    """Excel's "_xHHHH_" escapes decoded, left to right (openpyxl leaves them as they are)."""
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), text)


def _check_data_sheet(data: bytes, download: Download) -> None:
    expected = _expected(download)
    header = [str(name) for name in download.table().columns]
    sheet = openpyxl.load_workbook(io.BytesIO(data))["Data"]
    assert [c.value for c in sheet[1]] == header
    assert all(c.font.b for c in sheet[1])
    # The header row and the key columns (which row is which) stay in view and on every page.
    keys = sum(COLUMNS[name] in header for name in KEY_COLUMNS)
    assert sheet.freeze_panes == f"{sheet_xml.column_letters(keys)}2"
    assert sheet.print_title_rows == "$1:$1"
    if keys:
        assert sheet.print_title_cols == f"$A:${sheet_xml.column_letters(keys - 1)}"
    assert sheet.page_setup.orientation == "landscape"
    # One page wide (1 is the default, which xlsxwriter leaves out), as many pages tall as needed.
    assert (sheet.page_setup.fitToWidth or 1, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    # Fitted widths: no column narrower than its header.
    for index, label in enumerate(header):
        width = sheet.column_dimensions[sheet_xml.column_letters(index)].width
        assert width >= len(label), label
    assert sheet.max_row == len(expected) + 1
    for r, row in enumerate(expected, start=2):
        for c, (kind, value) in enumerate(row, start=1):
            cell = sheet.cell(r, c)
            where = f"{cell.coordinate} {value!r}"
            assert cell.data_type != "f", where
            if kind == "":
                assert cell.value is None, where
            elif kind == "n":
                assert cell.data_type == "n" and isinstance(cell.value, int | float), where
                assert cell.value == value, where  # exact: no digit lost
            else:
                assert cell.data_type == "s" and _unescape(cell.value) == value, where
    # calamine decodes the escapes itself and reads empty cells as "".
    calamine = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    values = calamine.get_sheet_by_name("Data").to_python(skip_empty_area=False)
    assert values[0] == header
    for r, row in enumerate(expected, start=1):
        got = values[r] + [""] * (len(row) - len(values[r]))
        assert got == [("" if kind == "" else value) for kind, value in row], r


def test_data_sheet_holds_the_table_cell_by_cell() -> None:
    download = _download(_frame())
    _check_data_sheet(to_xlsx(download), download)


def test_no_cell_is_a_formula_and_text_stays_text() -> None:
    data = to_xlsx(_download(_frame()))
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert package.testzip() is None
        for name in package.namelist():
            if name.startswith("xl/worksheets/"):
                xml = package.read(name).decode("utf-8")
                assert "<f>" not in xml and "<f " not in xml, name
                assert "<r>" not in xml, name  # no rich text smuggled in by a value
    for sheet in openpyxl.load_workbook(io.BytesIO(data)).worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate}"


def test_real_selection_reads_back_with_its_metadata(store: Store) -> None:
    ids = sorted(store.indicators_with_data)[:60]
    frame = select(store, parse_selection(store, ",".join(ids), "fylke,land", None))
    # Real and demo rows both: the metadata sheet then opens with the warning.
    frame = pd.concat([frame[~frame["synthetic"]].head(1500), frame[frame["synthetic"]].head(1500)])
    indicators = tuple(store.indicators[i] for i in sorted(set(frame["indicator_id"])))
    download = _download(frame, indicators)
    assert download.synthetic  # the fixture data set includes the demo fill
    data = to_xlsx(download)
    _check_data_sheet(data, download)
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Data", "Metadata"]
    meta = book["Metadata"]
    warning = meta["A1"]
    assert warning.value == SYNTHETIC_WARNING
    assert warning.font.b and warning.font.color.rgb == "FF9C0006"
    assert warning.fill.fgColor.rgb == "FFFFC7CE"
    labels = {row[0].value: row[1].value for row in meta.iter_rows(min_row=3, max_row=6)}
    assert labels["Datasamling"] == "snapshot-1"
    assert labels["Adresse"] == "=cmd|' /C calc'!A0"
    assert all(meta.cell(r, 1).font.b for r in range(3, 7))
    first_column = {meta.cell(r, 1).value for r in range(1, meta.max_row + 1)}
    assert {"Indikator", "Symboler", *(i.id for i in indicators)} <= first_column


def test_every_column_name_and_an_empty_download() -> None:
    empty = _download(_frame().head(0))
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(empty)))
    header = [c.value for c in book["Data"][1]]
    # The region as text («0301 Oslo») joins the columns of the frame, after the region.
    carried = {*_frame().columns, "region_text"}
    assert header == [COLUMNS[name] for name in COLUMNS if name in carried]
    assert book["Data"].max_row == 1


def test_long_text_is_cut_to_excels_limit_without_splitting_a_character() -> None:
    frame = _frame().head(3)
    frame["region_name"] = ["x" * 40_000, "x" * 32_766 + "😀", "ø" * 32_767]
    values = (
        python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(to_xlsx(_download(frame))))
        .get_sheet_by_name("Data")
        .to_python()
    )
    column = values[0].index("regionnavn")
    assert [row[column] for row in values[1:]] == ["x" * 32_767, "x" * 32_766, "ø" * 32_767]


def test_rows_beyond_excels_last_row_are_left_out(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sheet_xml, "EXCEL_ROWS", 6)  # header + 5 rows
    monkeypatch.setattr(sheet_xml, "CHUNK_ROWS", 2)  # and rows cross piece boundaries
    download = _download(_frame())
    data = to_xlsx(download)
    sheet = openpyxl.load_workbook(io.BytesIO(data))["Data"]
    assert sheet.max_row == 6
    assert [sheet.cell(6, c).value for c in (1, 2, 5)] == ["ind-0", "=1+2", "2024"]
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert b'<dimension ref="A1:M6"/>' in package.read("xl/worksheets/sheet1.xml")


def test_an_infinite_number_is_refused() -> None:
    frame = _frame()
    frame.loc[3, "value"] = float("inf")
    with pytest.raises(ValueError, match="infinite"):
        to_xlsx(_download(frame))
