"""Plain-language sentences, generated from results (never per municipality).

Written in bokmål and translated through ``oppvekst.language`` (domain ``messages``) as whole
sentences with named placeholders, so nynorsk and English can order the words their own way.

The subject is the indicator's short title as a definite noun phrase ("Andelen", "Andelen som
fullfører videregående"); the benchmark is a definite phrase ("landsgjennomsnittet",
"fylkesgjennomsnittet", "snittet for KOSTRA-gruppe 11"), see :func:`benchmark_phrase`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum

from oppvekst.glossary import N_
from oppvekst.language import _
from oppvekst.stats.comparison import NotCompared, Polarity, Significance
from oppvekst.stats.crossing import Crossing
from oppvekst.stats.trend import Trend, TrendKind
from oppvekst.views.numbers import number

DEFAULT_SPAN = N_("de siste fem årene")  # translated at use


class BenchmarkKind(StrEnum):
    COUNTRY = "country"
    COUNTY = "county"
    GROUP = "group"


def benchmark_phrase(kind: BenchmarkKind | str, name: str | None = None) -> str:
    """The benchmark as it reads after "enn" / "fra"."""
    k = BenchmarkKind(kind)
    if k is BenchmarkKind.COUNTRY:
        return _("landsgjennomsnittet")
    if name:
        return _("snittet for {name}").format(name=name)
    if k is BenchmarkKind.COUNTY:
        return _("fylkesgjennomsnittet")
    return _("snittet for sammenligningsgruppen")


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
        return _("{subject} er ikke signifikant forskjellig fra {benchmark}.").format(
            subject=subject, benchmark=benchmark_name
        )
    if s is Significance.HIGHER:
        return _("{subject} er signifikant høyere enn {benchmark}.").format(
            subject=subject, benchmark=benchmark_name
        )
    if s is Significance.LOWER:
        return _("{subject} er signifikant lavere enn {benchmark}.").format(
            subject=subject, benchmark=benchmark_name
        )
    good = s in (Significance.BETTER, Significance.MUCH_BETTER)
    much = s in (Significance.MUCH_BETTER, Significance.MUCH_WORSE)
    if pol is Polarity.NONE:
        raise ValueError(f"{s.value} needs an indicator with polarity")
    higher = good == (pol is Polarity.HIGHER_BETTER)
    judgement = {
        (True, True): _("mye bedre"),
        (True, False): _("bedre"),
        (False, True): _("mye dårligere"),
        (False, False): _("dårligere"),
    }[(good, much)]
    if much:
        text = (
            _("{subject} er signifikant høyere enn {benchmark}, også på 99,8 %-nivå ({judgement}).")
            if higher
            else _(
                "{subject} er signifikant lavere enn {benchmark}, også på 99,8 %-nivå ({judgement})."
            )
        )
    else:
        text = (
            _("{subject} er signifikant høyere enn {benchmark} ({judgement}).")
            if higher
            else _("{subject} er signifikant lavere enn {benchmark} ({judgement}).")
        )
    return text.format(subject=subject, benchmark=benchmark_name, judgement=judgement)


# Why a row was not compared, as a short clause after "fordi" (the summary groups rows by it).
# Marked here, translated at use (:func:`because`).
NOT_COMPARED_BECAUSE: dict[NotCompared, str] = {
    NotCompared.NO_VALUE: N_("området mangler tall"),
    NotCompared.COUNT: N_(
        "et antall sammenlignes gjennom andelen, ikke med et større områdes antall"
    ),
    NotCompared.NO_BENCHMARK: N_("sammenligningsgrunnlaget mangler tall for samme periode"),
    NotCompared.NOT_PUBLISHED: N_("kilden ikke oppgir usikkerhet (konfidensintervall) for tallet"),
    NotCompared.NO_INTERVAL: N_("tallgrunnlaget for å beregne usikkerheten mangler"),
}


def because(reason: NotCompared | str) -> str:
    """Why a row was not compared, in the current language."""
    return _(NOT_COMPARED_BECAUSE[NotCompared(reason)])


def not_compared_sentence(
    subject: str, reason: NotCompared | str, benchmark_name: str, period: str | None = None
) -> str:
    """E.g. «Gjennomføring i videregående kan ikke sammenlignes med landsgjennomsnittet, fordi
    landsgjennomsnittet mangler tall for 2011-2013.»."""
    why = NotCompared(reason)
    subj = _capital(subject.strip())
    args = {"subject": subj, "benchmark": benchmark_name, "period": period}
    if why is NotCompared.NO_VALUE:
        if period:
            return _(
                "{subject} mangler tall for området for {period} og er ikke sammenlignet "
                "med {benchmark}."
            ).format(**args)
        return _(
            "{subject} mangler tall for området og er ikke sammenlignet med {benchmark}."
        ).format(**args)
    if why is NotCompared.NO_BENCHMARK:
        if period:
            return _(
                "{subject} kan ikke sammenlignes med {benchmark}, fordi {benchmark} mangler "
                "tall for {period}."
            ).format(**args)
        return _(
            "{subject} kan ikke sammenlignes med {benchmark}, fordi {benchmark} mangler "
            "tall for samme periode."
        ).format(**args)
    if why is NotCompared.COUNT:
        return _("{subject} er et antall og sammenlignes ikke med {benchmark}; se andelen.").format(
            **args
        )
    return _("{subject} kan ikke sammenlignes statistisk med {benchmark}, fordi {reason}.").format(
        reason=because(why), **args
    )


def _listing(items: Sequence[str]) -> str:
    """«a», «a og b», «a, b og c»."""
    if len(items) < 2:
        return "".join(items)
    return _("{items} og {last}").format(items=", ".join(items[:-1]), last=items[-1])


def comparison_summary(
    benchmark_name: str,
    significant: int,
    compared: int,
    not_compared: Mapping[NotCompared, Sequence[str]],
    periods: Sequence[str] = (),
    noun: str | None = None,
) -> list[str]:
    """What a set of comparisons says, and no more.

    «No significant difference» is claimed only over the ``compared`` indicators; the rest are
    counted with the reason for each (``not_compared``: reason → subjects); and when the rows
    come from different ``periods`` the reader is told so, since each is judged on its own period.
    """
    noun = noun or _("nøkkelindikatorene")
    missing = sum(len(v) for v in not_compared.values())
    total = compared + missing
    if total == 0:
        return []
    out: list[str] = []
    args = {"noun": noun, "benchmark": benchmark_name, "compared": compared}
    if compared == 0:
        out.append(
            _("Ingen av {noun} kunne sammenlignes statistisk med {benchmark}.").format(**args)
        )
    elif significant == 0:
        out.append(
            _(
                "Ingen av de {compared} {noun} som kunne sammenlignes, skiller seg signifikant "
                "fra {benchmark}."
            ).format(**args)
        )
    else:
        out.append(
            _(
                "{significant} av de {compared} {noun} som kunne sammenlignes, skiller seg "
                "signifikant fra {benchmark}."
            ).format(significant=significant, **args)
        )
    if missing:
        parts = [
            f"{because(reason)} ({_listing(list(subjects))})"
            for reason, subjects in not_compared.items()
            if subjects
        ]
        out.append(
            _("{missing} av {total} kunne ikke sammenlignes: {reasons}.").format(
                missing=missing, total=total, reasons="; ".join(parts)
            )
        )
    distinct = list(dict.fromkeys(periods))
    if len(distinct) > 1:
        out.append(
            _(
                "Tallene er fra ulike perioder ({periods}). Perioden står på hver rad, og hver "
                "verdi er sammenlignet med samme periode, ikke med de andre radene."
            ).format(periods=_listing(distinct))
        )
    return out


def trend_sentence(trend: Trend, subject: str | None = None, span: str = DEFAULT_SPAN) -> str:
    """E.g. "Ingen signifikant endring de siste fem årene."."""
    subj = _capital((subject or _("Verdien")).strip())
    span = _(span)
    kind = trend.kind
    if kind is TrendKind.NO_CHANGE:
        return _("Ingen signifikant endring {span}.").format(span=span)
    if kind is TrendKind.CANNOT_CALCULATE:
        return _(
            "Utviklingen kan ikke testes: det trengs fem målinger med usikkerhetsintervall, "
            "og her er det {n}."
        ).format(n=trend.n_points)
    up = kind in (TrendKind.INCREASING, TrendKind.INCREASING_BETTER, TrendKind.INCREASING_WORSE)
    base = (
        _("{subject} har økt signifikant {span}")
        if up
        else _("{subject} har gått ned signifikant {span}")
    ).format(subject=subj, span=span)
    if kind in (TrendKind.INCREASING_BETTER, TrendKind.DECREASING_BETTER):
        return _("{base}, og utviklingen går i riktig retning.").format(base=base)
    if kind in (TrendKind.INCREASING_WORSE, TrendKind.DECREASING_WORSE):
        return _("{base}, og utviklingen går i feil retning.").format(base=base)
    return f"{base}."


def correlation_sentence(crossing: Crossing) -> str:
    """Strength and direction of Pearson's r, with n and the interval; never causal wording."""
    r = crossing.pearson
    if crossing.n < 4 or r != r:
        return _("Det er for få kommuner med begge verdiene til å beregne en sammenheng.")
    size = abs(r)
    strength = _("svak") if size < 0.3 else _("moderat") if size < 0.5 else _("sterk")
    direction = _("positiv") if r > 0 else _("negativ")
    significant = crossing.pearson_lower > 0 or crossing.pearson_upper < 0
    tail = "" if significant else " " + _("Sammenhengen er ikke statistisk sikker.")
    return (
        _(
            "Det er en {strength} {direction} sammenheng mellom kommunene (r = {r}, "
            "95 %-intervall {lower} til {upper}, {n} kommuner)."
        ).format(
            strength=strength,
            direction=direction,
            r=number(r, 2),
            lower=number(crossing.pearson_lower, 2),
            upper=number(crossing.pearson_upper, 2),
            n=crossing.n,
        )
        + tail
    )


def group_value_note(
    missing: Sequence[str], members: int, noun: str | None = None, *, shown: int = 8
) -> str:
    """Why a group has no value: «… 3 av 39 kommuner mangler tall (Sokndal 1111, …).».

    ``missing`` holds the members' names as a reader should see them; ``[]`` means the members
    are all there but together have no one in the denominator.
    """
    if not missing:
        return _("Gruppeverdien kan ikke beregnes: gruppen har ingen i nevneren.")
    listed = ", ".join(missing[:shown])
    if len(missing) > shown:
        listed = _("{listed} og {n} til").format(listed=listed, n=len(missing) - shown)
    return _(
        "Gruppeverdien kan ikke beregnes: {missing} av {members} {noun} mangler tall ({listed})."
    ).format(missing=len(missing), members=members, noun=noun or _("områder"), listed=listed)
