"""Chart text a reader types: no character can end the server, and no edit removes what must stay.

vl-convert aborts the process it runs in on a control character in a chart text (a Rust panic);
before the sanitiser, ``/indikator/barn-0-17/bilde.png?tittel=A%00B`` ended the whole portal.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from oppvekst.charts.drawing import POOL
from oppvekst.charts.drawing_worker import VEGALITE_TO_SVG
from oppvekst.charts.text import printable
from oppvekst.errors import ChartCrashed
from oppvekst.settings import Settings
from oppvekst.snapshot.files import DataDir
from oppvekst.snapshot.store import Store
from oppvekst.web.app import create_app

CONTROL = [chr(c) for c in (*range(0x00, 0x20), 0x7F, 0x85, 0x9B)]
BIDI = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"]
BIDI += ["\u200e", "\u200f", "\u061c"]
# Every chart a person can take away, as image and as embed (the text fields are the same).
CHART_PAGES = (
    "/indikator/barn-0-17?omrade=4601,46,0",
    "/indikator/barn-lavinntekt-eu60?omrade=4601&fane=kart&fylke=46",
    "/sammenlign?omrade=4601,4624,46&indikator=mobbing-10-trinn,barn-lavinntekt-eu60&egen=4601",
    "/krysse?egen=4601",
    "/indeks?egen=4601",
)
TEXT_FIELDS = ("tittel", "undertittel", "note")


@pytest.fixture(scope="module")
def client(snapshot_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    settings = Settings(rate_limit="off", figure_cache=tmp_path_factory.mktemp("figurer"))
    return TestClient(create_app(DataDir(snapshot_dir), settings))


def _image(page: str, fmt: str, extra: str) -> str:
    path, _, query = page.partition("?")
    return f"{path}/bilde.{fmt}?{query}&{extra}"


@pytest.mark.parametrize("character", CONTROL + BIDI, ids=lambda c: f"U+{ord(c):04X}")
def test_printable_removes_the_character_and_keeps_the_text(character: str) -> None:
    assert printable(f"Barn{character}i Bergen") in ("Barni Bergen", "Barn i Bergen")


def test_printable_keeps_norwegian_and_sami_letters_and_cuts_length() -> None:
    assert printable("Kárášjohka – Æøå «sitat» 5 %") == "Kárášjohka – Æøå «sitat» 5 %"
    assert len(printable("x" * 1000)) == 300


@pytest.mark.parametrize("page", CHART_PAGES)
def test_every_control_and_bidi_character_in_every_text_field_leaves_the_server_answering(
    client: TestClient, page: str
) -> None:
    text = quote("A" + "".join(CONTROL + BIDI) + "B")
    every_field = "&".join(f"{field}={text}" for field in TEXT_FIELDS)
    for fmt in ("png", "svg"):
        response = client.get(_image(page, fmt, every_field))
        assert response.status_code == 200, (page, fmt, response.text[:300])
    embed = client.get("/embed" + page + "&" + every_field)
    assert embed.status_code == 200, page
    assert "\u202e" not in embed.text and "\x1b" not in embed.text
    assert client.get("/").status_code == 200  # still here


@pytest.mark.parametrize("field", TEXT_FIELDS)
def test_each_character_alone_in_each_field(client: TestClient, field: str) -> None:
    # One character per request (the sanitised specs share one cache key, so this is cheap).
    for character in CONTROL + BIDI:
        response = client.get(_image(CHART_PAGES[0], "svg", f"{field}={quote('A' + character)}"))
        assert response.status_code == 200, (field, f"U+{ord(character):04X}")


def test_a_drawing_process_that_dies_is_replaced_and_the_request_gets_a_norwegian_error() -> None:
    # Straight to the pool, past the sanitiser: this spec makes vl-convert abort its process.
    deadly = {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": "A\x00B",
        "data": {"values": [{"a": 1}]},
        "mark": "point",
        "encoding": {"x": {"field": "a", "type": "quantitative"}},
    }
    with pytest.raises(ChartCrashed) as raised:
        POOL.one(VEGALITE_TO_SVG, deadly)
    assert raised.value.message == "Figuren kunne ikke tegnes."
    fine = {**deadly, "title": "AB"}
    assert "<svg" in POOL.one(VEGALITE_TO_SVG, fine)  # fresh workers draw the next chart


def _subtitle_texts(svg: str) -> str:
    # A subtitle of several lines is one <text> with a <tspan> per line.
    return " ".join(re.findall(r"<(?:text|tspan)[^>]*>([^<]*)</(?:text|tspan)>", svg))


def test_own_subtitle_keeps_the_unit_and_the_synthetic_label(
    client: TestClient, store: Store
) -> None:
    synthetic = sorted(store.synthetic_indicators)
    assert synthetic, "the fixture snapshot has demo indicators"
    indicator = store.indicator(synthetic[0])
    page = f"/indikator/{indicator.id}?omrade=4601,46,0"
    svg = client.get(_image(page, "svg", "undertittel=Min%20egen%20tekst")).text
    texts = _subtitle_texts(svg)
    assert "Min egen tekst" in texts
    assert "Syntetiske demotall" in texts
    assert indicator.unit[:1].upper() + indicator.unit[1:] in texts
    embed = client.get(f"/embed{page}&undertittel=Min%20egen%20tekst").text
    assert "Syntetiske demotall" in embed
    # The map and the comparison keep the label as well.
    for other in (
        f"/indikator/{indicator.id}?omrade=4601&fane=kart&fylke=46",
        f"/sammenlign?omrade=4601,46&indikator={indicator.id}",
    ):
        svg = client.get(_image(other, "svg", "undertittel=Min%20egen%20tekst")).text
        assert "Syntetiske demotall" in _subtitle_texts(svg), other
