"""CSV downloads: Norwegian Excel dialect by default, a plain dialect for programs.

Norwegian Excel opens ``;``-separated UTF-8 with a byte-order mark and decimal commas directly;
programs (R, pandas) prefer ``,`` and ``.``. Cells that start with ``=``, ``+``, ``-``, ``@`` (or a
tab/CR) are prefixed with ``'`` so that a spreadsheet never runs them as formulas — numbers are
written as numbers, so only text cells can need it.
"""

from __future__ import annotations

import csv
import io
import math
from enum import StrEnum
from typing import Any

from oppvekst.exports import Download

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class CsvDialect(StrEnum):
    NORWEGIAN = "no"  # ; separator, decimal comma, UTF-8 with BOM
    PLAIN = "plain"  # , separator, decimal point, UTF-8


def neutralise(text: str) -> str:
    """Text that a spreadsheet would read as a formula gets a leading apostrophe."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _cell(value: Any, dialect: CsvDialect) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nei"
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        text = repr(round(value, 10)) if not value.is_integer() else str(int(value))
        return text.replace(".", ",") if dialect is CsvDialect.NORWEGIAN else text
    if isinstance(value, int):
        return str(value)
    return neutralise(str(value))


def to_csv(download: Download, dialect: CsvDialect = CsvDialect.NORWEGIAN) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(
        buffer, delimiter=";" if dialect is CsvDialect.NORWEGIAN else ",", lineterminator="\r\n"
    )
    table = download.table()
    # The file stays purely tabular (programs read it); synthetic rows say so in the columns
    # `kilde` ("Syntetiske demotall") and `syntetisk` (ja) on every row.
    writer.writerow(list(table.columns))
    for row in table.itertuples(index=False, name=None):
        writer.writerow([_cell(v, dialect) for v in row])
    text = buffer.getvalue()
    return (
        ("\ufeff" + text).encode("utf-8")
        if dialect is CsvDialect.NORWEGIAN
        else text.encode("utf-8")
    )
