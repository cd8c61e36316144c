"""What the symbols and flags of an answer mean, and the reason every empty value has.

The labels are the declared table's (``SYMBOL_LABELS``, ``FLAG_LABELS`` in ``snapshot.table``);
this module only applies them: an empty value the source gave no symbol gets one with its reason
(``explain_missing``), the Norwegian files spell flags and symbols out in words (``words``), and
every file that can hold a legend gets the same one (``LEGEND``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from oppvekst.snapshot.table import (
    FLAG_LABELS,
    NOT_COMPUTABLE,
    NOT_PUBLISHED,
    SYMBOL_LABELS,
    flag_codes,
)

# Several flags on one value are written as their words joined like this.
WORD_SEPARATOR = "; "


@dataclass(frozen=True, slots=True)
class LegendEntry:
    kind: str  # "symbol" (column ``status``) or "merknad" (column ``flags``)
    key: str

    @property
    def label(self) -> str:
        """The meaning, in the reader's language (read from the declared table at each use)."""
        return (SYMBOL_LABELS if self.kind == "symbol" else FLAG_LABELS)[self.key]


LEGEND: tuple[LegendEntry, ...] = (
    *(LegendEntry("symbol", s) for s in SYMBOL_LABELS),
    *(LegendEntry("merknad", f) for f in FLAG_LABELS),
)


def _text(value: object) -> str:
    """A symbol or flag cell as text ("" where empty: None, NaN or "")."""
    return value if isinstance(value, str) else ""


def explain_missing(
    value: np.ndarray, status: np.ndarray, flags: np.ndarray, denominator: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """``status`` and ``flags`` with a symbol and a reason on every empty value.

    A value the source left empty without a symbol is either not computable (a zero denominator:
    ".", flag ``zero_denominator``) or not published (".."; ``not_published``). Symbols and flags
    that are there stay as they are; empty ones are None, never NaN or "".
    """
    status_out = np.array([_text(s) or None for s in status.tolist()], dtype=object)
    flags_out = np.array([_text(f) or None for f in flags.tolist()], dtype=object)
    numbers = np.asarray(value, dtype=np.float64)
    unexplained = np.isnan(numbers) & np.array([s is None for s in status_out], dtype=bool)
    if unexplained.any():
        zero = np.asarray(denominator, dtype=np.float64) == 0
        status_out[unexplained & zero] = NOT_COMPUTABLE
        status_out[unexplained & ~zero] = NOT_PUBLISHED
        no_flag = np.array([f is None for f in flags_out], dtype=bool)
        flags_out[unexplained & zero & no_flag] = "zero_denominator"
        flags_out[unexplained & ~zero & no_flag] = "not_published"
    return status_out, flags_out


def explained_columns(columns: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Columns by field name with ``explain_missing`` applied (unchanged without a status)."""
    out = dict(columns)
    if "status" in columns and "value" in columns:
        count = len(columns["status"])
        nothing = np.full(count, np.nan)
        out["status"], out["flags"] = explain_missing(
            columns["value"],
            columns["status"],
            columns.get("flags", np.full(count, None, dtype=object)),
            columns.get("denominator", nothing),
        )
    return out


def explained(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with ``explain_missing`` applied to its ``status`` and ``flags`` columns."""
    if "status" not in frame or "value" not in frame:
        return frame
    columns = {
        "value": frame["value"].to_numpy(dtype=np.float64, na_value=np.nan),
        "status": frame["status"].to_numpy(dtype=object),
    }
    if "flags" in frame:
        columns["flags"] = frame["flags"].to_numpy(dtype=object)
    if "denominator" in frame:
        columns["denominator"] = frame["denominator"].to_numpy(dtype=np.float64, na_value=np.nan)
    done = explained_columns(columns)
    return frame.assign(status=done["status"], flags=done["flags"])


def words(values: np.ndarray, labels: Mapping[str, str]) -> np.ndarray:
    """Symbols or flags (codes in one cell) as their Norwegian words; empty stays None.

    A key without a label is kept as it is rather than dropped, so nothing is lost if a new flag
    reaches a file before its words do (a test keeps ``FLAG_LABELS`` complete).
    """
    cache: dict[str, str] = {}
    out: list[str | None] = []
    for value in values.tolist():
        text = _text(value)
        if not text:
            out.append(None)
            continue
        if text not in cache:
            keys = flag_codes(text)
            cache[text] = WORD_SEPARATOR.join(labels.get(k, k) for k in keys)
        out.append(cache[text])
    return np.array(out, dtype=object)
