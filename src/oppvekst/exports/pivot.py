"""The statistics bank's table as shown, as a download: regions down, periods (or groups) across.

Each cell is what the page shows: the value at the indicator's published decimals (a number, so a
spreadsheet can sum it), or the symbol where there is none (text). The value columns carry the
page's headers (periods, or the groups' Norwegian labels); with the groups as rows a «gruppe»
column follows the region, as on the page. Each row starts with the region
number as text and the region as «0301 Oslo», so the code survives a spreadsheet either way. The
CSV is the Norwegian dialect of ``tabular``; the workbook has the table and a sheet saying what it
is (indicator, unit, breakdown, source, licence and the symbols).
"""

from __future__ import annotations

import io
from typing import Any

import numpy as np
import xlsxwriter

from oppvekst.catalog.schema import Indicator
from oppvekst.exports import SYNTHETIC_WARNING
from oppvekst.exports.legend import LEGEND
from oppvekst.exports.precision import published
from oppvekst.exports.tabular import CsvDialect, csv_bytes
from oppvekst.views.bank import BREAKDOWN_NAMES, Pivot, category_label

REGION = "region"
REGION_TEXT = "omrade"
GROUP = "gruppe"


def pivot_columns(table: Pivot) -> dict[str, np.ndarray]:
    """Header → cells: the region columns (and the group when groups are rows), then one column
    per header the page shows (number or symbol)."""
    columns: dict[str, np.ndarray] = {
        REGION: np.array([row.code for row in table.rows], dtype=object),
        REGION_TEXT: np.array([f"{row.code} {row.name}" for row in table.rows], dtype=object),
    }
    if table.grouping is not None and table.grouping.layout == "rader":
        columns[GROUP] = np.array([row.group or "" for row in table.rows], dtype=object)
    places = np.full(len(table.rows), table.decimals, dtype=np.int64)
    for index, header in enumerate(table.columns or table.periods):
        cells = [row.cells[index] for row in table.rows]
        raw = np.array([np.nan if c.value is None else c.value for c in cells], dtype=np.float64)
        values = published(raw, places)
        columns[header] = np.array(
            [
                c.status or ".." if c.value is None else float(v)
                for c, v in zip(cells, values.tolist(), strict=True)
            ],
            dtype=object,
        )
    return columns


def describe(table: Pivot, indicator: Indicator, url: str) -> list[tuple[str, str]]:
    """What the table is, line by line (label, text), for the workbook's second sheet."""
    breakdown = ", ".join(
        f"{BREAKDOWN_NAMES.get(column, column)}: {category_label(column, category)}"
        for column, category in table.breakdown.items()
    )
    if table.grouping is not None:
        name = BREAKDOWN_NAMES.get(table.grouping.column, table.grouping.column)
        where = "kolonner" if table.grouping.layout == "kolonner" else "rader"
        grouped = f"{name} som {where}"
        breakdown = f"{grouped}, {breakdown}" if breakdown else grouped
    return [
        *([("ADVARSEL", SYNTHETIC_WARNING)] if table.synthetic else []),
        ("Indikator", f"{indicator.title} ({indicator.id})"),
        ("Enhet", indicator.unit),
        ("Desimaler", str(indicator.decimals)),
        ("Inndeling", breakdown or "I alt"),
        ("Perioder", f"{table.periods[0]}–{table.periods[-1]}" if table.periods else ""),
        ("Kilde", f"{indicator.source.publisher}: {indicator.source.title}"),
        ("Tabell", indicator.source.table or ""),
        ("Lisens", indicator.licence),
        ("Kreditering", indicator.attribution),
        ("Adresse", url),
    ]


def pivot_csv(table: Pivot) -> bytes:
    return csv_bytes(pivot_columns(table), CsvDialect.NORWEGIAN)


def pivot_xlsx(table: Pivot, indicator: Indicator, url: str) -> bytes:
    columns = pivot_columns(table)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer,
        {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False},
    )
    bold = book.add_format({"bold": True})
    number = book.add_format(
        {"num_format": "0" if table.decimals <= 0 else "0." + "0" * table.decimals}
    )
    sheet = book.add_worksheet("Tabell")
    for c, (header, cells) in enumerate(columns.items()):
        sheet.write_string(0, c, header, bold)
        for r, cell in enumerate(cells.tolist(), start=1):
            _write(sheet, r, c, cell, number)
    widest = max((len(str(t)) for t in columns[REGION_TEXT].tolist()), default=10)
    sheet.set_column(0, 0, 8)
    sheet.set_column(1, 1, min(45, widest + 2))
    sheet.set_column(2, max(2, len(columns) - 1), 10)
    sheet.freeze_panes(1, 2)
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(0)
    sheet.repeat_columns(0, 1)
    sheet.set_footer("&LKilde: se arket Om tabellen&RSide &P av &N")
    about = book.add_worksheet("Om tabellen")
    about.set_column(0, 0, 16)
    about.set_column(1, 1, 80)
    row = 0
    for label, text in describe(table, indicator, url):
        about.write_string(row, 0, label, bold)
        about.write_string(row, 1, text)
        row += 1
    row += 1
    about.write_string(row, 0, "Symboler", bold)
    for entry in (e for e in LEGEND if e.kind == "symbol"):
        row += 1
        about.write_string(row, 0, entry.key)
        about.write_string(row, 1, entry.label)
    book.close()
    return buffer.getvalue()


def _write(sheet: Any, row: int, column: int, cell: object, number: Any) -> None:
    if isinstance(cell, float):
        sheet.write_number(row, column, cell, number)
    else:
        sheet.write_string(row, column, str(cell))
