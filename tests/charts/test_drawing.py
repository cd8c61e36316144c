"""Chart worker processes and compiled templates: parallel, GIL-free, and drawing the same SVG."""

from __future__ import annotations

import base64
import json
import threading
import time
from typing import Any

import pytest
import vl_convert as vlc

from oppvekst.charts import drawing as chart_pool
from oppvekst.charts.drawing import ChartError, ChartPool, Job, share
from oppvekst.charts.drawing_worker import (
    SVG_TO_PDF,
    SVG_TO_PNG,
    VEGA_TO_SVG,
    VEGALITE_TO_SCENEGRAPH,
    VEGALITE_TO_SVG,
    VEGALITE_TO_VEGA,
)
from oppvekst.charts.options import FONT
from oppvekst.reports import templates


def line_spec(names: list[str], description: str = "Linjediagram") -> dict[str, Any]:
    """A small spec in the report's style: names in a colour domain, rows inline."""
    rows = [
        {"omrade": n, "periode": p, "verdi": 10.0 + i + j / 3}
        for i, n in enumerate(names)
        for j, p in enumerate(["2022", "2023", "2024"])
    ]
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "description": description,
        "title": {"text": "Andel barn"},
        "width": 200,
        "height": 120,
        "data": {"values": rows},
        "mark": {"type": "line", "point": True},
        "encoding": {
            "x": {"field": "periode", "type": "ordinal"},
            "y": {"field": "verdi", "type": "quantitative"},
            "color": {"field": "omrade", "scale": {"domain": names}},
        },
    }


@pytest.fixture(scope="module")
def pool() -> Any:
    made = ChartPool(size=2)
    yield made
    made.close()


def test_share_splits_the_weight_evenly() -> None:
    jobs = [Job(VEGA_TO_SVG, "{}", w) for w in (5, 4, 3, 3, 2, 1)]
    groups = share(jobs, 2)
    loads = sorted(sum(jobs[i].weight for i in g) for g in groups)
    assert loads == [9, 9]
    assert sorted(i for g in groups for i in g) == list(range(6))
    assert share(jobs[:1], 2) == [[0]]


def test_workers_draw_what_vl_convert_draws_in_process(pool: ChartPool) -> None:
    specs = [line_spec(["Arendal", "Agder", "Norge"]), line_spec(["Bergen", "Vestland"])]
    out = pool.run([Job(VEGALITE_TO_SVG, json.dumps(s)) for s in specs])
    assert out == [vlc.vegalite_to_svg(s) for s in specs]
    compiled = pool.run([Job(VEGALITE_TO_VEGA, json.dumps(specs[0]))])
    assert json.loads(compiled[0]) == vlc.vegalite_to_vega(specs[0])


def test_image_conversions_match_vl_convert_in_process(pool: ChartPool) -> None:
    """The portal's image downloads: layout pass, and SVG to PNG (any scale) and PDF."""
    spec = line_spec(["Arendal", "Norge"])
    scene = json.loads(pool.one(VEGALITE_TO_SCENEGRAPH, spec))
    assert scene == json.loads(json.dumps(vlc.vegalite_to_scenegraph(spec)))
    svg = vlc.vegalite_to_svg(spec)
    png = base64.b64decode(pool.one(SVG_TO_PNG, [svg, 2]))
    assert png == bytes(vlc.svg_to_png(svg, scale=2.0))
    pdf = base64.b64decode(pool.one(SVG_TO_PDF, svg))
    assert pdf.startswith(b"%PDF")


def test_a_rejected_spec_is_an_error_and_the_workers_survive(pool: ChartPool) -> None:
    with pytest.raises(ChartError, match="kunne ikke tegnes"):
        pool.run([Job(VEGA_TO_SVG, json.dumps({"marks": [{"type": "no-such-mark"}]}))])
    assert pool.run([Job(VEGALITE_TO_SVG, json.dumps(line_spec(["A"])))])[0].startswith("<svg")


def test_a_dead_worker_is_replaced_and_its_batch_drawn_anyway(pool: ChartPool) -> None:
    spec = json.dumps(line_spec(["Arendal", "Norge"]))
    pool.run([Job(VEGALITE_TO_SVG, spec)] * 2)
    for worker in pool._workers:
        worker._process.kill()
        worker._process.wait()
    assert pool.run([Job(VEGALITE_TO_SVG, spec)] * 2) == [vlc.vegalite_to_svg(spec)] * 2
    assert pool.run([Job(VEGALITE_TO_SVG, spec)] * 2) == [vlc.vegalite_to_svg(spec)] * 2


