"""The statistics bank: every indicator with every breakdown, filtered; one indicator as a table.

``listing`` filters the catalogue by topic, source (publisher), region level and years; ``pivot``
lays out one indicator as regions × periods for one breakdown, or with a breakdown's groups as the
columns (regions × groups, one period) or as rows (regions × groups down, periods across). Both
are pure data for the page, the API and the downloads.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from oppvekst.errors import BadRequest
from oppvekst.language import _
from oppvekst.snapshot.store import Store
from oppvekst.views import indicator as indicator_view
from oppvekst.views.regions import LEVEL_NAMES, LEVEL_PHRASES

__all__ = ["LEVEL_NAMES", "Grouping", "Pivot", "listing", "pivot"]

BREAKDOWN_NAMES = indicator_view.BREAKDOWN_LABELS
# Column → the breakdown's name in page URLs (Norwegian, like the rest of what a person sees).
BREAKDOWN_PARAMS = {column: param for param, column in indicator_view.BREAKDOWN_PARAMS.items()}
# Levels from the broadest down; a pivot at the country level is one row and still useful.
LEVEL_ORDER = ("land", "fylke", "kommune", "bydel")
MAX_PIVOT_PERIODS = 30
# «Grupper som kolonner / rader»: the URL word → the layout.
GROUP_LAYOUTS = ("kolonner", "rader")


@dataclass(frozen=True, slots=True)
class Option:
    value: str
    label: str
    count: int


@dataclass(frozen=True, slots=True)
class BankEntry:
    indicator_id: str
    title: str
    topic: str
    topic_title: str
    publisher: str
    source_title: str
    table: str | None
    levels: tuple[str, ...]
    breakdowns: tuple[str, ...]  # Norwegian names of the breakdowns, e.g. ("Kjønn", "Alder")
    first_period: str | None
    last_period: str | None
    n_periods: int
    synthetic: bool


@dataclass(frozen=True, slots=True)
class BankFilter:
    topic: str | None = None
    source: str | None = None
    level: str | None = None
    year_from: int | None = None
    year_to: int | None = None


@dataclass(frozen=True, slots=True)
class BankListing:
    filter: BankFilter
    entries: tuple[BankEntry, ...]
    topics: tuple[Option, ...]
    sources: tuple[Option, ...]
    levels: tuple[Option, ...]
    first_year: int | None
    last_year: int | None


@dataclass(frozen=True, slots=True)
class PivotCell:
    value: float | None
    status: str | None  # SSB/FHI symbol when the value is missing or suppressed
    synthetic: bool


@dataclass(frozen=True, slots=True)
class PivotRow:
    code: str
    name: str
    cells: tuple[PivotCell, ...]
    group: str | None = None  # the group's Norwegian label when the groups are rows


@dataclass(frozen=True, slots=True)
class Grouping:
    """A breakdown laid out across the table: its groups as columns or as rows."""

    column: str  # observation column, e.g. "background"
    layout: str  # "kolonner" or "rader"
    categories: tuple[str, ...]  # in the catalogue's reading order, the total first


@dataclass(frozen=True, slots=True)
class Pivot:
    indicator_id: str
    title: str
    unit: str
    decimals: int
    level: str
    within: str | None  # fylke code that limits the rows, if any
    breakdown: dict[str, str]  # column → category; empty means totals
    breakdown_options: dict[str, tuple[str, ...]]  # what the indicator can be broken down by
    periods: tuple[str, ...]
    rows: tuple[PivotRow, ...]
    synthetic: bool
    columns: tuple[str, ...] = ()  # the headers of the value columns (periods or group labels)
    grouping: Grouping | None = None


def _spans(store: Store) -> dict[str, tuple[str, str, int, int, int]]:
    """indicator → (first period, last period, first year, last year, number of periods)."""
    frame = store.frame(
        "SELECT indicator_id, arg_min(period, period_end) AS first, arg_max(period, period_end) "
        "AS last, min(period_start) AS y0, max(period_end) AS y1, count(DISTINCT period) AS n "
        "FROM observations GROUP BY indicator_id"
    )
    records: list[dict[Any, Any]] = frame.to_dict("records")
    return {
        str(r["indicator_id"]): (
            str(r["first"]),
            str(r["last"]),
            int(r["y0"]),
            int(r["y1"]),
            int(r["n"]),
        )
        for r in records
    }


def listing(store: Store, wanted: BankFilter) -> BankListing:
    topics = {str(t["id"]): str(t["title"]) for t in store.topics}
    spans = _spans(store)
    entries: list[BankEntry] = []
    for ind in store.indicators.values():
        first, last, _y0, _y1, n = spans.get(ind.id, (None, None, 0, 0, 0))
        entries.append(
            BankEntry(
                indicator_id=ind.id,
                title=ind.title,
                topic=ind.topic,
                topic_title=topics.get(ind.topic, ind.topic),
                publisher=ind.source.publisher,
                source_title=ind.source.title,
                table=ind.source.table,
                levels=tuple(lv.value for lv in ind.levels),
                breakdowns=tuple(BREAKDOWN_NAMES.get(b.value, b.value) for b in ind.breakdowns),
                first_period=first,
                last_period=last,
                n_periods=n,
                synthetic=ind.id in store.synthetic_indicators,
            )
        )

    def keep(entry: BankEntry) -> bool:
        if wanted.topic and entry.topic != wanted.topic:
            return False
        if wanted.source and entry.publisher != wanted.source:
            return False
        if wanted.level and wanted.level not in entry.levels:
            return False
        if wanted.year_from is not None or wanted.year_to is not None:
            span = spans.get(entry.indicator_id)
            if span is None:
                return False
            # Keep indicators with at least one period overlapping the chosen years.
            if wanted.year_from is not None and span[3] < wanted.year_from:
                return False
            if wanted.year_to is not None and span[2] > wanted.year_to:
                return False
        return True

    kept = [e for e in entries if keep(e)]
    rank = {str(t["id"]): int(t["rank"]) for t in store.topics}
    kept.sort(key=lambda e: (rank.get(e.topic, 99), e.title))
    years = [y for span in spans.values() for y in (span[2], span[3])]
    return BankListing(
        filter=wanted,
        entries=tuple(kept),
        topics=tuple(
            Option(t, title, sum(e.topic == t for e in entries)) for t, title in topics.items()
        ),
        sources=_options([e.publisher for e in entries]),
        levels=tuple(
            Option(lv, LEVEL_NAMES.get(lv, lv), sum(lv in e.levels for e in entries))
            for lv in LEVEL_ORDER
        ),
        first_year=min(years) if years else None,
        last_year=max(years) if years else None,
    )


def category_label(column: str, category: str) -> str:
    """Norwegian label of a breakdown category: age ``0-5`` → ``0–5 år``.

    As on the indicator page, except that the total reads "I alt" in a table, where the indicator
    page's selector offers "Alle".
    """
    return "I alt" if category == "total" else indicator_view.category_label(column, category)


def _options(values: list[str]) -> tuple[Option, ...]:
    return tuple(Option(v, v, values.count(v)) for v in sorted(set(values)))


def pivot(
    store: Store,
    indicator_id: str,
    level: str = "kommune",
    *,
    within: str | None = None,
    breakdown: dict[str, str] | None = None,
    year_from: int | None = None,
    year_to: int | None = None,
    max_periods: int | None = MAX_PIVOT_PERIODS,
    group_by: str | None = None,
    layout: str | None = None,
) -> Pivot:
    """One indicator as regions (rows) × periods (columns), newest period last.

    With ``group_by`` (a breakdown, by its URL word ``bakgrunn`` or column ``background``) the
    breakdown's groups, the total included, become the columns for the newest chosen period
    (``layout="kolonner"``) or extra rows under each region (``layout="rader"``).

    Raises ``BadRequest`` with a message a person can act on when the indicator is not published at
    the level, the breakdown does not exist, or the chosen years hold no data.
    """
    ind = store.indicator(indicator_id)
    available = [lv.value for lv in ind.levels]
    if level not in LEVEL_NAMES:
        raise BadRequest(
            _("Ukjent nivå «{level}».").format(level=level),
            hint=_("Velg land, fylke, kommune eller bydel."),
        )
    if level not in available:
        names = ", ".join(LEVEL_NAMES[lv].lower() for lv in LEVEL_ORDER if lv in available)
        raise BadRequest(
            _("«{title}» finnes ikke på {level}.").format(
                title=ind.short_title, level=LEVEL_PHRASES[level]
            ),
            hint=_("Indikatoren publiseres for: {names}.").format(names=names),
        )
    options = {k: tuple(v) for k, v in store.breakdown_values(indicator_id).items()}
    grouping = _grouping(ind.short_title, options, group_by, layout)
    chosen = {
        k: v
        for k, v in (breakdown or {}).items()
        if v and v != "total" and (grouping is None or k != grouping.column)
    }
    for column, category in chosen.items():
        if category not in options.get(column, ()):
            raise BadRequest(
                _("«{title}» har ingen inndeling {breakdown} = «{category}».").format(
                    title=ind.short_title,
                    breakdown=BREAKDOWN_NAMES.get(column, column),
                    category=category,
                ),
                hint=_("Velg en av inndelingene i listen."),
            )
    codes = _row_codes(store, level, within)
    # "*" takes every group of the grouped breakdown, the other breakdowns as chosen (or totals).
    wanted = {**chosen, grouping.column: "*"} if grouping else chosen
    obs = store.observations([indicator_id], codes, breakdown=wanted or None)
    if year_from is not None:
        obs = obs[obs["period_end"] >= year_from]
    if year_to is not None:
        obs = obs[obs["period_start"] <= year_to]
    if obs.empty:
        span = store.periods(indicator_id)
        raise BadRequest(
            _("Det finnes ingen tall for «{title}» for de valgte årene.").format(
                title=ind.short_title
            ),
            hint=_("Indikatoren har tall fra {first} til {last}.").format(
                first=span[0], last=span[-1]
            )
            if span
            else _("Indikatoren har ingen tall ennå."),
        )
    ordered = obs.drop_duplicates("period").sort_values(["period_end", "period"])
    periods = tuple(str(p) for p in ordered["period"])
    if grouping is not None and grouping.layout == "kolonner":
        periods = periods[-1:]  # one period: the groups take the columns
    elif max_periods is not None:
        periods = periods[-max_periods:]
    group_of = grouping.column if grouping else None
    cells: dict[tuple[str, str, str], PivotCell] = {}
    records: list[dict[Any, Any]] = obs.to_dict("records")
    for r in records:
        raw = r["value"]
        value = None if raw is None or math.isnan(raw) else float(raw)
        status = str(r["status"]) if isinstance(r["status"], str) and r["status"] else None
        group = str(r[group_of]) if group_of else "total"
        cell = PivotCell(value, status, bool(r["synthetic"]))
        cells[(str(r["region"]), str(r["period"]), group)] = cell
    rows, columns = _lay_out(store, codes, periods, grouping, cells)
    return Pivot(
        indicator_id=indicator_id,
        title=ind.title,
        unit=ind.unit,
        decimals=ind.decimals,
        level=level,
        within=within,
        breakdown=chosen,
        breakdown_options=options,
        periods=periods,
        rows=rows,
        synthetic=any(c.synthetic for row in rows for c in row.cells),
        columns=columns,
        grouping=grouping,
    )


def _grouping(
    title: str, options: dict[str, tuple[str, ...]], group_by: str | None, layout: str | None
) -> Grouping | None:
    """The grouped breakdown the page asks for, checked against what the indicator has."""
    if not group_by and not layout:
        return None
    if layout and layout not in GROUP_LAYOUTS:
        raise BadRequest(
            _("Ukjent valg «{layout}» for grupper.").format(layout=layout),
            hint=_("Velg grupper som kolonner eller rader."),
        )
    column = indicator_view.BREAKDOWN_PARAMS.get(group_by or "", group_by or "")
    if not group_by and len(options) == 1:
        column = next(iter(options))  # one breakdown: no need to say which
    if column not in options:
        names = ", ".join(BREAKDOWN_NAMES.get(c, c).lower() for c in options)
        raise BadRequest(
            _("«{title}» kan ikke deles inn etter «{breakdown}».").format(
                title=title, breakdown=group_by or "–"
            ),
            hint=_("Velg en av inndelingene: {names}.").format(names=names)
            if names
            else _("Indikatoren har ingen inndelinger."),
        )
    return Grouping(column, layout or "kolonner", options[column])


def _lay_out(
    store: Store,
    codes: list[str],
    periods: tuple[str, ...],
    grouping: Grouping | None,
    cells: dict[tuple[str, str, str], PivotCell],
) -> tuple[tuple[PivotRow, ...], tuple[str, ...]]:
    """Rows and column headers: periods across, or the groups across, or the groups down."""
    empty = PivotCell(None, "..", False)
    name = {code: store.regions[code].name for code in codes}
    if grouping is None:
        rows = tuple(
            PivotRow(code, name[code], tuple(cells.get((code, p, "total"), empty) for p in periods))
            for code in codes
        )
        return rows, periods
    labels = tuple(category_label(grouping.column, c) for c in grouping.categories)
    if grouping.layout == "kolonner":
        period = periods[0]
        rows = tuple(
            PivotRow(
                code,
                name[code],
                tuple(cells.get((code, period, c), empty) for c in grouping.categories),
            )
            for code in codes
        )
        return rows, labels
    rows = tuple(
        PivotRow(
            code,
            name[code],
            tuple(cells.get((code, p, c), empty) for p in periods),
            group=label,
        )
        for code in codes
        for c, label in zip(grouping.categories, labels, strict=True)
    )
    return rows, periods


def _row_codes(store: Store, level: str, within: str | None) -> list[str]:
    if within is not None and (
        within not in store.regions or store.regions[within].level != "fylke"
    ):
        raise BadRequest(
            _("«{code}» er ikke et fylkesnummer.").format(code=within),
            hint=_("Fylkesnummer har to sifre, f.eks. 46."),
        )
    if within is None:
        return [c for c, r in store.regions.items() if r.level == level]
    return [r.code for r in store.registry.members_of_county(within, level)]
