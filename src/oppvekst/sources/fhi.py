"""FHI Statistikk open API (``https://statistikk-data.fhi.no/api/open/v1``), source ``nokkel``.

Every dimension needs exactly one filter. ⚠ FHI ``top`` = the *first* N categories and ``bottom``
= the *last* N (newest years) — the opposite of SSB's ``top()`` on time. Use
:func:`latest_periods` instead of writing either by hand.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

import orjson

from oppvekst.errors import BadQuery, MalformedResponse
from oppvekst.sources.http import Fetched, Fetcher, Request
from oppvekst.sources.jsonstat import Dataset, decode

BASE = "https://statistikk-data.fhi.no/api/open/v1"
SOURCE = "nokkel"
FilterKind = Literal["item", "all", "top", "bottom"]


@dataclass(frozen=True, slots=True)
class DimensionFilter:
    code: str
    filter: FilterKind
    values: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FhiQuery:
    table_id: int
    dimensions: tuple[DimensionFilter, ...]
    source: str = SOURCE
    max_row_count: int | None = None


@dataclass(frozen=True, slots=True)
class Category:
    value: str
    label: str
    depth: int  # 0 for top-level categories; children of a category are one deeper


@dataclass(frozen=True, slots=True)
class FhiDimension:
    code: str
    label: str
    categories: tuple[Category, ...]


@dataclass(frozen=True, slots=True)
class TableEntry:
    table_id: int
    title: str
    published_at: str | None
    modified_at: str | None


def data_body(query: FhiQuery, known: Sequence[str] | None = None) -> dict[str, Any]:
    counts = Counter(d.code for d in query.dimensions)
    repeated = sorted(c for c, k in counts.items() if k > 1)
    if repeated:
        raise BadQuery(
            f"FHI table {query.table_id}: dimensions {repeated} have more than one filter.",
            hint="Give each dimension exactly one filter (item/all/top/bottom).",
        )
    if known is not None:
        missing = sorted(set(known) - set(counts))
        if missing:
            raise BadQuery(
                f"FHI table {query.table_id}: no filter for dimensions {missing}.",
                hint="Every dimension needs a filter; use everything(code) for all categories.",
            )
    for dim in query.dimensions:
        if not dim.values:
            raise BadQuery(f"FHI table {query.table_id}: dimension {dim.code} has no values.")
    response: dict[str, Any] = {"format": "json-stat2"}
    if query.max_row_count is not None:
        response["maxRowCount"] = query.max_row_count
    return {
        "dimensions": [
            {"code": d.code, "filter": d.filter, "values": list(d.values)} for d in query.dimensions
        ],
        "response": response,
    }


def within_table(
    filters: Sequence[DimensionFilter],
    dimensions: Sequence[FhiDimension],
    breakdowns: Collection[str],
) -> tuple[DimensionFilter, ...]:
    """Item filters on breakdown dimensions (``KJONN`` 0/1/2, ``ALDER`` …) narrowed to the
    categories this table has, and dropped where the table lacks the dimension: not every table
    is published by sex, and FHI refuses a request naming a category or dimension the table lacks.
    Other filters are sent as the catalogue wrote them (FHI's refusal names what is wrong).
    """
    categories = {d.code: {c.value for c in d.categories} for d in dimensions}
    out: list[DimensionFilter] = []
    for item in filters:
        if item.code not in breakdowns:
            out.append(item)
            continue
        known = categories.get(item.code)
        if known is None:
            continue
        if item.filter != "item":
            out.append(item)
            continue
        kept = tuple(v for v in item.values if v in known)
        if not kept:
            raise BadQuery(
                f"FHI: dimensjonen {item.code} har ingen av kategoriene {list(item.values)}; "
                f"tabellen har {sorted(known)}.",
                hint="Rett kategoriene i katalogpostens dimensions.",
            )
        out.append(DimensionFilter(item.code, item.filter, kept))
    return tuple(out)


def _json(content: bytes, what: str) -> Any:
    try:
        return orjson.loads(content)
    except orjson.JSONDecodeError as exc:
        raise MalformedResponse(f"FHI {what}: invalid JSON ({exc}).", hint="Re-fetch it.") from exc


def parse_dimensions(content: bytes) -> tuple[FhiDimension, ...]:
    doc = _json(content, "dimension list")
    dims = doc.get("dimensions") if isinstance(doc, dict) else None
    if not isinstance(dims, list):
        raise MalformedResponse(
            "FHI dimension list lacks 'dimensions'.", hint="Check the table id."
        )

    def walk(items: Sequence[Mapping[str, Any]], depth: int) -> list[Category]:
        out: list[Category] = []
        for item in items:
            out.append(Category(str(item["value"]), str(item.get("label", "")), depth))
            out.extend(walk(item.get("children") or (), depth + 1))
        return out

    return tuple(
        FhiDimension(
            str(d["code"]), str(d.get("label", "")), tuple(walk(d.get("categories") or (), 0))
        )
        for d in dims
    )


def parse_tables(content: bytes) -> tuple[TableEntry, ...]:
    doc = _json(content, "table list")
    rows = doc if isinstance(doc, list) else [doc]
    return tuple(
        TableEntry(
            int(r["tableId"]), str(r.get("title", "")), r.get("publishedAt"), r.get("modifiedAt")
        )
        for r in rows
    )


class FhiClient:
    def __init__(self, fetcher: Fetcher, *, base: str = BASE) -> None:
        self.fetcher = fetcher
        self.base = base

    def sources(self) -> Fetched[Any]:
        response = self.fetcher.fetch(Request.get(f"{self.base}/Common/source"))
        return Fetched(_json(response.content, "sources"), response)

    def tables(
        self, source: str = SOURCE, modified_after: date | None = None
    ) -> Fetched[tuple[TableEntry, ...]]:
        params = {"modifiedAfter": modified_after.isoformat()} if modified_after else None
        response = self.fetcher.fetch(Request.get(f"{self.base}/{source}/table", params))
        return Fetched(parse_tables(response.content), response)

    def dimensions(self, table_id: int, source: str = SOURCE) -> Fetched[tuple[FhiDimension, ...]]:
        url = f"{self.base}/{source}/table/{table_id}/dimension"
        response = self.fetcher.fetch(Request.get(url))
        return Fetched(parse_dimensions(response.content), response)

    def data(self, query: FhiQuery, known: Sequence[str] | None = None) -> Fetched[Dataset]:
        """POST the query; ``known`` = the table's dimension codes, to catch a missing filter."""
        url = f"{self.base}/{query.source}/table/{query.table_id}/data"
        response = self.fetcher.fetch(Request.post_json(url, data_body(query, known)))
        return Fetched(decode(response.content), response)
