"""The first visible sheet of an XLSX workbook, streamed row by row as text.

A small reader of its own: openpyxl pads every row to the widest column asked for, builds an
object per cell and parses through defusedxml's pure-Python parser, and 200 000 rows of six
columns took well over a minute; this reader needs a fraction of that. It reads only what an
upload needs (the workbook's sheet list, the shared strings, the number formats and one sheet)
with the standard library's C XML parser (expat's callbacks directly for the sheet itself),
refusing any part that declares a DTD (so no entity expansion), after ``workspace.archive`` has
checked the ZIP directory. Only cells that exist in the file are
looked at, so a stray cell at XFD1048576 costs nothing; a formula is refused with its address.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Context, Decimal, InvalidOperation
from functools import cache
from typing import Literal, cast
from xml.etree.ElementTree import Element, XMLPullParser
from xml.parsers import expat as pyexpat

from oppvekst.errors import UploadRefused
from oppvekst.language import _
from oppvekst.workspace.archive import TEXT_FORMATS

REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
# Excel's built-in number formats that are dates/times, and those that are percentages.
DATE_FORMATS = frozenset({14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47})
PERCENT_FORMATS = frozenset({9, 10})
_QUOTED = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')
_DATE_CODE = re.compile(r"[dmyhs]", re.IGNORECASE)
EXCEL_DIGITS = Context(prec=15)
CHUNK = 1 << 16
# Excel's 16 384 columns, a few elements each (c, v, f, is, t …): a row beyond this is no sheet's.
MAX_ROW_ELEMENTS = 16_384 * 6
MAX_CELL_FORMATS = 64_000  # Excel's own limit on cell formats in a workbook


@dataclass(frozen=True, slots=True)
class SheetCell:
    """A cell as the sheet stores it: its type (``t``), style index, value text, and formula."""

    column: int  # 0-based
    kind: str
    style: int
    value: str
    formula: bool
    address: str


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _events(
    archive: zipfile.ZipFile, path: str, events: tuple[Literal["start", "end"], ...] = ("end",)
) -> Iterator[tuple[str, Element]]:
    """The parse events of one part, streamed through the C parser. A part that declares a DTD
    or an entity anywhere is refused before those bytes are parsed (no billion laughs, no external entities); so is a part
    that is not UTF-8, which the byte search could not see into. An XLSX part never has either."""
    parser: XMLPullParser[Element] = XMLPullParser(events=events)
    for chunk in _checked_chunks(archive, path):
        parser.feed(chunk)
        yield from cast(Iterator[tuple[str, Element]], parser.read_events())
    parser.close()
    yield from cast(Iterator[tuple[str, Element]], parser.read_events())


def _refused_xml() -> UploadRefused:
    return UploadRefused(
        _(
            "Arbeidsboken inneholder XML som et regneark ikke har (en DTD eller en annen tegnkoding)."
        ),
        hint=_(TEXT_FORMATS),
    )


def first_sheet(archive: zipfile.ZipFile) -> tuple[str, str]:
    """(title, path in the archive) of the first visible worksheet."""
    targets: dict[str, str] = {}
    if "xl/_rels/workbook.xml.rels" in archive.namelist():
        for _event, element in _events(archive, "xl/_rels/workbook.xml.rels"):
            if _local(element.tag) == "Relationship":
                targets[element.get("Id", "")] = element.get("Target", "")
    for _event, element in _events(archive, "xl/workbook.xml"):
        if _local(element.tag) != "sheet" or element.get("state") in ("hidden", "veryHidden"):
            continue
        target = targets.get(element.get(REL, ""), "")
        path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        if "worksheets/" in path and path in archive.namelist():
            return element.get("name", "Ark1"), path
    raise UploadRefused(_("Arbeidsboken har ingen synlige ark med celler."), hint=_(TEXT_FORMATS))


def date1904(archive: zipfile.ZipFile) -> bool:
    for _event, element in _events(archive, "xl/workbook.xml"):
        if _local(element.tag) == "workbookPr":
            return element.get("date1904", "0") in ("1", "true")
    return False


def shared_strings(archive: zipfile.ZipFile) -> list[str]:
    """The shared strings, each the text of its runs (phonetic hints, ``<rPh>``, left out)."""
    if "xl/sharedStrings.xml" not in archive.namelist():
        return []
    reader = _StringsReader()
    for _chunk in _feed(archive, "xl/sharedStrings.xml", reader.start, reader.end, reader.text):
        pass
    return reader.strings


class _StringsReader:
    def __init__(self) -> None:
        self.strings: list[str] = []
        self.parts: list[str] = []
        self.collecting = False
        self.phonetic = False

    def start(self, name: str, _: dict[str, str]) -> None:
        name = name.rpartition(":")[2]
        if name == "si":
            self.parts = []
        elif name == "t":
            self.collecting = not self.phonetic
        elif name == "rPh":
            self.phonetic = True

    def text(self, data: str) -> None:
        if self.collecting:
            self.parts.append(data)

    def end(self, name: str) -> None:
        name = name.rpartition(":")[2]
        if name == "t":
            self.collecting = False
        elif name == "rPh":
            self.phonetic = False
        elif name == "si":
            self.strings.append("".join(self.parts))


def style_kinds(archive: zipfile.ZipFile) -> dict[int, str]:
    """Style index → ``"date"`` or ``"percent"`` for the cell formats that are one of them."""
    if "xl/styles.xml" not in archive.namelist():
        return {}
    codes: dict[int, str] = {}
    formats: list[int] = []
    in_cell_xfs = False
    for event, element in _events(archive, "xl/styles.xml", ("start", "end")):
        name = _local(element.tag)
        if name == "cellXfs":
            in_cell_xfs = event == "start"
        elif event == "end" and name == "numFmt":
            codes[_int(element.get("numFmtId"))] = element.get("formatCode", "")
        elif event == "end" and name == "xf" and in_cell_xfs:
            formats.append(_int(element.get("numFmtId")))
            if len(formats) > MAX_CELL_FORMATS:
                raise UploadRefused(
                    _("Arbeidsboken har flere celleformater enn Excel tillater."),
                    hint=_(TEXT_FORMATS),
                )
    kinds: dict[int, str] = {}
    for index, number_format in enumerate(formats):
        code = _QUOTED.sub("", codes.get(number_format, ""))
        if number_format in PERCENT_FORMATS or "%" in code:
            kinds[index] = "percent"
        elif number_format in DATE_FORMATS or (number_format >= 164 and _DATE_CODE.search(code)):
            kinds[index] = "date"
    return kinds


def _int(text: str | None) -> int:
    return int(text) if text and text.isdigit() else 0


def sheet_rows(
    archive: zipfile.ZipFile, path: str, widest: int
) -> Iterator[tuple[int, list[SheetCell]]]:
    """(row number, the row's cells) for every row element; cells beyond column ``widest``
    (0-based) are yielded only when they hold something, so the caller can refuse them.

    The sheet, by far the largest part, is read with expat's callbacks directly (about twice as
    fast as the element events)."""
    reader = _SheetReader(widest)
    for _chunk in _feed(archive, path, reader.start, reader.end, reader.text):
        yield from reader.done
        reader.done.clear()


def _feed(
    archive: zipfile.ZipFile,
    path: str,
    start: Callable[[str, dict[str, str]], None],
    end: Callable[[str], None],
    text: Callable[[str], None],
) -> Iterator[None]:
    """Feed one part to expat's callbacks a chunk at a time, pausing after each chunk. A DTD or an
    entity declaration raises in its own callback (as defusedxml does it), besides the byte check;
    a part that is not UTF-8 is refused, since the byte check could not see into it."""
    parser = pyexpat.ParserCreate()
    parser.buffer_text = True
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.StartDoctypeDeclHandler = _refuse_declaration
    parser.EntityDeclHandler = _refuse_declaration
    for chunk in _checked_chunks(archive, path):
        parser.Parse(chunk, False)
        yield
    parser.Parse(b"", True)
    yield


def _checked_chunks(archive: zipfile.ZipFile, path: str) -> Iterator[bytes]:
    """One part's bytes a chunk at a time, refused (before the parser sees them) when they are
    not UTF-8 or declare a DTD or an entity. Both parsers read through this one check."""
    tail = b""  # the end of the previous chunk, so a declaration split between two is still seen
    with archive.open(path) as source:
        chunk = source.read(CHUNK)
        if chunk.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in chunk[:1024]:
            raise _refused_xml()
        while chunk:
            seen = tail + chunk
            if b"<!DOCTYPE" in seen or b"<!ENTITY" in seen:
                raise _refused_xml()
            yield chunk
            tail = chunk[-16:]
            chunk = source.read(CHUNK)


def _refuse_declaration(*_: object) -> None:
    raise _refused_xml()


class _SheetReader:
    """Expat's callbacks for a worksheet: collects each row's cells, and the finished rows."""

    def __init__(self, widest: int) -> None:
        self.widest = widest
        self.done: list[tuple[int, list[SheetCell]]] = []
        self.row_number = 0
        self.cells: list[SheetCell] = []
        self.elements = 0  # since the row began: a row holds them all until its end
        self.next_column = 0  # a cell without an address follows the one before it
        self.cell: dict[str, str] | None = None  # the open cell's attributes
        self.value: list[str] = []
        self.formula = False
        self.collecting = False  # inside <v>, or a <t> of an inline string (not phonetic)
        self.phonetic = False

    def start(self, name: str, attributes: dict[str, str]) -> None:
        name = name.rpartition(":")[2]
        self.elements += 1  # reset by each row: what lies outside rows is never kept
        if self.elements > MAX_ROW_ELEMENTS and self.cells:
            raise UploadRefused(
                _("Rad {row} i arket har flere celler enn et regneark kan ha.").format(
                    row=self.row_number + 1
                ),
                hint=_(TEXT_FORMATS),
            )
        if name == "c":
            self.cell, self.value, self.formula = attributes, [], False
        elif name == "v" or (name == "t" and not self.phonetic):
            self.collecting = self.cell is not None
        elif name == "f":
            self.formula = True
        elif name == "rPh":
            self.phonetic = True
        elif name == "row":
            self.row_number = _int(attributes.get("r")) or self.row_number + 1
            self.cells, self.next_column, self.elements = [], 0, 0

    def text(self, data: str) -> None:
        if self.collecting:
            self.value.append(data)

    def end(self, name: str) -> None:
        name = name.rpartition(":")[2]
        if name in ("v", "t"):
            self.collecting = False
        elif name == "rPh":
            self.phonetic = False
        elif name == "c" and self.cell is not None:
            self._finish_cell(self.cell)
            self.cell = None
        elif name == "row":
            self.done.append((self.row_number, self.cells))
            self.cells, self.elements = [], 0

    def _finish_cell(self, attributes: dict[str, str]) -> None:
        address = attributes.get("r", "")
        column = column_index(address.rstrip("0123456789")) if address else self.next_column
        self.next_column = column + 1
        text = "".join(self.value)
        if column <= self.widest or text.strip() or self.formula:
            kind = attributes.get("t", "n")
            style = _int(attributes.get("s"))
            self.cells.append(SheetCell(column, kind, style, text, self.formula, address))


@cache
def column_index(letters: str) -> int:
    """«A» → 0, «AX» → 49, «XFD» → 16383; anything else is refused."""
    if not (1 <= len(letters) <= 3 and letters.isascii() and letters.isupper()):
        raise UploadRefused(
            _("En celle har en ugyldig adresse («{address}»).").format(address=letters),
            hint=_(TEXT_FORMATS),
        )
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - ord("A") + 1
    return index - 1


def cell_text(cell: SheetCell, strings: list[str], kinds: dict[int, str], base: date) -> str:
    """What a person reads in the cell: numbers in plain decimal form («12.5», never «1.25E1»),
    whole numbers without a decimal part, a percentage as shown («12.5 %» for a stored 0.125),
    dates as ISO dates, booleans as SANN/USANN."""
    if cell.kind == "s":
        position = _int(cell.value)
        if not cell.value.isdigit() or position >= len(strings):
            raise UploadRefused(
                _("Cellen {cell} viser til en tekst som ikke finnes i arbeidsboken.").format(
                    cell=cell.address
                ),
                hint=_(TEXT_FORMATS),
            )
        return strings[position]
    if cell.kind == "b":
        return "SANN" if cell.value == "1" else "USANN"
    if cell.kind in ("inlineStr", "str", "e") or not cell.value:
        return cell.value
    if cell.kind == "d":
        return cell.value[:10] if cell.value.endswith("T00:00:00") else cell.value
    try:
        # Excel shows (and computes with) 15 significant digits; the file may store 17
        # («0.07000000000000001»). The 15 are what the person typed and sees.
        number = EXCEL_DIGITS.plus(Decimal(cell.value))
    except InvalidOperation:
        return cell.value
    style = kinds.get(cell.style)
    if style == "date" and number.is_finite():
        moment = datetime.combine(base, datetime.min.time()) + timedelta(days=float(number))
        return moment.date().isoformat() if moment.time() == datetime.min.time() else (
            moment.isoformat(timespec="seconds")
        )  # fmt: skip
    if style == "percent":
        return f"{plain(number * 100)} %"
    return plain(number)


def plain(number: Decimal) -> str:
    """A number in plain decimal form, whole numbers without a decimal part."""
    if not number.is_finite():
        return ""
    if number == number.to_integral_value() and abs(number) < Decimal("1e15"):
        return str(int(number))
    return format(number.normalize(), "f")


def epoch(archive: zipfile.ZipFile) -> date:
    """Day zero of the workbook's date serials (Excel's 1900 system counts from 1899-12-30)."""
    return date(1904, 1, 1) if date1904(archive) else date(1899, 12, 30)
