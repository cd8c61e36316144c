"""The indicator page's data: a series for chosen areas, latest values for the map, area choices.

Pure data functions (no HTML): the page, the API and the chart downloads call the same ones.
Requests a person can get wrong (a year without data, a bydel for an indicator that has none, an
unknown breakdown) raise errors with a Norwegian message and a hint.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

import pandas as pd

from oppvekst.catalog import breakdown_dimensions
from oppvekst.catalog.schema import ComparabilityBreak, Indicator
from oppvekst.errors import BadRequest
from oppvekst.snapshot.store import Store
from oppvekst.stats import comparison
from oppvekst.views.numbers import number
from oppvekst.views.regions import RegionRef, region_ref, resolve_input

MapLevel = Literal["kommune", "bydel", "fylke"]
MAX_AREAS = 30

# URL name → observation column, and the Norwegian words for the breakdown selectors.
BREAKDOWN_PARAMS: dict[str, str] = {
    "kjonn": "sex",
    "alder": "age",
    "bakgrunn": "background",
    "trinn": "grade",
}
BREAKDOWN_LABELS: dict[str, str] = {
    "sex": "Kjønn",
    "age": "Alder",
    "background": "Bakgrunn",
    "grade": "Trinn",
}
CATEGORY_LABELS: dict[str, str] = {
    "total": "Alle",
    "male": "Gutter",
    "female": "Jenter",
    "boys": "Gutter",
    "girls": "Jenter",
}


def category_label(column: str, category: str) -> str:
    """Norwegian label of a breakdown category: the catalogue's word (``breakdowns.yml``), else
    age ``0-5`` → ``0–5 år``."""
    dimension = breakdown_dimensions().get(column)
    declared = dimension.label_of(category) if dimension else None
    if declared:
        return declared
    if category in CATEGORY_LABELS:
        return CATEGORY_LABELS[category]
    if column == "age" and category.replace("-", "").isdigit():
        return category.replace("-", "\u2013") + " år"
    if column == "grade" and category.isdigit():
        return f"{category}. trinn"
    return category


def category_rank(column: str, category: str) -> int:
    """Where a category stands in the catalogue's reading order (unknown codes last)."""
    dimension = breakdown_dimensions().get(column)
    return dimension.rank(category) if dimension else 0


def num(x: object) -> float | None:
    """A float, or None for missing (None/NaN): missing is never 0."""
    if x is None or x is pd.NA:
        return None
    value = float(x)  # type: ignore[arg-type]
    return None if math.isnan(value) else value


@dataclass(frozen=True, slots=True)
class Point:
    region: str
    name: str
    period: str
    period_end: int
    value: float | None
    lower95: float | None
    upper95: float | None
    numerator: float | None
    denominator: float | None
    status: str | None  # source or suppression symbol when the value is missing
    flags: str | None
    synthetic: bool
    period_start: int | None = None


@dataclass(frozen=True, slots=True)
class IndicatorSeries:
    indicator: Indicator
    areas: tuple[RegionRef, ...]
    periods: tuple[str, ...]
    breakdown: tuple[tuple[str, str], ...]  # (column, category) pairs that are not "total"
    points: tuple[Point, ...]
    synthetic: bool
    summary: tuple[str, ...]

    @property
    def has_intervals(self) -> bool:
        return any(p.lower95 is not None for p in self.points)

    @property
    def latest_period(self) -> str | None:
        valued = [p for p in self.points if p.value is not None]
        return max(valued, key=lambda p: (p.period_end, p.period)).period if valued else None

    def break_before(self, period: str) -> ComparabilityBreak | None:
        """The declared break between this period and the one shown before it, if any."""
        sides = {p.period: self.indicator.side_of_breaks(p.period_start) for p in self.points}
        position = self.periods.index(period) if period in self.periods else 0
        if position == 0 or period not in sides or self.periods[position - 1] not in sides:
            return None
        before, after = sides[self.periods[position - 1]], sides[period]
        return self.indicator.comparability_breaks[after - 1] if after > before else None

    def at(self, region: str, period: str) -> Point | None:
        for p in self.points:
            if p.region == region and p.period == period:
                return p
        return None


@dataclass(frozen=True, slots=True)
class SeriesBreak:
    """Periods where a region has no figure on today's borders, and why (the harmonisation)."""

    region: str
    name: str
    periods: tuple[str, ...]
    reason: str

    @property
    def period_text(self) -> str:
        if len(self.periods) > 3:
            return f"{self.periods[0]}–{self.periods[-1]} ({len(self.periods)} perioder)"
        return ", ".join(self.periods)


