"""The «Ulikhet» view: an indicator's groups side by side for one area, and the gap between them.

Modelled on Fingertips' Inequalities view. For one area and one breakdown dimension (the others at
«alle») it shows each group's value with its 95 % interval and whether it differs from the area's
total (``stats.comparison.compare``, as everywhere on the site); the gap between the dimension's
first and last group in reading order (immigrants against the rest, boys against girls) as a
ratio with its interval and test (``stats.gaps``), said in words; the same gap in the county and
the country, and whether the area's gap is wider; and the groups over time where there are periods.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from oppvekst.catalog.schema import Indicator, Measure
from oppvekst.errors import BadRequest
from oppvekst.glossary import N_, Glossary
from oppvekst.language import _
from oppvekst.snapshot.store import Store
from oppvekst.snapshot.table import BREAKDOWNS, FLAG_BY_CODE, SYMBOL_LABELS, TOTAL, flag_codes
from oppvekst.stats import comparison, gaps
from oppvekst.views import gap_words as words
from oppvekst.views.indicator import BREAKDOWN_LABELS, category_label, category_rank, num
from oppvekst.views.numbers import interval, observation
from oppvekst.views.regions import RegionRef, region_ref

SIGNIFICANCE_WORDS: Mapping[str, str] = Glossary(
    {
        "lower": N_("Lavere enn området totalt"),
        "higher": N_("Høyere enn området totalt"),
        "similar": N_("Ikke sikkert forskjellig fra området totalt"),
        "not_compared": N_("Ikke testet (mangler intervall)"),
    }
)


@dataclass(frozen=True, slots=True)
class GroupRow:
    category: str
    label: str
    value: float | None
    lower95: float | None
    upper95: float | None
    shown: str  # the value, or its symbol
    interval: str
    reason: str  # why the value is not shown («:» and its label), else ""
    versus_total: str  # a Significance value
    versus_total_text: str


@dataclass(frozen=True, slots=True)
class AreaGap:
    code: str
    name: str
    gap: gaps.Gap | None
    text: str  # «2,7 (2,5–2,9)» or why there is none
    versus_own: str  # how the area's own gap compares with this one ("" for the area itself)


@dataclass(frozen=True, slots=True)
class PeriodRow:
    period: str
    cells: tuple[str, ...]  # the groups' values in ``InequalityView.groups`` order


@dataclass(frozen=True, slots=True)
class InequalityView:
    indicator: Indicator
    area: RegionRef
    dimension: str
    dimension_label: str
    dimensions: tuple[str, ...]  # the breakdowns this indicator has data for
    period: str
    total: GroupRow
    groups: tuple[GroupRow, ...]
    pair: tuple[GroupRow, GroupRow] | None
    sentence: str
    significance: str
    area_gaps: tuple[AreaGap, ...]
    over_time: tuple[PeriodRow, ...]

    @property
    def summary(self) -> tuple[str, ...]:
        return tuple(line for line in (self.sentence, self.significance) if line)


def dimensions_with_data(store: Store, indicator_id: str) -> tuple[str, ...]:
    values = store.breakdown_values(indicator_id)
    return tuple(b for b in BREAKDOWNS if any(v != TOTAL for v in values.get(b, [])))


Record = Mapping[str, Any]


def _row(record: Record | None, category: str, dimension: str, decimals: int) -> GroupRow:
    label = _("Alle") if category == TOTAL else category_label(dimension, category)
    if record is None:
        return GroupRow(category, label, None, None, None, "..", "", SYMBOL_LABELS[".."], "", "")
    value, status = num(record["value"]), record["status"]
    status = status if isinstance(status, str) and status else None
    lower, upper = num(record["lower95"]), num(record["upper95"])
    reason = ""
    if value is None:
        status = status or ".."
        reason = SYMBOL_LABELS.get(status, "")
        if "secondary_suppression" in flag_codes(record["flags"]):
            reason = FLAG_BY_CODE["secondary_suppression"].label
    return GroupRow(
        category,
        label,
        value,
        lower,
        upper,
        observation(value, status, decimals),
        interval(lower, upper, decimals),
        reason,
        "",
        "",
    )


def _with_tests(rows: Sequence[GroupRow], total: GroupRow) -> tuple[GroupRow, ...]:
    """Each group against the area's total, in one ``compare`` over all the groups."""
    if not rows:
        return ()

    def limits(name: str) -> list[float]:
        return [_nan(getattr(r, name)) for r in rows]

    lower, upper = limits("lower95"), limits("upper95")
    found = comparison.compare(
        limits("value"),
        lower,
        upper,
        lower,  # the 99.8 % level is not shown here: the 95 % decides
        upper,
        _nan(total.value),
        comparison.Polarity.NONE,
    )
    return tuple(
        replace(row, versus_total=str(sig), versus_total_text=SIGNIFICANCE_WORDS.get(sig, sig))
        for row, sig in zip(rows, found, strict=True)
    )


