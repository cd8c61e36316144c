"""Flat OpenDocument spreadsheets (.fods) as LibreOffice writes them, read back cell by cell.

Each cell keeps the type LibreOffice gave it (a number is "float", a text "string"), which is what
the client tests compare: a code that became a number, or a number that stayed text, is a finding.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

# How a Norwegian user's LibreOffice opens our CSV: ";" separated, '"' quoted, UTF-8 (76), from
# line 1, standard column types, locale nb-NO (1044), quoted fields not forced to text, no
# detection of special numbers (the import dialog's defaults).
NORWEGIAN_CSV_FILTER = "CSV:59,34,76,1,,1044,false,false"
_T = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_O = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_X = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"


@dataclass(frozen=True, slots=True)
class Cell:
    """A cell as LibreOffice read it: kind "float", "string", … or "" (empty), and its value."""

    kind: str
    value: float | str | None


EMPTY = Cell("", None)


def _text(element: ET.Element) -> str:
    """A cell's paragraph text, with ODF's space elements (<text:s text:c="n"/>) as spaces."""
    parts = [element.text or ""]
    for child in element:
        if child.tag == f"{_X}s":
            parts.append(" " * int(child.get(f"{_X}c", "1")))
        else:
            parts.append(_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _cell(element: ET.Element) -> Cell:
    kind = element.get(f"{_O}value-type", "")
    if kind in ("float", "percentage", "currency"):
        return Cell("float", float(element.get(f"{_O}value", "nan")))
    if kind == "string":
        return Cell("string", "\n".join(_text(p) for p in element.iter(f"{_X}p")))
    if kind:
        return Cell(kind, element.get(f"{_O}{kind}-value") or element.get(f"{_O}value"))
    return EMPTY


def read_fods(path: Path) -> dict[str, list[list[Cell]]]:
    """Every sheet of a flat ODS file as rows of cells, without trailing empty cells and rows."""
    sheets: dict[str, list[list[Cell]]] = {}
    for table in ET.parse(path).iter(f"{_T}table"):
        rows: list[list[Cell]] = []
        for row in table.iter(f"{_T}table-row"):
            cells: list[Cell] = []
            for element in row:
                if element.tag not in (f"{_T}table-cell", f"{_T}covered-table-cell"):
                    continue
                repeat = int(element.get(f"{_T}number-columns-repeated", "1"))
                cell = _cell(element)
                cells.extend([cell] * (repeat if cell != EMPTY else min(repeat, 64)))
            while cells and cells[-1] == EMPTY:
                cells.pop()
            repeat = int(row.get(f"{_T}number-rows-repeated", "1"))
            rows.extend([cells] * (repeat if cells else min(repeat, 1)))
        while rows and not rows[-1]:
            rows.pop()
        sheets[str(table.get(f"{_T}name"))] = rows
    return sheets
