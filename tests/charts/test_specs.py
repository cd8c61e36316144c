"""Spec builders: valid Vega-Lite (compiled by vl-convert), Norwegian locale, the data they show."""

from __future__ import annotations

import re

import pytest
import vl_convert as vlc

from oppvekst import charts
from oppvekst.charts.maps import classes, wound_for_d3
from oppvekst.charts.options import ChartOptions, Classification, Palette, SizePreset, parse_options
from oppvekst.views import compare, composite, cross, maps
from oppvekst.views import indicator as iv

OPTS = ChartOptions(highlight=("4601",), size=SizePreset.REPORT)


def _layers_data(spec):  # type: ignore[no-untyped-def]
    return spec["data"]["values"]


def _check_common(spec) -> None:  # type: ignore[no-untyped-def]
    assert spec["config"]["locale"]["number"]["decimal"] == ","
    assert spec["config"]["font"].endswith("sans-serif")
    vlc.vegalite_to_vega(spec)  # compiles: a valid spec


def test_line_chart_shows_the_store_values_with_norwegian_numbers(store) -> None:  # type: ignore[no-untyped-def]
    series = iv.series(store, "barn-lavinntekt-eu60", ["4601", "46", "0"])
    spec = charts.line_chart(series, OPTS)
    _check_common(spec)
    rows = _layers_data(spec)
    bergen = [r for r in rows if r["kode"] == "4601"]
    assert all(r["fremhevet"] for r in bergen) and not any(
        r["fremhevet"] for r in rows if r["kode"] != "4601"
    )
    last = store._fetch(
        "SELECT value FROM observations WHERE indicator_id = 'barn-lavinntekt-eu60' AND region = '4601' "
        "AND sex = 'total' AND age = 'total' AND background = 'total' AND grade = 'total' "
        "ORDER BY period_end DESC LIMIT 1"
    )[0][0]
    assert next(r for r in bergen if r["siste"])["verdi"] == pytest.approx(last)
    assert any(layer["mark"]["type"] == "area" for layer in spec["layer"])  # interval bands
    svg = vlc.vegalite_to_svg(spec)
    assert re.search(r">\d+,\d<", svg), "axis labels use a decimal comma"
    hidden = charts.line_chart(series, ChartOptions(intervals="skjul"))
    assert not any(layer["mark"]["type"] == "area" for layer in hidden["layer"])


def test_bar_chart_writes_symbols_for_missing_values(store) -> None:  # type: ignore[no-untyped-def]
    series = iv.series(store, "nasjonale-prover-lesing-5", ["4601", "0"])
    spec = charts.bar_chart(series, OPTS)
    _check_common(spec)
    for row in _layers_data(spec):
        assert (row["verdi"] is None) == bool(row["visning"])


def test_options_from_the_url_fall_back_on_bad_values() -> None:
    o = parse_options(
        {"palett": "tol", "klasser": "99", "klassifisering": "tull", "tittel": "Min tittel"}
    )
    assert o.palette is Palette.TOL and o.classes == 7
    assert o.classification is Classification.QUANTILES and o.title == "Min tittel"


def test_map_classes_and_highlight(store, shared_data) -> None:  # type: ignore[no-untyped-def]
    from oppvekst.regions.boundaries import BoundaryStore

    values = maps.map_values(store, "barn-lavinntekt-eu60", county="46")
    geo = wound_for_d3(BoundaryStore(shared_data / "boundaries").layer("kommune", county="46"))
    spec = charts.choropleth(values, OPTS, geo)
    _check_common(spec)
    rows = spec["transform"][0]["lookup"] and spec["transform"][0]["from"]["data"]["values"]
    assert [r["kode"] for r in rows if r["fremhevet"]] == ["4601"]
    edges = classes(
        [r.value for r in values.rows if r.value is not None], Classification.QUANTILES, 5
    )
    assert len(edges) == 6 and edges == sorted(edges)
    svg = vlc.vegalite_to_svg(spec)
    assert svg.count("<path") > 40  # every kommune drawn, not one flooded sphere
    url_spec = charts.choropleth(values, OPTS, "/kart/kommune.geojson?fylke=46")
    assert url_spec["data"]["url"] == "/kart/kommune.geojson?fylke=46"
    sig = charts.choropleth(values, ChartOptions(classification=Classification.SIGNIFICANCE), geo)
    assert set(sig["layer"][0]["encoding"]["color"]["scale"]["domain"]) <= {
        "Mye bedre",
        "Bedre",
        "Ikke signifikant forskjellig",
        "Dårligere",
        "Mye dårligere",
        "Lavere",
        "Høyere",
        "Ikke sammenlignet",
        "Mangler tall / skjult",
    }


def test_scatter_line_only_when_meaningful(store) -> None:  # type: ignore[no-untyped-def]
    view = cross.cross_view(store, "trivsel-skolen-10-trinn", "mobbing-10-trinn", own="4601")
    spec = charts.scatter_chart(view, OPTS)
    _check_common(spec)
    has_line = any(layer.get("mark", {}).get("type") == "line" for layer in spec["layer"])
    assert has_line == view.result.show_line
    own = [r for r in _layers_data(spec) if r["rolle"] == "Egen kommune"]
    assert [r["kode"] for r in own] == ["4601"] and own[0]["lenke"] == "/kommune/4601"
    assert _layers_data(spec)[-1]["kode"] == "4601"  # drawn last, on top


