"""An in-memory, columnar copy of one snapshot's observations, indexed by indicator and region.

Every page and API call asks for "these indicators × these regions (× these periods)". DuckDB
answers that with a scan of the whole table plus about a millisecond of fixed cost per query
(7–20 ms for a kommune's key indicators at national scale), which dominated the API's latency.
A snapshot never changes, so the table is read once, sorted by (indicator, region, period_end,
period), and a selection becomes a binary search per (indicator, region) pair and a gather.

Text columns are held as dictionary codes (a small int array plus the distinct values) so that
the copy costs ~110 bytes a row rather than a Python string object per cell; the 10× scale
benchmark holds two million rows this way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from oppvekst.snapshot.table import BREAKDOWNS, OBSERVATIONS, FieldType

# The column order of the snapshot table (and so of every frame handed out); text columns are kept
# as dictionary codes, the rest as numpy arrays of their own type.
COLUMN_ORDER = OBSERVATIONS.names
TEXT_COLUMNS = tuple(f.name for f in OBSERVATIONS.fields if f.type is FieldType.STRING)
NUMBER_COLUMNS = tuple(c for c in COLUMN_ORDER if c not in TEXT_COLUMNS)
# Rows are kept in (indicator_id, region, period_end, period) order; rows that differ only by
# breakdown keep the order the pipeline wrote them in (rowid).

# A query's result in chunks of rows (DataFrames), so the whole result is never held twice.
ChunkQuery = Callable[[str], Iterator[pd.DataFrame]]
Fetch = Callable[[str], list[tuple[Any, ...]]]


@dataclass(frozen=True, slots=True)
class TextColumn:
    codes: np.ndarray  # int32 index into values, one per row
    values: np.ndarray  # object array of the distinct texts (None for NULL), sorted
    lookup: dict[str, int]  # text → code

    def take(self, positions: np.ndarray) -> np.ndarray:
        taken: np.ndarray = self.values[self.codes[positions]]
        return taken

    def code(self, text: str) -> int:
        return self.lookup.get(text, -1)


@dataclass(frozen=True, slots=True)
class ObservationQuery:
    """What to take. ``breakdown`` names a category per column (``"*"``: every category; a
    column not named: its total); None means totals only, or everything with ``all_breakdowns``."""

    indicator_ids: Sequence[str]
    regions: Sequence[str] | None = None
    periods: Sequence[str] | None = None
    breakdown: dict[str, str] | None = None
    all_breakdowns: bool = False


class ObservationTable:
    def __init__(self, text: dict[str, TextColumn], numbers: dict[str, np.ndarray]) -> None:
        self.text = text
        self.numbers = numbers
        self.rows = len(text["indicator_id"].codes)
        indicator, region = text["indicator_id"], text["region"]
        # One sortable key per row: the table is sorted by (indicator, region), so the keys are
        # non-decreasing and a (indicator, region) pair is a contiguous run found by bisection.
        self._regions = len(region.values)
        self.keys = indicator.codes.astype(np.int64) * self._regions + region.codes
        self.is_total = np.ones(self.rows, dtype=bool)
        for column in BREAKDOWNS:
            self.is_total &= text[column].codes == text[column].code("total")

    @classmethod
    def load(cls, chunks: ChunkQuery, fetch: Fetch) -> ObservationTable:
        # Each text column is replaced by its code through a join with its (tiny) table of
        # distinct values, so no Python string is made per cell; NULL gets the code after the
        # last value (whose slot holds None).
        text_values: dict[str, list[Any]] = {}
        joins, coded = [], []
        for n, column in enumerate(TEXT_COLUMNS):
            rows = fetch(
                f"SELECT DISTINCT {column} FROM observations WHERE {column} IS NOT NULL ORDER BY 1"  # noqa: S608
            )
            text_values[column] = [r[0] for r in rows]
            joins.append(  # column names are this module's constants, never input
                f"LEFT JOIN (SELECT v, (row_number() OVER (ORDER BY v) - 1)::INTEGER AS c FROM "  # noqa: S608
                f"(SELECT DISTINCT {column} AS v FROM observations WHERE {column} IS NOT NULL)) "
                f"d{n} ON d{n}.v = o.{column}"
            )
            coded.append(f"coalesce(d{n}.c, {len(rows)}) AS c_{column}")
        numbers = ", ".join(f"o.{c}" for c in NUMBER_COLUMNS)
        count, types = _column_types(fetch)
        columns = _filled(
            chunks(
                f"SELECT {', '.join(coded)}, {numbers}, o.rowid AS row_id "  # noqa: S608
                f"FROM observations o {' '.join(joins)}"
            ),
            count,
            types,
        )
        # Sorted here rather than in SQL: a stable numpy sort of small integer keys needs far
        # less memory than DuckDB sorting the whole row. Codes follow the texts' sort order.
        order = np.lexsort(
            (
                columns.pop("row_id"),
                columns["c_period"],
                columns["period_end"],
                columns["c_region"],
                columns["c_indicator_id"],
            )
        )
        # One column at a time, each sorted copy replacing its unsorted one, so the load holds
        # the table about once (plus a column) rather than twice.
        text: dict[str, TextColumn] = {}
        for column, distinct in text_values.items():
            values = np.empty(len(distinct) + 1, dtype=object)
            values[:-1] = distinct
            values[-1] = None
            codes = columns.pop(f"c_{column}")[order]
            lookup = {str(v): i for i, v in enumerate(distinct)}
            text[column] = TextColumn(codes, values, lookup)
        return cls(text, {c: columns.pop(c)[order] for c in NUMBER_COLUMNS})

    # --- choosing rows ---------------------------------------------------------------------------
    def positions(self, selection: ObservationQuery) -> np.ndarray:
        """Row positions of the selection, in (indicator, region, period_end, period) order."""
        indicator_codes = _known(self.text["indicator_id"], selection.indicator_ids)
        region_column = self.text["region"]
        if selection.regions is None:
            region_codes = np.arange(self._regions, dtype=np.int64)
        else:
            region_codes = _known(region_column, selection.regions)
        wanted = np.unique(
            (indicator_codes[:, None] * self._regions + region_codes[None, :]).ravel()
        )
        starts = np.searchsorted(self.keys, wanted, side="left")
        stops = np.searchsorted(self.keys, wanted, side="right")
        positions = _ranges(starts, stops)
        if selection.periods is not None:
            periods = _known(self.text["period"], selection.periods)
            positions = positions[np.isin(self.text["period"].codes[positions], periods)]
        if selection.breakdown:
            # A named category, "*" for every category, and "total" where nothing is said.
            for column in BREAKDOWNS:
                category = selection.breakdown.get(column, "total")
                if category != "*":
                    code = self.text[column].code(category)
                    positions = positions[self.text[column].codes[positions] == code]
        elif not selection.all_breakdowns:
            positions = positions[self.is_total[positions]]
        return positions

    def categories(self, column: str) -> dict[str, frozenset[str]]:
        """Indicator → the distinct texts of ``column`` among its rows (one pass over the codes)."""
        indicator, other = self.text["indicator_id"], self.text[column]
        width = len(other.values)
        pairs = np.unique(indicator.codes.astype(np.int64) * width + other.codes)
        found: dict[str, set[str]] = {}
        for indicator_code, code in zip(*np.divmod(pairs, width), strict=True):
            found.setdefault(str(indicator.values[indicator_code]), set()).add(other.values[code])
        return {k: frozenset(v) for k, v in found.items()}

    # --- handing rows out --------------------------------------------------------------------------
    def column(self, name: str, positions: np.ndarray) -> np.ndarray:
        if name in self.text:
            return self.text[name].take(positions)
        taken: np.ndarray = self.numbers[name][positions]
        return taken

    def frame(self, positions: np.ndarray) -> pd.DataFrame:
        return pd.DataFrame(
            {name: self.column(name, positions) for name in COLUMN_ORDER},
            index=pd.RangeIndex(len(positions)),
        )

    def records(self, positions: np.ndarray) -> list[dict[str, Any]]:
        """Plain dicts with None for missing numbers (as a database cursor gives them)."""
        return as_records(COLUMN_ORDER, [self.column(name, positions) for name in COLUMN_ORDER])


def as_records(names: Sequence[str], columns: Sequence[np.ndarray]) -> list[dict[str, Any]]:
    """Rows as plain dicts from equal-length columns, built column by column (missing as None)."""
    values = [python_values(column) for column in columns]
    return [dict(zip(names, row, strict=True)) for row in zip(*values, strict=True)]


def python_values(array: np.ndarray) -> list[Any]:
    """A column as Python values, missing floats as None (NaN is neither JSON nor SQL NULL)."""
    if array.dtype.kind == "f":
        missing = np.isnan(array)
        if missing.any():
            boxed = array.astype(object)
            boxed[missing] = None
            return list(boxed)
    return list(array.tolist())


def _column_types(fetch: Fetch) -> tuple[int, dict[str, np.dtype[Any]]]:
    """The number of rows, and the dtype each column of the load takes as a whole-result
    DataFrame would give it: an integer column holding a NULL is float (NaN), else int32."""
    integers = [f.name for f in OBSERVATIONS.fields if f.type is FieldType.INTEGER]
    counts = fetch(
        f"SELECT count(*), {', '.join(f'count({c})' for c in integers)} FROM observations"  # noqa: S608
    )[0]
    types: dict[str, np.dtype[Any]] = {f"c_{c}": np.dtype(np.int32) for c in TEXT_COLUMNS}
    for field in OBSERVATIONS.fields:
        if field.type is FieldType.NUMBER:
            types[field.name] = np.dtype(np.float64)
        elif field.type is FieldType.BOOLEAN:
            types[field.name] = np.dtype(bool)
    for name, count in zip(integers, counts[1:], strict=True):
        types[name] = np.dtype(np.int32 if count == counts[0] else np.float64)
    types["row_id"] = np.dtype(np.int64)
    return int(counts[0]), types


def _filled(
    chunks: Iterator[pd.DataFrame], rows: int, types: dict[str, np.dtype[Any]]
) -> dict[str, np.ndarray]:
    """The chunks' columns copied into one array per column, each made once at its full size."""
    columns = {name: np.empty(rows, dtype=dtype) for name, dtype in types.items()}
    start = 0
    for chunk in chunks:
        end = start + len(chunk)
        if end > rows:
            raise RuntimeError("the observations grew while they were read")
        for name, array in columns.items():
            array[start:end] = chunk[name].to_numpy()
        start = end
    if start != rows:
        raise RuntimeError(f"read {start} observations of {rows}")
    return columns


def _known(column: TextColumn, texts: Sequence[str]) -> np.ndarray:
    codes = [column.code(t) for t in texts]
    return np.array([c for c in codes if c >= 0], dtype=np.int64)


def _ranges(starts: np.ndarray, stops: np.ndarray) -> np.ndarray:
    """The concatenation of ``range(start, stop)`` for each pair, without a Python loop."""
    lengths = stops - starts
    total = int(lengths.sum())
    if total == 0:
        return np.empty(0, dtype=np.int64)
    keep = lengths > 0
    starts, lengths = starts[keep], lengths[keep]
    # Each run begins at its start; within a run the position steps by one.
    steps = np.ones(total, dtype=np.int64)
    run_heads = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    steps[run_heads] = starts - np.concatenate(([0], starts[:-1] + lengths[:-1] - 1))
    steps[0] = starts[0]
    return np.cumsum(steps)