def test_other_threads_run_while_charts_are_drawn(pool: ChartPool) -> None:
    """vl-convert in this process would hold the GIL for the whole batch (a web server frozen)."""
    jobs = [Job(VEGALITE_TO_SVG, json.dumps(line_spec([f"Område {i}", "Norge"]))) for i in range(8)]
    pool.run(jobs[:2])
    ticks: list[float] = []
    stop = threading.Event()

    def tick() -> None:
        while not stop.is_set():
            ticks.append(time.perf_counter())
            time.sleep(0.001)

    thread = threading.Thread(target=tick)
    thread.start()
    start = time.perf_counter()
    pool.run(jobs)
    end = time.perf_counter()
    stop.set()
    thread.join()
    assert len([t for t in ticks if start < t < end]) >= 5


def test_a_filled_template_is_the_spec_compiled_directly() -> None:
    first = line_spec(["Arendal", "Agder", "Norge"], "Arendal: 19,9")
    second = line_spec(["Grimstad", "Agder", "Norge"], "Grimstad: 21,0")
    a = templates.shape(first, ["Arendal", "Agder", "Norge"])
    b = templates.shape(second, ["Grimstad", "Agder", "Norge"])
    assert a is not None and b is not None
    assert a.key == b.key  # one compilation serves both kommuner
    assert "Arendal" not in a.key and "19,9" not in a.key
    template = templates.prepare(vlc.vegalite_to_vega(json.loads(a.key)))
    filled = templates.fill(template, b)
    assert filled is not None
    assert vlc.vega_to_svg(json.loads(filled)) == vlc.vegalite_to_svg(second)
    assert json.loads(filled)["description"] == "Grimstad: 21,0"


def test_a_name_given_twice_fills_in_both_places() -> None:
    # Oslo is both the kommune and the county; Norge's position must stay its own.
    names = ["Oslo", "Oslo", "Norge"]
    spec = line_spec(names)
    found = templates.shape(spec, names)
    assert found is not None
    template = templates.prepare(vlc.vegalite_to_vega(json.loads(found.key)))
    filled = templates.fill(template, found)
    assert filled is not None
    assert vlc.vega_to_svg(json.loads(filled)) == vlc.vegalite_to_svg(spec)


def test_a_name_with_quotes_and_backslashes_is_filled_in_as_json() -> None:
    # The template is filled in as JSON text: a name must come back as itself, not as markup.
    names = ['Våler "Østfold" \\ 1', "Innlandet", "Norge"]
    spec = line_spec(names)
    found = templates.shape(spec, names)
    assert found is not None
    filled = templates.fill(templates.prepare(vlc.vegalite_to_vega(json.loads(found.key))), found)
    assert filled is not None
    assert vlc.vega_to_svg(json.loads(filled)) == vlc.vegalite_to_svg(spec)


def test_a_name_in_a_custom_sort_order_is_filled_in_as_a_string_literal() -> None:
    # A sort by a list compiles into an expression that names each area in a string literal.
    def sorted_bars(names: list[str]) -> dict[str, Any]:
        return {
            "data": {"values": [{"omrade": n, "verdi": 3.0 + i} for i, n in enumerate(names)]},
            "mark": "bar",
            "encoding": {
                "y": {"field": "omrade", "type": "nominal", "sort": names},
                "x": {"field": "verdi", "type": "quantitative"},
            },
        }

    first = ["Arendal", "Agder", "Norge"]
    second = ['Våler "Østfold" \\ 1', "Østfold", "Norge"]
    a, b = templates.shape(sorted_bars(first), first), templates.shape(sorted_bars(second), second)
    assert a is not None and b is not None and a.key == b.key
    template = templates.prepare(vlc.vegalite_to_vega(json.loads(a.key)))
    assert "===" in (template.text or "")  # the names do stand in an expression
    filled = templates.fill(template, b)
    assert filled is not None
    assert vlc.vega_to_svg(json.loads(filled)) == vlc.vegalite_to_svg(sorted_bars(second))


def test_a_name_compiled_into_an_expression_is_not_filled_in() -> None:
    found = templates.shape(line_spec(["Arendal", "Norge"]), ["Arendal", "Norge"])
    assert found is not None
    assert templates.shape({"data": {"url": "x.csv"}}, []) is None
    # A placeholder inside a longer string cannot be swapped back safely: compiled on its own.
    expression = f"datum.omrade === '{templates._placeholder(0)}'"
    source = [{templates.SOURCE: 0}]
    template = templates.prepare(
        {
            "data": [{"name": "source_0", "values": source}],
            "marks": [{"encode": {"update": {"opacity": {"signal": expression}}}}],
        }
    )
    assert template.text is not None
    assert templates.fill(template, found) is None
    # Nor can a template whose data sets are not the shape's sources, one to one.
    for data in (
        [{"name": "a", "values": source}, {"name": "b", "values": source}],
        [{"name": "a", "values": source}, {"name": "b", "values": [{"x": 1}]}],
        [{"name": "a", "values": [{templates.SOURCE: 1}]}],
    ):
        assert templates.prepare({"data": data}).text is None