@dataclass(frozen=True, slots=True)
class MapValue:
    code: str
    name: str
    value: float | None
    lower95: float | None
    upper95: float | None
    status: str | None
    significance: str  # against the country, comparison.Significance values


@dataclass(frozen=True, slots=True)
class MapValues:
    indicator: Indicator
    period: str
    level: MapLevel
    county: RegionRef | None
    country_value: float | None
    rows: tuple[MapValue, ...]
    synthetic: bool
    summary: tuple[str, ...]
    # «My county in colour»: every area is drawn, only this fylke's in colour (None: all of them).
    focus: RegionRef | None = None

    def in_focus(self, code: str) -> bool:
        return self.focus is None or code.startswith(self.focus.code)

    @property
    def focused_rows(self) -> tuple[MapValue, ...]:
        """The rows drawn in colour: their values alone set the classes and the summary."""
        return tuple(r for r in self.rows if self.in_focus(r.code))


def parse_breakdown(store: Store, indicator_id: str, params: Mapping[str, str]) -> dict[str, str]:
    """``?kjonn=jenter&alder=0-5`` → {"sex": "jenter", "age": "0-5"}; checked against the data."""
    available = store.breakdown_values(indicator_id)
    chosen: dict[str, str] = {}
    for key, column in BREAKDOWN_PARAMS.items():
        wanted = params.get(key)
        if not wanted or wanted == "total":
            continue
        if wanted not in available.get(column, []):
            values = ", ".join(v for v in available.get(column, []) if v != "total") or "ingen"
            raise BadRequest(
                f"Indikatoren har ikke tall for {BREAKDOWN_LABELS[column].lower()} «{wanted}».",
                hint=f"Mulige verdier: {values}.",
            )
        chosen[column] = wanted
    return chosen


def check_level(indicator: Indicator, area: RegionRef) -> None:
    levels = {lv.value for lv in indicator.levels}
    if area.level not in levels:
        names = {
            "bydel": "bydelsnivå",
            "kommune": "kommunenivå",
            "fylke": "fylkesnivå",
            "land": "landsnivå",
        }
        hint = (
            "Velg kommunen (f.eks. Oslo 0301) i stedet, eller en indikator som finnes for bydeler."
            if area.level == "bydel"
            else "Velg et område på et nivå indikatoren finnes for."
        )
        raise BadRequest(
            f"«{indicator.short_title}» finnes ikke på {names.get(area.level, area.level)} "
            f"({area.name}).",
            hint=hint,
        )


def default_areas(store: Store, indicator_id: str) -> list[str]:
    """What an indicator page shows before anyone chooses: the country when it has a value, else
    the first fylke, else the first kommune that has one (a page never opens on an empty chart).
    """
    levels = {lv.value for lv in store.indicator(indicator_id).levels}
    for level in ("land", "fylke", "kommune", "bydel"):
        if level not in levels:
            continue
        codes = [c for c, r in store.regions.items() if r.level == level]
        rows = store.observation_records([indicator_id], codes)
        valued = {r["region"] for r in rows if r["value"] is not None}
        chosen = next((c for c in codes if c in valued), None)
        if chosen is not None:
            return [chosen]
    return ["0"]


def areas_from_param(store: Store, text: str | None) -> list[str]:
    """The areas of ``omrade`` (codes, names or former codes, comma-separated), in order."""
    entries = list(dict.fromkeys(c.strip() for c in (text or "").split(",") if c.strip()))
    if len(entries) > MAX_AREAS:
        raise BadRequest(f"Velg høyst {MAX_AREAS} områder om gangen.", hint="Fjern noen områder.")
    return list(dict.fromkeys(resolve_input(store, entry, "omrade") for entry in entries))


