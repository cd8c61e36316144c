"""The report as one JSON document: every text and number the Typst template prints, formatted.

Numbers are formatted here, the Norwegian way, from the profile view (``views.profile.profile``: the
same data function as the page and ``/api/v1/profile``), so the template only lays out strings. The
document is data, not markup: the template shows each string as literal text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from oppvekst.catalog.schema import Indicator
from oppvekst.reports.figures import Figure, for_typst
from oppvekst.snapshot.store import Store
from oppvekst.snapshot.table import SYMBOL_LABELS
from oppvekst.stats.intervals import METHOD_SENTENCES
from oppvekst.views.inequality import InequalityView
from oppvekst.views.numbers import interval, number, observation
from oppvekst.views.profile import (
    BETTER,
    SIGNIFICANCE_MARKS,
    WORSE,
    BarometerRow,
    Profile,
    trend_mark,
)

Document = dict[str, Any]

DEMO_NOTE = (
    "Denne rapporten inneholder SYNTETISKE DEMOTALL for indikatorene merket «Demotall». "
    "De er laget for utvikling og test, er ikke statistikk og må ikke brukes i planer eller vedtak."
)
METHODS = (
    (
        "Sammenligning",
        "Et område er signifikant forskjellig fra sammenligningsgrunnlaget når grunnlagets verdi "
        "ligger utenfor områdets 95 %-konfidensintervall. «Mye bedre» og «mye dårligere» betyr at "
        "forskjellen også er signifikant på 99,8 %-nivå. Der et høyt tall verken er bedre eller "
        "dårligere, står det «høyere» eller «lavere». Uten intervall sammenlignes det ikke.",
    ),
    (
        "Usikkerhet",
        "Andeler har Wilson-intervall, rater og antall eksakt Poisson-intervall under 10 hendelser "
        "og Byars tilnærming ellers, gjennomsnitt Students t-intervall. Publiserer kilden bare "
        "verdien, viser vi ikke noe intervall – vi finner ikke på usikkerhet.",
    ),
    (
        "Utvikling",
        "Utviklingen er testet over de siste fem målingene med intervall (vektet lineær trend, "
        "signifikant på 99,8 %-nivå). Med færre målinger står det «Kan ikke beregnes».",
    ),
    (
        "Grupper og fylker",
        "Verdien for en gruppe kommuner regnes som én befolkning: summen av tellerne delt på "
        "summen av nevnerne, ikke et snitt av kommunenes tall.",
    ),
    (
        "Spredning",
        "Streken i barometeret går fra laveste til høyeste kommune, boksen dekker den midterste "
        "halvdelen av kommunene, og den loddrette streken er landet.",
    ),
    (
        "Kommunegrenser",
        "Tidsseriene er regnet om til dagens kommuner, så tall fra før kommunereformene kan "
        "sammenlignes med dagens. Tall som kan avsløre enkeltpersoner, er skjult («:»).",
    ),
)


def sig_mark(significance: str) -> tuple[str, str]:
    return SIGNIFICANCE_MARKS.get(significance) or SIGNIFICANCE_MARKS["not_compared"]


def spine(row: BarometerRow) -> dict[str, float | None] | None:
    """Positions (0–1 across the kommune range) of the range, middle half, country and area."""
    lo, hi = row.min_value, row.max_value
    if lo is None or hi is None or hi <= lo:
        return None

    def x(value: float | None) -> float | None:
        if value is None:
            return None
        return round((min(max(value, lo), hi) - lo) / (hi - lo), 4)

    country = row.country_value
    return {
        "q1": x(row.q1 if row.q1 is not None else lo),
        "q3": x(row.q3 if row.q3 is not None else hi),
        # A country total (a count) lies far outside the kommune range: no tick, not a wrong one.
        "country": x(country) if country is not None and lo <= country <= hi else None,
        "value": x(row.value),
    }


def data_date(store: Store) -> str:
    built = store.meta.get("built_at", "")
    try:
        return datetime.fromisoformat(built).strftime("%d.%m.%Y")
    except ValueError:
        return built or "ukjent"


def _row(row: BarometerRow, indicator: Indicator, figure: Figure | None) -> Document:
    d = row.decimals
    mark, label = sig_mark(row.significance)
    arrow, judgement = trend_mark(row.trend)
    source = indicator.source
    return {
        "id": row.indicator_id,
        "title": row.title,
        "short_title": row.short_title,
        "unit": row.unit,
        "period": row.period or "",
        "value": observation(row.value, row.status, d),
        "symbol_text": SYMBOL_LABELS.get(row.status or "", "") if row.value is None else "",
        "interval": interval(row.lower95, row.upper95, d),
        "count": number(row.numerator, 0),
        "county": number(row.county_value, d),
        "country": number(row.country_value, d),
        "benchmark": number(row.benchmark_value, d),
        "range": f"{number(row.min_value, d)}–{number(row.max_value, d)}"
        if row.min_value is not None and row.max_value is not None
        else "",
        "spine": spine(row),
        "sig": mark,
        "sig_label": label,
        "sentence": row.sentence,
        "trend_arrow": arrow,
        "trend": judgement,
        "trend_text": row.trend_text,
        "synthetic": row.synthetic,
        "definition": indicator.definition,
        "numerator": indicator.numerator or "",
        "denominator": indicator.denominator or "",
        "interval_method": METHOD_SENTENCES.get(indicator.interval.value, ""),
        "comparability": indicator.comparability,
        "caveats": list(indicator.caveats),
        "source": f"{source.publisher}: {source.title}"
        + (f" (tabell {source.table})" if source.table else ""),
        "source_url": source.url,
        "attribution": indicator.attribution,
        "licence": indicator.licence,
        "chart": for_typst(figure.svg) if figure else None,
        "chart_alt": figure.description if figure else "",
    }


def inequality(view: InequalityView, figure: Figure | None = None) -> Document:
    """One indicator's groups for the «Ulikhet mellom grupper» page: the web «Ulikhet» view's own
    strings (gap sentence, formatted values, intervals, test against the total), nothing redone."""
    groups = (view.total, *view.groups)
    return {
        "id": view.indicator.id,
        "title": view.indicator.short_title,
        "dimension": view.dimension_label,
        "period": view.period,
        "unit": view.indicator.unit,
        "sentence": view.sentence,
        "significance": view.significance,
        "rows": [
            {
                "label": g.label,
                "value": g.shown,
                "interval": g.interval,
                "reason": g.reason,
                "versus_total": g.versus_total_text,
            }
            for g in groups
        ],
        # The county's and the country's gap where it can be computed: «Kan ikke beregnes» for
        # each missing one would fill the page with nothing to read.
        "gaps": [
            {"name": a.name, "text": a.text, "versus": a.versus_own}
            for a in view.area_gaps[1:]
            if a.gap is not None
        ],
        "attribution": view.indicator.attribution,
        "chart": for_typst(figure.svg) if figure else None,
        "chart_alt": figure.description if figure else "",
    }


def _summary(result: Profile) -> Document:
    rows = result.rows
    return {
        "worse": [r.sentence for r in rows if r.significance in WORSE],
        "better": [r.sentence for r in rows if r.significance in BETTER],
        "other": [r.sentence for r in rows if r.significance in ("higher", "lower")],
        "plain": list(result.summary),
    }


def document(
    store: Store,
    result: Profile,
    figures: Mapping[str, Figure],
    *,
    title: str,
    lead: str,
    url: str = "",
    inequalities: Sequence[tuple[InequalityView, Figure | None]] = (),
) -> Document:
    """Everything the template prints, for one area and one benchmark (and the gaps between
    groups in the area, ``views.inequality.area_views``: no page when the list is empty)."""
    region = result.region
    county = result.county
    place = [f"{region.level_name} {region.code}" if region.level != "land" else "Hele landet"]
    if county is not None and region.level != "fylke":
        place.append(county.name)
    if region.kostra_name:
        place.append(region.kostra_name)
    grouped: dict[str, list[Document]] = {}
    for row in result.rows:
        indicator = store.indicators[row.indicator_id]
        grouped.setdefault(row.topic, []).append(
            _row(row, indicator, figures.get(row.indicator_id))
        )
    topics = [
        {"title": str(t["title"]), "description": str(t["description"]), "rows": grouped[t["id"]]}
        for t in store.topics
        if t["id"] in grouped
    ]
    # "Kilde: SSB, tabell 07459; Kilde: IMDi" → the cover's one list of sources.
    attributions = sorted(
        {
            part.strip().removeprefix("Kilde:").strip()
            for r in result.rows
            for part in store.indicators[r.indicator_id].attribution.split(";")
        }
    )
    return {
        "title": title,
        "lead": lead,
        "area": region.name,
        "level": region.level,
        "place": " · ".join(place),
        "benchmark": result.benchmark.label,
        "own_benchmark": result.benchmark.kind not in ("land", "fylke"),
        "county_name": county.name if county is not None and region.level != "fylke" else None,
        "show_country": region.level != "land",
        "data_date": data_date(store),
        "snapshot": store.snapshot_id,
        "data_mode": store.data_mode,
        "url": url,
        "synthetic": result.synthetic,
        "demo_note": DEMO_NOTE,
        "summary": _summary(result),
        "topics": topics,
        "inequalities": [inequality(v, f) for v, f in inequalities],
        "attributions": attributions,
        "symbols": [[symbol, text] for symbol, text in SYMBOL_LABELS.items()]
        + [["–", "Ingen verdi å vise"]],
        "methods": [list(m) for m in METHODS],
    }
