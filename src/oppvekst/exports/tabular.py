"""CSV downloads: Norwegian Excel dialect by default, a plain dialect for programs.

Norwegian Excel opens ``;``-separated UTF-8 with a byte-order mark and decimal commas directly;
programs (R, pandas) prefer ``,`` and ``.``. Cells that start with ``=``, ``+``, ``-``, ``@`` (or a
tab/CR) are prefixed with ``'`` so that a spreadsheet never runs them as formulas — numbers are
written as numbers, so only text cells can need it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from enum import StrEnum

import numpy as np
import pandas as pd

from oppvekst.exports import COLUMNS, Download, headers
from oppvekst.exports.readable import NO, YES, readable, yes_no
from oppvekst.exports.sheet_xml import number_texts
from oppvekst.snapshot.table import SYMBOL_LABELS

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class CsvDialect(StrEnum):
    NORWEGIAN = "no"  # ; separator, decimal comma, UTF-8 with BOM
    PLAIN = "plain"  # , separator, decimal point, UTF-8


def neutralise(text: str) -> str:
    """Text that a spreadsheet would read as a formula gets a leading apostrophe (a symbol such
    as SSB's "-" for nil is no formula and stays as it is)."""
    if text in SYMBOL_LABELS:
        return text
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _cells(values: np.ndarray, decimal: str, words: Mapping[object, str]) -> list[str]:
    """One column as CSV cells: numbers as the shortest text that reads back as the same double
    (the Norwegian file's are already rounded to the published decimals, so «29,6»), whole numbers
    without a decimal part, text neutralised, booleans in ``words``, missing as an empty cell."""
    if values.dtype.kind == "b":
        return [words[bool(v)] for v in values.tolist()]
    if values.dtype.kind in "iuf":
        texts = number_texts(values.astype(np.float64))
        return texts if decimal == "." else [t.replace(".", decimal) for t in texts]
    # Few distinct texts (codes, names, sources): neutralise each once. A column of objects can
    # mix numbers and symbols (the statistics bank's table): its numbers are written as numbers.
    lookup: dict[object, str] = {}
    cells = []
    for value in values.tolist():
        cell = lookup.get(value)
        if cell is None:
            cell = lookup[value] = _object_cell(value, decimal)
        cells.append(cell)
    return cells


def _object_cell(value: object, decimal: str) -> str:
    if value is None or value != value:
        return ""
    if isinstance(value, float | int) and not isinstance(value, bool):
        return number_texts(np.array([value], dtype=np.float64))[0].replace(".", decimal)
    return neutralise(str(value))


def csv_bytes(columns: Mapping[str, np.ndarray], dialect: CsvDialect) -> bytes:
    """A table given column by column (download names → values) as CSV in the dialect.

    The cells are formatted a column at a time and written by the csv module's C writer: pandas'
    own writer spends most of its time converting text columns, which dominated small API answers.
    """
    norwegian = dialect is CsvDialect.NORWEGIAN
    # The Norwegian file is read by people, in their language; csv-plain is a stable contract.
    words: dict[object, str] = yes_no() if norwegian else {True: YES, False: NO}
    cells = [_cells(values, "," if norwegian else ".", words) for values in columns.values()]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if norwegian else ",", lineterminator="\r\n")
    writer.writerow(list(columns))
    writer.writerows(zip(*cells, strict=True))
    text = buffer.getvalue()
    if norwegian:
        return ("\ufeff" + text).encode("utf-8")
    return text.encode("utf-8")


def to_csv(download: Download, dialect: CsvDialect = CsvDialect.NORWEGIAN) -> bytes:
    # The file stays purely tabular (programs read it); synthetic rows say so in the columns
    # `kilde` ("Syntetiske demotall") and `syntetisk` (ja; English "synthetic": yes) on every row.
    fields = download.fields()
    columns = {str(name): column_values(fields[name]) for name in fields.columns}
    return csv_bytes(labelled(columns, download.decimals, dialect), dialect)


def labelled(
    columns: Mapping[str, np.ndarray], decimals: Mapping[str, int], dialect: CsvDialect
) -> dict[str, np.ndarray]:
    """The columns (by field name) as the dialect writes them: the Norwegian file as people read
    it (``readable``) under the headers of the reader's language, the plain one as the JSON rows
    are under the stable labels (``COLUMNS``, the same in every language)."""
    if dialect is CsvDialect.NORWEGIAN:
        named = headers()
        return {named[name]: values for name, values in readable(columns, decimals).items()}
    return {COLUMNS[name]: values for name, values in columns.items()}


def column_values(column: pd.Series) -> np.ndarray:
    """A frame's column as ``csv_bytes`` takes it: numbers and booleans typed, the rest objects."""
    if pd.api.types.is_bool_dtype(column) or pd.api.types.is_numeric_dtype(column):
        return column.to_numpy()
    return column.to_numpy(dtype=object)
