"""The statistics bank: filters in the URL, the regions × years pivot and actionable errors."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

from fastapi.testclient import TestClient

from oppvekst.snapshot.store import Store
from oppvekst.views.numbers import number


def test_every_indicator_is_listed(client: TestClient, store: Store) -> None:
    html = client.get("/statistikkbank").text
    for ind in store.indicators.values():
        assert f'href="/indikator/{ind.id}"' in html
    assert f"{len(store.indicators)} indikatorer" in html


def test_topic_filter(client: TestClient, store: Store) -> None:
    html = client.get("/statistikkbank", params={"tema": "mobbing"}).text
    expected = sorted(i.id for i in store.indicators.values() if i.topic == "mobbing")
    listed = sorted(set(re.findall(r'<th scope="row"><a href="/indikator/([a-z0-9-]+)"', html)))
    assert listed == expected


def test_level_filter_keeps_only_bydel_indicators(client: TestClient, store: Store) -> None:
    html = client.get("/statistikkbank", params={"niva": "bydel"}).text
    listed = set(re.findall(r'<th scope="row"><a href="/indikator/([a-z0-9-]+)"', html))
    expected = {
        i.id for i in store.indicators.values() if any(lv.value == "bydel" for lv in i.levels)
    }
    assert listed == expected


def test_pivot_of_children_in_a_county(client: TestClient, store: Store) -> None:
    response = client.get(
        "/statistikkbank",
        params={
            "indikator": "barn-0-17",
            "niva": "kommune",
            "fylke": "46",
            "fra": "2024",
            "til": "2026",
        },
    )
    assert response.status_code == 200
    html = response.text
    bergen_2026 = store.frame(
        "SELECT value FROM observations WHERE indicator_id = 'barn-0-17' AND region = '4601' "
        "AND period = '2026' AND sex = 'total' AND age = 'total'"
    )["value"].item()
    row = re.search(r'<a href="/kommune/4601">Bergen</a>.*?</tr>', html, re.S)
    assert row, "Bergen is a row of the Vestland table"
    cells = re.findall(r'<td class="num[^"]*"[^>]*>([^<]*)', row.group(0))
    assert cells[-1] == number(bergen_2026, 0)
    assert 'href="/kommune/0301"' not in html.split('class="pivot"')[1].split("</table>")[0]
    download = re.search(r'href="(/api/v1/data\?[^"]+)"', html)
    assert download
    query = parse_qs(urlparse(download.group(1).replace("&amp;", "&")).query)
    assert query == {
        "indicator": ["barn-0-17"],
        "region": ["fylke:46"],
        "period": ["2024,2025,2026"],
        "format": ["csv"],
    }


def test_age_breakdown(client: TestClient, store: Store) -> None:
    html = client.get(
        "/statistikkbank", params={"indikator": "barn-0-17", "niva": "fylke", "alder": "0-5"}
    ).text
    assert "alder 0–5 år" in html
    young = store.frame(
        "SELECT value FROM observations WHERE indicator_id = 'barn-0-17' AND region = '46' "
        "AND age = '0-5' AND sex = 'total' ORDER BY period_end DESC LIMIT 1"
    )["value"].item()
    assert number(young, 0) in html


def test_indicator_not_at_bydel_level_says_where_it_is(client: TestClient) -> None:
    response = client.get(
        "/statistikkbank", params={"indikator": "andel-barn-0-17", "niva": "bydel"}
    )
    assert response.status_code == 400
    assert "finnes ikke på bydelsnivå" in response.text
    assert "Indikatoren publiseres for: landet, fylke, kommune." in response.text
    assert "niva=kommune" in response.text  # a link straight to a level that works


def test_year_without_data(client: TestClient) -> None:
    response = client.get(
        "/statistikkbank", params={"indikator": "barn-0-17", "fra": "1990", "til": "1995"}
    )
    assert response.status_code == 400
    assert "Det finnes ingen tall for «Barn 0–17 år» for de valgte årene." in response.text
    assert "Indikatoren har tall fra 2005" in response.text


def test_not_a_year(client: TestClient) -> None:
    response = client.get("/statistikkbank", params={"fra": "abc"})
    assert response.status_code == 400
    assert "«abc» er ikke et årstall." in response.text
