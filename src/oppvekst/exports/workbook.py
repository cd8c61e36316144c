"""XLSX downloads: a data sheet and a metadata sheet (definitions, sources, symbols, licence, and
what each column holds), in the reader's language.

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
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import xlsxwriter

from oppvekst.exports import DOWNLOAD_COLUMNS, SYNTHETIC_WARNING, Download, headers
from oppvekst.exports.legend import LEGEND
from oppvekst.exports.sheet_xml import SheetRows, number_texts, sheet_rows
from oppvekst.glossary import N_
from oppvekst.language import _
from oppvekst.stats.intervals import METHOD_SENTENCES

PRECISION_TEXT = N_(  # translated at use
    "Verdiene er avrundet til indikatorens desimaler, som på nettsiden. Full presisjon: "
    "CSV for programmer, JSON, JSON-stat og Parquet fra API-et."
)
# Level 1 deflates the ~70 MB of a 100 000-row sheet several times faster than the default 6, for
# a file about a fifth larger.
COMPRESS_LEVEL = 1
_DIMENSION = re.compile(rb'<dimension ref="[A-Z0-9:]+"/>')
# The columns that say which row is which: frozen on screen and repeated on every printed page.
KEY_COLUMNS = ("indicator_id", "region", "region_text", "region_name", "period")
WIDTH_SAMPLE = 2_000  # rows measured for a column's width (the rest repeat the same kinds of text)
WIDEST = 45  # characters; longer text wraps in the cell's width when printed
SHEET_NAME_LIMIT = 31  # Excel's limit; also no []:*?/\


@dataclass(frozen=True, slots=True)
class DataSheet:
    """One data sheet: its name and the rows (download labels) it holds."""

    name: str
    table: pd.DataFrame


def to_xlsx(download: Download) -> bytes:
    table = download.table()
    sheets = _data_sheets(download, table)
    frame = _frame(download, sheets)
    rows = {
        f"xl/worksheets/sheet{n}.xml": sheet_rows(sheet.table)
        for n, sheet in enumerate(sheets, start=1)
        if not sheet.table.empty
    }
    return _with_rows(frame, rows) if rows else frame


def _data_sheets(download: Download, table: pd.DataFrame) -> list[DataSheet]:
    """ "Data", or one sheet per group of ``download.sheets`` (a package's topics), in order."""
    if not download.sheets:
        return [DataSheet("Data", table)]
    indicator = table[headers()["indicator_id"]]
    sheets, used = [], set()
    for group in download.sheets:
        name = re.sub(r"[\[\]:*?/\\]", "-", group.title)[:SHEET_NAME_LIMIT] or "Data"
        while name.lower() in used:
            name = name[: SHEET_NAME_LIMIT - 1] + "_"
        used.add(name.lower())
        rows = table[indicator.isin(group.indicator_ids)].reset_index(drop=True)
        sheets.append(DataSheet(name, rows))
    return sheets


def _width(header: str, column: pd.Series) -> float:
    """A column's width in characters: its header or its longest sampled cell, within bounds."""
    sample = column.iloc[:WIDTH_SAMPLE].dropna()
    if pd.api.types.is_bool_dtype(column):
        longest = 3
    elif pd.api.types.is_numeric_dtype(column):
        longest = max((len(t) for t in number_texts(sample.to_numpy(np.float64))), default=0)
    else:
        longest = int(sample.astype(str).str.len().max()) if len(sample) else 0
    return float(min(WIDEST, max(len(header), longest, 4) + 2))


def _frame(download: Download, sheets: list[DataSheet]) -> bytes:
    """The workbook without the data rows: header rows, print set-up and the metadata sheet."""
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
    bold = book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    warn = book.add_format({"bold": True, "font_color": "#9C0006", "bg_color": "#FFC7CE"})
    for sheet in sheets:
        _data_sheet(book.add_worksheet(sheet.name), download, sheet.table, bold)
    _metadata_sheet(book, download, [str(c) for c in sheets[0].table.columns], bold, warn)
    book.close()
    return buffer.getvalue()


def _data_sheet(data: Any, download: Download, table: pd.DataFrame, bold: Any) -> None:
    """Header, widths, frozen keys and a print set-up: landscape A4, one page wide, the header row
    and key columns on every page, the title and page numbers in the margins."""
    labels = [str(name) for name in table.columns]
    data.write_row(0, 0, labels, bold)
    for index, label in enumerate(labels):
        data.set_column(index, index, _width(label, table[label]))
    named = headers()
    keys = sum(named[name] in labels for name in KEY_COLUMNS)
    data.freeze_panes(1, keys)
    data.set_landscape()
    data.set_paper(9)  # A4
    data.fit_to_pages(1, 0)
    data.repeat_rows(0)
    if keys:
        data.repeat_columns(0, keys - 1)
    data.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    title = (download.title or "Oppvekststatus").replace("&", "&&")
    data.set_header(f"&L{title}&R&A")
    data.set_footer("&L" + _("Kilde: se arket Metadata") + "&R" + _("Side &P av &N"))


def _with_rows(frame: bytes, sheets: dict[str, SheetRows]) -> bytes:
    """The workbook with each data sheet's rows inserted after its header row, its range widened."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(frame)) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL) as target,
    ):
        for info in source.infolist():
            part = source.read(info)
            # Every part is copied in xlsxwriter's order ([Content_Types].xml stays first).
            with target.open(info.filename, "w") as stream:
                rows = sheets.get(info.filename)
                if rows is None:
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


def _metadata_sheet(
    book: xlsxwriter.Workbook, download: Download, labels: list[str], bold: Any, warn: Any
) -> None:
    """What the numbers are (``labels``: the data sheets' headers, whose meaning it ends with)."""
    sheet = book.add_worksheet("Metadata")
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    for first, last, width in ((0, 0, 24), (1, 1, 36), (2, 2, 60), (3, 11, 24)):
        sheet.set_column(first, last, width)
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)
    row = 0
    if download.synthetic:
        sheet.write_string(row, 0, _(SYNTHETIC_WARNING), warn)
        row += 2
    for label, text in (
        *(((_("Innhold"), download.title),) if download.title else ()),
        (_("Uttrekk fra"), "Oppvekststatus"),
        (_("Datasamling"), download.snapshot_id),
        (_("Bygget"), download.built_at),
        (_("Adresse"), download.url),
        (_("Presisjon"), _(PRECISION_TEXT)),
    ):
        sheet.write_string(row, 0, label, bold)
        sheet.write_string(row, 1, text)
        row += 1
    row += 1
    headers = (
        _("Indikator"),
        _("Tittel"),
        _("Definisjon"),
        _("Teller"),
        _("Nevner"),
        _("Enhet"),
        _("Desimaler"),
        _("Intervall"),
        _("Kilde"),
        _("Tabell"),
        _("Lisens"),
        _("Kreditering"),
        _("Sammenlignbarhet"),
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
            str(ind.decimals),
            METHOD_SENTENCES.get(ind.interval.value, ind.interval.value),
            f"{ind.source.publisher}: {ind.source.title}",
            ind.source.table or "",
            ind.licence,
            ind.attribution,
            ind.comparability,
        )
        for c, text in enumerate(values):
            sheet.write_string(row, c, str(text), wrap)
    # The legend: the symbols (column «symbol») and the notes (column «merknad», in words).
    for heading, kind in ((_("Symboler"), "symbol"), (_("Merknader"), "merknad")):
        row += 2
        sheet.write_string(row, 0, heading, bold)
        for entry in (e for e in LEGEND if e.kind == kind):
            row += 1
            sheet.write_string(row, 0, entry.key)
            sheet.write_string(row, 1, entry.label, wrap)
    # The columns, last (the rows above keep their places): each header as the data sheets have it
    # and what it holds, so a reader of any language need not guess what «nedre_95» means.
    row += 2
    sheet.write_string(row, 0, _("Kolonner"), bold)
    for column in (c for c in DOWNLOAD_COLUMNS if c.header in labels):
        row += 1
        sheet.write_string(row, 0, column.header)
        sheet.write_string(row, 1, column.described, wrap)
