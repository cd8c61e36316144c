"""An uploaded CSV or XLSX as a table of text, read within declared limits.

Every cell is kept as the text the person wrote (stripped), so the preview can show it and every
message can quote it; numbers are parsed later, by ``workspace.validation``. Hostile files are
refused with ``UploadRefused`` before they can cost much: the byte size first, an XLSX's ZIP
directory before anything is decompressed (total size, compression ratio, compression method), then
rows, columns and cell lengths while reading. Formulas in a workbook are not evaluated: a cell that
holds one is refused with its address, because its cached value may be stale or absent.

Rows before the header whose first cell starts with ``#`` are notes (the templates' instructions)
and are skipped, as are blank rows there. Blank rows after the header stay (as empty rows, which
validation ignores), so that a row's index always gives the row number a spreadsheet shows.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from oppvekst.errors import UploadRefused
from oppvekst.language import _, format_number
from oppvekst.workspace import sheets
from oppvekst.workspace.archive import MB, TEXT_FORMATS, check_zip, size_text

MAX_HEADER_ROW = 1000  # the header is looked for this far down
BLANK_MARGIN = 1000  # blank rows after the row limit that are still just trailing blank lines
KNOWN_TEXTS = 100_000  # cell texts remembered while reading a workbook
SEPARATORS = (";", ",", "\t")
_SEP_LINE = re.compile(r"^sep=([;,\t|])\r?\n")
NOTE_MARK = "#"


@dataclass(frozen=True, slots=True)
class UploadLimits:
    max_bytes: int = 10 * MB
    max_rows: int = 200_000
    max_columns: int = 50
    max_cell_chars: int = 500
    max_uncompressed_xlsx_bytes: int = 100 * MB
    # An XLSX part larger than 1 MB may expand at most this many times: real sheets compress
    # 5-30 times, a zip bomb thousands (``workspace.archive``).
    max_compression_ratio: int = 100


@dataclass(frozen=True, slots=True)
class RawTable:
    """An upload as text: the header's column names (unique, never empty) and the rows under it,
    each exactly as wide as the header."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    encoding: str  # "utf-8", "utf-16", "latin-1", "cp1252" or "xlsx"
    sheet: str | None
    filename: str
    header_row: int = 1  # the spreadsheet row number of the header (notes above it are skipped)

    def row_number(self, index: int) -> int:
        """The row number a spreadsheet shows for ``rows[index]`` (the header is ``header_row``)."""
        return self.header_row + 1 + index

    def column(self, name: str) -> tuple[str, ...]:
        position = self.columns.index(name)
        return tuple(row[position] for row in self.rows)


def read_upload(data: bytes, filename: str, limits: UploadLimits = UploadLimits()) -> RawTable:
    """Read an uploaded file; raises ``UploadRefused`` with a Norwegian message when it cannot."""
    name = clean_filename(filename)
    if not data:
        raise UploadRefused(
            _("Filen er tom."), hint=_("Velg filen med tallene og last den opp på nytt.")
        )
    if len(data) > limits.max_bytes:
        raise UploadRefused(
            _("Filen er {size}; grensen er {limit}.").format(
                size=size_text(len(data)), limit=size_text(limits.max_bytes)
            ),
            hint=_("Del filen opp, eller fjern kolonner og rader som ikke trengs."),
        )
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return _read_xlsx(data, name, limits)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise UploadRefused(
            _("Filen er i det gamle Excel-formatet (.xls) eller er passordbeskyttet."),
            hint=_("Fjern eventuelt passordet og lagre som Excel-arbeidsbok (.xlsx) eller CSV."),
        )
    if name.lower().endswith((".xlsx", ".xlsm", ".xls", ".ods")):
        raise UploadRefused(
            _("«{name}» er ikke et Excel-regneark som kan leses.").format(name=name),
            hint=_(TEXT_FORMATS),
        )
    return _read_csv(data, name, limits)


def clean_filename(filename: str) -> str:
    """The file's own name without any folder, control characters or excess length."""
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    printable = "".join(ch for ch in base if ch.isprintable()).strip()
    return printable[:200] or "opplastet fil"


# --- CSV ------------------------------------------------------------------------------------------
def _read_csv(data: bytes, filename: str, limits: UploadLimits) -> RawTable:
    text, encoding = decode(data)
    declared = _SEP_LINE.match(text)
    if declared:
        # Excel's «sep=;» line names the separator; Excel does not show it as a row, nor do we.
        separator, text = declared.group(1), text[declared.end() :]
    else:
        separator = sniff_separator(text[:65536].splitlines())
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    # A record is a spreadsheet row, even when a quoted cell spans several lines.
    records = enumerate(reader, start=1)
    try:
        table = _table(records, filename, limits)
    except csv.Error:
        # The csv module's own limit (a cell over 128 KiB) or a broken quote.
        raise UploadRefused(
            _("Rad {row} i «{file}» kan ikke leses som CSV.").format(
                row=reader.line_num, file=filename
            ),
            hint=_("Se etter anførselstegn som ikke er lukket, eller svært lange celler."),
        ) from None
    return RawTable(table.columns, table.rows, encoding, None, filename, table.header_row)


