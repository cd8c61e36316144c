"""Several areas × several indicators: the heat table (Fingertips' overview).

Each cell is the area's latest value, coloured by its comparison with the chosen benchmark —
significance by the overlapping-interval method where the indicator has intervals, or, when the
reader asks for it, the quintile among all kommuner (labelled as a ranking, not a test).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from oppvekst.catalog.schema import Indicator, Measure
from oppvekst.errors import BadRequest
from oppvekst.glossary import N_, Glossary
from oppvekst.language import _
from oppvekst.snapshot.store import Store
from oppvekst.stats import comparison
from oppvekst.views.benchmark import Benchmark, benchmark_values, parse_benchmark
from oppvekst.views.indicator import check_level, num
from oppvekst.views.regions import RegionRef, region_ref

ColourBy = Literal["signifikans", "kvintil"]
MAX_INDICATORS = 25

SIGNIFICANCE_TEXT: Mapping[str, str] = Glossary(
    {
        "much_better": N_("Mye bedre"),
        "better": N_("Bedre"),
        "similar": N_("Ikke signifikant forskjellig"),
        "worse": N_("Dårligere"),
        "much_worse": N_("Mye dårligere"),
        "lower": N_("Lavere"),
        "higher": N_("Høyere"),
        "not_compared": N_("Ikke sammenlignet"),
    }
)
# Short marks printed in each cell so meaning never rests on colour alone.
SIGNIFICANCE_MARK: dict[str, str] = {
    "much_better": "▲▲",
    "better": "▲",
    "similar": "●",
    "worse": "▼",
    "much_worse": "▼▼",
    "lower": "↓",
    "higher": "↑",
    "not_compared": "–",
}


@dataclass(frozen=True, slots=True)
class Cell:
    indicator_id: str
    region: str
    period: str | None
    value: float | None
    status: str | None
    benchmark_value: float | None
    benchmark_note: str | None  # why the benchmark has no value (a group lacking members' data)
    significance: str
    quintile: int | None  # 1 = lowest fifth of kommuner
    category: str  # what the colour shows: a significance value or "q1".."q5"
    label: str  # Norwegian words for the category
    synthetic: bool


@dataclass(frozen=True, slots=True)
class CompareTable:
    areas: tuple[RegionRef, ...]
    indicators: tuple[Indicator, ...]
    cells: tuple[Cell, ...]
    benchmark_param: str
    benchmark_label: str
    colour_by: ColourBy
    sort: str | None
    synthetic: bool
    summary: tuple[str, ...]

    def cell(self, region: str, indicator_id: str) -> Cell | None:
        for c in self.cells:
            if c.region == region and c.indicator_id == indicator_id:
                return c
        return None


def compare_table(
    store: Store,
    codes: Sequence[str],
    indicator_ids: Sequence[str],
    *,
    benchmark: str = "land",
    colour_by: ColourBy = "signifikans",
    sort: str | None = None,
) -> CompareTable:
    if not codes:
        raise BadRequest(
            _("Velg minst ett område å sammenligne."),
            hint=_("Legg til kommuner med ?omrade=0301,4601."),
        )
    if not indicator_ids:
        raise BadRequest(
            _("Velg minst én indikator."),
            hint=_("Legg til indikatorer med ?indikator=mobbing-10-trinn."),
        )
    if len(indicator_ids) > MAX_INDICATORS:
        raise BadRequest(_("Velg høyst {n} indikatorer om gangen.").format(n=MAX_INDICATORS))
    indicators = tuple(store.indicator(i) for i in dict.fromkeys(indicator_ids))
    areas = tuple(region_ref(store, c) for c in dict.fromkeys(codes))
    ids = [i.id for i in indicators]
    obs = store.observations(ids, [a.code for a in areas])
    latest = {
        (str(r["indicator_id"]), str(r["region"])): r
        for r in obs.sort_values(["period_end", "period"]).to_dict("records")
        if num(r["value"]) is not None or r["status"]
    }
    kommune_values = _kommune_values(store, ids)
    label = _("landsgjennomsnittet")
    cells: list[Cell] = []
    for area in areas:
        bench: Benchmark = parse_benchmark(
            store, benchmark, area.code if area.level != "land" else None
        )
        label = bench.label
        bench_values = benchmark_values(store, bench, ids, area.code)
        for ind in indicators:
            try:
                check_level(ind, area)
            except BadRequest:
                cells.append(_empty(ind, area, _("Finnes ikke på dette nivået")))
                continue
            r = latest.get((ind.id, area.code))
            if r is None:
                cells.append(_empty(ind, area, _("Ingen tall")))
                continue
            period = str(r["period"])
            value = num(r["value"])
            bench_entry = bench_values.get((ind.id, period))
            bv = bench_entry.value if bench_entry is not None else None
            sig = comparison.Significance.NOT_COMPARED.value
            # A count is never tested against a larger area's count (see views.profile).
            if value is not None and bv is not None and ind.measure is not Measure.COUNT:
                sig = str(
                    comparison.compare(
                        value,
                        _nan(r["lower95"]),
                        _nan(r["upper95"]),
                        _nan(r["lower998"]),
                        _nan(r["upper998"]),
                        bv,
                        ind.polarity.value,
                    )
                )
            quintile = (
                _quintile(kommune_values.get((ind.id, period)), value)
                if area.level == "kommune"
                else None
            )
            if colour_by == "kvintil":
                category = f"q{quintile}" if quintile else "not_compared"
                text = _("{n}. femdel").format(n=quintile) if quintile else _("Ikke rangert")
            else:
                category, text = sig, SIGNIFICANCE_TEXT[sig]
            cells.append(
                Cell(
                    ind.id,
                    area.code,
                    period,
                    value,
                    str(r["status"]) if r["status"] and value is None else None,
                    bv,
                    bench_entry.note if bench_entry is not None else None,
                    sig,
                    quintile,
                    category,
                    text,
                    bool(r["synthetic"]),
                )
            )
    areas = _sorted(areas, cells, sort)
    compared = [c for c in cells if c.significance != "not_compared"]
    judged = [c for c in compared if c.significance != "similar"]
    # «N of M differ» only over the values actually tested; the rest are counted apart.
    summary = (
        _(
            "{areas} områder og {indicators} indikatorer sammenlignet med {benchmark}. "
            "{judged} av {compared} verdier som kunne sammenlignes, skiller seg signifikant fra "
            "sammenligningsgrunnlaget"
        ).format(
            areas=len(areas),
            indicators=len(indicators),
            benchmark=label,
            judged=len(judged),
            compared=len(compared),
        )
        + (
            _("; {n} kunne ikke sammenlignes.").format(n=len(cells) - len(compared))
            if len(cells) > len(compared)
            else "."
        ),
    )
    return CompareTable(
        areas,
        indicators,
        tuple(cells),
        benchmark,
        label,
        colour_by,
        sort,
        any(c.synthetic for c in cells),
        summary,
    )


def _nan(x: object) -> float:
    value = num(x)
    return float("nan") if value is None else value


def _empty(ind: Indicator, area: RegionRef, text: str) -> Cell:
    return Cell(
        ind.id,
        area.code,
        None,
        None,
        None,
        None,
        None,
        "not_compared",
        None,
        "not_compared",
        text,
        False,
    )


def _kommune_values(
    store: Store, ids: list[str]
) -> dict[tuple[str, str], np.ndarray[tuple[int], np.dtype[np.float64]]]:
    codes = [c for c, r in store.regions.items() if r.level == "kommune"]
    obs = store.observations(ids, codes)
    out = {}
    for (ind, period), rows in obs.groupby(["indicator_id", "period"]):
        out[(str(ind), str(period))] = rows["value"].to_numpy(dtype=float)
    return out


def _quintile(
    values: np.ndarray[tuple[int], np.dtype[np.float64]] | None, value: float | None
) -> int | None:
    """Quintile of a kommune's ``value`` among all kommuner (the same rule as ``quintiles``)."""
    if values is None or value is None:
        return None
    present = values[~np.isnan(values)]
    q = comparison.quintiles(present)[np.flatnonzero(present == value)]
    return int(q[0]) if q.size else None


