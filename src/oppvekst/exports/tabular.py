"""CSV downloads: Norwegian Excel dialect by default, a plain dialect for programs.

Norwegian Excel opens ``;``-separated UTF-8 with a byte-order mark and decimal commas directly;
programs (R, pandas) prefer ``,`` and ``.``. Cells that start with ``=``, ``+``, ``-``, ``@`` (or a
tab/CR) are prefixed with ``'`` so that a spreadsheet never runs them as formulas — numbers are
written as numbers, so only text cells can need it.
"""

from __future__ import annotations

import csv
from enum import StrEnum

import pandas as pd

from oppvekst.exports import Download

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class CsvDialect(StrEnum):
    NORWEGIAN = "no"  # ; separator, decimal comma, UTF-8 with BOM
    PLAIN = "plain"  # , separator, decimal point, UTF-8


def neutralise(text: str) -> str:
    """Text that a spreadsheet would read as a formula gets a leading apostrophe."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _prepared(download: Download) -> pd.DataFrame:
    """The table with text neutralised and booleans in words; numbers stay numbers."""
    table = download.table().copy()
    for name in table.columns:
        column = table[name]
        if pd.api.types.is_bool_dtype(column):
            table[name] = column.map({True: "ja", False: "nei"})
        elif not pd.api.types.is_numeric_dtype(column):
            # Few distinct texts (codes, names, sources): neutralise each once.
            lookup = {v: neutralise(str(v)) for v in column.dropna().unique()}
            table[name] = column.map(lookup)
    return table


def to_csv(download: Download, dialect: CsvDialect = CsvDialect.NORWEGIAN) -> bytes:
    # The file stays purely tabular (programs read it); synthetic rows say so in the columns
    # `kilde` ("Syntetiske demotall") and `syntetisk` (ja) on every row. pandas writes the rows in
    # C; numbers keep up to 10 significant digits.
    text = _prepared(download).to_csv(
        index=False,
        sep=";" if dialect is CsvDialect.NORWEGIAN else ",",
        decimal="," if dialect is CsvDialect.NORWEGIAN else ".",
        float_format="%.10g",
        lineterminator="\r\n",
        quoting=csv.QUOTE_MINIMAL,
    )
    if dialect is CsvDialect.NORWEGIAN:
        return ("\ufeff" + text).encode("utf-8")
    return text.encode("utf-8")
