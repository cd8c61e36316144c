"""One observation cell of tidy rows, picked by region and breakdown (the others at «total»)."""

from __future__ import annotations

import pandas as pd


def one_cell(rows: pd.DataFrame, region: str, **cell: str) -> pd.Series:
    """The single row of ``region`` with these breakdown categories; fails unless exactly one."""
    keys = {"sex": "total", "age": "total", "background": "total", "grade": "total", **cell}
    mask = rows["region"] == region
    for column, value in keys.items():
        mask &= rows[column] == value
    found = rows[mask]
    assert len(found) == 1, (region, cell, found)
    return found.iloc[0]
