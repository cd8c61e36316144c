"""FHI Statistikk open API: request body rules and decoding through the shared mirror."""

from __future__ import annotations

from pathlib import Path

import httpx
import orjson
import pytest

from oppvekst.errors import BadQuery
from oppvekst.sources.fhi import (
    DimensionFilter,
    FhiClient,
    FhiQuery,
    data_body,
    parse_dimensions,
)
from oppvekst.sources.http import HttpClient
from oppvekst.sources.mirror import Gateway, Mirror, MirrorMode

from .clock import FakeClock

HERE = Path(__file__).parent / "fixtures"


def _doc_query() -> FhiQuery:
    return FhiQuery(
        1,
        (
            DimensionFilter("GEO", "item", ("03", "30")),
            DimensionFilter("AAR", "item", ("2020_2020", "2021_2021")),
            DimensionFilter("KJONN", "item", ("0",)),
            DimensionFilter("ALDER", "item", ("0",)),
            DimensionFilter("MEASURE_TYPE", "item", ("BEFVEKST_ANT",)),
        ),
    )


def test_body_shape_and_max_row_count() -> None:
    query = FhiQuery(
        377,
        (DimensionFilter("GEO", "item", ("4001",)), DimensionFilter("AAR", "all", ("*",))),
        max_row_count=50000,
    )
    assert data_body(query) == {
        "dimensions": [
            {"code": "GEO", "filter": "item", "values": ["4001"]},
            {"code": "AAR", "filter": "all", "values": ["*"]},
        ],
        "response": {"format": "json-stat2", "maxRowCount": 50000},
    }


def test_each_dimension_needs_exactly_one_filter() -> None:
    twice = FhiQuery(
        377, (DimensionFilter("GEO", "all", ("*",)), DimensionFilter("GEO", "top", ("1",)))
    )
    with pytest.raises(BadQuery, match=r"\['GEO'\] have more than one filter"):
        data_body(twice)
    with pytest.raises(BadQuery, match=r"no filter for dimensions \['MEASURE_TYPE'\]"):
        data_body(
            FhiQuery(
                377, (DimensionFilter("GEO", "all", ("*",)), DimensionFilter("AAR", "all", ("*",)))
            ),
            known=["GEO", "AAR", "MEASURE_TYPE"],
        )


def test_doc_example_replays_and_decodes(shared_data: Path) -> None:
    client = FhiClient(Gateway(MirrorMode.REPLAY, Mirror(shared_data), None))
    fetched = client.data(_doc_query())
    frame = fetched.value.to_frame()
    assert frame["value"].tolist() == [3516.0, 2817.0, 11219.0, 16846.0]
    assert frame["GEO"].tolist() == ["03", "03", "30", "30"]
    assert fetched.response.method == "POST"


def test_dimensions() -> None:
    dims = parse_dimensions((HERE / "fhi_nokkel_377_dimension.json").read_bytes())
    geo = dims[0]
    assert [(c.value, c.depth) for c in geo.categories] == [("0", 0), ("40", 1), ("4001", 2)]
    assert [c.value for c in dims[1].categories] == ["2021_2023", "2022_2024"]


def test_client_posts_json_body(shared_data: Path) -> None:
    seen: list[httpx.Request] = []
    example = (
        shared_data / "api_fixtures/recorded/fhi_open_v1_data_jsonstat2_doc_example.json"
    ).read_bytes()

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=example)

    http = HttpClient(transport=httpx.MockTransport(handler), clock=FakeClock())
    FhiClient(Gateway(MirrorMode.LIVE, None, http)).data(_doc_query())
    assert str(seen[0].url) == "https://statistikk-data.fhi.no/api/open/v1/nokkel/table/1/data"
    assert orjson.loads(seen[0].content)["response"] == {"format": "json-stat2"}
    assert seen[0].headers["content-type"] == "application/json"