def _sorted(
    areas: tuple[RegionRef, ...], cells: list[Cell], sort: str | None
) -> tuple[RegionRef, ...]:
    if not sort or sort == "standard":
        return areas
    if sort == "navn":
        return tuple(sorted(areas, key=lambda a: a.name))
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    values = {c.region: c.value for c in cells if c.indicator_id == key}
    present = [a for a in areas if values.get(a.code) is not None]
    missing = [a for a in areas if values.get(a.code) is None]
    present.sort(key=lambda a: values[a.code] or 0.0, reverse=descending)
    return tuple(present + missing)  # missing values last, whatever the direction


def default_selection(store: Store) -> tuple[list[str], list[str]]:
    """What the comparison shows before anyone chooses: every fylke and the country on the key
    indicators that have fylke figures (at most eight), so the page and its downloads open on a
    full table rather than on an empty form."""
    fylker = [c for c, r in store.regions.items() if r.level == "fylke"]
    sample = store.observation_records(list(store.indicators_with_data), fylker[:1])
    with_fylke = {r["indicator_id"] for r in sample if r["value"] is not None}
    ids = [
        i
        for i, indicator in store.indicators.items()
        if indicator.key_indicator and i in with_fylke
    ][:8]
    return ([*fylker, "0"], ids) if ids else ([], [])
