"""The municipality profile (barometer): one data function for the page, the API and the PDF.

For each key indicator: the area's latest value with count and interval, the county and country
values for the same period, the range across kommuner, the significance against the chosen
benchmark and the trend over the latest five points — with the Norwegian words to show.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from oppvekst.catalog.schema import Indicator, Measure
from oppvekst.glossary import N_, MarkedGlossary
from oppvekst.language import _
from oppvekst.snapshot.store import Store
from oppvekst.stats import comparison, sentences
from oppvekst.stats.trend import trend as trend_test
from oppvekst.views.benchmark import Benchmark, BenchmarkValue, benchmark_values
from oppvekst.views.regions import RegionRef, region_ref

# Significance → (mark, short Norwegian label), the same on the profile page and in its PDF. The
# mark picks a colour *and* a marker shape, and the label is always printed, so nothing depends on
# seeing colour.
SIGNIFICANCE_MARKS: Mapping[str, tuple[str, str]] = MarkedGlossary(
    {
        "much_better": ("bedre", N_("Mye bedre")),
        "better": ("bedre", N_("Bedre")),
        "similar": ("likt", N_("Ingen signifikant forskjell")),
        "worse": ("verre", N_("Dårligere")),
        "much_worse": ("verre", N_("Mye dårligere")),
        "higher": ("hoyere", N_("Høyere")),
        "lower": ("lavere", N_("Lavere")),
        "not_compared": ("ikke", N_("Ikke sammenlignet")),
    }
)
WORSE = ("worse", "much_worse")
BETTER = ("better", "much_better")
TREND_ARROWS = {"increasing": "↑", "decreasing": "↓", "no_change": "→"}


def trend_mark(kind: str) -> tuple[str, str]:
    """(arrow, judgement mark) of a trend kind such as ``increasing_worse``; "–" when it has none."""
    direction, _sep, judgement = kind.partition("_")
    arrow = TREND_ARROWS.get(kind, TREND_ARROWS.get(direction, "–"))
    return arrow, {"better": "bedre", "worse": "verre"}.get(judgement, "ikke")


@dataclass(frozen=True, slots=True)
class BarometerRow:
    indicator_id: str
    title: str
    short_title: str
    topic: str
    unit: str
    decimals: int
    polarity: str
    period: str | None
    value: float | None
    numerator: float | None
    lower95: float | None
    upper95: float | None
    status: str | None
    county_value: float | None
    country_value: float | None
    benchmark_value: float | None
    benchmark_note: str | None  # why the benchmark has no value (a group lacking members' data)
    min_value: float | None
    max_value: float | None
    q1: float | None
    q3: float | None
    significance: str
    not_compared: str | None  # why it was not compared (comparison.NotCompared), None if it was
    trend: str
    trend_text: str
    sentence: str
    synthetic: bool
    flags: str | None


@dataclass(frozen=True, slots=True)
class Profile:
    region: RegionRef
    county: RegionRef | None
    benchmark: Benchmark
    rows: tuple[BarometerRow, ...]
    summary: tuple[str, ...]  # what was compared, what could not be and why, mixed periods
    synthetic: bool


def _f(x: object) -> float | None:
    if x is None:
        return None
    value = float(x)  # type: ignore[arg-type]
    return None if np.isnan(value) else value


def profile(
    store: Store, code: str, benchmark: Benchmark, indicators: list[Indicator] | None = None
) -> Profile:
    region = region_ref(store, code)
    chosen = (
        indicators
        if indicators is not None
        else [i for i in store.indicators.values() if i.key_indicator]
    )
    chosen = [i for i in chosen if i.id in store.indicators_with_data]
    ids = [i.id for i in chosen]
    county = region_ref(store, region.county) if region.county else None
    codes = [code, "0", *([county.code] if county else [])]
    # Plain records grouped once: per-row pandas filtering costs ~1 ms a time on string columns.
    series: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for record in store.observation_records(ids, codes):
        series.setdefault((record["indicator_id"], record["region"]), []).append(record)
    latest = store.latest_by_indicator_records
    bench = benchmark_values(store, benchmark, ids, code)
    rows = tuple(
        _row(store, ind, series, code, county, latest.get(ind.id), bench, benchmark)
        for ind in chosen
    )
    return Profile(
        region,
        county,
        benchmark,
        rows,
        tuple(_summary(list(rows), benchmark)),
        any(r.synthetic for r in rows),
    )


def _start(record: dict[str, Any]) -> int | None:
    start = _f(record.get("period_start"))
    return int(start) if start is not None else None


def _value_at(rows: list[dict[str, Any]], period: str | None) -> float | None:
    for record in rows:
        if record["period"] == period:
            return _f(record["value"])
    return None


def _row(
    store: Store,
    ind: Indicator,
    series: dict[tuple[str, str], list[dict[str, Any]]],
    code: str,
    county: RegionRef | None,
    latest: dict[str, Any] | None,
    bench: dict[tuple[str, str], BenchmarkValue],
    benchmark: Benchmark,
) -> BarometerRow:
    own = series.get((ind.id, code), [])  # ordered by period_end (the store sorts)
    shown = [r for r in own if _f(r["value"]) is not None or r["status"]]
    last = shown[-1] if shown else None
    period = str(last["period"]) if last is not None else (latest["period"] if latest else None)
    bench_entry = bench.get((ind.id, period)) if period else None
    bench_value = bench_entry.value if bench_entry is not None else None
    bench_note = bench_entry.note if bench_entry is not None else None
    significance = comparison.Significance.NOT_COMPARED.value
    reason = (
        comparison.NotCompared.COUNT
        if ind.measure is Measure.COUNT
        else comparison.not_compared_reason(
            _f(last["value"]) if last is not None else None,
            _f(last["lower95"]) if last is not None else None,
            _f(last["upper95"]) if last is not None else None,
            bench_value,
            ind.interval,
        )
    )
    if last is not None and bench_value is not None and reason is None:
        significance = str(
            comparison.compare(
                last["value"],
                last["lower95"],
                last["upper95"],
                last["lower998"],
                last["upper998"],
                bench_value,
                ind.polarity.value,
            )
        )
    if reason is None and significance == comparison.Significance.NOT_COMPARED.value:
        reason = comparison.NotCompared.NO_INTERVAL  # a 99.8 % limit is missing
    # The trend is tested only on the latest side of a declared break: across it the values
    # measure different things.
    valued = [r for r in own if _f(r["value"]) is not None]
    side = ind.side_of_breaks(_start(valued[-1])) if valued else 0
    points = [r for r in valued if ind.side_of_breaks(_start(r)) == side][-5:]
    tr = trend_test(
        np.array([r["value"] for r in points], dtype=float),
        np.array([r["lower95"] for r in points], dtype=float),
        np.array([r["upper95"] for r in points], dtype=float),
        ind.polarity.value,
        times=np.array([r["period_end"] for r in points], dtype=float),
    )
    rng = latest if latest is not None and latest["period"] == period else None

    def field(name: str) -> float | None:
        return _f(last[name]) if last is not None else None

    return BarometerRow(
        indicator_id=ind.id,
        title=ind.title,
        short_title=ind.short_title,
        topic=ind.topic,
        unit=ind.unit,
        decimals=ind.decimals,
        polarity=ind.polarity.value,
        period=period,
        value=field("value"),
        numerator=field("numerator"),
        lower95=field("lower95"),
        upper95=field("upper95"),
        status=(str(last["status"]) if last is not None and last["status"] else None),
        county_value=_value_at(series.get((ind.id, county.code), []), period) if county else None,
        country_value=_value_at(series.get((ind.id, "0"), []), period),
        benchmark_value=bench_value,
        benchmark_note=bench_note,
        min_value=_f(rng["min_value"]) if rng else None,
        max_value=_f(rng["max_value"]) if rng else None,
        q1=_f(rng["q1"]) if rng else None,
        q3=_f(rng["q3"]) if rng else None,
        significance=significance,
        trend=tr.kind.value,
        trend_text=tr.text,
        not_compared=reason.value if reason is not None else None,
        sentence=bench_note
        or sentences.comparison_sentence(
            ind.short_title,
            comparison.Significance(significance),
            benchmark.label,
            comparison.Polarity(ind.polarity.value),
            reason,
            period,
        ),
        synthetic=ind.id in store.synthetic_indicators,
        flags=(str(last["flags"]) if last is not None and last["flags"] else None),
    )


def _summary(rows: list[BarometerRow], benchmark: Benchmark) -> list[str]:
    """Claims only what was tested: see :func:`sentences.comparison_summary`."""
    if not rows:
        return [_("Det finnes ingen nøkkelindikatorer med tall for dette området ennå.")]
    gaps: dict[comparison.NotCompared, list[str]] = {}
    for r in rows:
        if r.not_compared is not None:
            gaps.setdefault(comparison.NotCompared(r.not_compared), []).append(r.short_title)
    compared = [r for r in rows if r.not_compared is None]
    significant = [r for r in compared if r.significance != "similar"]
    periods = [r.period for r in rows if r.period and r.value is not None]
    return sentences.comparison_summary(
        benchmark.label, len(significant), len(compared), gaps, periods
    )
