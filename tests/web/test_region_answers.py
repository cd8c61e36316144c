"""One answer for a former code and a county, on every route a person uses.

The pages, the API and the downloads all ask the snapshot's region registry, so ``0219`` is Bærum
(3201) in the same words everywhere, and a bydel lies in the same county on the page and in the API.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

BAERUM = "0219 er et tidligere kommunenummer. Det heter nå Bærum (3201)."


def test_api_region_for_a_former_code(client: TestClient) -> None:
    body = client.get("/api/v1/regions/0219").json()
    assert body == {
        "requested": "0219",
        "former": True,
        "current": [{"code": "3201", "name": "Bærum"}],
        "note": BAERUM,
    }


def test_api_problem_for_a_former_code(client: TestClient) -> None:
    response = client.get("/api/v1/profile/0219")
    assert response.status_code == 404
    problem = response.json()
    assert problem["title"] == BAERUM
    assert problem["code"] == "unknown-region"
    assert problem["suggestions"] == ["3201"]


def test_download_note_for_a_former_code(client: TestClient) -> None:
    body = client.get("/api/v1/data?indicator=barn-0-17&region=0219&period=2024").json()
    assert {r["region"] for r in body["rows"]} == {"3201"}
    assert body["notes"] == [BAERUM]


def test_page_for_a_former_code(client: TestClient) -> None:
    moved = client.get("/kommune/0219", follow_redirects=False)
    assert moved.status_code == 301
    assert moved.headers["location"] == "/kommune/3201?tidligere=0219"
    assert BAERUM in client.get(moved.headers["location"]).text


def test_split_former_code_page_offers_both(client: TestClient) -> None:
    response = client.get("/kommune/1507")
    assert response.status_code == 404
    assert "1507 er et tidligere kommunenummer. Det er nå delt mellom" in response.text
    assert 'href="/kommune/1508"' in response.text
    assert 'href="/kommune/1580"' in response.text


def test_api_former_codes_of_a_current_code(client: TestClient) -> None:
    baerum = client.get("/api/v1/regions?q=baerum").json()["regions"][0]
    assert [(f["code"], f["became"], f["changed_on"]) for f in baerum["former_codes"]] == [
        ("3024", "3201", "2024-01-01"),
        ("0219", "3024", "2020-01-01"),
    ]
    changes = client.get("/api/v1/regions/3201").json()["changes"]
    assert [(c["old_code"], c["new_code"], c["changed_on"]) for c in changes] == [
        ("3024", "3201", "2024-01-01")
    ]


def test_a_border_adjustment_is_no_predecessor(client: TestClient) -> None:
    """Indre Østfold gave Nordre Follo land in 2026: listed, but its own past is not Follo's."""
    follo = client.get("/api/v1/regions?q=nordre follo").json()["regions"][0]
    former = {f["code"]: f["kind"] for f in follo["former_codes"]}
    assert former["3118"] == "border"
    assert {"0213", "0217", "3020"} <= set(former)
    assert "0122" not in former  # one of the kommuner that formed Indre Østfold


@pytest.mark.parametrize(("code", "county"), [("030101", "03"), ("3201", "32"), ("4601", "46")])
def test_county_on_the_api_and_the_page(client: TestClient, code: str, county: str) -> None:
    assert client.get(f"/api/v1/regions/{code}").json()["county"] == county
    page = client.get(f"/kommune/{code}").text
    assert f'<li><a href="/kommune/{county}">' in page  # the breadcrumb names the county


def test_county_benchmark_of_a_bydel(client: TestClient) -> None:
    body = client.get("/api/v1/profile/030101?sammenligning=fylke").json()
    assert body["county"]["code"] == "03"
    assert body["benchmark"]["members"] == ["03"]