def decode(data: bytes) -> tuple[str, str]:
    """The text and the name of its encoding: a byte-order mark decides (UTF-8, UTF-16); else
    strict UTF-8; else Windows-1252 (what Norwegian Excel saves as «CSV»), named Latin-1 when no
    byte needs Windows-1252's additions."""
    if data.startswith(codecs.BOM_UTF8):
        text, encoding = _strict(data[3:], "utf-8"), "utf-8"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text, encoding = _strict(data, "utf-16"), "utf-16"
    elif b"\x00" in data[:4096]:
        # UTF-16 without a mark: every other byte of plain text is zero.
        even, odd = data[0:4096:2].count(0), data[1:4096:2].count(0)
        if max(even, odd) < len(data[:4096]) // 4:
            raise _not_text()
        text = _strict(data, "utf-16-le" if odd > even else "utf-16-be")
        encoding = "utf-16"
    else:
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                text = data.decode("latin-1")
            encoding = "cp1252" if any(0x80 <= b <= 0x9F for b in data) else "latin-1"
    controls = sum(1 for ch in text[:65536] if ch < " " and ch not in "\t\r\n")
    if "\x00" in text or controls > len(text[:65536]) // 100:
        raise _not_text()
    return text, encoding


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise UploadRefused(
            _("Filen er merket som {encoding}, men byte {position} kan ikke leses.").format(
                encoding=encoding.upper(), position=error.start
            ),
            hint=_("Lagre filen på nytt som «CSV UTF-8» i Excel."),
        ) from None


def _not_text() -> UploadRefused:
    return UploadRefused(_("Filen ser ikke ut som en tekstfil (CSV)."), hint=_(TEXT_FORMATS))


def sniff_separator(lines: Sequence[str]) -> str:
    """The separator that splits the header and the first rows into the same, largest number of
    columns (notes and blank lines before the header are left out)."""
    sample = [line for line in lines[:200] if line.strip() and not _is_note(line)][:30]
    best, best_score = ";", (0.0, 0)
    for separator in SEPARATORS:
        try:
            widths = [len(row) for row in csv.reader(sample, delimiter=separator)]
        except csv.Error:  # a giant or broken cell: the reading proper names the row
            continue
        if not widths or widths[0] < 2:
            continue
        agreeing = sum(1 for width in widths if width == widths[0]) / len(widths)
        score = (agreeing, widths[0])
        if score > best_score:
            best, best_score = separator, score
    return best


def _is_note(first_cell: str) -> bool:
    return first_cell.lstrip().lstrip('"').startswith(NOTE_MARK)


# --- Both formats ---------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Table:
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    header_row: int


def _table(
    numbered: Iterable[tuple[int, Sequence[str]]], filename: str, limits: UploadLimits
) -> _Table:
    """Header and rows from (row number, cells) pairs, within the limits."""
    header: tuple[str, ...] | None = None
    header_row = 0
    rows: list[tuple[str, ...]] = []
    last = 0
    for given, raw_cells in numbered:
        # A workbook leaves empty rows out (and may number rows wrongly): rows only go forward.
        number = max(given, last + 1)
        last = number
        # Blank rows cost memory too (a workbook of millions of empty rows): past the row limit
        # and a margin for trailing blank lines, any row is refused; the header comes early.
        if header is None and number > MAX_HEADER_ROW:
            break
        if header is not None and number - header_row > limits.max_rows + BLANK_MARGIN:
            raise _too_many_rows(limits)
        end = len(raw_cells)
        while end and not raw_cells[end - 1].strip():
            end -= 1
        # Widths are checked before the cells are: a line of five million separators is refused
        # without five million cells being made.
        if header is None and end > limits.max_columns:
            raise _too_many_columns(end, limits)
        if header is not None and end > len(header):
            raise UploadRefused(
                _("Rad {row} har {cells} celler, men overskriftsraden har bare {header}.").format(
                    row=number, cells=end, header=len(header)
                ),
                hint=_(
                    "Gi hver kolonne en overskrift. Brukes komma både mellom kolonnene og som "
                    "desimaltegn, bytt til semikolon mellom kolonnene."
                ),
            )
        cells = [_cell(raw_cells[position], number, position, limits) for position in range(end)]
        if header is None:
            if not cells or _is_note(cells[0]):
                continue
            header, header_row = unique_names(cells), number
            continue
        if not cells:
            continue  # kept (as an empty row) only if a row with content follows
        blank_run = number - header_row - 1 - len(rows)
        if len(rows) + blank_run >= limits.max_rows:
            raise _too_many_rows(limits)
        rows.extend([("",) * len(header)] * blank_run)
        rows.append(tuple(cells) + ("",) * (len(header) - len(cells)))
    if header is None:
        raise UploadRefused(
            _("Fant ingen overskriftsrad blant de første {rows} radene i «{file}».").format(
                rows=MAX_HEADER_ROW, file=filename
            ),
            hint=_(
                "Første rad skal ha kolonnenavn, for eksempel «kommunenummer», «år» og «verdi»."
            ),
        )
    if len(header) < 2:
        raise UploadRefused(
            _("Fant bare én kolonne («{column}») i «{file}».").format(
                column=header[0], file=filename
            ),
            hint=_(
                "Skill kolonnene med semikolon, komma eller tabulator, eller last opp en .xlsx-fil."
            ),
        )
    if not rows:
        raise UploadRefused(
            _("«{file}» har bare overskriftsraden, ingen rader med tall.").format(file=filename),
            hint=_("Fyll inn én rad per område og periode under overskriften."),
        )
    return _Table(header, tuple(rows), header_row)


