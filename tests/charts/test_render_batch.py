"""Several figures drawn together (``Renderer.render_many``, what the package ZIP uses) come out
byte-for-byte as each drawn alone, in order, with cached files read instead of drawn; and the ZIP's
figure for a one-period indicator is the page's bar chart, like the report's."""

from __future__ import annotations

from pathlib import Path

import pytest

from oppvekst import charts
from oppvekst.charts.figure import FIGURE_SIZES, Footer, figure
from oppvekst.charts.options import Spec
from oppvekst.charts.render import FigureCache, ImageFormat, Renderer
from oppvekst.reports import bundle, figures
from oppvekst.views import indicator as iv
from oppvekst.views.regions import region_ref

SIZE = FIGURE_SIZES[charts.SizePreset.REPORT]
FOOTER = Footer(source="Kilde: SSB", definition="Definisjon.", data_date="Tall per 1.1.2026")
AREAS = [["4601", "46", "0"], ["4203", "42", "0"], ["0301", "0"]]


def _figures(store) -> list[Spec]:  # type: ignore[no-untyped-def]
    out = []
    for codes in AREAS:
        drawn = iv.series(store, "barn-lavinntekt-eu60", codes)
        options = charts.ChartOptions(highlight=(codes[0],), size=charts.SizePreset.REPORT)
        out.append(figure(charts.line_chart(drawn, options), FOOTER, SIZE))
    return out


@pytest.mark.parametrize("fmt", [ImageFormat.PNG, ImageFormat.SVG])
def test_many_at_once_equal_each_alone(store, tmp_path: Path, fmt: ImageFormat) -> None:  # type: ignore[no-untyped-def]
    specs = _figures(store)
    alone = [
        Renderer(FigureCache(tmp_path / f"alone-{i}")).render(spec, SIZE, fmt, 2).data
        for i, spec in enumerate(specs)
    ]
    together = Renderer(FigureCache(tmp_path / "together")).render_many(specs, SIZE, fmt, 2)
    assert [r.data for r in together] == alone
    assert not any(r.cached for r in together)
    assert len(set(alone)) == len(alone)  # three different figures, so the order is checked


def test_cached_figures_are_read_and_the_rest_drawn(store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    specs = _figures(store)
    renderer = Renderer(FigureCache(tmp_path / "cache"))
    middle = renderer.render(specs[1], SIZE, ImageFormat.PNG, 2)
    again = renderer.render_many(specs, SIZE, ImageFormat.PNG, 2)
    assert [r.cached for r in again] == [False, True, False]
    assert again[1].data == middle.data
    assert all(r.data.startswith(b"\x89PNG") for r in again)


def test_the_zip_figure_of_a_one_period_indicator_is_the_bar_chart(store) -> None:  # type: ignore[no-untyped-def]
    region = region_ref(store, "4203")
    indicators = [i for i in store.indicators.values() if i.id in store.indicators_with_data]
    drawn = figures.all_series(store, region, indicators)
    one = next(s for s in drawn.values() if len(s.periods) == 1)
    several = next(s for s in drawn.values() if len(s.periods) > 1)
    marks = [
        layer.get("mark", {}).get("type")
        for layer in bundle.chart_figure(store, one, region, "")["vconcat"][0]["layer"]
    ]
    assert "bar" in marks and "line" not in marks
    chart = bundle.chart_figure(store, several, region, "")["vconcat"][0]
    assert "line" in [layer.get("mark", {}).get("type") for layer in chart["layer"]]
