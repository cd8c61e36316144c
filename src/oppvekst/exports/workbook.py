"""XLSX downloads: a data sheet and a metadata sheet (definitions, sources, symbols, licence).

Written with xlsxwriter in constant-memory mode so 100 000 rows stay cheap. Text cells are written
as strings (never as formulas: ``strings_to_formulas`` is off), so formula injection is impossible.
"""

from __future__ import annotations

import io
from typing import Any

import pandas as pd
import xlsxwriter

from oppvekst.exports import SYMBOL_TEXTS, SYNTHETIC_WARNING, Download

INTERVAL_TEXT = {
    "wilson": "Wilson-intervall (andeler)",
    "byar": "Byars tilnærming / eksakt Poisson under 10 hendelser (rater)",
    "t": "Students t (gjennomsnitt med standardavvik og antall)",
    "none": "Intet intervall: kilden publiserer bare verdien",
}


def to_xlsx(download: Download) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    bold = book.add_format({"bold": True})
    warn = book.add_format({"bold": True, "font_color": "#9C0006", "bg_color": "#FFC7CE"})
    _data_sheet(book, download, bold)
    _metadata_sheet(book, download, bold, warn)
    book.close()
    return buffer.getvalue()


def _column_values(column: pd.Series) -> list[Any]:
    """One column as plain Python values: numbers stay numbers, missing becomes None."""
    if pd.api.types.is_bool_dtype(column):
        return ["ja" if v else "nei" for v in column.tolist()]
    if pd.api.types.is_numeric_dtype(column):
        return [None if v != v else v for v in column.astype(float).tolist()]
    return [None if v is None or v != v else str(v) for v in column.astype(object).tolist()]


def _data_sheet(book: xlsxwriter.Workbook, download: Download, bold: Any) -> None:
    sheet = book.add_worksheet("Data")
    table = download.table()
    sheet.write_row(0, 0, [str(name) for name in table.columns], bold)
    # Columns are converted once, then written a row at a time: per-cell type checks on a pandas
    # row are what makes a naive writer slow on 100 000 rows.
    columns = [_column_values(table[c]) for c in table.columns]
    write_number, write_string = sheet.write_number, sheet.write_string
    for r, row in enumerate(zip(*columns, strict=True), start=1):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, float):
                write_number(r, c, value)
            else:
                write_string(r, c, value)
    sheet.freeze_panes(1, 0)


def _metadata_sheet(book: xlsxwriter.Workbook, download: Download, bold: Any, warn: Any) -> None:
    sheet = book.add_worksheet("Metadata")
    row = 0
    if download.synthetic:
        sheet.write_string(row, 0, SYNTHETIC_WARNING, warn)
        row += 2
    for label, text in (
        *((("Innhold", download.title),) if download.title else ()),
        ("Uttrekk fra", "Oppvekststatus"),
        ("Datasamling", download.snapshot_id),
        ("Bygget", download.built_at),
        ("Adresse", download.url),
    ):
        sheet.write_string(row, 0, label, bold)
        sheet.write_string(row, 1, text)
        row += 1
    row += 1
    headers = (
        "Indikator",
        "Tittel",
        "Definisjon",
        "Teller",
        "Nevner",
        "Enhet",
        "Intervall",
        "Kilde",
        "Tabell",
        "Lisens",
        "Kreditering",
        "Sammenlignbarhet",
    )
    for c, name in enumerate(headers):
        sheet.write_string(row, c, name, bold)
    for ind in download.indicators:
        row += 1
        values = (
            ind.id,
            ind.title,
            ind.definition,
            ind.numerator or "",
            ind.denominator or "",
            ind.unit,
            INTERVAL_TEXT.get(ind.interval.value, ind.interval.value),
            f"{ind.source.publisher}: {ind.source.title}",
            ind.source.table or "",
            ind.licence,
            ind.attribution,
            ind.comparability,
        )
        for c, text in enumerate(values):
            sheet.write_string(row, c, str(text))
    row += 2
    sheet.write_string(row, 0, "Symboler", bold)
    for symbol, text in SYMBOL_TEXTS.items():
        row += 1
        sheet.write_string(row, 0, symbol)
        sheet.write_string(row, 1, text)
