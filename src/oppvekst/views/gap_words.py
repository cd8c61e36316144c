"""The gap between two groups in words: the ratio with its interval, the sentence a reader sees
(«I Oslo er andelen … 2,7 ganger så høy blant innvandrere som blant befolkningen ellers»), whether
it is statistically sure, and how it compares with the gap in another area. Used by the «Ulikhet»
view (``views.inequality``), which the page, the profile and the PDF report all read.
"""

from __future__ import annotations

import math

from oppvekst.catalog.schema import Indicator, Measure
from oppvekst.language import _
from oppvekst.stats import gaps
from oppvekst.views.numbers import interval, number

RATIO_DECIMALS = 1


def gap_text(found: gaps.Gap | None) -> str:
    if found is None:
        return _("Kan ikke beregnes")
    ratio = number(found.ratio, RATIO_DECIMALS)
    if found.lower95 is None or found.upper95 is None:
        return _("{ratio} (uten intervall)").format(ratio=ratio)
    return f"{ratio} ({interval(found.lower95, found.upper95, RATIO_DECIMALS)})"


def _subject(indicator: Indicator) -> str:
    title = indicator.short_title[:1].lower() + indicator.short_title[1:]
    if indicator.measure is Measure.PROPORTION:
        return _("andelen ({title})").format(title=title)
    return _("verdien ({title})").format(title=title)


def gap_sentence(
    indicator: Indicator, area: str, labels: tuple[str, str], found: gaps.Gap | None
) -> str:
    """«I Oslo er andelen (…) 2,7 ganger så høy blant innvandrere som blant befolkningen ellers
    (95 % KI 2,5–2,9).» — the larger group first, so the ratio reads as «times as high»."""
    if found is None:
        return _(
            "I {area} kan forskjellen mellom gruppene ikke beregnes for denne perioden."
        ).format(area=area)
    high, low, ratio = labels[0], labels[1], found.ratio
    lower, upper = found.lower95, found.upper95
    if ratio < 1:
        high, low, ratio = low, high, 1 / ratio
        lower, upper = (1 / upper, 1 / lower) if lower and upper else (None, None)
    ci = (
        " " + _("(95 % KI {interval})").format(interval=interval(lower, upper, RATIO_DECIMALS))
        if lower and upper
        else ""
    )
    return _(
        "I {area} er {subject} {ratio} ganger så høy blant {high} som blant {low}{ci}."
    ).format(
        area=area,
        subject=_subject(indicator),
        ratio=number(ratio, RATIO_DECIMALS),
        high=high.lower(),
        low=low.lower(),
        ci=ci,
    )


def significance_sentence(found: gaps.Gap | None, measure: Measure) -> str:
    if found is None:
        return ""
    if measure is Measure.COUNT:
        # A register count (children by sex or age) is everyone, not a sample: the source does
        # give counts, there is just no sampling error to test.
        return _(
            "Tallene er tellinger av alle, ikke et utvalg, så det er ingen usikkerhet å teste."
        )
    if found.p_value is None:
        return _(
            "Om forskjellen er statistisk sikker, kan ikke testes: kilden oppgir ikke antall "
            "for gruppene."
        )
    if found.significant:
        return _("Forskjellen er statistisk sikker (95 % nivå).")
    return _("Forskjellen er ikke statistisk sikker (95 % nivå).")


def versus(own: gaps.Gap | None, other: gaps.Gap | None, name: str, measure: Measure) -> str:
    if own is None or other is None:
        return _("Kan ikke sammenlignes")
    p = gaps.gaps_differ(own, other)
    wider = abs(math.log(own.ratio)) > abs(math.log(other.ratio))
    if measure is Measure.COUNT:
        text = (
            _("Forskjellen er større enn i {name} (tellinger av alle)")
            if wider
            else _("Forskjellen er mindre enn i {name} (tellinger av alle)")
        )
    elif p is None:
        text = (
            _("Forskjellen er større enn i {name} (ikke testet: mangler antall)")
            if wider
            else _("Forskjellen er mindre enn i {name} (ikke testet: mangler antall)")
        )
    elif p < gaps.SIGNIFICANT:
        text = (
            _("Forskjellen er større enn i {name} (statistisk sikkert)")
            if wider
            else _("Forskjellen er mindre enn i {name} (statistisk sikkert)")
        )
    else:
        text = _("Forskjellen er ikke sikkert ulik den i {name}")
    return text.format(name=name)
