"""Plain-language sentences in Norwegian bokmål, generated from results (never per municipality).

The subject is the indicator's short title as a definite noun phrase ("Andelen", "Andelen som
fullfører videregående"); the benchmark is a definite phrase ("landsgjennomsnittet",
"fylkesgjennomsnittet", "snittet for KOSTRA-gruppe 11"), see :func:`benchmark_phrase`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum

from oppvekst.stats.comparison import NotCompared, Polarity, Significance
from oppvekst.stats.crossing import Crossing
from oppvekst.stats.trend import Trend, TrendKind

DEFAULT_SPAN = "de siste fem årene"


class BenchmarkKind(StrEnum):
    COUNTRY = "country"
    COUNTY = "county"
    GROUP = "group"


def benchmark_phrase(kind: BenchmarkKind | str, name: str | None = None) -> str:
    """The benchmark as it reads after "enn" / "fra"."""
    k = BenchmarkKind(kind)
    if k is BenchmarkKind.COUNTRY:
        return "landsgjennomsnittet"
    if k is BenchmarkKind.COUNTY:
        return f"snittet for {name}" if name else "fylkesgjennomsnittet"
    return f"snittet for {name}" if name else "snittet for sammenligningsgruppen"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def comparison_sentence(
    indicator_short_title: str,
    significance: Significance | str,
    benchmark_name: str,
    polarity: Polarity | str,
    reason: NotCompared | str | None = None,
    period: str | None = None,
) -> str:
    """E.g. "Andelen er signifikant høyere enn landsgjennomsnittet (bedre)."; a value that was not
    compared says why (``reason``, see :func:`comparison.not_compared_reason`)."""
    s = Significance(significance)
    pol = Polarity(polarity)
    subject = _capital(indicator_short_title.strip())
    if s is Significance.NOT_COMPARED:
        why = NotCompared(reason) if reason is not None else NotCompared.NO_INTERVAL
        return not_compared_sentence(subject, why, benchmark_name, period)
    if s is Significance.SIMILAR:
        return f"{subject} er ikke signifikant forskjellig fra {benchmark_name}."
    if s in (Significance.HIGHER, Significance.LOWER):
        word = "høyere" if s is Significance.HIGHER else "lavere"
        return f"{subject} er signifikant {word} enn {benchmark_name}."
    good = s in (Significance.BETTER, Significance.MUCH_BETTER)
    much = s in (Significance.MUCH_BETTER, Significance.MUCH_WORSE)
    if pol is Polarity.NONE:
        raise ValueError(f"{s.value} needs an indicator with polarity")
    higher = good == (pol is Polarity.HIGHER_BETTER)
    word = "høyere" if higher else "lavere"
    judgement = ("mye " if much else "") + ("bedre" if good else "dårligere")
    level = ", også på 99,8 %-nivå" if much else ""
    return f"{subject} er signifikant {word} enn {benchmark_name}{level} ({judgement})."


# Why a row was not compared, as a short clause after "fordi" (the summary groups rows by it).
NOT_COMPARED_BECAUSE: dict[NotCompared, str] = {
    NotCompared.NO_VALUE: "området mangler tall",
    NotCompared.COUNT: "et antall sammenlignes gjennom andelen, ikke med et større områdes antall",
    NotCompared.NO_BENCHMARK: "sammenligningsgrunnlaget mangler tall for samme periode",
    NotCompared.NOT_PUBLISHED: "kilden ikke oppgir usikkerhet (konfidensintervall) for tallet",
    NotCompared.NO_INTERVAL: "tallgrunnlaget for å beregne usikkerheten mangler",
}


def not_compared_sentence(
    subject: str, reason: NotCompared | str, benchmark_name: str, period: str | None = None
) -> str:
    """E.g. «Gjennomføring i videregående kan ikke sammenlignes med landsgjennomsnittet, fordi
    landsgjennomsnittet mangler tall for 2011-2013.»."""
    why = NotCompared(reason)
    subj = _capital(subject.strip())
    when = f" for {period}" if period else ""
    if why is NotCompared.NO_VALUE:
        return (
            f"{subj} mangler tall for området{when} og er ikke sammenlignet med {benchmark_name}."
        )
    if why is NotCompared.NO_BENCHMARK:
        return (
            f"{subj} kan ikke sammenlignes med {benchmark_name}, "
            f"fordi {benchmark_name} mangler tall{when or ' for samme periode'}."
        )
    if why is NotCompared.COUNT:
        return f"{subj} er et antall og sammenlignes ikke med {benchmark_name}; se andelen."
    return (
        f"{subj} kan ikke sammenlignes statistisk med {benchmark_name}, "
        f"fordi {NOT_COMPARED_BECAUSE[why]}."
    )


def _listing(items: Sequence[str]) -> str:
    """«a», «a og b», «a, b og c»."""
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} og {items[-1]}"


def comparison_summary(
    benchmark_name: str,
    significant: int,
    compared: int,
    not_compared: Mapping[NotCompared, Sequence[str]],
    periods: Sequence[str] = (),
    noun: str = "nøkkelindikatorene",
) -> list[str]:
    """What a set of comparisons says, and no more.

    «No significant difference» is claimed only over the ``compared`` indicators; the rest are
    counted with the reason for each (``not_compared``: reason → subjects); and when the rows
    come from different ``periods`` the reader is told so, since each is judged on its own period.
    """
    missing = sum(len(v) for v in not_compared.values())
    total = compared + missing
    if total == 0:
        return []
    out: list[str] = []
    if compared == 0:
        out.append(f"Ingen av {noun} kunne sammenlignes statistisk med {benchmark_name}.")
    elif significant == 0:
        out.append(
            f"Ingen av de {compared} {noun} som kunne sammenlignes, skiller seg signifikant "
            f"fra {benchmark_name}."
        )
    else:
        out.append(
            f"{significant} av de {compared} {noun} som kunne sammenlignes, skiller seg "
            f"signifikant fra {benchmark_name}."
        )
    if missing:
        parts = [
            f"{NOT_COMPARED_BECAUSE[NotCompared(reason)]} ({_listing(list(subjects))})"
            for reason, subjects in not_compared.items()
            if subjects
        ]
        out.append(f"{missing} av {total} kunne ikke sammenlignes: {'; '.join(parts)}.")
    distinct = list(dict.fromkeys(periods))
    if len(distinct) > 1:
        out.append(
            f"Tallene er fra ulike perioder ({_listing(distinct)}). Perioden står på hver rad, "
            "og hver verdi er sammenlignet med samme periode, ikke med de andre radene."
        )
    return out


def trend_sentence(trend: Trend, subject: str = "Verdien", span: str = DEFAULT_SPAN) -> str:
    """E.g. "Ingen signifikant endring de siste fem årene."."""
    subj = _capital(subject.strip())
    kind = trend.kind
    if kind is TrendKind.NO_CHANGE:
        return f"Ingen signifikant endring {span}."
    if kind is TrendKind.CANNOT_CALCULATE:
        return (
            "Utviklingen kan ikke testes: det trengs fem målinger med usikkerhetsintervall, "
            f"og her er det {trend.n_points}."
        )
    up = kind in (TrendKind.INCREASING, TrendKind.INCREASING_BETTER, TrendKind.INCREASING_WORSE)
    verb = "økt" if up else "gått ned"
    base = f"{subj} har {verb} signifikant {span}"
    if kind in (TrendKind.INCREASING_BETTER, TrendKind.DECREASING_BETTER):
        return f"{base}, og utviklingen går i riktig retning."
    if kind in (TrendKind.INCREASING_WORSE, TrendKind.DECREASING_WORSE):
        return f"{base}, og utviklingen går i feil retning."
    return f"{base}."


def correlation_sentence(crossing: Crossing) -> str:
    """Strength and direction of Pearson's r, with n and the interval; never causal wording."""
    r = crossing.pearson
    if crossing.n < 4 or r != r:
        return "Det er for få kommuner med begge verdiene til å beregne en sammenheng."
    size = abs(r)
    strength = "svak" if size < 0.3 else "moderat" if size < 0.5 else "sterk"
    direction = "positiv" if r > 0 else "negativ"
    lo = f"{crossing.pearson_lower:.2f}".replace(".", ",")
    hi = f"{crossing.pearson_upper:.2f}".replace(".", ",")
    rr = f"{r:.2f}".replace(".", ",")
    significant = crossing.pearson_lower > 0 or crossing.pearson_upper < 0
    tail = "" if significant else " Sammenhengen er ikke statistisk sikker."
    return (
        f"Det er en {strength} {direction} sammenheng mellom kommunene (r = {rr}, "
        f"95 %-intervall {lo} til {hi}, {crossing.n} kommuner).{tail}"
    )


def group_value_note(
    missing: Sequence[str], members: int, noun: str = "områder", *, shown: int = 8
) -> str:
    """Why a group has no value: «… 3 av 39 kommuner mangler tall (Sokndal 1111, …).».

    ``missing`` holds the members' names as a reader should see them; ``[]`` means the members
    are all there but together have no one in the denominator.
    """
    if not missing:
        return "Gruppeverdien kan ikke beregnes: gruppen har ingen i nevneren."
    listed = ", ".join(missing[:shown])
    rest = f" og {len(missing) - shown} til" if len(missing) > shown else ""
    return (
        f"Gruppeverdien kan ikke beregnes: {len(missing)} av {members} {noun} "
        f"mangler tall ({listed}{rest})."
    )
