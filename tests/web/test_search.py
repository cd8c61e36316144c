"""Search: regions without æ/ø/å or Sámi letters, indicators, the JSON twin and escaping."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from oppvekst.snapshot.store import Store
from oppvekst.views.search import search


@pytest.mark.parametrize(
    ("typed", "code", "name"),
    [
        ("baerum", "3201", "Bærum"),
        ("Bærum", "3201", "Bærum"),
        ("barum", "3201", "Bærum"),
        ("tromsoe", "5501", "Tromsø"),
        ("karasjok", "5610", "Kárášjohka - Karasjok"),
        ("kautokeino", "5612", "Guovdageaidnu - Kautokeino"),
        ("grunerlokka", "030102", "Grünerløkka"),
        ("4601", "4601", "Bergen"),
    ],
)
def test_region_found_first(store: Store, typed: str, code: str, name: str) -> None:
    hits = search(store, typed).regions
    assert hits, f"nothing found for {typed!r}"
    assert (hits[0].id, hits[0].label) == (code, name)
    assert hits[0].url == f"/kommune/{code}"


def test_municipality_before_county_of_the_same_name(store: Store) -> None:
    hits = search(store, "Oslo").regions
    assert [(h.id, h.detail.split()[0]) for h in hits[:2]] == [("0301", "Kommune"), ("03", "Fylke")]


def test_misspelt_name_gives_close_suggestions(store: Store) -> None:
    results = search(store, "Bearum")
    assert results.close_spelling
    assert results.regions[0].label == "Bærum"


def test_indicators_by_word_prefix(store: Store) -> None:
    titles = [h.label for h in search(store, "mobb").indicators]
    expected = sorted(i.title for i in store.indicators.values() if "mobbing" in i.id)
    assert sorted(titles) == expected


def test_json_for_the_type_ahead(client: TestClient) -> None:
    response = client.get("/sok", params={"q": "baer"}, headers={"Accept": "application/json"})
    assert response.status_code == 200
    first = response.json()["results"][0]
    assert first == {
        "kind": "region",
        "id": "3201",
        "label": "Bærum",
        "detail": "Kommune 3201 · Akershus",
        "url": "/kommune/3201",
    }


def test_exact_name_goes_straight_to_the_profile(client: TestClient) -> None:
    response = client.get("/sok", params={"q": "baerum"}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/kommune/3201"


def test_results_page_lists_both_kinds(client: TestClient) -> None:
    html = client.get("/sok", params={"q": "oslo"}).text
    assert "Kommuner, bydeler og fylker" in html
    assert 'href="/kommune/0301"' in html
    assert 'href="/kommune/030101"' in html  # Gamle Oslo


def test_search_text_is_escaped(client: TestClient) -> None:
    evil = "<script>alert(1)</script>"
    response = client.get("/sok", params={"q": evil})
    assert response.status_code == 200
    assert "<script>alert(1)" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text
    assert "Ingen treff" in response.text


def test_former_code_finds_what_it_became(client: TestClient) -> None:
    """A former code typed into the front page's search says what it is now, in the one wording."""
    response = client.get("/sok", params={"q": "0219"}, headers={"Accept": "application/json"})
    assert response.json()["results"] == [
        {
            "kind": "region",
            "id": "3201",
            "label": "Bærum",
            "detail": "0219 er et tidligere kommunenummer. Det heter nå Bærum (3201).",
            "url": "/kommune/3201?tidligere=0219",
        }
    ]
    entered = client.get("/sok", params={"q": "0219"}, follow_redirects=False)
    assert entered.status_code == 303
    assert entered.headers["location"] == "/kommune/3201?tidligere=0219"


def test_split_former_code_lists_every_part(client: TestClient) -> None:
    html = client.get("/sok", params={"q": "1507"}).text
    assert 'href="/kommune/1508?tidligere=1507"' in html
    assert 'href="/kommune/1580?tidligere=1507"' in html
    assert "Det er nå delt mellom Ålesund (1508) og Haram (1580)." in html


def test_api_region_filter_uses_the_same_search(client: TestClient, store: Store) -> None:
    """``/api/v1/regions?q=`` finds what the front page finds, in the same order."""
    for typed in ("barum", "tromsoe", "oslo", "0219", "sand"):
        api = [
            r["code"] for r in client.get("/api/v1/regions", params={"q": typed}).json()["regions"]
        ]
        front = [h.id for h in search(store, typed, limit=len(store.regions)).regions]
        assert api == front, typed
    api = client.get("/api/v1/regions", params={"q": "oslo", "level": "bydel"}).json()
    assert [r["code"] for r in api["regions"]] == ["030101"]
