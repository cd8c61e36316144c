"""The report's charts are the indicator page's charts: same series, same builder."""

from __future__ import annotations

import re

import pytest
import vl_convert as vlc

from oppvekst import charts
from oppvekst.charts.options import Spec
from oppvekst.reports import figures, templates
from oppvekst.reports.plot import line_plot
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
    """A line chart is the page's own spec laid out for Typst (nothing drawn, nothing kept); a
    bar chart is the page's SVG byte for byte, drawn from a compiled template by a worker."""
    region = region_ref(store, code)
    indicators = [
        i
        for i in store.indicators.values()
        if i.key_indicator and i.id in store.indicators_with_data
    ]
    options = charts.ChartOptions(highlight=(code,), size=charts.SizePreset.SMALL)
    data = figures.all_series(store, region, indicators)
    assert any(len(s.periods) > 1 for s in data.values())
    for attempt in ("compiled now", "from the template cache"):
        figures.forget(store)
        drawn = figures.figures(store, region, indicators)
        assert set(drawn) == set(data), attempt
        for ind_id, drawn_series in data.items():
            page = _page_chart(drawn_series, options)
            if len(drawn_series.periods) > 1:
                assert drawn[ind_id].svg == "", ind_id
                assert drawn[ind_id].plot == line_plot(
                    figures.chart_spec(drawn_series, region), drawn_series
                ), ind_id
                assert drawn[ind_id].description == page["description"], ind_id
            else:
                assert drawn[ind_id].plot is None, ind_id
                assert drawn[ind_id].svg == vlc.vegalite_to_svg(page), (attempt, ind_id)
    for each in data.values():
        if len(each.periods) == 1:
            names = tuple(a.name for a in each.areas)
            found = templates.shape(figures.chart_spec(each, region), names)
            assert found is not None
            assert templates.CACHE.get(found.key) is not None  # the second round used it


def test_the_report_spec_is_the_page_spec_without_label_limits(store: Store) -> None:
    """What the report lays out is the page's chart: only the label limits differ."""
    region = region_ref(store, "4203")
    data = figures.all_series(store, region, [store.indicators["barn-0-17"]])
    each = data["barn-0-17"]
    options = charts.ChartOptions(highlight=("4203",), size=charts.SizePreset.SMALL)
    report_spec = figures.chart_spec(each, region)
    page = charts.line_chart(each, options)
    for spec in (report_spec, page):
        spec["config"].get("axis", {}).pop("labelLimit", None)
        spec["config"].get("legend", {}).pop("labelLimit", None)
    assert report_spec == page


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
    figures.forget(store)
    drawn = figures.figures(store, region, [store.indicators[k] for k in [*single, *several][:8]])
    for ind_id, one in single.items():
        if ind_id not in drawn:
            continue
        assert drawn[ind_id].description.startswith("Stolpediagram"), ind_id
        assert drawn[ind_id].svg == vlc.vegalite_to_svg(charts.bar_chart(one, options)), ind_id
        # One bar per area that has a value in that period.
        valued = {p.region for p in one.points if p.value is not None}
        bars = re.search(r'<g class="mark-rect role-mark[^>]*>(.*?)</g>', drawn[ind_id].svg)
        assert bars is not None and bars.group(1).count("<path") == len(valued), ind_id
    assert any(k in drawn for k in single)
    for ind_id in several:
        if ind_id in drawn:
            assert not drawn[ind_id].description.startswith("Stolpediagram"), ind_id
