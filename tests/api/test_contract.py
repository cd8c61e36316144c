"""The documented shapes of every endpoint and format, read back to the same numbers."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest
from fastapi.testclient import TestClient
from pyjstat import pyjstat

from oppvekst.snapshot.store import Store
from oppvekst.views.numbers import rounded

DATA = "/api/v1/data?indicator=barn-0-17,spesialundervisning-andel&region=0301,4203,42,0&period=2024-25,2024,2025-26"


def test_status_names_the_snapshot(client: TestClient, store: Store) -> None:
    body = client.get("/api/v1/status").json()
    assert body["snapshot"] == store.snapshot_id
    assert {"indicator_id", "outcome", "rows", "source"} <= set(body["indicators"][0])
    assert body["synthetic_rows"] == store.synthetic_rows


def test_regions_filter_and_former_codes(client: TestClient) -> None:
    fylker = client.get("/api/v1/regions?level=fylke").json()
    assert fylker["count"] == 15
    agder = client.get("/api/v1/regions?parent=42&level=kommune").json()["regions"]
    assert "4203" in {r["code"] for r in agder}
    baerum = client.get("/api/v1/regions?q=baerum").json()["regions"]
    assert baerum[0]["code"] == "3201"
    assert any(f["code"] == "0219" for f in baerum[0]["former_codes"])


def test_former_code_says_what_it_became(client: TestClient) -> None:
    body = client.get("/api/v1/regions/0219").json()
    assert body["former"] is True
    assert body["current"] == [{"code": "3201", "name": "Bærum"}]


def test_unknown_region_is_problem_json(client: TestClient) -> None:
    response = client.get("/api/v1/regions/9876")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 404 and "9876" in problem["title"] and problem["detail"]


def test_indicator_record_is_the_catalogue_record(client: TestClient, store: Store) -> None:
    body = client.get("/api/v1/indicators/barn-0-17").json()
    assert body["definition"] == store.indicator("barn-0-17").definition
    assert body["source"]["table"] == "07459"
    assert "2026" in body["periods"]
    listing = client.get("/api/v1/indicators?key=true").json()["indicators"]
    assert all(i["key_indicator"] for i in listing) and listing


def test_data_json_matches_the_store(client: TestClient, store: Store) -> None:
    body = client.get(DATA).json()
    expected = store.frame(
        "SELECT count(*) AS n FROM observations WHERE indicator_id IN ('barn-0-17','spesialundervisning-andel') "
        "AND region IN ('0301','4203','42','0') AND period IN ('2024-25','2024','2025-26') "
        "AND sex='total' AND age='total' AND background='total' AND grade='total'"
    )["n"].iloc[0]
    assert body["count"] == expected
    row = next(r for r in body["rows"] if r["region"] == "0" and r["indicator_id"] == "barn-0-17")
    assert row["value"] == 1_112_853
    assert row["region_name"] == "Norge"


def _json_rows(client: TestClient) -> pd.DataFrame:
    rows = pd.DataFrame(client.get(DATA).json()["rows"])
    return rows.set_index(["indicator_id", "region", "period"])["value"].sort_index()


def _published(client: TestClient, store: Store) -> pd.Series:
    """The JSON values at each indicator's published decimals (the files people open)."""
    values = _json_rows(client)
    ids = values.index.get_level_values("indicator_id")
    return pd.Series(
        [
            v if v != v else float(rounded(v, store.indicator(i).decimals))
            for i, v in zip(ids, values.tolist(), strict=True)
        ],
        index=values.index,
    )


def test_csv_reads_back_to_the_same_numbers(client: TestClient, store: Store) -> None:
    response = client.get(DATA + "&format=csv")
    assert response.content.startswith("\ufeff".encode())
    frame = pd.read_csv(
        io.BytesIO(response.content),
        sep=";",
        decimal=",",
        encoding="utf-8-sig",
        dtype={"region": str, "periode": str},
    )
    values = frame.set_index(["indikator", "region", "periode"])["verdi"].sort_index()
    pd.testing.assert_series_equal(
        values, _published(client, store), check_names=False, check_index_type=False
    )


