"""SSB PxWebApi v2: URL building, GET→POST switch, cell estimates and query splitting."""

from __future__ import annotations

import math
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import orjson
import pytest

from oppvekst.errors import BadQuery, QueryTooLarge
from oppvekst.sources.http import HttpClient, Request, Response
from oppvekst.sources.jsonstat import Dataset, decode
from oppvekst.sources.mirror import Gateway, Mirror, MirrorMode
from oppvekst.sources.pxweb import (
    MAX_CELLS,
    PxWebClient,
    TableQuery,
    VariableSelection,
    data_request,
    data_url,
    parse_codelist,
    resolve,
    resolved_selections,
    split_query,
)

from .clock import FakeClock


def _kommuner(n: int) -> tuple[str, ...]:
    return tuple(f"{3000 + i:04d}" for i in range(n))


def estimate_cells(query: TableQuery, metadata: Dataset | None = None) -> int | None:
    """Cells a query selects (None if unknown): the yardstick the splitting is checked against."""
    counts = resolved_selections(query, metadata)
    if any(c is None for c in counts):
        return None
    return math.prod(len(c) for c in counts if c is not None)


def test_get_url_has_explicit_selections_codelists_and_bracketed_expressions() -> None:
    query = TableQuery(
        "07459",
        (
            VariableSelection(
                "Region", ("K-3103",), codelist="agg_KommSummer", output_values="aggregated"
            ),
            VariableSelection("ContentsCode", ("Personer1",)),
            VariableSelection("Tid", ("range(2020,2022)",)),
        ),
    )
    url = data_url(query)
    assert url.startswith(
        "https://data.ssb.no/api/pxwebapi/v2/tables/07459/data?lang=no&outputFormat=json-stat2"
    )
    assert "valueCodes[Tid]=[range(2020,2022)]" in url
    assert "codelist[Region]=agg_KommSummer" in url
    assert "outputValues[Region]=aggregated" in url
    params = parse_qs(urlsplit(url).query)
    assert params["valueCodes[Region]"] == ["K-3103"]
    assert data_request(query).method == "GET"


def test_long_selection_switches_to_post() -> None:
    selections = (
        VariableSelection("Region", _kommuner(400)),
        VariableSelection("ContentsCode", ("Personer1",)),
        VariableSelection("Tid", ("2024",)),
    )
    query = TableQuery("07459", selections, heading=("Tid",), stub=("Region",))
    assert len(data_url(query)) > 2100
    request = data_request(query)
    assert request.method == "POST"
    assert (
        request.url
        == "https://data.ssb.no/api/pxwebapi/v2/tables/07459/data?lang=no&outputFormat=json-stat2"
    )
    assert request.body is not None
    body = orjson.loads(request.body)
    assert body["selection"][0] == {"variableCode": "Region", "valueCodes": list(_kommuner(400))}
    assert body["placement"] == {"heading": ["Tid"], "stub": ["Region"]}
    short = TableQuery("07459", (VariableSelection("Region", _kommuner(10)), *selections[1:]))
    assert data_request(short).method == "GET"


def test_empty_selection_is_refused() -> None:
    with pytest.raises(BadQuery, match="empty selection"):
        data_request(TableQuery("07459", (VariableSelection("Tid", ()),)))


def test_split_over_800000_cells_along_largest_dimension() -> None:
    alder = tuple(f"{a:03d}" for a in range(100))
    years = tuple(str(y) for y in range(1986, 2026))  # 40
    query = TableQuery(
        "07459",
        (
            VariableSelection("Region", _kommuner(357)),
            VariableSelection("Kjonn", ("1", "2")),
            VariableSelection("Alder", alder),
            VariableSelection("ContentsCode", ("Personer1",)),
            VariableSelection("Tid", years),
        ),
    )
    total = 357 * 2 * 100 * 40
    assert estimate_cells(query) == total
    parts = split_query(query)
    assert len(parts) == math.ceil(total / MAX_CELLS)
    assert all((estimate_cells(p) or 0) <= MAX_CELLS for p in parts)
    assert sum(estimate_cells(p) or 0 for p in parts) == total
    regions = [code for p in parts for code in p.selection("Region").values]
    assert tuple(regions) == _kommuner(357)  # split along Region, nothing lost or repeated
    assert all(p.selection("Alder").values == alder for p in parts)


def test_split_recurses_when_one_code_is_still_too_big() -> None:
    query = TableQuery(
        "t",
        (
            VariableSelection("A", ("a", "b")),
            VariableSelection("B", tuple(str(i) for i in range(10))),
        ),
    )
    parts = split_query(query, max_cells=3)
    assert all((estimate_cells(p) or 0) <= 3 for p in parts)
    assert sum(estimate_cells(p) or 0 for p in parts) == 20


def test_split_impossible_raises() -> None:
    with pytest.raises(QueryTooLarge):
        split_query(
            TableQuery("t", (VariableSelection("A", ("a",)), VariableSelection("B", ("b",)))),
            max_cells=0,
        )