def test_a_chart_with_a_second_data_source_and_the_area_in_its_titles_shares_its_shape() -> None:
    # The «Ulikhet» chart: the total as a line from a layer of its own, the area named in the
    # title and subtitle. Two areas share one compilation and each is its direct drawing.
    def gap_spec(area: str, total: float, values: list[float]) -> dict[str, Any]:
        return {
            "description": f"Grupper i {area}",
            "title": {"text": f"Andel etter kjønn, {area}", "subtitle": [f"Alle i {area}"]},
            "width": 200,
            "height": 80,
            "data": {
                "values": [{"gruppe": g, "verdi": v} for g, v in zip("AB", values, strict=True)]
            },
            "layer": [
                {
                    "mark": "bar",
                    "encoding": {
                        "y": {"field": "gruppe", "type": "nominal", "sort": ["A", "B"]},
                        "x": {"field": "verdi", "type": "quantitative"},
                    },
                },
                {
                    "data": {"values": [{"alle": total}]},
                    "mark": {"type": "rule", "strokeDash": [4, 3]},
                    "encoding": {"x": {"field": "alle", "type": "quantitative"}},
                },
            ],
        }

    def titles(spec: dict[str, Any]) -> list[str]:
        return [spec["title"]["text"], *spec["title"]["subtitle"]]

    first, second = gap_spec("Arendal", 50.0, [40.0, 60.0]), gap_spec("Moss", 30.0, [20.0, 45.0])
    a, b = templates.shape(first, titles(first)), templates.shape(second, titles(second))
    assert a is not None and b is not None
    assert a.key == b.key and "Arendal" not in a.key and "50.0" not in a.key
    template = templates.prepare(vlc.vegalite_to_vega(json.loads(a.key)))
    assert template.sources == 2
    filled = templates.fill(template, b)
    assert filled is not None
    assert vlc.vega_to_svg(json.loads(filled)) == vlc.vegalite_to_svg(second)


def test_the_module_pool_uses_every_core_up_to_two() -> None:
    assert 1 <= chart_pool.WORKERS <= 2


def test_build_all_keeps_the_order_and_goes_on_after_a_failing_area() -> None:
    from typing import cast

    from oppvekst.errors import OppvekstError
    from oppvekst.reports import report

    def make(code: str) -> report.Report:
        time.sleep(0.05 if code == "a" else 0)  # the first finishes last: order must still hold
        if code == "b":
            raise OppvekstError("Ukjent område")
        return cast(report.Report, code)

    out: list[tuple[str, Any]] = list(report.build_all(cast(Any, None), ["a", "b", "c"], make))
    assert [code for code, _ in out] == ["a", "b", "c"]
    assert out[0][1] == "a"
    assert out[2][1] == "c"
    assert isinstance(out[1][1], OppvekstError)


def _text_width_spec(font: str) -> dict[str, Any]:
    """A Vega spec whose drawn width is one long text's width, measured in ``font``."""
    return {
        "autosize": "pad",
        "width": 1,
        "height": 1,
        "marks": [
            {
                "type": "text",
                "encode": {
                    "enter": {
                        "text": {"value": "Bærum kommune 2024: 12,5 prosent – Wmiljø " * 3},
                        "font": {"value": font},
                        "fontSize": {"value": 12},
                    }
                },
            }
        ],
    }


def _drawn_width(svg: str) -> float:
    return float(svg.split('width="', 1)[1].split('"', 1)[0])


def test_the_workers_measure_the_chart_font_in_liberation_sans() -> None:
    # The PDF sets the charts in Liberation Sans (reports.typesetter): the workers must measure
    # the portal's font stack with the same font, whatever fonts the machine has.
    pool = ChartPool(size=1)
    try:
        fonts = [FONT, "Liberation Sans", "'Source Sans 3', Arial, sans-serif"]
        stack, liberation, unreadable = (
            _drawn_width(svg)
            for svg in pool.run([Job(VEGA_TO_SVG, json.dumps(_text_width_spec(f))) for f in fonts])
        )
    finally:
        pool.close()
    assert stack == liberation
    # The old stack, which vl-convert cannot read, was measured in another face altogether.
    assert unreadable != liberation


def test_the_workers_see_no_system_font() -> None:
    # DejaVu Sans is installed on every machine this runs on (scripts/system-deps.sh), yet the
    # workers measure it as a font they do not have: no system font can change a chart's layout
    # or slow it down (vl-convert reads a system font file for every text it measures).
    pool = ChartPool(size=1)
    try:
        named, missing = (
            _drawn_width(svg)
            for svg in pool.run(
                [
                    Job(VEGA_TO_SVG, json.dumps(_text_width_spec(f)))
                    for f in ("DejaVu Sans", "Ingen slik skrift")
                ]
            )
        )
    finally:
        pool.close()
    assert named == missing
    # In this process (system fonts visible) DejaVu Sans is found and measures differently.
    assert _drawn_width(vlc.vega_to_svg(_text_width_spec("DejaVu Sans"))) != named
