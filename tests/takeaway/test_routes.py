"""Image and embed routes in-process: every page's chart as a file, escaping, frozen vs living."""

from __future__ import annotations

import html
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from fastapi.testclient import TestClient
from tests.takeaway.test_figures import HOSTILE, pdf_text, png_size

from oppvekst.snapshot.files import DataDir
from oppvekst.web.app import create_app

LINE = "/indikator/barn-lavinntekt-eu60?omrade=4601,46,0&egen=4601"


def _client(data_dir: Path, cache: Path, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    monkeypatch.setenv("OPPVEKST_RATE_LIMIT", "off")
    monkeypatch.setenv("OPPVEKST_FIGURE_CACHE", str(cache))
    return TestClient(create_app(DataDir(data_dir)))


@pytest.fixture(scope="module")
def client(snapshot_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with pytest.MonkeyPatch.context() as mp:
        yield _client(snapshot_dir, tmp_path_factory.mktemp("figurer"), mp)


def _image_url(page: str, fmt: str, extra: str = "") -> str:
    path, _, query = page.partition("?")
    return f"{path}/bilde.{fmt}?{query}{extra}"


def test_indicator_png_at_scale_two_is_a_download_with_the_preset_size(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get(_image_url(LINE, "png", "&storrelse=presentasjon&skala=2"))
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    assert "attachment" in response.headers["content-disposition"]
    assert "@2x.png" in response.headers["content-disposition"]
    assert png_size(response.content) == (1920, 1080)
    # Another encoding is another kept answer (oppvekst.cache), so this one reaches the route,
    # which finds the drawn figure in the figure cache instead of drawing it again.
    again = client.get(
        _image_url(LINE, "png", "&storrelse=presentasjon&skala=2"),
        headers={"Accept-Encoding": "identity"},
    )
    assert again.headers["x-figure-cache"] == "hit" and again.content == response.content


def test_hostile_title_is_escaped_in_the_page_the_embed_and_the_svg(client) -> None:  # type: ignore[no-untyped-def]
    from urllib.parse import quote

    page = f"{LINE}&tittel={quote(HOSTILE)}&note={quote(HOSTILE)}"
    for url in (page, "/embed" + page):
        text = client.get(url).text
        assert "<script>alert(1)" not in text and "<svg onload" not in text, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text, url
    svg = client.get(_image_url(page, "svg")).text
    assert "<script>alert" not in svg and "<svg onload" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg


def test_compare_pdf_carries_title_and_every_source(client, tmp_path) -> None:  # type: ignore[no-untyped-def]
    page = (
        "/sammenlign?omrade=4601,4624,46&indikator=mobbing-10-trinn,barn-lavinntekt-eu60&egen=4601"
    )
    response = client.get(_image_url(page, "pdf", "&tittel=Vestland%20i%20tall"))
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    text = pdf_text(response.content, tmp_path)
    assert "Vestland i tall" in text
    assert "tabell 08764" in text and "Folkehelseinstituttet" in text


def test_map_svg_for_a_county_has_kartverket_and_the_highlight(client) -> None:  # type: ignore[no-untyped-def]
    page = "/indikator/barn-lavinntekt-eu60?omrade=4601&fane=kart&fylke=46&fokus=valgte"
    response = client.get(_image_url(page, "svg"))
    assert response.status_code == 200, response.text[:300]
    assert "Kart: © Kartverket" in response.text
    assert 'stroke="#000000"' in response.text  # the highlighted kommune's outline


@pytest.mark.parametrize("page", ["/krysse?egen=4601", "/indeks?egen=4601"])
def test_cross_and_index_charts_download(client, page: str) -> None:  # type: ignore[no-untyped-def]
    response = client.get(_image_url(page, "png"))
    assert response.status_code == 200
    assert png_size(response.content) == (680, 440)


def test_unknown_format_and_scale_are_refused_in_norwegian(client) -> None:  # type: ignore[no-untyped-def]
    assert client.get(_image_url(LINE, "gif")).status_code == 400
    response = client.get(_image_url(LINE, "png", "&skala=9"))
    assert response.status_code == 400 and "skala" in response.text.lower()


def test_embed_is_frameable_and_pages_are_not(client) -> None:  # type: ignore[no-untyped-def]
    embed = client.get("/embed" + LINE)
    assert embed.status_code == 200
    assert "frame-ancestors *" in embed.headers["content-security-policy"]
    assert "x-frame-options" not in embed.headers
    assert client.get(LINE).headers["x-frame-options"] == "DENY"
    for tag in re.findall(r"<script\b[^>]*>", embed.text):
        assert "src=" in tag or 'type="application/json"' in tag, tag


def test_page_offers_frozen_and_living_embeds(client, store) -> None:  # type: ignore[no-untyped-def]
    text = client.get(LINE).text
    periods = store.periods("barn-lavinntekt-eu60")
    frozen = re.search(r'id="p5-link-fast" value="([^"]+)"', text)
    living = re.search(r'id="p5-link-levende" value="([^"]+)"', text)
    assert frozen and living
    assert f"periode={periods[0]}," in html.unescape(frozen.group(1))
    assert "periode=" not in html.unescape(living.group(1))
    assert "&lt;iframe src=" in text  # the snippet is shown as text, not as a frame


def _snapshot_with_a_new_year(snapshot_dir: Path, target: Path) -> Path:
    """A copy of the data dir whose snapshot has one more period (2099) for one indicator."""
    shutil.copytree(snapshot_dir, target, ignore=shutil.ignore_patterns("cache", "*.lock"))
    path = DataDir(target).current_path()
    con = duckdb.connect(str(path))
    con.execute(
        "INSERT INTO observations SELECT * REPLACE ('2099' AS period, 2099 AS period_start, "
        "2099 AS period_end, value + 1 AS value) FROM observations "
        "WHERE indicator_id = 'barn-lavinntekt-eu60' AND period = ("
        "SELECT max_by(period, period_end) FROM observations "
        "WHERE indicator_id = 'barn-lavinntekt-eu60')"
    )
    con.close()
    return target


def test_living_embed_picks_up_a_new_period_and_frozen_does_not(
    snapshot_dir: Path, tmp_path: Path, store, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    periods = store.periods("barn-lavinntekt-eu60")
    frozen_url = "/embed" + LINE + "&periode=" + ",".join(periods)
    living_url = "/embed" + LINE
    before = _client(snapshot_dir, tmp_path / "c1", monkeypatch)
    assert ">2099<" not in before.get(living_url).text
    updated = _client(
        _snapshot_with_a_new_year(snapshot_dir, tmp_path / "data"), tmp_path / "c2", monkeypatch
    )
    living = updated.get(living_url).text
    frozen = updated.get(frozen_url).text
    assert '<th scope="col" class="num">2099</th>' in living
    assert 'data-mode="levende"' in living
    assert "2099" not in frozen and 'data-mode="fast"' in frozen
