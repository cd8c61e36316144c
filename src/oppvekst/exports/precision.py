"""Precision on purpose: the files for people at the published decimals, for programs in full.

The Norwegian CSV and the Excel workbook are read by planners, who want the number the indicator
page shows (29,6), not 29,58232002 — so their value columns are rounded to each indicator's
published decimals by the pages' own rounding (``views.numbers.rounded``, half away from zero).
``csv-plain``, JSON, JSON-stat and Parquet are read by programs and keep every digit of the double.
Counts (numerator, denominator) are not rounded: they are what they are.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from oppvekst.views.numbers import rounded

# The columns in the indicator's unit: what the page shows rounded to its decimals.
ROUNDED = frozenset({"value", "lower95", "upper95", "lower998", "upper998", "benchmark_value"})


def published(values: np.ndarray, decimals: np.ndarray) -> np.ndarray:
    """``values`` rounded as the page rounds them, each to its row's ``decimals`` (-1: as is).

    Each distinct (value, decimals) pair is rounded once: columns repeat values, and the page's
    rounding works on the decimal text of the double, which costs about a microsecond a value.
    """
    numbers = np.asarray(values, dtype=np.float64)
    out = numbers.copy()
    for places in np.unique(decimals).tolist():
        if places < 0:
            continue
        rows = (decimals == places) & ~np.isnan(numbers)
        distinct, inverse = np.unique(numbers[rows], return_inverse=True)
        done = np.array([float(rounded(v, places)) for v in distinct.tolist()], dtype=np.float64)
        out[rows] = done[inverse] if len(distinct) else out[rows]
    return out


def row_decimals(indicator_ids: np.ndarray, decimals: Mapping[str, int]) -> np.ndarray:
    """Per row the published decimals of its indicator (-1 for an indicator not described)."""
    return np.array([decimals.get(str(i), -1) for i in indicator_ids.tolist()], dtype=np.int64)


def at_published_precision(
    columns: Mapping[str, np.ndarray], decimals: Mapping[str, int]
) -> dict[str, np.ndarray]:
    """The columns (by field name) with the value columns rounded to the published decimals."""
    places = row_decimals(columns["indicator_id"], decimals)
    return {
        name: published(values, places) if name in ROUNDED else values
        for name, values in columns.items()
    }
