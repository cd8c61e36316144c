"""The in-memory observation table answers exactly what the snapshot's SQL answers.

The oracle is a plain DuckDB query on the same snapshot file, written here independently of
``observations.py``; selections are drawn by hypothesis from the fixture dataset's real codes.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oppvekst.snapshot.observations import ObservationQuery, ObservationTable, _ranges
from oppvekst.snapshot.store import Store
from oppvekst.snapshot.table import OBSERVATIONS

TOTALS = "sex = 'total' AND age = 'total' AND background = 'total' AND grade = 'total'"


def oracle(store: Store, query: ObservationQuery) -> pd.DataFrame:
    where = ["list_contains(?, indicator_id)"]
    params: list[Any] = [list(query.indicator_ids)]
    if query.regions is not None:
        where.append("list_contains(?, region)")
        params.append(list(query.regions))
    if query.periods is not None:
        where.append("list_contains(?, period)")
        params.append(list(query.periods))
    if query.breakdown:
        for column in ("sex", "age", "background", "grade"):
            where.append(f"{column} = ?")
            params.append(query.breakdown.get(column, "total"))
    elif not query.all_breakdowns:
        where.append(TOTALS)
    order = "indicator_id, region, period_end, period, rowid"
    sql = f"SELECT * FROM observations WHERE {' AND '.join(where)} ORDER BY {order}"
    return store.frame(sql, params)


def same(ours: pd.DataFrame, theirs: pd.DataFrame) -> None:
    assert list(ours.columns) == list(theirs.columns)
    assert len(ours) == len(theirs)
    pd.testing.assert_frame_equal(
        ours.reset_index(drop=True), theirs.reset_index(drop=True), check_dtype=False
    )
    for column in ours.columns:
        assert ours[column].dtype.kind == theirs[column].dtype.kind or len(ours) == 0, column


@pytest.fixture(scope="module")
def codes(store: Store) -> dict[str, list[str]]:
    table = store.observation_table
    return {
        "indicators": [str(v) for v in table.text["indicator_id"].values],
        "regions": [str(v) for v in table.text["region"].values],
        "periods": [str(v) for v in table.text["period"].values],
    }


def test_one_kommune_all_indicators_matches_sql(store: Store, codes: dict[str, list[str]]) -> None:
    query = ObservationQuery(codes["indicators"], ["0301"])
    ours = store.observations(query.indicator_ids, query.regions)
    assert len(ours) > 100
    same(ours, oracle(store, query))


def test_one_indicator_everywhere_matches_sql(store: Store) -> None:
    query = ObservationQuery(["barn-0-17"], None)
    ours = store.observations(["barn-0-17"])
    assert ours["region"].nunique() > 350
    same(ours, oracle(store, query))


def test_every_breakdown_and_a_chosen_one_match_sql(store: Store) -> None:
    ids = list(store.indicators)
    everything = ObservationQuery(ids, ["0301", "4601"], all_breakdowns=True)
    ours = store.observations(ids, ["0301", "4601"], all_breakdowns=True)
    assert set(ours["age"]) > {"total"}, "the fixture has age breakdowns"
    same(ours, oracle(store, everything))
    young = ObservationQuery(ids, ["0301"], breakdown={"age": "0-5"})
    chosen = store.observations(ids, ["0301"], breakdown={"age": "0-5"})
    assert len(chosen) > 10
    same(chosen, oracle(store, young))


def test_records_are_the_frame_with_none_for_missing(store: Store) -> None:
    ids = list(store.indicators)
    records = store.observation_records(ids, ["0301", "3201"])
    frame = store.observations(ids, ["0301", "3201"])
    assert len(records) == len(frame) > 0
    for record, (_, row) in zip(records, frame.iterrows(), strict=True):
        for key, value in record.items():
            expected = row[key]
            if isinstance(expected, float) and np.isnan(expected):
                assert value is None, key
            else:
                assert value == expected, key
    assert any(r["numerator"] is None for r in records), "some rows lack a numerator"


def test_records_with_every_breakdown_are_the_frame(store: Store) -> None:
    records = store.observation_records(["barn-0-17"], ["0301"], all_breakdowns=True)
    frame = store.observations(["barn-0-17"], ["0301"], all_breakdowns=True)
    assert len(records) == len(frame) > len(store.observation_records(["barn-0-17"], ["0301"]))
    assert [r["age"] for r in records] == list(frame["age"])


def test_breakdown_values_are_the_distinct_categories_in_sql(store: Store) -> None:
    for indicator_id in [*store.indicators, "no-such-indicator"]:
        found = store.breakdown_values(indicator_id)
        for column in ("sex", "age", "background", "grade"):
            rows = store.frame(
                f"SELECT DISTINCT {column} AS c FROM observations WHERE indicator_id = ?",
                [indicator_id],
            )
            distinct = set(rows["c"])
            if distinct == {"total"}:
                assert column not in found, (indicator_id, column)
            else:
                assert sorted(found[column]) == sorted(distinct), (indicator_id, column)
    assert store.breakdown_values("no-such-indicator") == {
        "sex": [],
        "age": [],
        "background": [],
        "grade": [],
    }


def test_a_table_read_in_small_chunks_with_missing_integers_is_the_sorted_sql(
    tmp_path: Path,
) -> None:
    """Read a few rows at a time: an integer column with a NULL comes out as floats with NaN
    (as a whole DataFrame would have it), one without as integers, every row once, sorted."""
    con = duckdb.connect(str(tmp_path / "tiny.duckdb"))
    con.execute(OBSERVATIONS.ddl("observations"))
    rows = [
        ("b", "0301", "2024", 2024, 2024, None, 3.5),
        ("a", "0301", "2023", None, 2023, "..", None),
        ("a", "0301", "2021-2023", 2021, 2023, None, 1.0),
        ("a", "03", "2022", 2022, 2022, None, 2.0),
        ("b", "0", "2024", 2024, 2024, ":", None),
        ("a", "0301", "2020", 2020, 2020, None, 0.5),
        ("b", "0", "2020", 2020, 2020, None, 7.0),
    ]
    for indicator, region, period, start, end, status, value in rows:
        con.execute(
            "INSERT INTO observations (indicator_id, region, period, period_start, period_end, "
            "sex, age, background, grade, value, status, synthetic) "
            "VALUES (?, ?, ?, ?, ?, 'total', 'total', 'total', 'total', ?, ?, false)",
            [indicator, region, period, start, end, value, status],
        )

    def chunks(sql: str) -> Iterator[pd.DataFrame]:
        frame = con.execute(sql).df()
        for start in range(0, len(frame), 2):
            yield frame.iloc[start : start + 2]

    def fetch(sql: str) -> list[tuple[Any, ...]]:
        return con.execute(sql).fetchall()

    table = ObservationTable.load(chunks, fetch)
    ours = table.frame(np.arange(table.rows))
    theirs = con.execute(
        "SELECT * FROM observations ORDER BY indicator_id, region, period_end, period, rowid"
    ).df()
    # DuckDB's own frame holds a nullable Int32; the table (like the whole-frame load before it)
    # holds floats with NaN there.
    theirs["period_start"] = theirs["period_start"].astype(float)
    same(ours, theirs)
    assert table.numbers["period_start"].dtype.kind == "f"
    assert np.isnan(table.numbers["period_start"]).sum() == 1
    assert table.numbers["period_end"].dtype == np.int32
    assert table.categories("status") == {"a": frozenset({"..", None}), "b": frozenset({":", None})}


def test_unknown_codes_give_nothing_rather_than_fail(store: Store) -> None:
    assert store.observations(["no-such-indicator"], ["0301"]).empty
    assert store.observations(["barn-0-17"], ["9999"]).empty
    assert store.observation_records(["barn-0-17"], ["0301"], ["1066"]) == []


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_any_selection_matches_sql(
    store: Store, codes: dict[str, list[str]], data: st.DataObject
) -> None:
    indicators = data.draw(st.lists(st.sampled_from(codes["indicators"]), min_size=1, max_size=6))
    regions = data.draw(
        st.none() | st.lists(st.sampled_from(codes["regions"] + ["0000"]), max_size=8)
    )
    periods = data.draw(
        st.none() | st.lists(st.sampled_from(codes["periods"] + ["1900"]), min_size=1, max_size=4)
    )
    every = data.draw(st.booleans())
    query = ObservationQuery(indicators, regions, periods, None, every)
    ours = store.observations(indicators, regions, periods, all_breakdowns=every)
    same(ours, oracle(store, query))


@given(st.lists(st.tuples(st.integers(0, 50), st.integers(0, 5)), max_size=20))
def test_ranges_concatenate_the_runs(runs: list[tuple[int, int]]) -> None:
    starts = np.array([s for s, _ in runs], dtype=np.int64)
    stops = np.array([s + n for s, n in runs], dtype=np.int64)
    expected = [p for s, n in runs for p in range(s, s + n)]
    assert _ranges(starts, stops).tolist() == expected
