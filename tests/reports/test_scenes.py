"""The report's own charts (``reports.lines``, ``reports.bars``) are the page's charts laid out
for Typst: Vega's own axes, every value where it belongs, no line across a break or a gap,
hollow points for notes, the page's colours, shapes, names and symbols."""

from __future__ import annotations

import dataclasses
import itertools
import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import vl_convert as vlc
from tests.reports.pdf_reading import alt_texts, pdf_text

from oppvekst.charts.options import Spec
from oppvekst.reports import figures
from oppvekst.reports.bars import bar_scene
from oppvekst.reports.lines import line_scene
from oppvekst.reports.scale import nice, ticks
from oppvekst.reports.scene import Scene
from oppvekst.snapshot.store import Store
from oppvekst.views.indicator import IndicatorSeries
from oppvekst.views.numbers import number
from oppvekst.views.regions import region_ref

AREAS = ["4203", "030101", "46", "0", "0301"]


def _space(text: str) -> str:
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def _charts(
    store: Store, code: str, several: bool = True
) -> Iterator[tuple[Spec, IndicatorSeries, Scene]]:
    """The line charts (or, with ``several=False``, the bar charts) of an area's report."""
    region = region_ref(store, code)
    indicators = [i for i in store.indicators.values() if i.key_indicator]
    for each in figures.all_series(store, region, indicators).values():
        if (len(each.periods) > 1) == several:
            spec = figures.chart_spec(each, region)
            lay_out = line_scene if several else bar_scene
            yield spec, each, lay_out(spec, each)


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
    for spec, each, scene in _charts(store, code):
        axes = _axis_labels(vlc.vegalite_to_scenegraph(spec))
        periods = [a for a in axes if set(a) <= set(each.periods)]
        values = [a for a in axes if a not in periods]
        assert len(values) == 1, each.indicator.id
        assert [_space(t.text) for t in scene.texts_of("tick")] == values[0], each.indicator.id
        # Every period of the page's axis has a place; the labels shown are a subset in order.
        shown = [t.text for t in scene.texts_of("category")]
        assert periods and shown == [p for p in periods[0] if p in shown]
        assert shown[0] == periods[0][0]
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
        for spec, each, scene in _charts(store, code):
            rows = [r for r in spec["data"]["values"] if r["verdi"] is not None]
            marks = scene.marks
            assert len(marks) == len(rows), each.indicator.id
            assert [m.hollow for m in marks] == [bool(r["merknad"]) for r in rows]
            seen["hollow"] += sum(m.hollow for m in marks)
            for m in marks:
                assert 0 <= m.x <= scene.width and 0 <= m.y <= scene.height
            # A higher value is drawn higher; the same value at the same height.
            by_value = sorted(
                zip((r["verdi"] for r in rows), marks, strict=True), key=lambda vm: vm[0]
            )
            for (v1, m1), (v2, m2) in itertools.pairwise(by_value):
                assert m1.y > m2.y if v1 < v2 else m1.y == m2.y
            # A period is one place across, the same for every area.
            at = {}
            for r, m in zip(rows, marks, strict=True):
                assert at.setdefault(r["periode"], m.x) == m.x
            # No line crosses a declared break: its points lie on one side of it.
            if len({r["del"] for r in rows}) > 1:
                seen["break"] += 1
                first_after = min(m.x for m, r in zip(marks, rows, strict=True) if r["del"])
                for line in scene.polylines:
                    xs = [q[0] for q in line.points]
                    assert max(xs) < first_after or min(xs) >= first_after, each.indicator.id
            # A line joins only points of one area, in its colour.
            for line in scene.polylines:
                assert len(line.points) >= 2
                own = {(m.x, m.y) for m in marks if m.colour == line.colour}
                assert set(line.points) <= own
            # The own area's line is the page's highlighted (thicker) one.
            widths = {line.colour: line.width for line in scene.polylines}
            if scene.legend[0].colour in widths and len(widths) > 1:
                assert widths[scene.legend[0].colour] == max(widths.values())
            seen["band"] += len(scene.polygons)
            # The legend is the page's: each area with its colour and shape.
            assert [k.name for k in scene.legend] == [a.name for a in each.areas]
            colour = next(ly for ly in spec["layer"] if "color" in ly["encoding"])["encoding"][
                "color"
            ]
            assert [k.colour for k in scene.legend] == colour["scale"]["range"]
            ends = [r for r in rows if r["siste"]]
            names = [t.text for t in scene.texts_of("name")]
            assert sorted(names) == sorted(r["omrade"] for r in ends)
            assert [t.text for t in scene.texts_of("title")] == [
                spec["layer"][-1]["encoding"]["y"]["title"]
            ]
            # The caption is the page's subtitle but the source, which stands under the chart.
            subtitle = spec["title"]["subtitle"]
            assert list(scene.caption) == [s for s in subtitle if s != each.indicator.attribution]
    assert seen["hollow"] and seen["break"] and seen["band"]


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
    whole = line_scene(spec, each)
    own[1]["verdi"] = None  # the second period of the area goes missing
    broken = line_scene(spec, each)
    colour = whole.legend[0].colour
    mine = [line for line in whole.polylines if line.colour == colour]
    after = [line for line in broken.polylines if line.colour == colour]
    assert len(after) == len(mine)  # the first point alone is no line; the rest still is one
    assert sum(len(line.points) for line in after) == sum(len(line.points) for line in mine) - 2
    assert len(broken.marks) == len(whole.marks) - 1


