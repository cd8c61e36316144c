"""The table as people read it: what the Norwegian CSV and the Excel workbook hold.

Beside the columns of the JSON rows (by field name, in the declared order) it carries the region
as one text, number and name («0301 Oslo», as SSB's tables write it), so the leading zero
survives a spreadsheet that reads the bare number column as a number; the value columns at the
indicator's published decimals (``precision``); and the flags (``merknad``) in words, with the
meaning of the symbol first, so a row explains itself without a legend. Its headers, words and
yes/no are in the reader's language (``oppvekst.exports.headers``, ``yes_no``).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from oppvekst.exports.legend import WORD_SEPARATOR, words
from oppvekst.exports.precision import at_published_precision
from oppvekst.glossary import N_
from oppvekst.language import _
from oppvekst.snapshot.table import FLAG_LABELS, SYMBOL_LABELS

# A true/false cell as a person reads it (csv-plain keeps these bokmål words in every language).
YES, NO = N_("ja"), N_("nei")


def yes_no() -> dict[object, str]:
    """True/False as the files people open write them, in the current language."""
    return {True: _(YES), False: _(NO)}


def region_texts(codes: np.ndarray, names: np.ndarray) -> np.ndarray:
    """«0301 Oslo» per row (the bare code where the name is missing)."""
    pairs: dict[tuple[object, object], str] = {}
    out: list[str | None] = []
    for code, name in zip(codes.tolist(), names.tolist(), strict=True):
        text = pairs.get((code, name))
        if text is None:
            text = pairs[(code, name)] = f"{code} {name}" if isinstance(name, str) else str(code)
        out.append(text)
    return np.array(out, dtype=object)


def notes(status: np.ndarray, flags: np.ndarray) -> np.ndarray:
    """Per row the symbol's meaning and the flags' words, joined (None where there is neither)."""
    symbol_words, flag_words = words(status, SYMBOL_LABELS), words(flags, FLAG_LABELS)
    out: list[str | None] = []
    for said, flagged in zip(symbol_words.tolist(), flag_words.tolist(), strict=True):
        parts = [p for p in (said, flagged) if p]
        out.append(WORD_SEPARATOR.join(parts) if parts else None)
    return np.array(out, dtype=object)


def readable(
    columns: Mapping[str, np.ndarray], decimals: Mapping[str, int]
) -> dict[str, np.ndarray]:
    """The columns (by field name, each empty value already explained) as people read them."""
    out: dict[str, np.ndarray] = {}
    for name, values in at_published_precision(columns, decimals).items():
        if name == "flags" and "status" in columns:
            out[name] = notes(columns["status"], values)
            continue
        out[name] = values
        if name == "region" and "region_name" in columns:
            out["region_text"] = region_texts(values, columns["region_name"])
    return out
