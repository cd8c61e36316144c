"""The municipality profile (barometer): one data function for the page, the API and the PDF.

For each key indicator: the area's latest value with count and interval, the county and country
values for the same period, the range across kommuner, the significance against the chosen
benchmark and the trend over the latest five points — with the Norwegian words to show.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from oppvekst.catalog.schema import Indicator
from oppvekst.stats import comparison, sentences
from oppvekst.stats.trend import trend as trend_test
from oppvekst.store import Store
from oppvekst.views.benchmark import Benchmark, benchmark_values
from oppvekst.views.regions import RegionRef, region_ref


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
    min_value: float | None
    max_value: float | None
    q1: float | None
    q3: float | None
    significance: str
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
    summary: tuple[str, ...]  # generated sentences: where the area differs significantly
    synthetic: bool


def _f(x: object) -> float | None:
    if x is None:
        return None
    value = float(x)  # type: ignore[arg-type]
    return None if np.isnan(value) else value


def profile(store: Store, code: str, benchmark: Benchmark, indicators: list[Indicator] | None = None) -> Profile:
    region = region_ref(store, code)
    chosen = indicators if indicators is not None else [i for i in store.indicators.values() if i.key_indicator]
    chosen = [i for i in chosen if i.id in store.indicators_with_data]
    ids = [i.id for i in chosen]
    county = region_ref(store, region.county) if region.county else None
    codes = [code, "0", *([county.code] if county else [])]
    obs = store.observations(ids, codes)
    latest = store.latest_by_indicator.set_index("indicator_id")
    bench = benchmark_values(store, benchmark, ids, code)
    rows = [
        _row(store, ind, obs[obs["indicator_id"] == ind.id], code, county, latest, bench, benchmark)
        for ind in chosen
    ]
    summary = tuple(_summary(rows, benchmark))
    return Profile(region, county, benchmark, tuple(rows), summary, any(r.synthetic for r in rows))


def _row(
    store: Store,
    ind: Indicator,
    obs: pd.DataFrame,
    code: str,
    county: RegionRef | None,
    latest: pd.DataFrame,
    bench: dict[tuple[str, str], float],
    benchmark: Benchmark,
) -> BarometerRow:
    own = obs[obs["region"] == code].sort_values(["period_end", "period"])
    own_valued = own[own["value"].notna() | own["status"].notna()]
    last = own_valued.iloc[-1] if len(own_valued) else None
    period = str(last["period"]) if last is not None else (
        str(latest.loc[ind.id, "period"]) if ind.id in latest.index else None
    )

    def at(region: str | None) -> float | None:
        if region is None or period is None:
            return None
        hit = obs[(obs["region"] == region) & (obs["period"] == period)]
        return _f(hit["value"].iloc[0]) if len(hit) else None

    bench_value = bench.get((ind.id, period)) if period else None
    significance = comparison.Significance.NOT_COMPARED.value
    if last is not None and bench_value is not None:
        significance = str(
            comparison.compare(
                last["value"], last["lower95"], last["upper95"], last["lower998"], last["upper998"],
                bench_value, ind.polarity.value,
            )
        )
    series = own[own["value"].notna()].tail(5)
    tr = trend_test(
        series["value"].to_numpy(float), series["lower95"].to_numpy(float),
        series["upper95"].to_numpy(float), ind.polarity.value,
        times=series["period_end"].to_numpy(float),
    )
    rng = latest.loc[ind.id] if ind.id in latest.index and latest.loc[ind.id, "period"] == period else None
    return BarometerRow(
        indicator_id=ind.id,
        title=ind.title,
        short_title=ind.short_title,
        topic=ind.topic,
        unit=ind.unit,
        decimals=ind.decimals,
        polarity=ind.polarity.value,
        period=period,
        value=_f(last["value"]) if last is not None else None,
        numerator=_f(last["numerator"]) if last is not None else None,
        lower95=_f(last["lower95"]) if last is not None else None,
        upper95=_f(last["upper95"]) if last is not None else None,
        status=(str(last["status"]) if last is not None and last["status"] else None),
        county_value=at(county.code if county else None),
        country_value=at("0"),
        benchmark_value=bench_value,
        min_value=_f(rng["min_value"]) if rng is not None else None,
        max_value=_f(rng["max_value"]) if rng is not None else None,
        q1=_f(rng["q1"]) if rng is not None else None,
        q3=_f(rng["q3"]) if rng is not None else None,
        significance=significance,
        trend=tr.kind.value,
        trend_text=tr.text,
        sentence=sentences.comparison_sentence(
            ind.short_title, comparison.Significance(significance), benchmark.label,
            comparison.Polarity(ind.polarity.value),
        ),
        synthetic=ind.id in store.synthetic_indicators,
        flags=(str(last["flags"]) if last is not None and last["flags"] else None),
    )


def _summary(rows: list[BarometerRow], benchmark: Benchmark) -> list[str]:
    judged = [r for r in rows if r.significance not in ("similar", "not_compared")]
    if not rows:
        return ["Det finnes ingen nøkkelindikatorer med tall for dette området ennå."]
    if not judged:
        return [f"Ingen av nøkkelindikatorene skiller seg signifikant fra {benchmark.label}."]
    return [r.sentence for r in judged]