def test_plain_csv_reads_back(client: TestClient) -> None:
    frame = pd.read_csv(
        io.BytesIO(client.get(DATA + "&format=csv-plain").content),
        dtype={"region": str, "periode": str},
    )
    values = frame.set_index(["indikator", "region", "periode"])["verdi"].sort_index()
    pd.testing.assert_series_equal(
        values, _json_rows(client), check_names=False, check_index_type=False
    )


def test_xlsx_has_data_and_metadata(client: TestClient, store: Store) -> None:
    book = openpyxl.load_workbook(io.BytesIO(client.get(DATA + "&format=xlsx").content))
    assert book.sheetnames == ["Data", "Metadata"]
    data = pd.DataFrame(book["Data"].values)
    data.columns = data.iloc[0]
    data = data.iloc[1:]
    values = data.set_index(["indikator", "region", "periode"])["verdi"].astype(float).sort_index()
    pd.testing.assert_series_equal(
        values, _published(client, store), check_names=False, check_index_type=False
    )
    metadata = "\n".join(str(c) for row in book["Metadata"].values for c in row if c)
    assert "Statistisk sentralbyrå" in metadata and "Skjult av personvernhensyn" in metadata


def test_jsonstat_reads_back_with_an_independent_reader(client: TestClient) -> None:
    doc = client.get(DATA + "&format=jsonstat2").json()
    frame = pyjstat.from_json_stat(doc, naming="id")[0]
    frame = frame.dropna(subset=["value"])
    values = frame.set_index(["indikator", "region", "tid"])["value"].astype(float).sort_index()
    pd.testing.assert_series_equal(
        values, _json_rows(client), check_names=False, check_index_type=False
    )


def test_parquet_reads_back(client: TestClient) -> None:
    frame = pd.read_parquet(io.BytesIO(client.get(DATA + "&format=parquet").content))
    values = frame.set_index(["indicator_id", "region", "period"])["value"].sort_index()
    pd.testing.assert_series_equal(
        values, _json_rows(client), check_names=False, check_index_type=False
    )


def test_accept_header_chooses_the_format(client: TestClient) -> None:
    response = client.get(DATA, headers={"Accept": "text/csv"})
    assert response.headers["content-type"].startswith("text/csv")


def test_paging_covers_every_row_once(client: TestClient) -> None:
    url = "/api/v1/data?indicator=barn-0-17&region=kommune&period=2024&limit=100"
    first = client.get(url).json()
    seen = [r["region"] for r in first["rows"]]
    cursor = first["next"]
    while cursor:
        page = client.get(url + "&cursor=" + cursor).json()
        seen += [r["region"] for r in page["rows"]]
        cursor = page["next"]
    assert len(seen) == len(set(seen)) == 357


def test_cursor_from_another_query_is_refused(client: TestClient) -> None:
    first = client.get("/api/v1/data?indicator=barn-0-17&region=kommune&limit=10").json()
    response = client.get(
        "/api/v1/data?indicator=barn-0-17&region=fylke&limit=10&cursor=" + first["next"]
    )
    assert response.status_code == 422, "well-formed, but not a cursor for this query"
    assert "annen spørring" in response.json()["title"]


def test_region_selectors(client: TestClient) -> None:
    telemark = client.get("/api/v1/data?indicator=barn-0-17&region=fylke:40&period=2024").json()
    assert telemark["count"] == 17  # Telemark has 17 kommuner
    former = client.get("/api/v1/data?indicator=barn-0-17&region=0219&period=2024").json()
    assert former["rows"][0]["region"] == "3201"
    assert "0219" in former["notes"][0]


def test_comparison_is_attached(client: TestClient) -> None:
    rows = client.get(
        "/api/v1/data?indicator=spesialundervisning-andel&region=4203&period=2025-26&compare=land"
    ).json()["rows"]
    assert rows and rows[0]["region"] == "4203"


def test_etag_gives_304_until_the_data_change(client: TestClient, store: Store) -> None:
    first = client.get("/api/v1/indicators/barn-0-17")
    assert first.headers["x-oppvekst-snapshot"] == store.snapshot_id
    again = client.get(
        "/api/v1/indicators/barn-0-17", headers={"If-None-Match": first.headers["etag"]}
    )
    assert again.status_code == 304
    assert first.headers["access-control-allow-origin"] == "*"


