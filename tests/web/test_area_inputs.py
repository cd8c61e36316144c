"""Every area input goes through one resolver, and a wrong entry never throws the view away.

Before: ``/indikator/mobbing-10-trinn?omrade=3201,3203&leggtil=Oslo`` was a full-page 400
(«Fant ikke området «Oslo»»), ``barum`` in «Egen kommune» a 400 although the front-page search
accepts it, a typo in the profile's own group lost the profile, and the search found nothing for
Bærum's former number or for «Bærum kommune».
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient

from oppvekst.settings import Settings
from oppvekst.snapshot.files import DataDir
from oppvekst.web.app import create_app

INDICATOR = "/indikator/mobbing-10-trinn"


@pytest.fixture(scope="module")
def client(snapshot_dir: Path) -> TestClient:
    return TestClient(create_app(DataDir(snapshot_dir), Settings(rate_limit="off")))


def _h1(html: str) -> str:
    found = re.search(r"<h1[^>]*>\s*([^<]*)", html)
    assert found, html[:500]
    return found.group(1).strip()


def _alert(html: str) -> str:
    found = re.search(r'<div class="input-problem" role="alert">(.*?)</div>', html, re.S)
    assert found, "no message on the page"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", found.group(1)))


def _kept(client: TestClient, url: str) -> tuple[dict[str, list[str]], str]:
    """The kept view a wrong entry redirects to: its query, and the page it shows."""
    response = client.get(url, follow_redirects=False)
    assert response.status_code == 303, (url, response.status_code)
    target = response.headers["location"]
    page = client.get(target)
    assert page.status_code == 200
    return parse_qs(urlsplit(target).query), page.text


def test_ambiguous_name_keeps_the_view_and_offers_both(client: TestClient) -> None:
    query, html = _kept(client, f"{INDICATOR}?omrade=3201,3203&leggtil=Oslo")
    assert query["omrade"] == ["3201,3203"] and "leggtil" not in query
    assert _h1(html) == "Andel elever på 10. trinn som blir mobbet"
    assert "Mente du Oslo kommune (0301) eller Oslo fylke (03)?" in _alert(html)
    assert f'href="{INDICATOR}?omrade=3201%2C3203&amp;leggtil=0301"' in html


def test_unknown_code_in_a_list_is_left_out_and_named(client: TestClient) -> None:
    query, html = _kept(client, f"{INDICATOR}?omrade=4601,9999&fane=tabell")
    assert query["omrade"] == ["4601"] and query["fane"] == ["tabell"]
    assert "Fant ikke området «9999»." in _alert(html)
    assert _h1(html) == "Andel elever på 10. trinn som blir mobbet"


@pytest.mark.parametrize("page", ["/krysse", "/indeks"])
def test_own_municipality_accepts_what_the_search_accepts(client: TestClient, page: str) -> None:
    for typed in ("barum", "Bærum", "Bærum kommune", "0219", "3201", "Bærum (3201)"):
        response = client.get(page, params={"egen": typed})
        assert response.status_code == 200, (page, typed, response.text[:300])
        assert "Bærum" in response.text


def test_typo_in_the_profiles_own_group_keeps_the_profile(client: TestClient) -> None:
    query, html = _kept(client, "/kommune/3203?sammenligning=gruppe&gruppe=Asker,Xyzby")
    assert query["gruppe"] == ["Asker"] and query["sammenligning"] == ["gruppe"]
    assert _h1(html).startswith("Asker")
    assert "«Xyzby»" in _alert(html)


def test_add_area_by_name_number_or_former_number(client: TestClient) -> None:
    for typed in ("Bærum kommune", "0219", "barum"):
        response = client.get(INDICATOR, params={"omrade": "4601", "leggtil": typed})
        assert response.status_code == 200, typed
        assert "Bærum" in response.text


@pytest.mark.parametrize("typed", ["0219", "3024", "Bærum kommune", "Oslo fylke"])
def test_search_finds_former_numbers_and_names_with_their_level(
    client: TestClient, typed: str
) -> None:
    html = client.get("/sok", params={"q": typed}).text
    assert "Ingen treff" not in html, typed
    expected = {"0219": "Bærum", "3024": "Bærum", "Bærum kommune": "Bærum", "Oslo fylke": "Oslo"}
    assert expected[typed] in html


def test_api_keeps_answering_problems_not_redirects(client: TestClient) -> None:
    response = client.get("/api/v1/profile/9999", follow_redirects=False)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")


@pytest.mark.parametrize(
    "url",
    [
        "/sok?q=Berg%E2%80%AEen",
        "/sok?q=%E2%81%A6Oslo%E2%81%A9%1B",
        f"{INDICATOR}?omrade=4601&leggtil=Xy%E2%80%AEzby",
        "/kommune/4601?sammenligning=gruppe&gruppe=Bergen,%E2%80%AEXyz",
    ],
)
def test_bidi_and_control_characters_never_come_back(client: TestClient, url: str) -> None:
    html = client.get(url).text
    for character in ("\u202e", "\u2066", "\u2069", "\x1b"):
        assert character not in html, (url, f"U+{ord(character):04X}")


def test_the_map_offers_the_fylke_level_and_draws_it(client: TestClient) -> None:
    html = client.get(INDICATOR, params={"fane": "kart"}).text
    assert '<option value="fylke"' in html
    page = client.get(INDICATOR, params={"fane": "kart", "niva": "fylke"})
    assert page.status_code == 200
    assert '<option value="fylke" selected>' in page.text
    assert "/kart/fylke.geojson" in page.text


def test_the_message_stays_with_its_answer_not_with_the_links_from_it(client: TestClient) -> None:
    # Before: every tab, sort and remove link of the kept view carried feil/feilverdi, so the
    # «Fant ikke området» message came back on every page after it.
    query, html = _kept(client, f"{INDICATOR}?omrade=4601&leggtil=Xyzby")
    assert query["feil"] == ["leggtil"]
    links = re.findall(r'href="([^"]*)"', html)
    assert any("fane=kart" in link for link in links)
    assert not [link for link in links if "feil=" in link or "feilverdi=" in link]
    following = client.get(
        next(link for link in links if "fane=kart" in link).replace("&amp;", "&")
    )
    assert 'class="input-problem"' not in following.text
