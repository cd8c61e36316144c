"""The report's line chart (``reports.plot``) is the page's chart laid out for Typst: Vega's own
axis, every value where it belongs, no line across a break or a gap, hollow points for notes."""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import vl_convert as vlc
from tests.reports.pdf_reading import alt_texts, pdf_text

from oppvekst.charts.options import Spec
from oppvekst.reports import figures
from oppvekst.reports.plot import Plot, line_plot, nice, ticks
from oppvekst.snapshot.store import Store
from oppvekst.views.indicator import IndicatorSeries
from oppvekst.views.regions import region_ref

AREAS = ["4203", "030101", "46", "0", "0301"]


def _space(text: str) -> str:
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def _charts(store: Store, code: str) -> Iterator[tuple[Spec, IndicatorSeries, Plot]]:
    region = region_ref(store, code)
    indicators = [i for i in store.indicators.values() if i.key_indicator]
    for each in figures.all_series(store, region, indicators).values():
        if len(each.periods) > 1:
            spec = figures.chart_spec(each, region)
            yield spec, each, line_plot(spec, each)


def _axis_labels(scenegraph: Any) -> list[list[str]]:
    """Each axis's labels as Vega laid them out (hidden ones included)."""
    found: list[list[str]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("role") == "axis-label":
                found.append([_space(str(i.get("text"))) for i in node.get("items", [])])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(scenegraph)
    return found


@pytest.mark.parametrize("code", AREAS)
def test_the_axes_are_the_axes_vega_draws_on_the_page(store: Store, code: str) -> None:
    checked = 0
    for spec, each, plot in _charts(store, code):
        axes = _axis_labels(vlc.vegalite_to_scenegraph(spec))
        periods = [a for a in axes if set(a) <= set(each.periods)]
        values = [a for a in axes if a not in periods]
        assert len(values) == 1, each.indicator.id
        assert [_space(t.label) for t in plot.y_ticks] == values[0], each.indicator.id
        # Every period of the page's axis has a place; the labels shown are a subset in order.
        assert periods and [t.label for t in plot.x_ticks] == [
            p for p in periods[0] if p in {t.label for t in plot.x_ticks}
        ]
        assert plot.x_ticks[0].label == periods[0][0]
        checked += 1
    assert checked >= 5


def _vega_ticks(top: float, count: int) -> list[float]:
    spec = {
        "width": 100,
        "height": 100,
        "scales": [{"name": "y", "type": "linear", "domain": [0, top], "nice": True, "zero": True}],
        "axes": [{"scale": "y", "orient": "left", "tickCount": count, "format": ".12~g"}],
    }
    labels = _axis_labels(vlc.vega_to_scenegraph(spec))[0]
    return [float(t.replace("−", "-")) for t in labels]


def test_nice_domain_and_ticks_are_d3s_on_many_domains() -> None:
    rng = random.Random(17)
    tops = [0.004, 0.37, 1, 7, 9.99, 12.5, 22.1, 96.1, 100, 350, 1_101_380]
    tops += [round(10 ** rng.uniform(-2, 7), rng.randint(0, 3)) for _ in range(25)]
    for top in tops:
        for count in (4, 7):
            low, high = nice(0.0, float(top))
            assert low == 0.0
            mine = ticks(low, high, count)
            assert mine == pytest.approx(_vega_ticks(top, count), rel=1e-9, abs=1e-12), (top, count)


def test_values_breaks_gaps_and_notes_are_drawn_as_on_the_page(store: Store) -> None:
    seen = {"hollow": 0, "break": 0, "band": 0}
    for code in AREAS:
        for spec, each, plot in _charts(store, code):
            rows = [r for r in spec["data"]["values"] if r["verdi"] is not None]
            assert len(plot.points) == len(rows), each.indicator.id
            assert sum(p["hollow"] for p in plot.points) == sum(bool(r["merknad"]) for r in rows)
            seen["hollow"] += sum(p["hollow"] for p in plot.points)
            bottom, top = plot.top + plot.plot_height, plot.top
            for point in plot.points:
                assert plot.left <= point["x"] <= plot.left + plot.plot_width
                assert top - 0.01 <= point["y"] <= bottom + 0.01
            # A higher value is drawn higher; the same value at the same height.
            by_value = sorted(
                zip((r["verdi"] for r in rows), plot.points, strict=True), key=lambda vp: vp[0]
            )
            for (v1, p1), (v2, p2) in itertools.pairwise(by_value):
                assert p1["y"] >= p2["y"] if v1 < v2 else p1["y"] == p2["y"]
            # No line crosses a declared break: its points lie on one side of it.
            sides = {r["periode"]: r["del"] for r in rows}
            if len(set(sides.values())) > 1:
                seen["break"] += 1
                first_after = min(
                    p["x"] for p, r in zip(plot.points, rows, strict=True) if r["del"]
                )
                for line in plot.lines:
                    xs = [q[0] for q in line["points"]]
                    assert max(xs) < first_after or min(xs) >= first_after, each.indicator.id
            # A line joins only an area's points in neighbouring periods with values.
            points = {(round(p["x"], 6), round(p["y"], 6)) for p in plot.points}
            for line in plot.lines:
                assert len(line["points"]) >= 2
                assert {(round(q[0], 6), round(q[1], 6)) for q in line["points"]} <= points
            seen["band"] += len(plot.bands)
            # The legend is the page's: each area with its colour and shape.
            names = [a.name for a in each.areas]
            assert [e["name"] for e in plot.legend] == names
            layer = next(layer for layer in spec["layer"] if "color" in layer["encoding"])
            assert [e["colour"] for e in plot.legend] == layer["encoding"]["color"]["scale"][
                "range"
            ]
            ends = [r for r in rows if r["siste"]]
            assert sorted(label["text"] for label in plot.labels) == sorted(
                r["omrade"] for r in ends
            )
            # The caption is the page's subtitle but the source, which stands under the chart.
            subtitle = spec["title"]["subtitle"]
            assert list(plot.caption) == [s for s in subtitle if s != each.indicator.attribution]
            assert each.indicator.attribution not in plot.caption
    assert seen["hollow"] and seen["break"]


def test_a_missing_value_breaks_the_line(store: Store) -> None:
    """The page's line has ``invalid: break-paths``: nothing is drawn across a missing value."""
    region = region_ref(store, "4203")
    each = figures.all_series(store, region, [store.indicators["barn-0-17"]])["barn-0-17"]
    spec = figures.chart_spec(each, region)
    rows = spec["data"]["values"]
    own = sorted(
        (r for r in rows if r["kode"] == "4203" and r["verdi"] is not None),
        key=lambda r: each.periods.index(r["periode"]),
    )
    assert len(own) >= 3
    whole = line_plot(spec, each)
    own[1]["verdi"] = None  # the second period of the area goes missing
    broken = line_plot(spec, each)
    colour = whole.legend[0]["colour"]
    mine = [line for line in whole.lines if line["colour"] == colour]
    after = [line for line in broken.lines if line["colour"] == colour]
    assert len(after) == len(mine)  # the first point alone is no line; the rest still is one
    assert (
        sum(len(line["points"]) for line in after) == sum(len(line["points"]) for line in mine) - 2
    )
    assert len(broken.points) == len(whole.points) - 1


def test_the_report_prints_the_charts_words_as_text(store: Store, tmp_path: Path) -> None:
    from oppvekst.reports import report
    from oppvekst.views.benchmark import parse_benchmark

    figures.forget(store)
    made = report.build(store, "4203", parse_benchmark(store, None, "4203"))
    text = pdf_text(made.pdf, tmp_path)
    plotted = [f.plot for f in made.figures.values() if f.plot is not None]
    assert plotted
    for plot in plotted:
        for tick in plot.y_ticks:
            assert _space(tick.label) in text
        for line in plot.caption:
            assert _space(line) in text
    assert "Arendal" in text and "Agder" in text
    # Each drawn chart is a tagged figure with the page chart's summary as its alternative text.
    alts = alt_texts(made.pdf)
    for figure in made.figures.values():
        if figure.plot is not None:
            assert figure.description in alts