@pytest.mark.parametrize("code", ["4203", "030101", "0"])
def test_the_bar_chart_is_the_pages_bar_chart(store: Store, code: str) -> None:
    checked = 0
    for spec, each, scene in _charts(store, code, several=False):
        rows = {r["kode"]: r for r in spec["data"]["values"]}
        order = [a for a in each.areas if a.code in rows]
        decimals = each.indicator.decimals
        # One name per area in the page's order, the highlighted one in bold.
        names = scene.texts_of("category")
        assert [t.text for t in names] == [a.name for a in order]
        assert [t.bold for t in names] == [bool(rows[a.code]["fremhevet"]) for a in order]
        # A bar per area with a value, as long as its value; the value at its end; the symbol
        # where the bar would start for an area without one.
        valued = [rows[a.code] for a in order if rows[a.code]["verdi"] is not None]
        assert len(scene.rects) == len(valued)
        for r1, b1 in zip(valued, scene.rects, strict=True):
            for r2, b2 in zip(valued, scene.rects, strict=True):
                if r2["verdi"]:
                    assert b1.w / b2.w == pytest.approx(abs(r1["verdi"] / r2["verdi"]), rel=1e-6)
        values = [t.text for t in scene.texts_of("value")]
        assert values == [
            number(rows[a.code]["verdi"], decimals)
            if rows[a.code]["verdi"] is not None
            else rows[a.code]["visning"]
            for a in order
        ]
        whiskered = any(layer["mark"]["type"] == "rule" for layer in spec["layer"])
        assert whiskered == any(r["nedre"] is not None for r in valued)
        assert len(scene.polylines) == sum(r["nedre"] is not None for r in valued)
        # Without intervals (``intervaller=skjul`` on the page) there are no whiskers.
        plain = {**spec, "layer": [ly for ly in spec["layer"] if ly["mark"]["type"] != "rule"]}
        assert bar_scene(plain, each).polylines == ()
        # The value axis is Vega's: every tick has its grid line; the labels shown are every
        # k-th of Vega's.
        names = {a.name for a in each.areas}
        vega = next(
            a for a in _axis_labels(vlc.vegalite_to_scenegraph(spec)) if a and not set(a) <= names
        )
        grid = [r for r in scene.rules if r.x1 == r.x2]
        assert len(grid) == len(vega) + 1  # and the zero line
        shown = [_space(t.text) for t in scene.texts_of("tick")]
        step = vega.index(shown[1]) if len(shown) > 1 else 1
        assert shown == vega[::step]
        checked += 1
    assert checked


def test_the_report_prints_the_charts_words_as_text(store: Store, tmp_path: Path) -> None:
    from oppvekst.reports import report
    from oppvekst.views.benchmark import parse_benchmark

    figures.forget(store)
    made = report.build(store, "4203", parse_benchmark(store, None, "4203"))
    text = pdf_text(made.pdf, tmp_path)
    scenes = [f.scene for f in made.figures.values() if f.scene is not None]
    assert len(scenes) == len(made.figures)
    for scene in scenes:
        for t in scene.texts:
            assert _space(t.text) in text
        for line in scene.caption:
            assert _space(line) in text
    # Each chart is a tagged figure with the page chart's summary as its alternative text.
    alts = alt_texts(made.pdf)
    for figure in made.figures.values():
        assert figure.description in alts


def test_the_document_typst_reads_is_the_whole_scene(store: Store) -> None:
    """``Scene.document`` (shallow, for speed) carries exactly what ``dataclasses.asdict`` does."""
    for code in ("4203", "0"):
        for several in (True, False):
            for _spec, _each, scene in _charts(store, code, several):
                as_json = json.dumps(scene.document(), sort_keys=True)
                assert as_json == json.dumps(dataclasses.asdict(scene), sort_keys=True)
                assert scene.texts and json.loads(as_json)["texts"][0]["role"]