def _nan(x: float | None) -> float:
    return math.nan if x is None else x


def _gap_of(cells: Sequence[Record], first: str, second: str, dimension: str) -> gaps.Gap | None:
    by = {str(r[dimension]): r for r in cells}
    a, b = by.get(first), by.get(second)
    if a is None or b is None:
        return None
    va, vb = num(a["value"]), num(b["value"])
    if va is None or vb is None:
        return None
    return gaps.gap(
        va,
        vb,
        (num(a["numerator"]), num(a["denominator"])),
        (num(b["numerator"]), num(b["denominator"])),
    )


def _benchmarks(store: Store, area: RegionRef) -> list[str]:
    """The area's county (and kommune, for a bydel) and the country, nearest first."""
    out = []
    if area.level == "bydel" and area.parent:
        out.append(area.parent)
    if area.county and area.county != area.code:
        out.append(area.county)
    if area.code != "0":
        out.append("0")
    # Oslo is both a kommune and a fylke with one name: the same numbers twice would only confuse.
    names = {area.name}
    kept = []
    for code in dict.fromkeys(out):
        row = store.regions.get(code)
        if row is not None and row.name not in names:
            names.add(row.name)
            kept.append(code)
    return kept


def inequality_view(
    store: Store,
    indicator_id: str,
    area_code: str,
    dimension: str | None = None,
    period: str | None = None,
    *,
    history: bool = True,
) -> InequalityView:
    """The view for one area; raises BadRequest (in Norwegian) for a dimension or period the
    indicator has no groups for. Without ``history`` its table over time is left empty (the
    profile's lines show the latest period only, and the table grew with the periods)."""
    indicator = store.indicator(indicator_id)
    dimensions = dimensions_with_data(store, indicator_id)
    if not dimensions:
        raise BadRequest(
            _("«{title}» har ikke tall for grupper.").format(title=indicator.short_title),
            hint=_("Ulikhet vises for indikatorer med tall etter kjønn, alder eller bakgrunn."),
        )
    chosen = dimension or dimensions[-1]  # background before sex: the question users ask
    if chosen not in dimensions:
        names = ", ".join(BREAKDOWN_LABELS[d].lower() for d in dimensions)
        raise BadRequest(
            _("«{title}» har ikke grupper etter {dimension}.").format(
                title=indicator.short_title, dimension=chosen
            ),
            hint=_("Velg en av: {names}.").format(names=names),
        )
    area = region_ref(store, area_code)
    others = _benchmarks(store, area)
    # Plain records of the rows that vary the chosen dimension only (every other breakdown at
    # «alle»): picking rows out of a DataFrame cost about a millisecond a time, and the table
    # over time picked one per period and group.
    cells = store.observation_records([indicator_id], [area.code, *others], breakdown={chosen: "*"})
    own = [r for r in cells if r["region"] == area.code]
    grouped = sorted(
        (r for r in own if r[chosen] != TOTAL), key=lambda r: _end_order(r["period_end"])
    )
    periods = list(dict.fromkeys(str(r["period"]) for r in grouped))
    if period is not None and period not in periods:
        raise BadRequest(
            f"Det finnes ingen grupper for perioden «{period}» i {area.name}.",
            hint="Mulige perioder: " + (", ".join(periods) or "ingen"),
        )
    shown = period or (periods[-1] if periods else "")
    now = [r for r in own if r["period"] == shown]
    categories = sorted(
        {str(r[chosen]) for r in cells if r[chosen] != TOTAL},
        key=lambda c: category_rank(chosen, c),
    )
    by = {str(r[chosen]): r for r in now}
    total = _row(by.get(TOTAL), TOTAL, chosen, indicator.decimals)
    groups = _with_tests(
        [_row(by.get(c), c, chosen, indicator.decimals) for c in categories], total
    )
    pair = (groups[0], groups[-1]) if len(groups) >= 2 else None
    own_gap = _gap_of(now, pair[0].category, pair[1].category, chosen) if pair else None
    if pair and own_gap and own_gap.ratio < 1:
        # The higher group first, here and in the county and country: «times as high» reads
        # more easily than a ratio below 1, and every area's gap then points the same way.
        pair = (pair[1], pair[0])
        own_gap = _gap_of(now, pair[0].category, pair[1].category, chosen)
    area_gaps = [AreaGap(area.code, area.name, own_gap, words.gap_text(own_gap), "")]
    for code in others:
        theirs = [r for r in cells if r["region"] == code and r["period"] == shown]
        found = _gap_of(theirs, pair[0].category, pair[1].category, chosen) if pair else None
        name = store.regions[code].name
        area_gaps.append(
            AreaGap(
                code,
                name,
                found,
                words.gap_text(found),
                words.versus(own_gap, found, name, indicator.measure),
            )
        )
    # The first row of each (period, group), as a lookup rather than a search per cell.
    first: dict[tuple[str, str], Record] = {}
    for record in own:
        first.setdefault((str(record["period"]), str(record[chosen])), record)
    over_time = tuple(
        PeriodRow(
            p,
            tuple(
                observation(
                    num(r["value"]),
                    r["status"] if isinstance(r["status"], str) else None,
                    indicator.decimals,
                )
                if (r := first.get((p, c))) is not None
                else ".."
                for c in (TOTAL, *categories)
            ),
        )
        for p in (periods if history else ())
    )
    return InequalityView(
        indicator=indicator,
        area=area,
        dimension=chosen,
        dimension_label=BREAKDOWN_LABELS[chosen],
        dimensions=dimensions,
        period=shown,
        total=total,
        groups=groups,
        pair=pair,
        sentence=(
            words.gap_sentence(indicator, area.name, (pair[0].label, pair[1].label), own_gap)
            if pair
            else ""
        ),
        significance=words.significance_sentence(own_gap, indicator.measure),
        area_gaps=tuple(area_gaps),
        over_time=over_time,
    )