def test_profile_endpoint_gives_the_barometer(client: TestClient, store: Store) -> None:
    body = client.get("/api/v1/profile/0301").json()
    assert body["region"]["name"] == "Oslo"
    assert {r["indicator_id"] for r in body["rows"]} <= {
        i.id for i in store.indicators.values() if i.key_indicator
    }
    assert body["rows"]


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/api/v1/data?indicator=finnes-ikke", 404),
        ("/api/v1/data?indicator=barn-0-17&region=12345678", 404),
        ("/api/v1/data?indicator=barn-0-17&period=tjueto", 400),
        ("/api/v1/data?indicator=barn-0-17&format=docx", 400),
        ("/api/v1/data?indicator=barn-0-17&cursor=%%%", 400),
        ("/api/v1/data?indicator=barn-0-17&cursor=0", 400),  # not the shape of a cursor
        ("/api/v1/data?indicator=barn-0-17&cursor=eyJ0", 422),  # the shape, but not ours
        ("/api/v1/data?indicator=barn-0-17&region=" + ",".join(["0301"] * 1200), 400),
        (
            "/api/v1/data?indicator=barn-0-17&region=" + ",".join(["kommune"] * 5),
            422,
        ),  # too many regions
        ("/api/v1/data?indicator=barn-0-17&sex=x&foo=" + "a" * 5000, 414),
        ("/api/v1/data", 400),
        ("/api/v1/regions?level=x", 400),
        ("/api/v1/profile/0301?sammenligning=månen", 400),
        ("/api/v1/profile/0301?sammenligning=gruppe:0,000000,00000", 404),
        ("/api/v1/compare?region=kommune,bydel&indicator=barn-0-17" + ",barn-0-17" * 24, 422),
    ],
)
def test_bad_input_gives_a_clear_4xx(client: TestClient, url: str, status: int) -> None:
    response = client.get(url)
    assert response.status_code == status, response.text[:300]
    body = response.json()
    assert body.get("title") or body.get("detail")


def test_compare_endpoint_matches_the_store(client: TestClient, store: Store) -> None:
    body = client.get("/api/v1/compare?region=0301,4203&indicator=spesialundervisning-andel").json()
    assert [a["code"] for a in body["areas"]] == ["0301", "4203"]
    expected = store.observations(["spesialundervisning-andel"], ["4203"])
    latest = expected.sort_values("period_end").iloc[-1]
    cell = next(c for c in body["cells"] if c["region"] == "4203")
    assert cell["period"] == latest["period"]
    assert cell["value"] == pytest.approx(float(latest["value"]))
    assert cell["significance"] in {"lower", "similar", "higher", "not_compared"}


def test_cross_endpoint_reports_correlation(client: TestClient) -> None:
    body = client.get("/api/v1/cross?x=mobbing-10-trinn&y=trivsel-skolen-10-trinn&own=4601").json()
    stats = body["result"]
    assert stats["n"] > 300
    assert -1 <= stats["pearson"] <= 1


def test_index_endpoint_ranks_every_kommune(client: TestClient) -> None:
    body = client.get(
        "/api/v1/index?indicators=mobbing-10-trinn:1,trivsel-skolen-10-trinn:1"
    ).json()
    ranks = [r["rank"] for r in body["rows"] if r["rank"] is not None]
    assert len(ranks) > 300
    assert min(ranks) == 1
    assert all(
        r["lower"] <= r["index"] <= r["upper"] for r in body["rows"] if r["rank"] is not None
    )
    assert body["recipe"]["components"] == [
        ["mobbing-10-trinn", 1.0],
        ["trivsel-skolen-10-trinn", 1.0],
    ]


def test_compare_parameter_puts_the_judgement_in_the_rows(client: TestClient) -> None:
    rows = client.get(
        "/api/v1/data?indicator=spesialundervisning-andel&region=4203,0&period=2025-26&compare=land"
    ).json()["rows"]
    own = next(r for r in rows if r["region"] == "4203")
    country = next(r for r in rows if r["region"] == "0")
    assert own["benchmark_value"] == pytest.approx(country["value"])
    assert own["significance"] in {"lower", "similar", "higher", "not_compared"}
