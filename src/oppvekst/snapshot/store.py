"""Read-only queries on the published snapshot.

A ``Store`` wraps one snapshot file opened read-only; it never changes, so whatever it computes can be
cached on it. ``StoreManager`` (``snapshot.current``) hands out the store of the snapshot ``CURRENT`` points to and switches
when a new one is published: a request takes one store at its start and uses only that, so each
response comes wholly from one snapshot (old or new, never a mix). No state lives in the process
that a second replica reading the same file could not rebuild.
"""

from __future__ import annotations

import copy
import json
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Self, TypeVar, overload

import duckdb
import pandas as pd

from oppvekst.catalog import breakdown_dimensions, default_catalog
from oppvekst.catalog.schema import Indicator, Package, Topic
from oppvekst.errors import OppvekstError, UnknownIndicator
from oppvekst.language import DEFAULT, Language
from oppvekst.regions.registry import Region, Registry
from oppvekst.regions.tree import registry_from_tables
from oppvekst.snapshot.observations import ObservationQuery, ObservationTable
from oppvekst.snapshot.table import BREAKDOWNS, TOTAL

TOTAL_FILTER = "sex = 'total' AND age = 'total' AND background = 'total' AND grade = 'total'"
_T = TypeVar("_T")
CHUNK_VECTORS = 64  # DuckDB vectors (2 048 rows each) per chunk of a large result


class snapshot_cached(cached_property[_T]):  # noqa: N801 (a decorator, named like the one it extends)
    """A ``cached_property`` of the snapshot, not of a language: a store's language copy
    (``Store.in_language``) reads and fills its base store's value, so the observation table and
    the other indexes are read once per snapshot, not once per language."""

    @overload
    def __get__(self, instance: None, owner: type[Any] | None = None) -> Self: ...
    @overload
    def __get__(self, instance: object, owner: type[Any] | None = None) -> _T: ...
    def __get__(self, instance: object | None, owner: type[Any] | None = None) -> Self | _T:
        if instance is None:
            return self
        base: object = instance.__dict__.get("_translated_from", instance)
        return super().__get__(base, owner)


@dataclass(frozen=True, slots=True)
class RegionRow:
    """A region as the pages and the API show it; made from the snapshot's ``Registry``."""

    code: str
    name: str
    level: str
    parent: str | None
    kostra_group: str | None
    kostra_name: str | None
    centrality: int | None
    search_key: str

    @classmethod
    def of(cls, region: Region) -> RegionRow:
        return cls(
            region.code,
            region.name,
            str(region.level),
            region.parent,
            region.kostra_group,
            region.kostra_name,
            region.centrality,
            region.search_key,
        )