def _end_order(end: object) -> tuple[bool, float]:
    """Sort key of a period end: by year, a missing end last (as pandas sorts NaN)."""
    value = num(end)
    return (value is None, value or 0.0)


@dataclass(frozen=True, slots=True)
class InequalityLine:
    """One indicator's gap for the area profile's «Ulikhet» section."""

    indicator_id: str
    title: str
    period: str
    sentence: str
    significance: str
    href: str


def area_views(
    store: Store,
    code: str,
    indicator_ids: Collection[str] | None = None,
    *,
    history: bool = True,
) -> tuple[InequalityView, ...]:
    """The «Ulikhet» view of each indicator with a gap between groups in this area, in catalogue
    order: the profile's section and the PDF report's page both read this one list (restricted
    to ``indicator_ids`` when given, e.g. a package's indicators)."""
    views = []
    for indicator in store.indicators.values():
        if indicator_ids is not None and indicator.id not in indicator_ids:
            continue
        if not indicator.breakdowns or indicator.id not in store.indicators_with_data:
            continue
        if indicator.measure is Measure.COUNT:
            continue  # how many children are 0–5 against 16–17 is no gap between groups
        if not dimensions_with_data(store, indicator.id):
            continue
        view = inequality_view(store, indicator.id, code, history=history)
        if view.pair is None or view.pair[0].value is None or view.pair[1].value is None:
            continue
        views.append(view)
    return tuple(views)


def inequality_lines(store: Store, code: str) -> tuple[InequalityLine, ...]:
    """The gap in words for each indicator with groups in this area (the profile's section)."""
    return tuple(
        InequalityLine(
            view.indicator.id,
            view.indicator.short_title,
            view.period,
            view.sentence,
            view.significance,
            f"/indikator/{view.indicator.id}/ulikhet?omrade={code}",
        )
        for view in area_views(store, code, history=False)
    )