def test_heat_table_and_index_chart_compile(store) -> None:  # type: ignore[no-untyped-def]
    table = compare.compare_table(
        store, ["4601", "0301"], ["mobbing-10-trinn", "barn-lavinntekt-eu60"]
    )
    spec = charts.heat_table(table, OPTS)
    _check_common(spec)
    assert len(_layers_data(spec)) == 4
    view = composite.composite_view(store, composite.parse_recipe(store, None), ["4601"])
    spec = charts.index_chart(view, OPTS)
    _check_common(spec)
    assert [r["kode"] for r in _layers_data(spec) if r["fremhevet"]] == ["4601"]


def _vega_groupbys(spec) -> list[list[str]]:  # type: ignore[no-untyped-def]
    """The fields each drawn line or band is split by, as Vega compiles the spec."""
    found: list[list[str]] = []

    def walk(node) -> None:  # type: ignore[no-untyped-def]
        if isinstance(node, dict):
            facet = (
                node.get("from", {}).get("facet") if isinstance(node.get("from"), dict) else None
            )
            if facet and "groupby" in facet:
                found.append(list(facet["groupby"]))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(vlc.vegalite_to_vega(spec))
    return found


def test_a_declared_break_is_never_drawn_as_one_line(store) -> None:  # type: ignore[no-untyped-def]
    # Elevundersøkelsen's bullying questions changed in autumn 2016 (the catalogue declares it).
    indicator = store.indicators["mobbing-10-trinn"]
    assert [b.year for b in indicator.comparability_breaks] == [2016]
    series = iv.series(store, "mobbing-10-trinn", ["4601", "0"])
    spec = charts.line_chart(series, OPTS)
    _check_common(spec)
    sides = {r["periode"]: r["del"] for r in _layers_data(spec)}
    assert sides["2015-2017"] == 0 and sides["2016-2018"] == 1 and sides["2023-2025"] == 1
    groupbys = _vega_groupbys(spec)
    assert groupbys and all("del" in g and "kode" in g for g in groupbys)  # lines and bands
    subtitle = " ".join(spec["title"]["subtitle"])
    assert "Brudd i serien fra 2016" in subtitle
    assert "Brudd i serien fra 2016" in spec["description"]
    # «Up from …» is said within the latest side only, never from a value before the break.
    bergen = next(line for line in series.summary if line.startswith("Bergen"))
    assert "2015-2017" not in bergen and "i 2016-2018 (etter bruddet i 2016)" in bergen
    # A series without a declared break keeps one line per area.
    plain = charts.line_chart(iv.series(store, "barn-lavinntekt-eu60", ["4601", "0"]), OPTS)
    assert all("del" not in g for g in _vega_groupbys(plain))
    assert "Brudd i serien" not in " ".join(plain["title"]["subtitle"])


def test_flagged_values_are_hollow_points_with_their_note(store) -> None:  # type: ignore[no-untyped-def]
    # The country's value of an SSB KOSTRA share is summed from the kommuner («aggregated»).
    series = iv.series(store, "barnehage-1-2", ["4601", "0"])
    spec = charts.line_chart(series, OPTS)
    _check_common(spec)
    rows = _layers_data(spec)
    assert {bool(r["merknad"]) for r in rows if r["kode"] == "0"} == {True}
    assert not any(r["merknad"] for r in rows if r["kode"] == "4601")
    points = [layer for layer in spec["layer"] if layer["mark"]["type"] == "point"]
    filled = {layer["mark"]["filled"]: layer["transform"][0]["filter"] for layer in points}
    assert filled == {True: "!datum.merknad", False: "datum.merknad"}
    assert "Åpne punkter: summert fra kommunene." in spec["title"]["subtitle"]
    svg = vlc.vegalite_to_svg(spec)
    assert 'fill="transparent"' in svg or 'fill="none"' in svg  # drawn hollow


def test_end_labels_of_lines_that_end_together_do_not_overprint(store) -> None:  # type: ignore[no-untyped-def]
    import dataclasses
    import itertools

    series = iv.series(store, "barn-lavinntekt-eu60", ["4601", "46", "0"])
    # Three lines ending within a tenth of each other (as Norway, Vestland and Bergen do at 96 %
    # for measles vaccination): their names must still be readable.
    offset = {"4601": 0.0, "46": 0.05, "0": 0.1}
    close = dataclasses.replace(
        series,
        points=tuple(
            dataclasses.replace(p, value=96.0 + offset[p.region], lower95=None, upper95=None)
            if p.value is not None
            else p
            for p in series.points
        ),
    )
    svg = vlc.vegalite_to_svg(charts.line_chart(close, OPTS))
    names = [a.name for a in series.areas]
    ys = []
    for name in names:
        found = re.search(r'translate\([\d.]+,([\d.]+)\)"[^>]*>' + re.escape(name) + "<", svg)
        assert found, name
        ys.append(float(found.group(1)))
    ys.sort()
    assert min(b - a for a, b in itertools.pairwise(ys)) >= 12