def series(
    store: Store,
    indicator_id: str,
    codes: Sequence[str],
    *,
    breakdown: Mapping[str, str] | None = None,
    periods: Sequence[str] | None = None,
) -> IndicatorSeries:
    """Values over time for the chosen areas (the country when none are chosen)."""
    indicator = store.indicator(indicator_id)
    areas = tuple(region_ref(store, c) for c in (codes or ["0"]))
    for area in areas:
        check_level(indicator, area)
    available = store.periods(indicator_id)
    if periods:
        unknown = [p for p in periods if p not in available]
        if unknown:
            raise BadRequest(
                f"Det finnes ingen tall for {', '.join(unknown)} for «{indicator.short_title}».",
                hint=f"Perioder med tall: {', '.join(available[-6:]) or 'ingen'}.",
            )
    obs = store.observations(
        [indicator_id],
        [a.code for a in areas],
        list(periods) if periods else None,
        breakdown=dict(breakdown) if breakdown else None,
    )
    names = {a.code: a.name for a in areas}
    points = tuple(point_from_record(r, names) for r in obs.to_dict("records"))
    shown = tuple(p for p in (periods or available) if any(pt.period == p for pt in points))
    chosen = tuple((k, v) for k, v in (breakdown or {}).items() if v != "total")
    return summarised_series(indicator, areas, shown, chosen, points)


def point_from_record(record: Mapping[Any, Any], names: Mapping[str, str]) -> Point:
    """One observation row (a DataFrame record or a plain query row) as a chart point."""
    return Point(
        region=str(record["region"]),
        name=names[str(record["region"])],
        period=str(record["period"]),
        period_end=int(record["period_end"]),
        value=num(record["value"]),
        lower95=num(record["lower95"]),
        upper95=num(record["upper95"]),
        numerator=num(record["numerator"]),
        denominator=num(record["denominator"]),
        status=_text(record["status"]),
        flags=_text(record["flags"]),
        synthetic=bool(record["synthetic"]),
        period_start=int(record["period_start"])
        if num(record["period_start"]) is not None
        else None,
    )


def _text(x: object) -> str | None:
    # A DataFrame record holds NaN (a float, and truthy) where the database had NULL.
    return str(x) if isinstance(x, str) and x else None


def summarised_series(
    indicator: Indicator,
    areas: tuple[RegionRef, ...],
    periods: tuple[str, ...],
    breakdown: tuple[tuple[str, str], ...],
    points: tuple[Point, ...],
) -> IndicatorSeries:
    """The series with its synthetic flag and its plain-language summary filled in."""
    draft = IndicatorSeries(
        indicator, areas, periods, breakdown, points, any(p.synthetic for p in points), ()
    )
    return replace(draft, summary=tuple(series_summary(draft)))


def series_summary(s: IndicatorSeries) -> list[str]:
    ind = s.indicator
    out = []
    for area in s.areas:
        own = sorted(
            (p for p in s.points if p.region == area.code and p.value is not None),
            key=lambda p: (p.period_end, p.period),
        )
        if not own:
            out.append(f"{area.name}: ingen tall i perioden.")
            continue
        last = own[-1]
        # Up or down is said only within the latest side of a declared break.
        side = ind.side_of_breaks(last.period_start)
        same_side = [p for p in own if ind.side_of_breaks(p.period_start) == side]
        first = same_side[0]
        text = f"{area.name}: {number(last.value, ind.decimals)} {ind.unit} i {last.period}"
        if first is not last and first.value is not None and last.value is not None:
            direction = (
                "opp fra"
                if last.value > first.value
                else "ned fra"
                if last.value < first.value
                else "samme som"
            )
            text += f", {direction} {number(first.value, ind.decimals)} i {first.period}"
            if len(same_side) < len(own):
                text += f" (etter bruddet i {ind.comparability_breaks[side - 1].year})"
        out.append(text + ".")
    return out