class Store:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._con = duckdb.connect(str(path), read_only=True)
        self._lock = threading.Lock()
        self.meta: dict[str, str] = dict(self._fetch("SELECT key, value FROM meta"))
        self.snapshot_id = self.meta.get("snapshot_id", path.stem)
        # What a response cache keys on: the snapshot, plus (for a signed-in viewer's overlay,
        # ``workspace.overlay``) the own data mixed into it. Never key a cache on snapshot_id.
        self.cache_identity: str = self.snapshot_id
        # The one region registry (codes, history, counties, search), read back from the
        # snapshot's region tables; ``regions`` is its regions in tree order, as rows.
        self.registry: Registry = registry_from_tables(
            *(self.records(f"SELECT * FROM {table}") for table in self._region_tables())
        )
        self.regions: dict[str, RegionRow] = {r.code: RegionRow.of(r) for r in self.registry}
        catalog = default_catalog()
        self.indicators: dict[str, Indicator] = {
            row[0]: Indicator.model_validate(_translated(json.loads(row[1]), catalog.indicator))
            for row in self._fetch("SELECT id, record FROM indicators ORDER BY id")
        }
        self._languages: dict[Language, Store] = {}
        self._languages_of: Store | None = self

    def in_language(self, lang: Language) -> Store:
        """This store with the catalogue's texts (indicators, topics, packages) in ``lang``: a
        shallow copy sharing the snapshot, its connection and its caches, made once per language.
        Every view reads the records from the store it is given, so none needs a second path."""
        base: Store = self.__dict__.get("_translated_from", self)
        if lang is DEFAULT:
            return base
        # The copies belong to the store that made them: a copy of a store (an overlay made with
        # copy.copy, or a subclass that skips __init__) makes its own.
        if base.__dict__.get("_languages_of") is not base:
            base._languages, base._languages_of = {}, base
        translated = base._languages.get(lang)
        if translated is None:
            records = base._topic_records
            translated = copy.copy(base)
            translated.__dict__.update(
                _translated_from=base,
                indicators={k: ind.in_language(lang) for k, ind in base.indicators.items()},
                topics=[
                    {**t, **records[t["id"]].translations.of(lang).model_dump()}
                    if t["id"] in records
                    else t  # no record (none is expected): shown as written
                    for t in base.topics
                ],
                packages=[
                    Package.model_validate(p).in_language(lang).model_dump(mode="json")
                    for p in base.packages
                ],
            )
            translated = base._languages.setdefault(lang, translated)
        return translated

    def close(self) -> None:
        self._con.close()

    @snapshot_cached
    def _tables(self) -> frozenset[str]:
        return frozenset(r[0] for r in self._fetch("SELECT table_name FROM duckdb_tables()"))

    def _region_tables(self) -> list[str]:
        # Snapshots written before ``region_crosswalk`` existed have only the first two.
        return [t for t in ("regions", "region_changes", "region_crosswalk") if t in self._tables]

    @snapshot_cached
    def breaks(self) -> dict[str, list[tuple[str, str, str]]]:
        """Indicator → its breaks as (region, period, reason), read once per snapshot (a few
        thousand rows); empty for a snapshot from before breaks were recorded."""
        if "harmonisation" not in self._tables:
            return {}
        index: dict[str, list[tuple[str, str, str]]] = {}
        rows = self._fetch(
            "SELECT DISTINCT indicator_id, region, period, reason FROM harmonisation "
            "ORDER BY indicator_id, region, period, reason"
        )
        for indicator_id, region, period, reason in rows:
            index.setdefault(indicator_id, []).append((region, period, reason))
        return index

    def _fetch(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            cursor = self._con.cursor()
        try:
            return cursor.execute(sql, list(params)).fetchall()
        finally:
            cursor.close()

    def frame(self, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        with self._lock:
            cursor = self._con.cursor()
        try:
            return cursor.execute(sql, list(params)).df()
        finally:
            cursor.close()

    def _chunks(self, sql: str) -> Iterator[pd.DataFrame]:
        """A large result a chunk of rows at a time: ``frame`` would hold it twice at its peak
        (DuckDB's result and the DataFrame), which set a worker's peak memory."""
        with self._lock:
            cursor = self._con.cursor()
        try:
            result = cursor.execute(sql)
            while len(chunk := result.fetch_df_chunk(CHUNK_VECTORS)):
                yield chunk
        finally:
            cursor.close()

    def records(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """Small results as plain dicts: much cheaper than a DataFrame for a page's few rows."""
        with self._lock:
            cursor = self._con.cursor()
        try:
            result = cursor.execute(sql, list(params))
            names = [d[0] for d in result.description or ()]
            return [dict(zip(names, row, strict=True)) for row in result.fetchall()]
        finally:
            cursor.close()

    # --- metadata ---------------------------------------------------------------------------
    @property
    def synthetic_rows(self) -> int:
        return int(self.meta.get("synthetic_rows", "0"))

    @property
    def data_mode(self) -> str:
        return self.meta.get("data_mode", "ukjent")

    def indicator(self, indicator_id: str) -> Indicator:
        try:
            return self.indicators[indicator_id]
        except KeyError:
            raise UnknownIndicator(
                f"Indikatoren «{indicator_id}» finnes ikke.",
                hint="Se listen over indikatorer i statistikkbanken.",
            ) from None

    @cached_property
    def topics(self) -> list[dict[str, Any]]:
        rows = self._fetch("SELECT id, title, description, rank FROM topics ORDER BY rank")
        return [dict(zip(("id", "title", "description", "rank"), r, strict=True)) for r in rows]

    @snapshot_cached
    def _topic_records(self) -> dict[str, Topic]:
        """The whole topic records (with translations), from the snapshot or, for a snapshot
        written before they were kept, the catalogue."""
        columns = self._fetch(
            "SELECT column_name FROM duckdb_columns() WHERE table_name = 'topics'"
        )
        if ("record",) not in columns:
            return {t.id: t for t in default_catalog().topics}
        rows = self._fetch("SELECT id, record FROM topics")
        return {r[0]: Topic.model_validate_json(r[1]) for r in rows}

    @cached_property
    def packages(self) -> list[dict[str, Any]]:
        catalog = default_catalog()
        return [
            _translated(json.loads(r[0]), catalog.package)
            for r in self._fetch("SELECT record FROM packages ORDER BY id")
        ]

    @snapshot_cached
    def source_status(self) -> pd.DataFrame:
        return self.frame("SELECT * FROM source_status ORDER BY indicator_id")

    @snapshot_cached
    def provenance(self) -> dict[str, dict[str, Any]]:
        return {str(r["id"]): r for r in self.records("SELECT * FROM provenance")}

    @snapshot_cached
    def periods_by_indicator(self) -> dict[str, list[str]]:
        index: dict[str, list[str]] = {}
        rows = self._fetch(
            "SELECT indicator_id, period FROM (SELECT DISTINCT indicator_id, period, period_end "
            "FROM observations) ORDER BY indicator_id, period_end, period"
        )
        for indicator_id, period in rows:
            index.setdefault(indicator_id, []).append(period)
        return index

    @snapshot_cached
    def kommune_years(self) -> dict[str, frozenset[int]]:
        """Indicator → the end years in which some kommune has a value (totals): what Krysse and
        Indeks choose their defaults from, read once per snapshot rather than per request."""
        rows = self._fetch(
            "SELECT DISTINCT o.indicator_id, o.period_end FROM observations o "
            "JOIN regions r ON r.code = o.region "
            f"WHERE r.level = 'kommune' AND o.value IS NOT NULL AND NOT isnan(o.value) "
            f"AND o.period_end IS NOT NULL AND {TOTAL_FILTER}"
        )
        index: dict[str, set[int]] = {}
        for indicator_id, end in rows:
            index.setdefault(indicator_id, set()).add(int(end))
        return {k: frozenset(v) for k, v in index.items()}

    @snapshot_cached
    def synthetic_indicators(self) -> frozenset[str]:
        rows = self._fetch("SELECT DISTINCT indicator_id FROM observations WHERE synthetic")
        return frozenset(r[0] for r in rows)

    @snapshot_cached
    def indicators_with_data(self) -> frozenset[str]:
        return frozenset(
            r[0] for r in self._fetch("SELECT DISTINCT indicator_id FROM observations")
        )

    # --- observations -------------------------------------------------------------------------
    @snapshot_cached
    def observation_table(self) -> ObservationTable:
        """The observations in memory, indexed (read once per snapshot; see observations.py)."""
        return ObservationTable.load(self._chunks, self._fetch)

    def observations(
        self,
        indicator_ids: Sequence[str],
        regions: Sequence[str] | None = None,
        periods: Sequence[str] | None = None,
        *,
        breakdown: dict[str, str] | None = None,
        all_breakdowns: bool = False,
    ) -> pd.DataFrame:
        """Observations, newest period last; totals only unless a breakdown is asked for."""
        table = self.observation_table
        query = ObservationQuery(indicator_ids, regions, periods, breakdown, all_breakdowns)
        return table.frame(table.positions(query))

    def observation_records(
        self,
        indicator_ids: Sequence[str],
        regions: Sequence[str] | None = None,
        periods: Sequence[str] | None = None,
        *,
        breakdown: dict[str, str] | None = None,
        all_breakdowns: bool = False,
    ) -> list[dict[str, Any]]:
        """``observations`` as plain dicts (missing as None), for pages that need a few hundred
        rows quickly: a DataFrame and its records cost more than the rows themselves."""
        table = self.observation_table
        query = ObservationQuery(indicator_ids, regions, periods, breakdown, all_breakdowns)
        return table.records(table.positions(query))

    def periods(self, indicator_id: str) -> list[str]:
        return list(self.periods_by_indicator.get(indicator_id, []))

    def latest_period(self, indicator_id: str, level: str = "kommune") -> str | None:
        rows = self._fetch(
            "SELECT o.period FROM observations o JOIN regions r ON r.code = o.region "
            f"WHERE o.indicator_id = ? AND r.level = ? AND o.value IS NOT NULL AND {TOTAL_FILTER} "
            "ORDER BY o.period_end DESC, o.period DESC LIMIT 1",
            [indicator_id, level],
        )
        return rows[0][0] if rows else None

    def breakdown_values(self, indicator_id: str) -> dict[str, list[str]]:
        """Breakdown column → the categories the indicator has in it, for each column with more
        than «total» (every column, empty, for an indicator without observations)."""
        known = self._breakdown_values.get(indicator_id)
        if known is None:
            return {column: [] for column in BREAKDOWNS}
        return {column: list(codes) for column, codes in known.items()}

    @snapshot_cached
    def _breakdown_values(self) -> dict[str, dict[str, tuple[str, ...]]]:
        """``breakdown_values`` of every indicator, from the in-memory table once per snapshot:
        asked per request it was a scan of the whole observation table per indicator (the
        profile's «Ulikhet» section asks for some 30 indicators)."""
        table = self.observation_table
        categories = {column: table.categories(column) for column in BREAKDOWNS}
        # In the catalogue's reading order («Alle» first, then the groups as breakdowns.yml lists
        # them), so every selector, table and file shows the groups the same way.
        dimensions = breakdown_dimensions()
        out: dict[str, dict[str, tuple[str, ...]]] = {}
        for indicator_id in table.text["indicator_id"].lookup:
            chosen: dict[str, tuple[str, ...]] = {}
            for column in BREAKDOWNS:
                codes = categories[column].get(indicator_id, frozenset())
                if codes == {TOTAL}:
                    continue
                dimension = dimensions.get(column)
                chosen[column] = tuple(
                    sorted(codes, key=lambda c: (dimension.rank(c) if dimension else 0, c))
                )
            out[indicator_id] = chosen
        return out

    @snapshot_cached
    def latest_by_indicator(self) -> pd.DataFrame:
        """The latest kommune period of every indicator with its kommune range (the barometer)."""
        return self.frame(
            f"""
            WITH k AS (
              SELECT o.* FROM observations o JOIN regions r ON r.code = o.region
              WHERE r.level = 'kommune' AND {TOTAL_FILTER} AND o.value IS NOT NULL),
            latest AS (SELECT indicator_id, max(period_end) AS pe FROM k GROUP BY 1)
            SELECT k.indicator_id, any_value(k.period) AS period, min(k.value) AS min_value,
                   max(k.value) AS max_value, quantile_cont(k.value, 0.25) AS q1,
                   quantile_cont(k.value, 0.75) AS q3, count(*) AS n_kommuner
            FROM k JOIN latest l ON l.indicator_id = k.indicator_id AND l.pe = k.period_end
            GROUP BY k.indicator_id
            """
        )

    @snapshot_cached
    def latest_by_indicator_records(self) -> dict[str, dict[str, Any]]:
        frame = self.latest_by_indicator
        return {
            str(r["indicator_id"]): {str(k): v for k, v in r.items()}
            for r in frame.to_dict("records")
        }


def _translated(
    record: dict[str, Any], known: Callable[[str], Indicator | Topic | Package]
) -> dict[str, Any]:
    """A snapshot record with its ``translations``: a snapshot built before the catalogue had
    them (#16), or before a text joined them (the publisher's and licence's notes), takes what it
    lacks from the catalogue, so it keeps serving until the next update. What the snapshot has
    wins: it is what was published."""
    try:
        catalogue = known(str(record["id"])).translations
    except OppvekstError:
        # Not in this catalogue (a snapshot built from another one, as the tests' broken
        # indicator is): the record stands as it was published.
        return record
    if catalogue is None:
        return record
    have: dict[str, Any] = record.get("translations") or {}
    merged = {
        # Only the texts the snapshot has no key for: a key it has (even empty) was published.
        lang: {**(texts or {}), **(have.get(lang) or {})}
        for lang, texts in catalogue.model_dump().items()
    }
    return {**record, "translations": merged}
