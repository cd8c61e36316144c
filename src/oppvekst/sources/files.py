"""File source: CSV/XLSX files read through a declared column mapping into one tidy shape.

Output columns: ``region``, ``period``, the breakdown columns, ``value``, ``numerator``,
``denominator`` (floats, NaN when absent) and ``status`` (the raw symbol such as ``..`` or ``*``,
None for a plain number). Handles Udir Statistikkbanken exports (UTF-16, tab, a first ``sep=``
line, compound ``2021.Alle eierformer.Antall`` headers), Bufdir kommunemonitor XLSX (wide years,
Norwegian decimal strings) and plain long CSVs.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from oppvekst.errors import MalformedResponse

FileFormat = Literal["csv", "xlsx"]
ValueTransform = Literal["none", "percent_to_fraction", "fraction_to_percent"]
RegionCodes = Literal["as_is", "even_digits"]
DEFAULT_MISSING = ("..", "...", ":", ".", "*", "NULL", "")
_SPACES = re.compile(r"[\s\u00a0\u202f]")


@dataclass(frozen=True, slots=True)
class WideColumns:
    """Columns whose header matches ``pattern`` are melted into rows.

    Named groups become columns: ``period`` is required unless the mapping names a period column;
    a ``region`` group takes the region from the header; any other group becomes a breakdown.
    """

    pattern: str


@dataclass(frozen=True, slots=True)
class FileSource:
    path: Path
    format: FileFormat
    region: str | None = None  # column holding the region code (None: from a wide header group)
    period: str | None = None  # long layout: column holding the period
    value: str | None = None  # long layout: column holding the value
    numerator: str | None = None
    denominator: str | None = None
    breakdowns: tuple[str, ...] = ()
    wide: WideColumns | None = None
    encoding: str = "utf-8"
    separator: str = ","
    decimal: str = "."
    sheet: str | int = 0
    header_row: int = 0  # 0-based, counted after a leading "sep=" line
    missing: tuple[str, ...] = DEFAULT_MISSING
    transform: ValueTransform = "none"
    keep_rows: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # column → kept values
    constants: Mapping[str, str] = field(default_factory=dict)  # e.g. {"period": "2021"}
    region_codes: RegionCodes = "as_is"  # "even_digits" restores a lost leading zero (301 → 0301)


def _fail(source: FileSource, detail: str) -> MalformedResponse:
    return MalformedResponse(
        f"File {source.path.name}: {detail}",
        hint="Check the column mapping (names, separator, encoding, header row) against the file.",
    )


def read(source: FileSource) -> pd.DataFrame:
    raw = _read_raw(source)
    for column, kept in source.keep_rows.items():
        _require(source, raw, column)
        raw = raw[raw[column].map(_text).isin(kept)]
    frame = _melt(source, raw) if source.wide else _long(source, raw)
    for column, constant in source.constants.items():
        frame[column] = constant
    return _tidy(source, frame)


def _read_raw(source: FileSource) -> pd.DataFrame:
    if not source.path.is_file():
        raise _fail(source, f"not found at {source.path}")
    if source.format == "xlsx":
        return pd.read_excel(
            source.path, sheet_name=source.sheet, header=source.header_row, dtype=object
        )
    text = source.path.read_bytes().decode(source.encoding).lstrip("\ufeff")
    separator = source.separator
    first, _, rest = text.partition("\n")
    if first.startswith("sep="):
        # Excel's separator hint line (Udir exports): it names the separator and is not data.
        separator = first[4:].rstrip("\r") or separator
        text = rest
    try:
        return pd.read_csv(
            io.StringIO(text),
            sep=separator,
            header=source.header_row,
            dtype=str,
            keep_default_na=False,
        )
    except (pd.errors.ParserError, ValueError) as exc:
        raise _fail(source, f"cannot be parsed as CSV ({exc})") from exc


def _require(source: FileSource, frame: pd.DataFrame, column: str) -> None:
    if column not in frame.columns:
        shown = ", ".join(str(c) for c in list(frame.columns)[:12])
        raise _fail(source, f"has no column {column!r} (columns: {shown})")


def _long(source: FileSource, raw: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame(index=raw.index)
    mapping = {
        "region": source.region,
        "period": source.period,
        "value": source.value,
        "numerator": source.numerator,
        "denominator": source.denominator,
    }
    if source.value is None and source.numerator is None:
        raise _fail(source, "the mapping names neither a value nor a wide layout")
    for target, column in mapping.items():
        if column is not None:
            _require(source, raw, column)
            out[target] = raw[column]
    for column in source.breakdowns:
        _require(source, raw, column)
        out[column] = raw[column]
    return out.reset_index(drop=True)


def _melt(source: FileSource, raw: pd.DataFrame) -> pd.DataFrame:
    assert source.wide is not None
    pattern = re.compile(source.wide.pattern)
    matched = {c: pattern.fullmatch(str(c).strip()) for c in raw.columns}
    value_columns = [c for c, m in matched.items() if m is not None]
    if not value_columns:
        raise _fail(source, f"no column header matches the wide pattern {source.wide.pattern!r}")
    groups = list(pattern.groupindex)
    if "period" not in groups and source.period is None and "period" not in source.constants:
        raise _fail(source, "a wide layout needs a 'period' group, a period column or a constant")
    ids = [c for c in (source.region, source.period, *source.breakdowns) if c is not None]
    for column in ids:
        _require(source, raw, column)
    long = raw[ids + value_columns].melt(id_vars=ids, var_name="_column", value_name="value")
    header_parts = {c: m.groupdict() for c, m in matched.items() if m is not None}
    for group in groups:
        long[group] = long["_column"].map(lambda c, g=group: header_parts[c][g])
    renames = {source.region: "region", source.period: "period"}
    long = long.rename(columns={k: v for k, v in renames.items() if k is not None})
    return long.drop(columns="_column")


def _text(cell: object) -> str:
    if cell is None or (isinstance(cell, float) and np.isnan(cell)):
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def _numbers(
    source: FileSource, cells: pd.Series[Any]
) -> tuple[np.ndarray[Any, np.dtype[np.float64]], list[str | None]]:
    values = np.full(len(cells), np.nan, dtype=np.float64)
    status: list[str | None] = [None] * len(cells)
    missing = set(source.missing)
    for i, cell in enumerate(cells.tolist()):
        if isinstance(cell, int | float) and not isinstance(cell, bool):
            if not np.isnan(cell):
                values[i] = float(cell)
                continue
            cell = ""
        text = _text(cell)
        if text in missing:
            status[i] = text
            continue
        cleaned = _SPACES.sub("", text).removesuffix("%")
        if source.decimal != ".":
            cleaned = cleaned.replace(".", "").replace(source.decimal, ".")
        try:
            values[i] = float(cleaned)
        except ValueError:
            status[i] = text  # an unknown symbol: kept, never turned into a number
    return values, status


def _tidy(source: FileSource, frame: pd.DataFrame) -> pd.DataFrame:
    if "region" not in frame.columns:
        raise _fail(source, "no region: name a region column or a 'region' group in the pattern")
    if "period" not in frame.columns:
        raise _fail(source, "no period: name a period column, a 'period' group or a constant")
    breakdowns = [c for c in frame.columns if c not in _NUMERIC and c not in ("region", "period")]
    out = pd.DataFrame({"region": frame["region"].map(_text), "period": frame["period"].map(_text)})
    if source.region_codes == "even_digits":
        out["region"] = out["region"].map(lambda c: "0" + c if c.isdigit() and len(c) % 2 else c)
    for column in breakdowns:
        out[column] = frame[column].map(_text)
    status: list[str | None] = [None] * len(frame)
    for column in _NUMERIC:
        if column in frame.columns:
            numbers, symbols = _numbers(source, frame[column])
            if column == "value":
                status = symbols
        else:
            numbers = np.full(len(frame), np.nan)
        out[column] = _transform(source.transform, numbers) if column == "value" else numbers
    out["status"] = pd.Series(status, dtype=object, index=out.index)
    return out.reset_index(drop=True)


_NUMERIC = ("value", "numerator", "denominator")


def _transform(
    transform: ValueTransform, values: np.ndarray[Any, np.dtype[np.float64]]
) -> np.ndarray[Any, np.dtype[np.float64]]:
    if transform == "percent_to_fraction":
        return values / 100.0
    if transform == "fraction_to_percent":
        return values * 100.0
    return values
