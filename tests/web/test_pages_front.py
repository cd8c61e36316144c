"""Front page, packages and data status."""

from __future__ import annotations

from fastapi.testclient import TestClient

from oppvekst.snapshot.store import Store


def test_front_page_has_search_and_every_topic(client: TestClient, store: Store) -> None:
    response = client.get("/")
    assert response.status_code == 200
    html = response.text
    assert '<form class="search" role="search" action="/sok" method="get"' in html
    assert len(store.topics) == 23  # basics + the 22 areas of the 2017 survey
    for topic in store.topics:
        assert f'href="/statistikkbank?tema={topic["id"]}"' in html
    assert "Sist oppdatert" in html
    assert "<script>" not in html  # no inline script: the CSP forbids it
    assert '<script src="/static/js/search.js" defer></script>' in html


def test_demo_banner_on_every_page(client: TestClient, store: Store) -> None:
    assert store.synthetic_rows > 0
    for url in ("/", "/kommune/0301", "/statistikkbank", "/pakker", "/status", "/sok?q=oslo"):
        assert "syntetiske demotall" in client.get(url).text.lower(), url


def test_packages_list_and_one_package(client: TestClient, store: Store) -> None:
    html = client.get("/pakker").text
    for record in store.packages:
        assert f'href="/pakker/{record["id"]}"' in html
    one = client.get("/pakker/tilstandsrapport-barnevern").text
    assert "Barnevernsloven § 15-12" in one
    assert 'href="/indikator/barnevern-tiltak-per-1000"' in one


def test_package_for_a_municipality_typed_by_name(client: TestClient) -> None:
    html = client.get("/pakker/tilstandsrapport-barnevern", params={"omrade": "baerum"}).text
    assert "Tilstandsrapport barnevern – Bærum" in html
    assert 'href="/pakker/tilstandsrapport-barnevern/3201.xlsx"' in html
    assert 'data-indicator="barnevern-tiltak-per-1000"' in html


def test_unknown_package_is_404(client: TestClient) -> None:
    response = client.get("/pakker/finnes-ikke")
    assert response.status_code == 404
    assert "Pakken «finnes-ikke» finnes ikke." in response.text


def test_status_lists_each_indicator_and_marks_demo(client: TestClient, store: Store) -> None:
    html = client.get("/status").text
    assert store.snapshot_id in html
    for indicator_id in store.source_status["indicator_id"]:
        assert f'href="/indikator/{indicator_id}"' in html
    assert html.count('class="tag tag-demo"') >= len(store.synthetic_indicators)


def test_json_error_for_api_clients(client: TestClient) -> None:
    response = client.get("/kommune/9876", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")


def test_status_cards_show_the_build_time_in_norwegian(client: TestClient, store: Store) -> None:
    import re
    from datetime import datetime

    html = client.get("/status").text
    cards = re.search(r'<dl class="facts">(.*?)</dl>', html, re.S)
    assert cards
    built = datetime.fromisoformat(store.meta["built_at"])
    assert f"<dt>Bygget</dt><dd>{built:%d.%m.%Y kl. %H.%M}</dd>" in cards.group(1)
    assert not re.search(r"T\d\d:\d\d:\d\d", cards.group(1))  # no stored ISO text
    assert f'<code class="facts-id">{store.snapshot_id}</code>' in cards.group(1)
    # The sources table stacks on a phone: each cell carries its column's name.
    sources = re.search(r'<table class="table-stack">(.*?)</table>', html, re.S)
    assert sources and 'data-label="Kildens siste oppdatering"' in sources.group(1)
    # The footer of every page says it the same way, not as stored ISO text.
    footer = client.get("/").text.split("<footer", 1)[1]
    assert f"Data bygget {built:%d.%m.%Y kl. %H.%M}" in footer
    assert not re.search(r"T\d\d:\d\d:\d\d", footer)