def _metadata_05300(shared_data: Path) -> Dataset:
    return decode(
        (
            shared_data / "api_fixtures/ssb_pxwebapi_v0/table_05300_data_POST_jsonstat2.json"
        ).read_bytes()
    )


def test_expressions_resolve_against_metadata(shared_data: Path) -> None:
    meta = _metadata_05300(shared_data)
    tid = meta.dimension("Tid").codes
    assert resolve(VariableSelection("Tid", ("top(2)",)), tid, is_time=True) == [
        "2016",
        "2021",
    ]  # newest
    assert resolve(VariableSelection("Tid", ("bottom(1)",)), tid, is_time=True) == ["1991"]
    assert resolve(VariableSelection("Tid", ("from(2012)",)), tid, is_time=True) == [
        "2012",
        "2016",
        "2021",
    ]
    assert resolve(VariableSelection("Tid", ("range(1994,2000)",)), tid, is_time=True) == [
        "1994",
        "1997",
        "2000",
    ]
    assert resolve(VariableSelection("Tid", ("20*",)), tid, is_time=True) == [
        "2000",
        "2004",
        "2008",
        "2012",
        "2016",
        "2021",
    ]
    query = TableQuery(
        "05300",
        (
            VariableSelection("Avstand1", ("*",)),
            VariableSelection("Kulturtilbud", ("0?",)),
            VariableSelection("ContentsCode", ("Avstand",)),
            VariableSelection("Tid", ("top(3)",)),
        ),
    )
    assert estimate_cells(query, meta) == 6 * 8 * 1 * 3
    assert estimate_cells(query) is None  # expressions without metadata: unknown
    parts = split_query(query, meta, max_cells=50)
    assert sum(estimate_cells(p, meta) or 0 for p in parts) == 144
    assert all((estimate_cells(p, meta) or 0) <= 50 for p in parts)


def _v2_handler(shared_data: Path, seen: list[httpx.Request]) -> httpx.MockTransport:
    body = (
        shared_data / "api_fixtures/ssb_pxwebapi_v0/table_05300_data_POST_jsonstat2.json"
    ).read_bytes()

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=body, headers={"Content-Type": "application/json"})

    return httpx.MockTransport(handler)


def test_client_fetches_and_records_each_part(shared_data: Path, tmp_path: Path) -> None:
    seen: list[httpx.Request] = []
    http = HttpClient(transport=_v2_handler(shared_data, seen), clock=FakeClock())
    gateway = Gateway(MirrorMode.RECORD, Mirror(tmp_path, manifest=None), http)
    meta = _metadata_05300(shared_data)
    query = TableQuery(
        "05300",
        tuple(VariableSelection(d.id, d.codes) for d in meta.dimensions),
    )
    result = PxWebClient(gateway, max_cells=200).data(query, meta)
    assert len(result.datasets) == len(result.responses) == 3  # 432 cells in parts of ≤ 200
    assert all(isinstance(r, Response) for r in result.responses)
    assert len(seen) == 3
    assert all(r.method == "GET" for r in seen)
    assert len(result.to_frame()) == 3 * 432
    replay = PxWebClient(
        Gateway(MirrorMode.REPLAY, Mirror(tmp_path, manifest=None), None), max_cells=200
    )
    assert [r.sha256 for r in replay.data(query, meta).responses] == [
        r.sha256 for r in result.responses
    ]


def test_client_refuses_missing_variable(shared_data: Path) -> None:
    meta = _metadata_05300(shared_data)
    client = PxWebClient(
        Gateway(MirrorMode.REPLAY, Mirror(Path("/nonexistent"), manifest=None), None)
    )
    with pytest.raises(BadQuery, match=r"no selection for \['Tid'\]"):
        client.data(
            TableQuery(
                "05300", tuple(VariableSelection(d.id, ("*",)) for d in meta.dimensions[:3])
            ),
            meta,
        )


def test_codelist_from_shared_mirror(shared_data: Path) -> None:
    client = PxWebClient(Gateway(MirrorMode.REPLAY, Mirror(shared_data), None))
    codelist = client.codelist("agg_Valgdistrikt").value
    assert codelist.type == "Aggregation"
    first = codelist.values[0]
    assert (first.code, first.label) == ("V-01", "Østfold")
    assert "0101" in first.value_map
    assert "3101" in first.value_map


def test_parsers_reject_wrong_shapes() -> None:
    from oppvekst.errors import MalformedResponse

    with pytest.raises(MalformedResponse, match="codelist"):
        parse_codelist(b"[1, 2")


def test_metadata_request_uses_codelist_parameter() -> None:
    seen: list[Request] = []

    class Recorder:
        def fetch(self, request: Request) -> Response:
            seen.append(request)
            raise BadQuery("stop")

    with pytest.raises(BadQuery):
        PxWebClient(Recorder()).metadata("07459", {"Region": "agg_KommSummer"})
    params = parse_qs(urlsplit(seen[0].url).query)
    assert params["codelist[Region]"] == ["agg_KommSummer"]
    assert params["outputFormat"] == ["json-stat2"]
