"""The analysis pages in-process: status codes, URL state, no inline scripts, errors, caching."""

from __future__ import annotations

import json
import re

import pytest

PAGES = [
    "/indikator/mobbing-10-trinn?omrade=4601,4624,46",
    "/indikator/mobbing-10-trinn?omrade=4601&fane=kart&fylke=46",
    "/indikator/mobbing-10-trinn?omrade=4601&fane=tabell",
    "/indikator/mobbing-10-trinn?omrade=4601&fane=om",
    "/indikator/mobbing-10-trinn?omrade=4601&fane=last-ned",
    "/indikator/barn-0-17?omrade=0301&alder=0-5",
    "/sammenlign?omrade=4601,0301&indikator=mobbing-10-trinn,barn-lavinntekt-eu60",
    "/krysse?egen=4601",
    "/indeks?egen=4601",
]


@pytest.mark.parametrize("url", PAGES)
def test_pages_render_without_inline_scripts(client, url: str) -> None:  # type: ignore[no-untyped-def]
    response = client.get(url)
    assert response.status_code == 200, response.text[:500]
    for tag in re.findall(r"<script\b[^>]*>", response.text):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert "Syntetiske demotall" in response.text


def test_tabs_are_links_that_keep_the_state(client) -> None:  # type: ignore[no-untyped-def]
    html = client.get("/indikator/mobbing-10-trinn?omrade=4601,4624").text
    assert 'href="/indikator/mobbing-10-trinn?omrade=4601%2C4624&amp;fane=kart"' in html
    assert 'aria-current="page" class="p2-tab-active">Figur' in html


def test_adding_an_area_by_name_redirects_to_the_canonical_url(client) -> None:  # type: ignore[no-untyped-def]
    r = client.get(
        "/indikator/mobbing-10-trinn?omrade=4601&leggtil=Bjørnafjorden (4624)",
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"].endswith("omrade=4601%2C4624")


def test_similarity_weights_form_becomes_one_parameter(client) -> None:  # type: ignore[no-untyped-def]
    r = client.get(
        "/indikator/mobbing-10-trinn?omrade=4601&likhet_folketall=1&likhet_sentralitet=0&likhet_barn=2"
        "&likhet_lavinntekt=0&likhet_innvandrer=0",
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert "likhet=folketall%3A1%2Csentralitet%3A0%2Cbarn%3A2" in r.headers["location"]


def test_download_links_carry_the_selection(client) -> None:  # type: ignore[no-untyped-def]
    html = client.get("/indikator/mobbing-10-trinn?omrade=4601,46&fane=last-ned").text
    for fmt in ("csv", "xlsx", "jsonstat2"):
        assert f"format={fmt}" in html
    assert "/api/v1/data?indicator=mobbing-10-trinn&amp;region=4601%2C46&amp;period=" in html


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("/indikator/mobbing-10-trinn?omrade=030101", "bydelsnivå"),
        ("/indikator/mobbing-10-trinn?omrade=4601&periode=1990", "1990"),
        ("/krysse?aar=1990", "1990"),
        ("/indikator/finnes-ikke", "finnes ikke"),
    ],
)
def test_errors_a_person_can_act_on(client, url: str, words: str) -> None:  # type: ignore[no-untyped-def]
    r = client.get(url)
    assert r.status_code in (400, 404)
    assert words in r.text


def test_geojson_is_gzipped_and_cached(client) -> None:  # type: ignore[no-untyped-def]
    r = client.get("/kart/kommune.geojson?fylke=46", headers={"accept-encoding": "gzip"})
    assert r.status_code == 200 and r.headers["content-encoding"] == "gzip"
    assert "max-age" in r.headers["cache-control"]
    codes = {f["properties"]["code"] for f in r.json()["features"]}
    assert "4601" in codes and all(c.startswith("46") for c in codes)
    again = client.get(
        "/kart/kommune.geojson?fylke=46", headers={"if-none-match": r.headers["etag"]}
    )
    assert again.status_code == 304


def test_vega_bundle_is_served_locally_with_long_cache(client) -> None:  # type: ignore[no-untyped-def]
    html = client.get("/krysse").text
    src = re.search(r'<script src="([^"]*vega-bundle\.js[^"]*)"', html)
    assert src is not None
    r = client.get(src.group(1))
    assert r.status_code == 200 and "javascript" in r.headers["content-type"]
    assert "max-age=31536000" in r.headers["cache-control"]
    assert "window.vegaEmbed" in r.text


def _cross_table_codes(html: str) -> list[str]:
    table = re.search(r'<table class="p2-table" id="tabell-krysning">(.*?)</table>', html, re.S)
    assert table, "no table alternative under the scatter"
    return re.findall(r'<tr[^>]*data-code="([^"]+)"', table.group(1))


def _cross_spec_codes(html: str) -> list[str]:
    block = re.search(r'id="krysning-spec">(.*?)</script>', html, re.S)
    assert block, "no scatter spec on the page"
    return [row["kode"] for row in json.loads(block.group(1))["data"]["values"]]


def test_the_cross_table_holds_every_point_of_the_chart(client) -> None:  # type: ignore[no-untyped-def]
    # Without an own kommune the table alternative once showed headers only.
    html = client.get("/krysse").text
    rows, points = _cross_table_codes(html), _cross_spec_codes(html)
    assert len(rows) == len(points) >= 300 and set(rows) == set(points)
    names = re.findall(r'data-code="\d+"><th scope="row"><a [^>]*>([^<]+)</a>', html)
    assert names.index("Ålesund") > names.index("Øygarden") > names.index("Ørland")


def test_the_cross_table_puts_the_own_kommune_first(client) -> None:  # type: ignore[no-untyped-def]
    html = client.get("/krysse?egen=3201").text
    rows = _cross_table_codes(html)
    assert rows[0] == "3201" and len(rows) == len(_cross_spec_codes(html))
    assert re.search(
        r'<tr class="p2-row-own" data-code="3201"><th scope="row"><a [^>]*>Bærum<', html
    )
