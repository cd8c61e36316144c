"""The report's charts are the indicator page's charts: same series, same builder."""

from __future__ import annotations

import pytest

from oppvekst import charts
from oppvekst.charts.options import Spec
from oppvekst.reports import figures
from oppvekst.reports.bars import bar_scene
from oppvekst.reports.lines import line_scene
from oppvekst.snapshot.store import Store
from oppvekst.views.indicator import IndicatorSeries, series
from oppvekst.views.regions import region_ref


@pytest.mark.parametrize("code", ["4203", "030101", "46", "0"])
def test_batched_series_equal_the_indicator_pages_series(store: Store, code: str) -> None:
    region = region_ref(store, code)
    indicators = [i for i in store.indicators.values() if i.key_indicator]
    batched = figures.all_series(store, region, indicators)
    assert batched
    for ind in indicators:
        areas = figures.chart_areas(store, region, ind)
        if not areas:
            assert ind.id not in batched
            continue
        assert batched[ind.id] == series(store, ind.id, areas), ind.id


def test_chart_areas_follow_the_level_and_the_indicator(store: Store) -> None:
    barn = store.indicators["barn-0-17"]
    assert figures.chart_areas(store, region_ref(store, "4203"), barn) == ("4203", "42", "0")
    assert figures.chart_areas(store, region_ref(store, "46"), barn) == ("46", "0")
    assert figures.chart_areas(store, region_ref(store, "0"), barn) == ("0",)
    # Oslo the kommune and Oslo the county: one line, not two of the same name.
    assert figures.chart_areas(store, region_ref(store, "0301"), barn) == ("0301", "0")
    assert figures.chart_areas(store, region_ref(store, "03"), barn) == ("03", "0")
    levels = {lv.value for lv in barn.levels}
    bydel = figures.chart_areas(store, region_ref(store, "030101"), barn)
    assert bydel == (("030101",) if "bydel" in levels else ()) + ("0301", "0")


def _page_chart(drawn: IndicatorSeries, options: charts.ChartOptions) -> Spec:
    """The indicator page's chart for these areas: ``figur=stolper`` for one period, else lines."""
    if len(drawn.periods) == 1:
        return charts.bar_chart(drawn, options)
    return charts.line_chart(drawn, options)


@pytest.mark.parametrize("code", ["4203", "030101", "0301"])
def test_report_charts_are_the_page_charts(store: Store, code: str) -> None:
    """Every chart is the page's own spec for these areas laid out for Typst: lines over time,
    or the bars of the one period; nothing is drawn by the chart workers."""
    region = region_ref(store, code)
    indicators = [
        i
        for i in store.indicators.values()
        if i.key_indicator and i.id in store.indicators_with_data
    ]
    options = charts.ChartOptions(highlight=(code,), size=charts.SizePreset.SMALL)
    data = figures.all_series(store, region, indicators)
    assert any(len(s.periods) > 1 for s in data.values())
    figures.forget(store)
    drawn = figures.figures(store, region, indicators)
    assert set(drawn) == set(data)
    for ind_id, drawn_series in data.items():
        page = _page_chart(drawn_series, options)
        lay_out = line_scene if len(drawn_series.periods) > 1 else bar_scene
        assert drawn[ind_id].svg == "", ind_id
        assert drawn[ind_id].scene == lay_out(page, drawn_series), ind_id
        assert drawn[ind_id].description == page["description"], ind_id


@pytest.mark.parametrize("code", ["4203", "030101"])
def test_an_indicator_with_one_period_gets_the_pages_bar_chart(store: Store, code: str) -> None:
    """A line over one period is an almost empty frame: the report draws the bars of that period
    (area, county or Oslo, country), the very chart the page draws with ``figur=stolper``."""
    region = region_ref(store, code)
    indicators = [
        i
        for i in store.indicators.values()
        if i.key_indicator and i.id in store.indicators_with_data
    ]
    data = figures.all_series(store, region, indicators)
    single = {k: v for k, v in data.items() if len(v.periods) == 1}
    several = {k: v for k, v in data.items() if len(v.periods) > 1}
    assert single and several  # the fixture has both kinds
    options = charts.ChartOptions(highlight=(code,), size=charts.SizePreset.SMALL)
    drawn = figures.figures(store, region, [store.indicators[k] for k in [*single, *several]])
    for ind_id, one in single.items():
        assert drawn[ind_id].description.startswith("Stolpediagram"), ind_id
        assert drawn[ind_id].scene == bar_scene(charts.bar_chart(one, options), one), ind_id
        # One bar per area that has a value in that period.
        valued = {p.region for p in one.points if p.value is not None}
        scene = drawn[ind_id].scene
        assert scene is not None and len(scene.rects) == len(valued), ind_id
    for ind_id in several:
        assert not drawn[ind_id].description.startswith("Stolpediagram"), ind_id