def map_values(
    store: Store,
    indicator_id: str,
    *,
    period: str | None = None,
    level: MapLevel = "kommune",
    county: str | None = None,
    breakdown: Mapping[str, str] | None = None,
    focus: str | None = None,
) -> MapValues:
    """Every area's value on one level for one period (the latest by default), with significance.

    ``county`` restricts the map to one fylke; ``focus`` (a fylke code) keeps the whole country
    but marks that fylke's areas as the ones drawn in colour (``MapValues.focused_rows``). A map
    already restricted to a county has nothing else to grey, so there the focus is dropped."""
    indicator = store.indicator(indicator_id)
    if level not in {lv.value for lv in indicator.levels}:
        raise BadRequest(
            f"«{indicator.short_title}» finnes ikke på "
            f"{'bydelsnivå' if level == 'bydel' else level + 'nivå'}, så kartet kan ikke vises.",
            hint="Vis kartet for kommuner i stedet.",
        )
    county_ref = region_ref(store, county) if county else None
    if county_ref is not None and county_ref.level != "fylke":
        raise BadRequest(
            f"«{county}» er ikke et fylke.", hint="Bruk et fylkesnummer med to sifre, f.eks. 46."
        )
    if period is None:
        period = store.latest_period(indicator_id, level)
        if period is None:
            raise BadRequest(f"Det finnes ingen tall for «{indicator.short_title}» på {level}nivå.")
    elif period not in store.periods(indicator_id):
        raise BadRequest(
            f"Det finnes ingen tall for {period} for «{indicator.short_title}».",
            hint=f"Perioder med tall: {', '.join(store.periods(indicator_id)[-6:])}.",
        )
    codes = [
        c
        for c, r in store.regions.items()
        if r.level == level and (county is None or c.startswith(county))
    ]
    obs = store.observations(
        [indicator_id], [*codes, "0"], [period], breakdown=dict(breakdown) if breakdown else None
    )
    by_code = {str(r["region"]): r for r in obs.to_dict("records")}
    country = num(by_code["0"]["value"]) if "0" in by_code else None
    rows = []
    for code in codes:
        r = by_code.get(code)
        value = num(r["value"]) if r else None
        lo, hi = (num(r["lower95"]), num(r["upper95"])) if r else (None, None)
        lo998, hi998 = (num(r["lower998"]), num(r["upper998"])) if r else (None, None)
        sig = comparison.Significance.NOT_COMPARED.value
        if value is not None and country is not None:
            sig = str(
                comparison.compare(
                    value,
                    _nan(lo),
                    _nan(hi),
                    _nan(lo998),
                    _nan(hi998),
                    country,
                    indicator.polarity.value,
                )
            )
        status = str(r["status"]) if r and isinstance(r["status"], str) and r["status"] else None
        rows.append(
            MapValue(
                code,
                store.regions[code].name,
                value,
                lo,
                hi,
                status if value is None else None,
                sig,
            )
        )
    synthetic = bool(obs["synthetic"].any()) if len(obs) else False
    focus_ref = region_ref(store, focus) if focus and county is None else None
    if focus_ref is not None and focus_ref.level != "fylke":
        raise BadRequest(
            f"«{focus}» er ikke et fylke.", hint="Bruk et fylkesnummer med to sifre, f.eks. 46."
        )
    focused = [r for r in rows if focus_ref is None or r.code.startswith(focus_ref.code)]
    where = f" i {focus_ref.name}" if focus_ref else ""
    return MapValues(
        indicator,
        period,
        level,
        county_ref,
        country,
        tuple(rows),
        synthetic,
        tuple(_map_summary(indicator, period, focused, where)),
        focus_ref,
    )


def _nan(x: float | None) -> float:
    return float("nan") if x is None else x


def _map_summary(
    indicator: Indicator, period: str, rows: list[MapValue], where: str = ""
) -> list[str]:
    valued = sorted((r for r in rows if r.value is not None), key=lambda r: r.value or 0.0)
    missing = len(rows) - len(valued)
    if not valued:
        return [f"Ingen områder{where} har tall for {period}."]
    low, high = valued[0], valued[-1]
    d = indicator.decimals
    text = [
        f"{len(valued)} områder{where} har tall for {period}. "
        f"Lavest: {low.name} ({number(low.value, d)}), "
        f"høyest: {high.name} ({number(high.value, d)})."
    ]
    if missing:
        text.append(f"{missing} områder mangler tall eller er skjult av personvernhensyn.")
    return text


def series_breaks(store: Store, indicator_id: str) -> tuple[SeriesBreak, ...]:
    """The indicator's breaks, one per region and reason, in the regions' usual order."""
    # Periods in the indicator's order (by end year); one the observations lack goes last.
    position = {period: i for i, period in enumerate(store.periods(indicator_id))}
    rows = sorted(
        store.breaks.get(indicator_id, ()), key=lambda r: (position.get(r[1], len(position)), r[1])
    )
    grouped: dict[tuple[str, str], list[str]] = {}
    for region, period, reason in rows:
        periods = grouped.setdefault((region, reason), [])
        if period not in periods:
            periods.append(period)
    order = {code: i for i, code in enumerate(store.regions)}
    return tuple(
        SeriesBreak(code, store.regions[code].name, tuple(periods), reason)
        for (code, reason), periods in sorted(
            grouped.items(), key=lambda item: (order.get(item[0][0], len(order)), item[0][1])
        )
        if code in store.regions
    )
