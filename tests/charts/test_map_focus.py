"""«My county in colour, the rest of the country grey»: ``fargefylke`` on the map tab.

The spec keeps every kommune of the country, fills those outside the fylke grey (their own legend
entry), and computes the class breaks from the fylke's values alone; the page keeps its view for
a wrong entry, and the SVG download is drawn from the same spec.
"""

from __future__ import annotations

import json
import re
from itertools import pairwise
from typing import Any

import vl_convert as vlc
from fastapi.testclient import TestClient

from oppvekst import charts
from oppvekst.charts.maps import MISSING_LABEL, classes
from oppvekst.charts.options import MUTED, ChartOptions, Classification
from oppvekst.views import maps
from oppvekst.views.numbers import NBSP, number

INDICATOR = "barn-lavinntekt-eu60"
MAP = f"/indikator/{INDICATOR}?omrade=4601&fane=kart"


def _rows(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return list(spec["transform"][0]["from"]["data"]["values"])


def _scale(spec: dict[str, Any]) -> dict[str, str]:
    scale = spec["layer"][0]["encoding"]["color"]["scale"]
    return dict(zip(scale["domain"], scale["range"], strict=True))


def _page_spec(html: str) -> dict[str, Any]:
    block = re.search(r'<script type="application/json" id="kart-spec">(.*?)</script>', html, re.S)
    assert block, "no map spec on the page"
    return dict(json.loads(block.group(1)))


def test_outside_the_focus_is_grey_and_the_breaks_come_from_the_focus(store) -> None:  # type: ignore[no-untyped-def]
    values = maps.map_values(store, INDICATOR, focus="46")
    options = ChartOptions(classification=Classification.QUANTILES, classes=4)
    spec = charts.choropleth(values, options, "/kart/kommune.geojson")
    rows = _rows(spec)
    kommuner = [c for c, r in store.regions.items() if r.level == "kommune"]
    assert {r["kode"] for r in rows} == set(kommuner)  # the whole country is drawn
    scale = _scale(spec)
    assert scale["Utenfor Vestland"] == MUTED
    outside = [r for r in rows if not r["kode"].startswith("46")]
    assert outside and all(r["klasse"] == "Utenfor Vestland" for r in outside)
    inside = [r for r in rows if r["kode"].startswith("46")]
    assert all(r["klasse"] != "Utenfor Vestland" for r in inside)
    # The class edges are those of Vestland's values, not the country's.
    focus_values = [r.value for r in values.rows if r.code.startswith("46") and r.value is not None]
    all_values = [r.value for r in values.rows if r.value is not None]
    assert (min(all_values), max(all_values)) != (min(focus_values), max(focus_values))
    d = values.indicator.decimals
    edges = classes(focus_values, Classification.QUANTILES, 4)
    expected = [
        f"{number(a, d, thousands=NBSP)}–{number(b, d, thousands=NBSP)}" for a, b in pairwise(edges)
    ]
    class_labels = [k for k in scale if k not in ("Utenfor Vestland", MISSING_LABEL)]
    assert class_labels == expected
    assert "Vestland i farger" in spec["title"]["subtitle"][0]
    assert values.summary[0].startswith(f"{len(focus_values)} områder i Vestland har tall")


def test_without_a_focus_nothing_is_grey(store) -> None:  # type: ignore[no-untyped-def]
    values = maps.map_values(store, INDICATOR)
    spec = charts.choropleth(values, ChartOptions(), "/kart/kommune.geojson")
    assert MUTED not in _scale(spec).values()
    assert not any(r["klasse"].startswith("Utenfor") for r in _rows(spec))


def test_the_drawn_map_fills_the_rest_of_the_country_grey(store, shared_data) -> None:  # type: ignore[no-untyped-def]
    from oppvekst.charts.maps import wound_for_d3
    from oppvekst.regions.boundaries import BoundaryStore

    values = maps.map_values(store, INDICATOR, focus="46")
    geo = wound_for_d3(BoundaryStore(shared_data / "boundaries").layer("kommune"))
    svg = vlc.vegalite_to_svg(charts.choropleth(values, ChartOptions(), geo))
    grey = len(re.findall(rf'<path[^>]*fill="{MUTED}"', svg, flags=re.IGNORECASE))
    outside = sum(1 for r in values.rows if not r.code.startswith("46"))
    assert grey >= outside  # every kommune outside Vestland (plus the legend's grey swatch)


def test_the_page_offers_the_choice_and_keeps_it(client: TestClient) -> None:
    page = client.get(MAP + "&fargefylke=46")
    assert page.status_code == 200
    assert '<option value="46" selected>' in page.text
    assert 'name="fargefylke"' in page.text
    spec = _page_spec(page.text)
    assert "Utenfor Vestland" in _scale(spec)
    assert spec["data"]["url"] == "/kart/kommune.geojson"  # the whole country's boundaries
    # The other forms of the page keep the choice (hidden field), the map form has its own select.
    assert page.text.count('name="fargefylke" value="46"') >= 1


def test_a_kommune_puts_its_fylke_in_colour(client: TestClient) -> None:
    spec = _page_spec(client.get(MAP + "&fargefylke=Bergen").text)
    assert "Utenfor Vestland" in _scale(spec)


def test_the_whole_country_is_no_focus(client: TestClient) -> None:
    spec = _page_spec(client.get(MAP + "&fargefylke=0").text)
    assert not any(k.startswith("Utenfor") for k in _scale(spec))


def test_a_wrong_entry_keeps_the_map_with_a_norwegian_message(client: TestClient) -> None:
    answer = client.get(MAP + "&fargefylke=99", follow_redirects=False)
    assert answer.status_code == 303
    kept = answer.headers["location"]
    assert "fane=kart" in kept and "omrade=4601" in kept and "fargefylke=" not in kept
    page = client.get(kept)
    assert page.status_code == 200
    assert "Fant ikke området «99»" in page.text
    assert "Utenfor" not in json.dumps(_page_spec(page.text))  # the map, without the focus


def test_the_svg_download_is_the_focused_map(client: TestClient) -> None:
    answer = client.get(f"/indikator/{INDICATOR}/bilde.svg?omrade=4601&fane=kart&fargefylke=46")
    assert answer.status_code == 200
    assert "Utenfor Vestland" in answer.text
    assert len(re.findall(rf'fill="{MUTED}"', answer.text, flags=re.IGNORECASE)) > 300


def test_the_county_restriction_takes_a_kommune_and_keeps_the_view_for_a_wrong_entry(
    client: TestClient,
) -> None:
    # «Avgrens til fylke» reads entries the same way: a kommune restricts the map to its fylke …
    spec = _page_spec(client.get(MAP + "&fylke=Bergen").text)
    assert spec["data"]["url"] == "/kart/kommune.geojson?fylke=46"
    # … and an unknown entry keeps the map (whole country) with the message, not an error page.
    answer = client.get(MAP + "&fylke=99", follow_redirects=False)
    assert answer.status_code == 303
    page = client.get(answer.headers["location"])
    assert page.status_code == 200
    assert "Fant ikke området «99»" in page.text
    assert _page_spec(page.text)["data"]["url"] == "/kart/kommune.geojson"


def _table_codes(html: str) -> list[str]:
    table = re.search(r'<table class="p2-table" id="tabell-kart">(.*?)</table>', html, re.S)
    assert table, "no map table on the page"
    return re.findall(r'<tr[^>]*data-code="([^"]+)"', table.group(1))


def test_the_table_lists_the_coloured_fylke_only(client: TestClient, store) -> None:  # type: ignore[no-untyped-def]
    page = client.get(MAP + "&fargefylke=46")
    codes = _table_codes(page.text)
    values = maps.map_values(store, INDICATOR, focus="46")
    vestland = [c for c, r in store.regions.items() if r.level == "kommune" and c.startswith("46")]
    assert codes == vestland and len(codes) == 43  # as many as the map's summary counts
    assert "0301" not in codes
    assert ", kommunene i Vestland" in page.text
    valued = next(r for r in values.focused_rows if r.value is not None)
    row = re.search(rf'data-code="{valued.code}">(.*?)</tr>', page.text, re.S)
    assert row and number(valued.value, values.indicator.decimals) in row.group(1)


def test_without_a_fylke_in_colour_the_table_keeps_the_country(client: TestClient, store) -> None:  # type: ignore[no-untyped-def]
    codes = _table_codes(client.get(MAP).text)
    assert "0301" in codes and "4601" in codes
    assert len(codes) == len(maps.map_values(store, INDICATOR).rows)


def test_an_own_kommune_outside_the_coloured_fylke_is_not_said_to_be_in_the_table(
    client: TestClient,
) -> None:
    page = client.get(f"/indikator/{INDICATOR}?omrade=0301&egen=0301&fane=kart&fargefylke=46")
    assert "0301" not in _table_codes(page.text)
    assert "Oslo er uthevet i tabellen" not in page.text
    inside = client.get(f"/indikator/{INDICATOR}?omrade=4601&egen=4601&fane=kart&fargefylke=46")
    assert "Bergen er uthevet i tabellen" in inside.text
