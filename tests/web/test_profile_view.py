"""The area profile page: real values from the snapshot, former codes, helpful 404s, benchmarks."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from oppvekst.snapshot.store import Store
from oppvekst.views.benchmark import parse_benchmark
from oppvekst.views.numbers import number


def _row(html: str, indicator_id: str) -> str:
    match = re.search(
        rf'<tr class="sig-row[^"]*" data-indicator="{indicator_id}">(.*?)</tr>', html, re.S
    )
    assert match, f"no barometer row for {indicator_id}"
    return match.group(1)


def test_oslo_shows_its_real_number_of_children(client: TestClient, store: Store) -> None:
    expected = store.frame(
        "SELECT value FROM observations WHERE indicator_id = 'barn-0-17' AND region = '0301' "
        "AND period = '2026' AND sex = 'total' AND age = 'total' AND background = 'total' "
        "AND grade = 'total' AND NOT synthetic"
    )["value"].item()
    assert expected > 100_000  # Oslo has well over 100 000 children: the snapshot is real data
    html = client.get("/kommune/0301").text
    row = _row(html, "barn-0-17")
    assert "2026" in row
    assert f"<strong>{number(expected, 0)}</strong>" in row
    assert "<h1>Oslo</h1>" in html
    assert 'href="/indikator/barn-0-17?omrade=0301"' in row
    assert 'href="/kommune/0301/rapport.pdf"' in html


def test_former_code_redirects_with_a_note(client: TestClient) -> None:
    response = client.get("/kommune/0219", follow_redirects=False)
    assert response.status_code == 301
    assert response.headers["location"] == "/kommune/3201?tidligere=0219"
    page = client.get(response.headers["location"]).text
    assert "<h1>Bærum</h1>" in page
    assert "0219 er et tidligere kommunenummer. Det heter nå Bærum (3201)." in page


def test_unknown_code_is_a_helpful_404(client: TestClient) -> None:
    response = client.get("/kommune/9876")
    assert response.status_code == 404
    assert "Vi finner ingen kommune, bydel eller fylke med nummeret «9876»" in response.text
    assert "Kommunenummer har fire sifre" in response.text
    assert 'role="search"' in response.text  # a way on from the dead end


def test_code_without_leading_zero_is_understood(client: TestClient) -> None:
    assert "<h1>Oslo</h1>" in client.get("/kommune/301").text


def test_county_benchmark_is_kept_in_the_url_and_shown(client: TestClient, store: Store) -> None:
    label = parse_benchmark(store, "fylke", "4601").label
    assert "Vestland" in label
    html = client.get("/kommune/4601", params={"sammenligning": "fylke"}).text
    assert f"sammenlignet med {label}." in html
    assert re.search(r'id="bm-fylke"[^>]*checked', html)


def test_own_group_takes_names(client: TestClient, store: Store) -> None:
    label = parse_benchmark(store, "gruppe:4601,5001", "0301").label
    html = client.get(
        "/kommune/0301", params={"sammenligning": "gruppe", "gruppe": "Bergen, trondheim"}
    ).text
    assert f"sammenlignet med {label}." in html


def test_empty_own_group_says_what_to_do(client: TestClient) -> None:
    response = client.get("/kommune/0301", params={"sammenligning": "gruppe", "gruppe": ""})
    assert response.status_code == 400
    assert "Den egne gruppen er tom." in response.text


def test_significance_has_text_not_only_colour(client: TestClient, store: Store) -> None:
    html = client.get("/kommune/3201").text
    for match in re.finditer(r'<tr class="sig-row sig-row-(\w+)"', html):
        css = match.group(1)
        label = {
            "bedre": "Bedre",
            "verre": "Dårligere",
            "likt": "Ingen signifikant",
            "hoyere": "Høyere",
            "lavere": "Lavere",
            "ikke": "Ikke sammenlignet",
        }[css]
        row_end = html.index("</tr>", match.end())
        assert label.lower() in html[match.end() : row_end].lower()


def test_synthetic_rows_are_labelled(client: TestClient, store: Store) -> None:
    html = client.get("/kommune/0301").text
    for indicator_id in store.synthetic_indicators:
        if f'data-indicator="{indicator_id}"' in html:
            assert "Syntetiske demotall" in _row(html, indicator_id)


def test_bydel_and_country_profiles(client: TestClient) -> None:
    bydel = client.get("/kommune/030101")
    assert bydel.status_code == 200
    assert "<h1>Gamle Oslo</h1>" in bydel.text
    country = client.get("/kommune/0")
    assert country.status_code == 200
    assert "<h1>Norge</h1>" in country.text
    assert 'href="/kommune/46"' in country.text  # the counties are listed
