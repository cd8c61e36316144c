"""The indicator page's data: a series for chosen areas, latest values for the map, area choices.

Pure data functions (no HTML): the page, the API and the chart downloads call the same ones.
Requests a person can get wrong (a year without data, a bydel for an indicator that has none, an
unknown breakdown) raise errors with a Norwegian message and a hint.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from oppvekst.catalog import breakdown_dimensions
from oppvekst.catalog.schema import ComparabilityBreak, Indicator
from oppvekst.errors import BadRequest
from oppvekst.glossary import N_, Glossary
from oppvekst.language import _
from oppvekst.snapshot.store import Store
from oppvekst.views.numbers import number
from oppvekst.views.regions import LEVEL_PHRASES, RegionRef, region_ref, resolve_input

MAX_AREAS = 30

# URL name → observation column, and the Norwegian words for the breakdown selectors.
BREAKDOWN_PARAMS: dict[str, str] = {
    "kjonn": "sex",
    "alder": "age",
    "bakgrunn": "background",
    "trinn": "grade",
}
BREAKDOWN_LABELS: Mapping[str, str] = Glossary(
    {
        "sex": N_("Kjønn"),
        "age": N_("Alder"),
        "background": N_("Bakgrunn"),
        "grade": N_("Trinn"),
    }
)
CATEGORY_LABELS: Mapping[str, str] = Glossary(
    {
        "total": N_("Alle"),
        "male": N_("Gutter"),
        "female": N_("Jenter"),
        "boys": N_("Gutter"),
        "girls": N_("Jenter"),
    }
)


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
        return _("{ages} år").format(ages=category.replace("-", "\u2013"))
    if column == "grade" and category.isdigit():
        return _("{grade}. trinn").format(grade=category)
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
    # Period → the side of the declared breaks it lies on (the last point of the period decides),
    # made once: the table asks ``break_before`` for every period, and a scan of every point per
    # period grew with periods × points.
    _sides: Mapping[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        sides = {p.period: self.indicator.side_of_breaks(p.period_start) for p in self.points}
        object.__setattr__(self, "_sides", sides)

    @property
    def has_intervals(self) -> bool:
        return any(p.lower95 is not None for p in self.points)

    @property
    def latest_period(self) -> str | None:
        valued = [p for p in self.points if p.value is not None]
        return max(valued, key=lambda p: (p.period_end, p.period)).period if valued else None

    def break_before(self, period: str) -> ComparabilityBreak | None:
        """The declared break between this period and the one shown before it, if any."""
        sides = self._sides
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


def parse_breakdown(store: Store, indicator_id: str, params: Mapping[str, str]) -> dict[str, str]:
    """``?kjonn=jenter&alder=0-5`` → {"sex": "jenter", "age": "0-5"}; checked against the data."""
    available = store.breakdown_values(indicator_id)
    chosen: dict[str, str] = {}
    for key, column in BREAKDOWN_PARAMS.items():
        wanted = params.get(key)
        if not wanted or wanted == "total":
            continue
        if wanted not in available.get(column, []):
            values = ", ".join(v for v in available.get(column, []) if v != "total") or _("ingen")
            raise BadRequest(
                _("Indikatoren har ikke tall for {breakdown} «{wanted}».").format(
                    breakdown=BREAKDOWN_LABELS[column].lower(), wanted=wanted
                ),
                hint=_("Mulige verdier: {values}.").format(values=values),
            )
        chosen[column] = wanted
    return chosen


def check_level(indicator: Indicator, area: RegionRef) -> None:
    levels = {lv.value for lv in indicator.levels}
    if area.level not in levels:
        hint = (
            _(
                "Velg kommunen (f.eks. Oslo 0301) i stedet, eller en indikator som finnes for bydeler."
            )
            if area.level == "bydel"
            else _("Velg et område på et nivå indikatoren finnes for.")
        )
        raise BadRequest(
            _("«{title}» finnes ikke på {level} ({area}).").format(
                title=indicator.short_title,
                level=LEVEL_PHRASES.get(area.level, area.level),
                area=area.name,
            ),
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
        raise BadRequest(
            _("Velg høyst {n} områder om gangen.").format(n=MAX_AREAS),
            hint=_("Fjern noen områder."),
        )
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
                _("Det finnes ingen tall for {period} for «{title}».").format(
                    period=", ".join(unknown), title=indicator.short_title
                ),
                hint=_("Perioder med tall: {periods}.").format(
                    periods=", ".join(available[-6:]) or _("ingen")
                ),
            )
    rows = store.observation_records(
        [indicator_id],
        [a.code for a in areas],
        list(periods) if periods else None,
        breakdown=dict(breakdown) if breakdown else None,
    )
    names = {a.code: a.name for a in areas}
    points = tuple(point_from_record(r, names) for r in rows)
    present = {pt.period for pt in points}
    shown = tuple(p for p in (periods or available) if p in present)
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
            out.append(_("{area}: ingen tall i perioden.").format(area=area.name))
            continue
        last = own[-1]
        # Up or down is said only within the latest side of a declared break.
        side = ind.side_of_breaks(last.period_start)
        same_side = [p for p in own if ind.side_of_breaks(p.period_start) == side]
        first = same_side[0]
        text = _("{area}: {value} {unit} i {period}").format(
            area=area.name,
            value=number(last.value, ind.decimals),
            unit=ind.unit,
            period=last.period,
        )
        if first is not last and first.value is not None and last.value is not None:
            direction = (
                _(", opp fra {value} i {period}")
                if last.value > first.value
                else _(", ned fra {value} i {period}")
                if last.value < first.value
                else _(", samme som {value} i {period}")
            )
            text += direction.format(value=number(first.value, ind.decimals), period=first.period)
            if len(same_side) < len(own):
                text += " " + _("(etter bruddet i {year})").format(
                    year=ind.comparability_breaks[side - 1].year
                )
        out.append(text + ".")
    return out


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
