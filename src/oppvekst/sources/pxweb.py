"""SSB PxWebApi v2 (``https://data.ssb.no/api/pxwebapi/v2``): table info, metadata, codelists, data.

Rules from SOURCES-API.md §1: every variable gets an explicit selection (the default selection is
"latest period only" and silently changes); expressions with a comma are bracketed in GET URLs;
a GET URL over ~2 100 characters gives 404, so such queries go as POST; an extract is capped at
800 000 cells (403), so larger queries are split along their largest dimension.
"""

from __future__ import annotations

import fnmatch
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal
from urllib.parse import quote

import orjson
import pandas as pd

from oppvekst.errors import BadQuery, MalformedResponse, QueryTooLarge
from oppvekst.sources.http import Fetched, Fetcher, Request, Response
from oppvekst.sources.jsonstat import Dataset, decode

BASE = "https://data.ssb.no/api/pxwebapi/v2"
MAX_CELLS = 800_000
MAX_GET_URL = 2_100

Lang = Literal["no", "en"]
OutputValues = Literal["aggregated", "single"]

_EXPRESSION = re.compile(r"^(top|bottom|from|to|range)\((.*)\)$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class VariableSelection:
    """Codes or expressions (``*``, ``03*``, ``top(5)``, ``from(2015)``…) for one variable."""

    variable: str
    values: tuple[str, ...]
    codelist: str | None = None
    output_values: OutputValues | None = None

    def is_explicit(self) -> bool:
        return all(not any(ch in v for ch in "*?(") for v in self.values)


@dataclass(frozen=True, slots=True)
class TableQuery:
    table_id: str
    selections: tuple[VariableSelection, ...]
    lang: Lang = "no"
    heading: tuple[str, ...] = ()
    stub: tuple[str, ...] = ()

    def selection(self, variable: str) -> VariableSelection:
        for sel in self.selections:
            if sel.variable == variable:
                return sel
        raise KeyError(variable)


@dataclass(frozen=True, slots=True)
class CodeListValue:
    code: str
    label: str
    value_map: tuple[str, ...]  # the table's codes summed (Aggregation) or kept (Valueset)


@dataclass(frozen=True, slots=True)
class CodeList:
    id: str
    label: str
    type: str  # "Aggregation" | "Valueset"
    values: tuple[CodeListValue, ...]


@dataclass(frozen=True, slots=True)
class PxResult:
    """Decoded datasets (one per split part) and the responses behind them, for provenance."""

    query: TableQuery
    datasets: tuple[Dataset, ...]
    responses: tuple[Response, ...] = field(default_factory=tuple)

    def to_frame(self) -> pd.DataFrame:
        return pd.concat([d.to_frame() for d in self.datasets], ignore_index=True)


# --- URL and body building ---------------------------------------------------------------


def _value_list(values: Sequence[str]) -> str:
    # An expression with a comma must be bracketed, or SSB answers "Illegal selection expression".
    parts = [f"[{v}]" if "," in v else v for v in values]
    return quote(",".join(parts), safe=",[]()*?:+-_.")


def data_url(query: TableQuery, base: str = BASE) -> str:
    params = [f"lang={query.lang}", "outputFormat=json-stat2"]
    for sel in query.selections:
        name = quote(sel.variable, safe="")
        params.append(f"valueCodes[{name}]={_value_list(sel.values)}")
        if sel.codelist:
            params.append(f"codelist[{name}]={quote(sel.codelist, safe='')}")
        if sel.output_values:
            params.append(f"outputValues[{name}]={sel.output_values}")
    if query.heading:
        params.append(f"heading={quote(','.join(query.heading), safe=',')}")
    if query.stub:
        params.append(f"stub={quote(','.join(query.stub), safe=',')}")
    return f"{base}/tables/{quote(query.table_id, safe='')}/data?" + "&".join(params)


def post_body(query: TableQuery) -> dict[str, Any]:
    selection: list[dict[str, Any]] = []
    for sel in query.selections:
        item: dict[str, Any] = {"variableCode": sel.variable, "valueCodes": list(sel.values)}
        if sel.codelist:
            item["codelist"] = sel.codelist
        if sel.output_values:
            item["outputValues"] = sel.output_values
        selection.append(item)
    body: dict[str, Any] = {"selection": selection}
    if query.heading or query.stub:
        body["placement"] = {"heading": list(query.heading), "stub": list(query.stub)}
    return body


def data_request(query: TableQuery, *, base: str = BASE, max_get_url: int = MAX_GET_URL) -> Request:
    """GET when the URL fits, otherwise POST with the same selection in the body."""
    _check_selections(query)
    url = data_url(query, base)
    if len(url) <= max_get_url:
        return Request("GET", url, None, (("Accept", "application/json"),))
    table = quote(query.table_id, safe="")
    post_url = f"{base}/tables/{table}/data?lang={query.lang}&outputFormat=json-stat2"
    return Request.post_json(post_url, post_body(query))


def _check_selections(query: TableQuery, variables: Sequence[str] | None = None) -> None:
    for sel in query.selections:
        if not sel.values:
            raise BadQuery(
                f"SSB {query.table_id}: variable {sel.variable!r} has an empty selection.",
                hint="Give codes or an expression such as '*' or 'from(2015)' for every variable.",
            )
    if variables is not None:
        given = {s.variable for s in query.selections}
        missing = [v for v in variables if v not in given]
        unknown = sorted(given - set(variables))
        if missing or unknown:
            raise BadQuery(
                f"SSB {query.table_id}: no selection for {missing} / unknown variables {unknown}.",
                hint="Select every variable explicitly; never rely on SSB's default selection.",
            )


# --- Cell estimates and splitting --------------------------------------------------------


def resolve(
    selection: VariableSelection, codes: Sequence[str], *, is_time: bool
) -> list[str] | None:
    """The codes a selection picks from ``codes`` (metadata order), or None if not resolvable."""
    picked: list[str] = []
    for value in selection.values:
        part = _resolve_one(value, list(codes), is_time)
        if part is None:
            return None
        picked.extend(c for c in part if c not in picked)
    return picked


def _resolve_one(value: str, codes: list[str], is_time: bool) -> list[str] | None:
    match = _EXPRESSION.match(value.strip())
    if match is None:
        if "*" in value or "?" in value:
            return [c for c in codes if fnmatch.fnmatchcase(c, value)]
        return [value]
    name, args = match.group(1).lower(), [a.strip() for a in match.group(2).split(",")]
    try:
        if name in ("top", "bottom"):
            n, offset = int(args[0]), int(args[1]) if len(args) > 1 else 0
            # SSB: on time, top() is the newest and bottom() the oldest; elsewhere top() is first.
            from_end = (name == "top") == is_time
            ordered = codes[::-1] if from_end else codes
            picked = ordered[offset : offset + n]
            return picked[::-1] if from_end else picked
        if name == "from":
            return codes[codes.index(args[0]) :]
        if name == "to":
            return codes[: codes.index(args[0]) + 1]
        if name == "range":
            return codes[codes.index(args[0]) : codes.index(args[1]) + 1]
    except (ValueError, IndexError):
        return None
    return None


def resolved_selections(query: TableQuery, metadata: Dataset | None) -> list[list[str] | None]:
    out: list[list[str] | None] = []
    for sel in query.selections:
        if sel.is_explicit():
            out.append(list(dict.fromkeys(sel.values)))
            continue
        if metadata is None:
            out.append(None)
            continue
        try:
            dim = metadata.dimension(sel.variable)
        except KeyError:
            out.append(None)
            continue
        out.append(resolve(sel, dim.codes, is_time=dim.role == "time"))
    return out


def split_query(
    query: TableQuery, metadata: Dataset | None = None, *, max_cells: int = MAX_CELLS
) -> tuple[TableQuery, ...]:
    """Parts of at most ``max_cells`` each, split along the largest dimension (recursively)."""
    resolved = resolved_selections(query, metadata)
    if any(c is None for c in resolved):
        return (query,)  # unknown size: let SSB judge (403 becomes QueryTooLarge)
    lists = [c for c in resolved if c is not None]
    total = math.prod(len(c) for c in lists)
    if total <= max_cells:
        return (query,)
    axis = max(range(len(lists)), key=lambda i: len(lists[i]))
    if len(lists[axis]) <= 1:
        raise QueryTooLarge(
            f"SSB {query.table_id}: {total} cells and no dimension left to split.",
            hint="Narrow the selection.",
        )
    rest = total // len(lists[axis])
    per_part = max(1, max_cells // rest)
    parts: list[TableQuery] = []
    for start in range(0, len(lists[axis]), per_part):
        chunk = tuple(lists[axis][start : start + per_part])
        selections = list(query.selections)
        selections[axis] = replace(selections[axis], values=chunk)
        parts.extend(
            split_query(replace(query, selections=tuple(selections)), metadata, max_cells=max_cells)
        )
    return tuple(parts)


# --- Client ---------------------------------------------------------------------------------------


class PxWebClient:
    def __init__(
        self,
        fetcher: Fetcher,
        *,
        base: str = BASE,
        max_cells: int = MAX_CELLS,
        max_get_url: int = MAX_GET_URL,
    ) -> None:
        self.fetcher = fetcher
        self.base = base
        self.max_cells = max_cells
        self.max_get_url = max_get_url

    def config(self) -> Fetched[dict[str, Any]]:
        response = self.fetcher.fetch(Request.get(f"{self.base}/config"))
        return Fetched(_load(response.content, "config"), response)

    def metadata(
        self, table_id: str, codelists: Mapping[str, str] | None = None, lang: Lang = "no"
    ) -> Fetched[Dataset]:
        params = {"lang": lang, "outputFormat": "json-stat2"}
        for variable, codelist in (codelists or {}).items():
            params[f"codelist[{variable}]"] = codelist
        response = self.fetcher.fetch(
            Request.get(f"{self.base}/tables/{table_id}/metadata", params)
        )
        return Fetched(decode(response.content, expect="metadata"), response)

    def codelist(self, codelist_id: str, lang: Lang = "no") -> Fetched[CodeList]:
        response = self.fetcher.fetch(
            Request.get(f"{self.base}/codeLists/{codelist_id}", {"lang": lang})
        )
        return Fetched(parse_codelist(response.content), response)

    def data(self, query: TableQuery, metadata: Dataset | None = None) -> PxResult:
        """Fetch a query, split if over the cell limit. ``metadata`` must match its codelists."""
        variables = [d.id for d in metadata.dimensions] if metadata is not None else None
        _check_selections(query, variables)
        datasets: list[Dataset] = []
        responses: list[Response] = []
        for part in split_query(query, metadata, max_cells=self.max_cells):
            request = data_request(part, base=self.base, max_get_url=self.max_get_url)
            response = self.fetcher.fetch(request)
            datasets.append(decode(response.content))
            responses.append(response)
        return PxResult(query, tuple(datasets), tuple(responses))


def _load(content: bytes, what: str) -> dict[str, Any]:
    try:
        doc = orjson.loads(content)
    except orjson.JSONDecodeError as exc:
        raise MalformedResponse(f"SSB {what}: invalid JSON ({exc}).", hint="Re-fetch it.") from exc
    if not isinstance(doc, dict):
        raise MalformedResponse(f"SSB {what}: expected a JSON object.", hint="Re-fetch it.")
    return doc


def parse_codelist(content: bytes) -> CodeList:
    doc = _load(content, "codelist")
    values = doc.get("values")
    if not isinstance(values, list):
        raise MalformedResponse("SSB codelist lacks 'values'.", hint="Check the codelist id.")
    return CodeList(
        id=str(doc.get("id", "")),
        label=str(doc.get("label", "")),
        type=str(doc.get("type", "")),
        values=tuple(
            CodeListValue(
                code=str(v["code"]),
                label=str(v.get("label", "")),
                value_map=tuple(str(c) for c in v.get("valueMap") or ()),
            )
            for v in values
        ),
    )