def _too_many_rows(limits: UploadLimits) -> UploadRefused:
    return UploadRefused(
        _("Filen har mer enn {rows} rader under overskriften.").format(
            rows=format_number(limits.max_rows, 0)
        ),
        hint=_("Del opp filen, eller summer tallene per område og periode før opplasting."),
    )


def _cell(text: str, row: int, position: int, limits: UploadLimits) -> str:
    cleaned = text.strip()
    if len(cleaned) > limits.max_cell_chars:
        raise UploadRefused(
            _("Cellen i rad {row}, kolonne {column} har {chars} tegn; grensen er {limit}.").format(
                row=row, column=position + 1, chars=len(cleaned), limit=limits.max_cell_chars
            ),
            hint=_("En celle skal holde et tall, en kode eller et kort navn."),
        )
    return cleaned


def unique_names(cells: Sequence[str]) -> tuple[str, ...]:
    """Header names a person can choose between: an empty one becomes «kolonne N», a repeated one
    gets «(2)», «(3)» …"""
    names: list[str] = []
    for position, cell in enumerate(cells):
        name = cell or f"kolonne {position + 1}"
        candidate, count = name, 1
        while candidate in names:
            count += 1
            candidate = f"{name} ({count})"
        names.append(candidate)
    return tuple(names)


def _too_many_columns(found: int, limits: UploadLimits) -> UploadRefused:
    return UploadRefused(
        _("Filen har {count} kolonner eller flere; grensen er {limit}.").format(
            count=found, limit=limits.max_columns
        ),
        hint=_("Ta bare med kolonnene for område, periode, grupper og tall."),
    )


# --- XLSX -----------------------------------------------------------------------------------------
def _read_xlsx(data: bytes, filename: str, limits: UploadLimits) -> RawTable:
    check_zip(data, limits.max_uncompressed_xlsx_bytes, limits.max_compression_ratio)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            title, path = sheets.first_sheet(archive)
            texts = _sheet_texts(archive, path, title, limits)
            table = _table(texts, filename, limits)
    except UploadRefused:
        raise
    except Exception:  # broken XML, a missing part, a bad CRC: all the same to the person
        raise UploadRefused(
            _("«{file}» ser ut som et Excel-regneark, men kan ikke leses.").format(file=filename),
            hint=_(TEXT_FORMATS),
        ) from None
    return RawTable(table.columns, table.rows, "xlsx", title, filename, table.header_row)


def _sheet_texts(
    archive: zipfile.ZipFile, path: str, title: str, limits: UploadLimits
) -> Iterator[tuple[int, list[str]]]:
    """The sheet's rows as text; a formula, or content right of the column limit, is refused."""
    strings = sheets.shared_strings(archive)
    kinds = sheets.style_kinds(archive)
    base = sheets.epoch(archive)
    # A column repeats its years, codes and counts: each (type, style, stored text) is read once.
    known: dict[tuple[str, int, str], str] = {}
    for number, cells in sheets.sheet_rows(archive, path, limits.max_columns - 1):
        texts: list[str] = []
        for cell in cells:
            if cell.formula:
                raise UploadRefused(
                    _("Cellen {cell} i arket «{sheet}» inneholder en formel.").format(
                        cell=cell.address, sheet=title
                    ),
                    hint=_(
                        "Formler regnes ikke ut ved opplasting. Kopier kolonnen og lim inn som "
                        "verdier (Lim inn utvalg → Verdier), og last opp på nytt."
                    ),
                )
            if cell.column >= limits.max_columns:
                raise _too_many_columns(cell.column + 1, limits)
            if cell.column >= len(texts):
                texts.extend([""] * (cell.column + 1 - len(texts)))
            key = (cell.kind, cell.style, cell.value)
            text = known.get(key)
            if text is None:
                text = sheets.cell_text(cell, strings, kinds, base)
                if len(known) < KNOWN_TEXTS:
                    known[key] = text
            texts[cell.column] = text
        yield number, texts


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:39] + "…"
