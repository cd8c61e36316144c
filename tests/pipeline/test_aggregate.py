"""Fylke and land rows the sources lack, summed from kommuner through stats.harmonisation."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from oppvekst.catalog.schema import Indicator
from oppvekst.pipeline.aggregate import aggregate_up
from oppvekst.snapshot.store import Store

CATALOG = Path(__file__).resolve().parents[2] / "src" / "oppvekst" / "catalog" / "indicators"
PARENT = {"1101": "11", "1103": "11", "4601": "46"}


def _indicator(name: str) -> Indicator:
    return Indicator.model_validate(
        yaml.safe_load((CATALOG / f"{name}.yml").read_text(encoding="utf-8"))
    )


def _frame(rows: list[tuple[str, float, float | None, float | None, float | None]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "region": [r[0] for r in rows],
            "period": "2013",
            "sex": "total",
            "age": "total",
            "background": "total",
            "grade": "total",
            "value": [r[1] for r in rows],
            "numerator": [r[2] for r in rows],
            "denominator": [r[3] for r in rows],
            "n": [r[4] for r in rows],
            "status": None,
        }
    )


def test_a_share_is_pooled_and_a_share_without_counts_has_no_parent() -> None:
    share = _indicator("barnehage-1-5")
    pooled = aggregate_up(
        _frame([("1101", 50.0, 5, 10, None), ("1103", 20.0, 20, 100, None)]), share, PARENT
    )
    assert pooled["region"].tolist() == ["11"]  # 46 lacks its member 4601: no partial total
    assert pooled["value"].iloc[0] == pytest.approx(25 / 110 * 100)
    # Before, a member without counts made the parent the *sum* of the shares (461 % once).
    bare = aggregate_up(
        _frame([("1101", 50.0, None, None, None), ("1103", 20.0, 20, 100, None)]), share, PARENT
    )
    assert bare.empty


def test_a_score_is_weighted_by_respondents() -> None:
    score = _indicator("grunnskolepoeng")
    out = aggregate_up(
        _frame([("1101", 4.0, None, None, 100.0), ("1103", 3.0, None, None, 300.0)]), score, PARENT
    )
    assert out["value"].iloc[0] == pytest.approx((400 + 900) / 400)
    assert out["n"].iloc[0] == 400


def test_no_aggregated_share_in_the_build_exceeds_its_whole(store: Store) -> None:
    rows = store.frame(
        "SELECT o.value, i.multiplier FROM observations o JOIN indicators i ON i.id = o.indicator_id "
        "WHERE o.flags = 'aggregated' AND i.measure = 'proportion'"
    )
    assert len(rows) > 0
    assert bool(np.all(rows["value"] <= rows["multiplier"] + 1e-9))
