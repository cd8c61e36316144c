"""The statistics bank's table as shown, as a download: regions down, periods (or groups) across.

Each cell is what the page shows: the value at the indicator's published decimals (a number, so a
spreadsheet can sum it), or the symbol where there is none (text). The value columns carry the
page's headers (periods, or the groups' labels); with the groups as rows a «gruppe» column
follows the region, as on the page. The headers are in the reader's language, as on the page. Each row starts with the region
number as text and the region as «0301 Oslo», so the code survives a spreadsheet either way. The
CSV is the Norwegian dialect of ``tabular``; the workbook has the table and a sheet saying what it
is (indicator, unit, breakdown, source, licence and the symbols).
"""

from __future__ import annotations

import io
import math
from typing import Any

import numpy as np
import xlsxwriter

from oppvekst.catalog.schema import Indicator
from oppvekst.exports import REGION_TEXT, SYNTHETIC_WARNING
from oppvekst.exports.legend import LEGEND
from oppvekst.exports.precision import published
from oppvekst.exports.tabular import CsvDialect, csv_bytes
from oppvekst.glossary import N_
from oppvekst.language import _
from oppvekst.views.bank import BREAKDOWN_NAMES, Pivot, category_label

# The key columns' headers (bokmål, translated where a file is written); the region columns are
# the downloads' own (``oppvekst.exports``).
REGION = N_("region")
GROUP = N_("gruppe")


def pivot_columns(table: Pivot) -> dict[str, np.ndarray]:
    """Header → cells: the region columns (and the group when groups are rows), then one column
    per header the page shows (number or symbol)."""
    columns: dict[str, np.ndarray] = {
        _(REGION): np.array([row.code for row in table.rows], dtype=object),
        REGION_TEXT.header: np.array(
            [f"{row.code} {row.name}" for row in table.rows], dtype=object
        ),
    }
    if table.grouping is not None and table.grouping.layout == "rader":
        columns[_(GROUP)] = np.array([row.group or "" for row in table.rows], dtype=object)
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
        grouped = (
            _("{name} som kolonner")
            if table.grouping.layout == "kolonner"
            else _("{name} som rader")
        ).format(name=name)
        breakdown = f"{grouped}, {breakdown}" if breakdown else grouped
    return [
        *([(_("ADVARSEL"), _(SYNTHETIC_WARNING))] if table.synthetic else []),
        (_("Indikator"), f"{indicator.title} ({indicator.id})"),
        (_("Enhet"), indicator.unit),
        (_("Desimaler"), str(indicator.decimals)),
        (_("Inndeling"), breakdown or _("I alt")),
        (_("Perioder"), f"{table.periods[0]}–{table.periods[-1]}" if table.periods else ""),
        (_("Kilde"), f"{indicator.source.publisher}: {indicator.source.title}"),
        (_("Tabell"), indicator.source.table or ""),
        (_("Lisens"), indicator.licence),
        (_("Kreditering"), indicator.attribution),
        (_("Adresse"), url),
    ]


def pivot_csv(table: Pivot) -> bytes:
    return csv_bytes(pivot_columns(table), CsvDialect.NORWEGIAN)


def pivot_xlsx(table: Pivot, indicator: Indicator, url: str) -> bytes:
    return table_xlsx(pivot_columns(table), table.decimals, describe(table, indicator, url))


def table_xlsx(
    columns: dict[str, np.ndarray], decimals: int, about: list[tuple[str, str]], keys: int = 2
) -> bytes:
    """A table given column by column as a workbook: the table (headers bold, numbers at the
    published decimals, the first ``keys`` columns frozen and repeated on every printed page) and
    a sheet «Om tabellen» with ``about`` and the symbols. The statistics bank's table and the
    «Ulikhet» table are both written by it, so both files read the same way."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer,
        {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False},
    )
    bold = book.add_format({"bold": True})
    number = book.add_format({"num_format": "0" if decimals <= 0 else "0." + "0" * decimals})
    sheet = book.add_worksheet(_("Tabell"))
    for c, (header, cells) in enumerate(columns.items()):
        sheet.write_string(0, c, header, bold)
        for r, cell in enumerate(cells.tolist(), start=1):
            _write(sheet, r, c, cell, number)
    # The last key column names the row («0301 Oslo», a group): wide enough for the longest.
    names = list(columns.values())[keys - 1].tolist() if len(columns) >= keys else []
    widest = max((len(str(t)) for t in names), default=10)
    if keys > 1:
        sheet.set_column(0, keys - 2, 10)
    sheet.set_column(keys - 1, keys - 1, min(45, widest + 2))
    sheet.set_column(keys, max(keys, len(columns) - 1), 10)
    sheet.freeze_panes(1, keys)
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(0)
    sheet.repeat_columns(0, keys - 1)
    sheet.set_footer("&L" + _("Kilde: se arket Om tabellen") + "&R" + _("Side &P av &N"))
    sheet_about = book.add_worksheet(_("Om tabellen"))
    sheet_about.set_column(0, 0, 16)
    sheet_about.set_column(1, 1, 80)
    row = 0
    for label, text in about:
        sheet_about.write_string(row, 0, label, bold)
        sheet_about.write_string(row, 1, text)
        row += 1
    row += 1
    sheet_about.write_string(row, 0, _("Symboler"), bold)
    for entry in (e for e in LEGEND if e.kind == "symbol"):
        row += 1
        sheet_about.write_string(row, 0, entry.key)
        sheet_about.write_string(row, 1, entry.label)
    book.close()
    return buffer.getvalue()


def _write(sheet: Any, row: int, column: int, cell: object, number: Any) -> None:
    if cell is None or (isinstance(cell, float) and math.isnan(cell)):
        return  # missing stays an empty cell, as in the CSV
    if isinstance(cell, float):
        sheet.write_number(row, column, cell, number)
    else:
        sheet.write_string(row, column, str(cell))
