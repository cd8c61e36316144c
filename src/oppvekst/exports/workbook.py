"""XLSX downloads: a data sheet and a metadata sheet (definitions, sources, symbols, licence).

xlsxwriter writes the workbook with the data sheet's bold, frozen header row and the whole metadata
sheet; the data rows are then written into that sheet's XML by ``sheet_xml``, a column at a time,
because xlsxwriter's per-cell calls made 100 000 rows take seconds. Cells are numbers or inline
strings, never formulas (``strings_to_formulas`` is off for the rest), so formula injection is
impossible.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

import pandas as pd
import xlsxwriter

from oppvekst.exports import SYNTHETIC_WARNING, Download
from oppvekst.exports.sheet_xml import SheetRows, sheet_rows
from oppvekst.snapshot.table import SYMBOL_LABELS

INTERVAL_TEXT = {
    "wilson": "Wilson-intervall (andeler)",
    "byar": "Byars tilnærming / eksakt Poisson under 10 hendelser (rater)",
    "t": "Students t (gjennomsnitt med standardavvik og antall)",
    "none": "Intet intervall: kilden publiserer bare verdien",
}
DATA_PART = "xl/worksheets/sheet1.xml"  # xlsxwriter names sheets by order; "Data" comes first
# Level 1 deflates the ~70 MB of a 100 000-row sheet several times faster than the default 6, for
# a file about a fifth larger.
COMPRESS_LEVEL = 1
_DIMENSION = re.compile(rb'<dimension ref="[A-Z0-9:]+"/>')


def to_xlsx(download: Download) -> bytes:
    table = download.table()
    frame = _frame(download, table)
    if table.empty:
        return frame
    return _with_rows(frame, sheet_rows(table))


def _frame(download: Download, table: pd.DataFrame) -> bytes:
    """The workbook without the data rows: header row and metadata sheet, by xlsxwriter."""
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
    data = book.add_worksheet("Data")
    data.write_row(0, 0, [str(name) for name in table.columns], bold)
    data.freeze_panes(1, 0)
    _metadata_sheet(book, download, bold, warn)
    book.close()
    return buffer.getvalue()


def _with_rows(frame: bytes, rows: SheetRows) -> bytes:
    """The workbook with the data rows inserted after the header row, its range widened."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(frame)) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL) as target,
    ):
        for info in source.infolist():
            part = source.read(info)
            # Every part is copied in xlsxwriter's order ([Content_Types].xml stays first).
            with target.open(info.filename, "w") as stream:
                if info.filename != DATA_PART:
                    stream.write(part)
                    continue
                head, end, tail = part.partition(b"</sheetData>")
                if not end or not _DIMENSION.search(head):
                    raise RuntimeError("xlsxwriter wrote a data sheet of an unexpected shape")
                dimension = f'<dimension ref="{rows.dimension}"/>'.encode()
                stream.write(_DIMENSION.sub(dimension, head, count=1))
                for piece in rows.pieces:
                    stream.write(piece)
                stream.write(end + tail)
    return buffer.getvalue()


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
    for symbol, text in SYMBOL_LABELS.items():
        row += 1
        sheet.write_string(row, 0, symbol)
        sheet.write_string(row, 1, text)
