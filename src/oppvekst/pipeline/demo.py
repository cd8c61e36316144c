"""The demo source: deterministic synthetic values, only when asked for (``--demo``).

Fills indicators that have no real data, on top of the real regions and the real number of children,
so that development, screenshots and benchmarks have every page populated. Every row it makes carries
the source "Syntetiske demotall" and ``synthetic = true``, and every page, chart and download built on
such rows says so. It never overwrites a real observation.

Values are drawn from a generator seeded by the indicator id and region code (blake2b), so the same
build gives the same numbers on every machine. Counts are binomial/Poisson draws on the real child
population, so intervals, comparisons and suppression behave as they would on real data.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import pandas as pd

from oppvekst.catalog.schema import Indicator, Level, Measure, Periodicity
from oppvekst.snapshot.table import BREAKDOWNS

DEMO_SOURCE = "Syntetiske demotall"
DEMO_PROVENANCE_PREFIX = "demo:"
# The real indicator whose latest figures are the base of every synthetic count.
POPULATION_INDICATOR = "barn-0-17"
YEARS = tuple(range(2015, 2026))


@dataclass(frozen=True, slots=True)
class DemoPopulation:
    """Real children 0–17 per kommune and bydel for one year: the base of every synthetic count."""

    kommuner: pd.Series  # code → children
    bydeler: pd.Series
    kommune_to_fylke: dict[str, str]


def _seed(*parts: str) -> int:
    digest = hashlib.blake2b("|".join(parts).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def _periods(indicator: Indicator) -> list[tuple[str, int, int]]:
    if indicator.periodicity is Periodicity.THREE_YEAR:
        return [(f"{y - 2}-{y}", y - 2, y) for y in YEARS[2:]]
    if indicator.periodicity is Periodicity.SCHOOL_YEAR:
        return [(f"{y}-{(y + 1) % 100:02d}", y, y + 1) for y in YEARS]
    return [(str(y), y, y) for y in YEARS]


def _national_level(indicator: Indicator, rng: np.random.Generator) -> float:
    """A plausible national level for the kind of measure (not a claim about reality)."""
    if indicator.measure is Measure.PROPORTION:
        return float(rng.uniform(0.05, 0.35))
    if indicator.measure is Measure.RATE:
        return float(rng.uniform(0.01, 0.06))  # per person; shown per 1 000
    if indicator.measure is Measure.SCORE:
        return 50.0
    if indicator.measure is Measure.CHANGE:
        return 0.0
    return float(rng.uniform(5, 15))  # MEAN: e.g. days


def demo_rows(indicator: Indicator, population: DemoPopulation) -> pd.DataFrame:
    """Synthetic kommune (and bydel) rows for one indicator; fylke/land are aggregated later."""
    rng = np.random.default_rng(_seed(indicator.id))
    base = _national_level(indicator, rng)
    trend = float(rng.normal(0.0, 0.01))
    areas = population.kommuner
    if Level.BYDEL in indicator.levels:
        areas = pd.concat([areas, population.bydeler])
    codes = areas.index.to_numpy(dtype=str)
    children = areas.to_numpy(dtype=float)
    # A fixed area effect (so an area stays high or low over time, as real areas do).
    effects = np.array([np.random.default_rng(_seed(indicator.id, c)).normal() for c in codes])
    frames = []
    for step, (period, start, end) in enumerate(_periods(indicator)):
        period_rng = np.random.default_rng(_seed(indicator.id, period))
        frame = pd.DataFrame(
            {"region": codes, "period": period, "period_start": start, "period_end": end}
        )
        _fill(frame, indicator, base, trend * step, effects, children, period_rng)
        frames.append(frame)
    result = pd.concat(frames, ignore_index=True)
    for column in BREAKDOWNS:
        result[column] = "total"
    result["status"] = None
    result["synthetic"] = True
    return result


def _fill(
    frame: pd.DataFrame,
    indicator: Indicator,
    base: float,
    drift: float,
    effects: np.ndarray,
    children: np.ndarray,
    rng: np.random.Generator,
) -> None:
    nan = np.full(len(frame), np.nan)
    frame["numerator"], frame["denominator"], frame["sd"], frame["n"] = nan, nan, nan, nan
    if indicator.measure in (Measure.PROPORTION, Measure.RATE):
        logit = np.log(base / (1 - base)) + 0.35 * effects + drift
        p = 1 / (1 + np.exp(-logit))
        # A survey or register subgroup: a fifth of the children, at least a handful.
        denominator = np.maximum(np.round(children * 0.2), 3)
        numerator = rng.binomial(denominator.astype(np.int64), p).astype(float)
        frame["numerator"], frame["denominator"] = numerator, denominator
        frame["value"] = numerator / denominator * indicator.multiplier
    elif indicator.measure is Measure.COUNT:
        counts = rng.poisson(np.maximum(children * 0.01 * np.exp(0.3 * effects), 0.5))
        frame["value"] = counts.astype(float)
        frame["numerator"] = frame["value"]
    elif indicator.measure is Measure.CHANGE:
        frame["value"] = np.round(rng.normal(drift * 100, 4.0, len(frame)) + 3 * effects, 1)
    else:
        n = np.maximum(np.round(children * 0.05), 5)
        sd = base * 0.2 if indicator.measure is Measure.MEAN else 10.0
        frame["value"] = (
            base + sd * 0.3 * effects + drift * base + rng.normal(0, sd, len(frame)) / np.sqrt(n)
        )
        frame["sd"], frame["n"] = sd, n
