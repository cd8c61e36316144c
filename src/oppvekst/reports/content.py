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
from oppvekst.glossary import N_
from oppvekst.language import _, current, format_date
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

# Marked here, translated when a report is made (``_methods``, ``document``).
DEMO_NOTE = N_(
    "Denne rapporten inneholder SYNTETISKE DEMOTALL for indikatorene merket «Demotall». "
    "De er laget for utvikling og test, er ikke statistikk og må ikke brukes i planer eller vedtak."
)
METHODS = (
    (
        N_("Sammenligning"),
        N_(
            "Et område er signifikant forskjellig fra sammenligningsgrunnlaget når grunnlagets verdi "
            "ligger utenfor områdets 95 %-konfidensintervall. «Mye bedre» og «mye dårligere» betyr at "
            "forskjellen også er signifikant på 99,8 %-nivå. Der et høyt tall verken er bedre eller "
            "dårligere, står det «høyere» eller «lavere». Uten intervall sammenlignes det ikke."
        ),
    ),
    (
        N_("Usikkerhet"),
        N_(
            "Andeler har Wilson-intervall, rater og antall eksakt Poisson-intervall under 10 hendelser "
            "og Byars tilnærming ellers, gjennomsnitt Students t-intervall. Publiserer kilden bare "
            "verdien, viser vi ikke noe intervall – vi finner ikke på usikkerhet."
        ),
    ),
    (
        N_("Utvikling"),
        N_(
            "Utviklingen er testet over de siste fem målingene med intervall (vektet lineær trend, "
            "signifikant på 99,8 %-nivå). Med færre målinger står det «Kan ikke beregnes»."
        ),
    ),
    (
        N_("Grupper og fylker"),
        N_(
            "Verdien for en gruppe kommuner regnes som én befolkning: summen av tellerne delt på "
            "summen av nevnerne, ikke et snitt av kommunenes tall."
        ),
    ),
    (
        N_("Spredning"),
        N_(
            "Streken i barometeret går fra laveste til høyeste kommune, boksen dekker den midterste "
            "halvdelen av kommunene, og den loddrette streken er landet."
        ),
    ),
    (
        N_("Kommunegrenser"),
        N_(
            "Tidsseriene er regnet om til dagens kommuner, så tall fra før kommunereformene kan "
            "sammenlignes med dagens. Tall som kan avsløre enkeltpersoner, er skjult («:»)."
        ),
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
        return format_date(datetime.fromisoformat(built).date())
    except ValueError:
        return built or _("ukjent")


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
        + (" " + _("(tabell {table})").format(table=source.table) if source.table else ""),
        "source_url": source.url,
        "attribution": indicator.attribution,
        "licence": indicator.licence,
        "chart": figure.scene.document() if figure and figure.scene else None,
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
    place = [f"{region.level_name} {region.code}" if region.level != "land" else _("Hele landet")]
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
    # "Kilde: SSB, tabell 07459; Kilde: IMDi" → the cover's one list of sources (the prefix in
    # the catalogue's language: «Kilde:», "Source:").
    prefixes = ("Kilde:", _("Kilde:"))
    attributions = sorted(
        {
            _strip_prefix(part.strip(), prefixes)
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
        "demo_note": _(DEMO_NOTE),
        "lang": current().value,
        "t": labels(
            region.name,
            result.benchmark.label,
            store.snapshot_id,
            store.data_mode,
            data_date(store),
        ),
        "summary": _summary(result),
        "topics": topics,
        "inequalities": [inequality(v, f) for v, f in inequalities],
        "attributions": attributions,
        "symbols": [[symbol, text] for symbol, text in SYMBOL_LABELS.items()]
        + [["–", _("Ingen verdi å vise")]],
        "methods": [[_(title), _(text)] for title, text in METHODS],
    }


def _strip_prefix(text: str, prefixes: Sequence[str]) -> str:
    for head in prefixes:
        if text.startswith(head):
            return text[len(head) :].strip()
    return text


def labels(area: str, benchmark: str, snapshot: str, data_mode: str, date: str) -> dict[str, str]:
    """The template's own words (``oppvekstprofil.typ`` prints ``r.t.<key>``), in the current
    language; sentences with the area or the benchmark in them are made whole here."""
    return {
        "figures_per": _("Tall per"),
        "contains_synthetic": _("Inneholder syntetiske demotall"),
        "page": _("Side"),
        "page_of": _("av"),
        "demo_tag": _("Demotall"),
        "no_spread": _("Ingen spredning"),
        "tagline": _("Statistikk om barn og unge i kommunene"),
        "compared_with": _("Sammenlignet med"),
        "sources": _("Kilder"),
        "snapshot": _("{date} (datasamling {snapshot}, {mode})").format(
            date=date, snapshot=snapshot, mode=data_mode
        ),
        "synthetic": _("Syntetiske demotall"),
        "in_short": _("Kort oppsummert"),
        "worse_than": _("Signifikant dårligere enn {benchmark}").format(benchmark=benchmark),
        "better_than": _("Signifikant bedre enn {benchmark}").format(benchmark=benchmark),
        "higher_lower": _(
            "Signifikant høyere eller lavere (uten vurdering av bedre eller dårligere)"
        ),
        "sentences_note": _(
            "Setningene er laget automatisk fra statistiske tester (95 %). De sier hvor {area} "
            "skiller seg fra {benchmark}. Hvilke som ikke kunne sammenlignes, og hvorfor, står "
            "over. Se barometeret på neste side og metodene bakerst."
        ).format(area=area, benchmark=benchmark),
        "barometer": _("Barometer"),
        "barometer_lead": _(
            "Nøkkeltallene for {area} sammenlignet med {benchmark}. Siste periode med tall for "
            "hver indikator."
        ).format(area=area, benchmark=benchmark),
        "range": _("Laveste til høyeste kommune"),
        "middle": _("Midterste halvdel av kommunene"),
        "country": _("Landet"),
        "better": _("Bedre"),
        "worse": _("Dårligere"),
        "similar": _("Ingen signifikant forskjell"),
        "higher": _("Høyere"),
        "lower": _("Lavere"),
        "not_compared": _("Ikke sammenlignet"),
        "county": _("Fylket"),
        "group": _("Gruppen"),
        "indicator": _("Indikator"),
        "count": _("Antall"),
        "spread": _("Spredning blant kommunene"),
        "compared": _("Sammenlignet"),
        "trend": _("Utvikling"),
        "barometer_note": _(
            "Tallene under verdien er 95 %-konfidensintervallet. «Antall» er telleren bak verdien "
            "(for eksempel antall barn). Tegnene «:», «..» og «–» er forklart bakerst."
        ),
        "ci": _("95 % KI"),
        "compared_with_benchmark": _("Sammenlignet med {benchmark}").format(benchmark=benchmark),
        "trend_five": _("Utvikling, siste fem målinger"),
        "no_series": _("Ingen tidsserie å vise for dette området."),
        "definition": _("Definisjon."),
        "numerator": _("Teller:"),
        "denominator": _("Nevner:"),
        "source": _("Kilde:"),
        "attribution": _("Kreditering:"),
        "licence": _("Lisens:"),
        "uncertainty": _("Usikkerhet:"),
        "comparability": _("Sammenlignbarhet:"),
        "by": _("etter"),
        "gap_in": _("Forskjellen i"),
        "value": _("Verdi"),
        "versus_total": _("Sammenlignet med {area} totalt").format(area=area),
        "gaps": _("Ulikhet mellom grupper"),
        "gaps_lead": _(
            "Indikatorer med tall for grupper i {area}: hver gruppes verdi med "
            "95 %-konfidensintervall og om den skiller seg fra alle i {area}, og forskjellen "
            "mellom gruppene som forholdstall. Samme tall og tester som siden «Ulikhet» på "
            "nettstedet."
        ).format(area=area),
        "symbols_methods": _("Tegn og metoder"),
        "symbols": _("Tegn i tabellene"),
        "never_zero": _(
            "Et tall som mangler eller er skjult, vises aldri som 0 eller som tom celle."
        ),
        "how": _("Slik er tallene regnet"),
        "sources_licences": _("Kilder og lisenser"),
        "source_credit": _("Kilde og kreditering"),
        "licence_head": _("Lisens"),
        "made_by": _(
            "Laget av Oppvekststatus fra datasamlingen {snapshot} ({mode}), tall per {date}."
        ).format(snapshot=snapshot, mode=data_mode, date=date),
        "web_version": _("Nettversjon:"),
    }
