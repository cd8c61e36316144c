"""Figures for taking away, in-process: spec → image bytes, exact sizes, text burned in, cache."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
from pathlib import Path

import pytest
import vl_convert as vlc

from oppvekst import charts
from oppvekst.charts.figure import FIGURE_SIZES, Footer, figure
from oppvekst.charts.render import FigureCache, ImageFormat, Renderer, pad_canvas
from oppvekst.views import indicator as iv

HOSTILE = '<script>alert(1)</script> "><svg onload=alert(2)>'
FOOTER = Footer(
    source="Kilde: Statistisk sentralbyrå (SSB), tabell 08764",
    definition="Barn under 18 år i husholdninger med lavinntekt.",
    note="Egen merknad & <b>fet</b>",
    data_date="Tall hentet 26.11.2026",
    url="https://oppvekststatus.no/indikator/barn-lavinntekt-eu60?omrade=4601,46,0",
)


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


def pdf_text(data: bytes, tmp_path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext is missing: apt-get install -y poppler-utils")
    path = tmp_path / "figur.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True)
    return out.stdout


@pytest.fixture(scope="module")
def series(store):  # type: ignore[no-untyped-def]
    return iv.series(store, "barn-lavinntekt-eu60", ["4601", "46", "0"])


@pytest.fixture
def renderer(tmp_path: Path) -> Renderer:
    return Renderer(FigureCache(tmp_path / "cache"))


def _line(series, size: charts.SizePreset, title: str | None = None):  # type: ignore[no-untyped-def]
    options = charts.ChartOptions(highlight=("4601",), size=size, note="", title=title)
    return figure(charts.line_chart(series, options), FOOTER, FIGURE_SIZES[size])


@pytest.mark.parametrize(
    "size", [charts.SizePreset.REPORT, charts.SizePreset.PRESENTATION, charts.SizePreset.SQUARE]
)
def test_png_has_the_preset_size_at_scale_one_and_two(series, renderer, size) -> None:  # type: ignore[no-untyped-def]
    spec = _line(series, size)
    one = renderer.render(spec, FIGURE_SIZES[size], ImageFormat.PNG, 1)
    two = renderer.render(spec, FIGURE_SIZES[size], ImageFormat.PNG, 2)
    width, height = FIGURE_SIZES[size]
    assert png_size(one.data) == (width, height)
    assert png_size(two.data) == (2 * width, 2 * height)


def test_presets_are_a4_column_slide_and_square() -> None:
    w, h = FIGURE_SIZES[charts.SizePreset.PRESENTATION]
    assert (2 * w, 2 * h) == (1920, 1080)  # 16:9 full HD at scale 2
    w, h = FIGURE_SIZES[charts.SizePreset.SQUARE]
    assert w == h


def test_svg_holds_title_source_note_date_and_address_escaped(series, renderer) -> None:  # type: ignore[no-untyped-def]
    spec = _line(series, charts.SizePreset.REPORT, title=HOSTILE)
    svg = renderer.render(spec, FIGURE_SIZES[charts.SizePreset.REPORT], ImageFormat.SVG).data
    text = svg.decode()
    assert "<script" not in text and "onload" not in text.replace("onload=alert(2)&gt;", "")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "&lt;svg onload=alert(2)&gt;" in text
    assert "Kilde: Statistisk sentralbyrå (SSB), tabell 08764 · Tall hentet 26.11.2026" in text
    assert "Egen merknad &amp; &lt;b&gt;fet&lt;/b&gt;" in text
    assert "https://oppvekststatus.no/indikator/barn-lavinntekt-eu60?omrade=4601,46,0" in text
    assert re.search(r">\d+,\d<", text), "Norwegian decimal comma on the axis"


def test_pdf_text_has_title_and_source_line(series, renderer, tmp_path) -> None:  # type: ignore[no-untyped-def]
    spec = _line(series, charts.SizePreset.REPORT, title="Lavinntekt i Bergen")
    pdf = renderer.render(spec, FIGURE_SIZES[charts.SizePreset.REPORT], ImageFormat.PDF).data
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf, tmp_path)
    assert "Lavinntekt i Bergen" in text
    assert "Kilde: Statistisk sentralbyrå (SSB), tabell 08764" in text


def test_a_cache_hit_returns_identical_bytes_without_rendering(
    series, renderer, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    spec = _line(series, charts.SizePreset.SMALL)
    size = FIGURE_SIZES[charts.SizePreset.SMALL]
    first = renderer.render(spec, size, ImageFormat.PNG, 2)
    assert not first.cached

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("rendered again despite the cache")

    monkeypatch.setattr(vlc, "vegalite_to_svg", refuse)
    monkeypatch.setattr(vlc, "svg_to_png", refuse)
    second = renderer.render(spec, size, ImageFormat.PNG, 2)
    assert second.cached and second.data == first.data


def test_cache_stays_under_its_size_limit(tmp_path: Path) -> None:
    cache = FigureCache(tmp_path / "c", max_bytes=10_000)
    for i in range(30):
        cache.put(f"k{i}.png", bytes(1000))
    total = sum(p.stat().st_size for p in (tmp_path / "c").iterdir())
    assert total <= 10_000
    assert cache.get("k29.png") is not None  # the newest survive


def test_thousands_use_a_no_break_space(store, renderer) -> None:  # type: ignore[no-untyped-def]
    big = iv.series(store, "barn-0-17", ["4601"])
    options = charts.ChartOptions(size=charts.SizePreset.REPORT, note="")
    spec = figure(charts.bar_chart(big, options), FOOTER, FIGURE_SIZES[options.size])
    svg = renderer.render(spec, FIGURE_SIZES[options.size], ImageFormat.SVG).data.decode()
    assert re.search(r">\d{1,3}(\u00a0|&#160;|&nbsp;)\d{3}<", svg), "1 234 with a no-break space"


def test_canvas_is_padded_to_the_exact_size() -> None:
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" class="marks" width="98" height="49" '
        'viewBox="0 0 98 49"><rect width="98" height="49" fill="#ffffff"/><g/></svg>'
    )
    padded = pad_canvas(svg, (100, 50))
    assert 'width="100" height="50" viewBox="0 0 100 50"' in padded
    assert '<rect width="100" height="50" fill="#ffffff"/>' in padded


def test_focus_greys_others_and_accent_colours_the_highlight(series) -> None:  # type: ignore[no-untyped-def]
    options = charts.parse_options(
        {"fokus": "valgte", "uthevfarge": "oransje", "fremhev": "4601"}, ("0",)
    )
    assert options.highlight == ("4601",)
    spec = charts.line_chart(series, options)
    colours = dict(
        zip(
            spec["layer"][-3]["encoding"]["color"]["scale"]["domain"],
            spec["layer"][-3]["encoding"]["color"]["scale"]["range"],
            strict=True,
        )
    )
    assert colours["Bergen"] == "#D55E00"
    assert colours["Vestland"] == colours["Norge"] == charts.options.MUTED
    none = charts.parse_options({"fremhev": ""}, ("4601",))
    assert none.highlight == ()


def test_dot_chart_draws_points_for_one_year(series) -> None:  # type: ignore[no-untyped-def]
    spec = charts.dot_chart(series, charts.ChartOptions(size=charts.SizePreset.REPORT))
    assert spec["layer"][0]["mark"]["type"] == "point"
    vlc.vegalite_to_vega(spec)
