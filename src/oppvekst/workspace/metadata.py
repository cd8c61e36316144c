"""The metadata record of an own indicator, and the catalogue record it becomes.

A person writes it in a form; ``OwnMetadata`` checks it with Norwegian messages, and
``to_indicator`` turns it into a ``catalog.schema.Indicator`` like every national one, with
``owner`` set — so every page, file and report reads an own indicator the same way, and the one
mark «egne data» is decided by that field alone.
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from oppvekst.catalog.schema import (
    Disclosure,
    FileFetch,
    Indicator,
    IntervalMethod,
    Level,
    Measure,
    Periodicity,
    Polarity,
    Source,
    TableMapping,
)
from oppvekst.catalog.texts import IndicatorText, Translated
from oppvekst.errors import InvalidOwnMetadata
from oppvekst.glossary import N_
from oppvekst.language import Language, _

# The words the portal itself writes into an own record, in each language: the mark an own
# indicator carries wherever its title goes (pages, charts, files, the PDF, the API, search; made
# part of the record's titles, so no view can show one without it), and the notes around the
# owner's texts. The owner's own texts (title, definition, unit, source …) are shown as written in
# every language; the record's ``translations`` carry them with these words in nynorsk and English.
PORTAL_WORDS: dict[Language, dict[str, str]] = {
    Language.nb: {
        "mark": "egne data",
        "topic": "Egne data",
        "rationale": "Egne data fra {organisation}.",
        "disclosure": "Tall fra 1 til {last} skjules, som i nasjonal statistikk.",
        "source_title": "Lastet opp av {organisation}",
        "licence": "Ikke publisert (egne data)",
        "attribution": "Kilde: {source} ({mark})",
    },
    Language.nn: {
        "mark": "eigne data",
        "topic": "Eigne data",
        "rationale": "Eigne data frå {organisation}.",
        "disclosure": "Tal frå 1 til {last} blir skjulte, som i nasjonal statistikk.",
        "source_title": "Lasta opp av {organisation}",
        "licence": "Ikkje publisert (eigne data)",
        "attribution": "Kjelde: {source} ({mark})",
    },
    Language.en: {
        "mark": "own data",
        "topic": "Own data",
        "rationale": "Own data from {organisation}.",
        "disclosure": "Figures from 1 to {last} are hidden, as in national statistics.",
        "source_title": "Uploaded by {organisation}",
        "licence": "Not published (own data)",
        "attribution": "Source: {source} ({mark})",
    },
}
OWN_MARK = PORTAL_WORDS[Language.nb]["mark"]


def marked(title: str, lang: Language = Language.nb) -> str:
    """«Andel femåringer …» → «Andel femåringer … (egne data)» (or «(own data)» in English)."""
    return f"{title} ({PORTAL_WORDS[lang]['mark']})"


# The topic every own indicator sits under (the overlay adds it to the store's topics).
OWN_TOPIC = "egne-data"
# The measures a person can choose; the others (score, change) come from national sources only.
MEASURES = (Measure.PROPORTION, Measure.RATE, Measure.COUNT, Measure.MEAN)
# The interval each measure gets, as in the catalogue (a mean has no sd or n here: no interval).
_INTERVALS = {
    Measure.PROPORTION: IntervalMethod.WILSON,
    Measure.RATE: IntervalMethod.BYAR,
    Measure.COUNT: IntervalMethod.NONE,
    Measure.MEAN: IntervalMethod.NONE,
}
# The national rule for small counts (SSB's and FHI's tables hide 1–4): applied to every own
# indicator counted from people before anything is shown to anyone.
SMALL_COUNT = 5
# Field names in the problems' summary (bokmål, marked N_, translated where it is made).
_LABELS = {
    "title": N_("Tittel"),
    "short_title": N_("Kort tittel"),
    "definition": N_("Definisjon"),
    "source": N_("Kilde"),
    "unit": N_("Enhet"),
    "measure": N_("Måltype"),
    "multiplier": N_("Multiplikator"),
    "decimals": N_("Desimaler"),
    "polarity": N_("Retning"),
    "numerator": N_("Teller"),
    "denominator": N_("Nevner"),
    "periodicity": N_("Periodisitet"),
}


class OwnMetadata(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    title: str = Field(min_length=3, max_length=200)
    short_title: str = Field(min_length=2, max_length=80)
    definition: str = Field(min_length=10, max_length=4000)
    source: str = Field(min_length=2, max_length=300)
    unit: str = Field(min_length=1, max_length=60)
    measure: Measure = Measure.PROPORTION
    multiplier: float = Field(100.0, gt=0, le=1_000_000)
    decimals: int = Field(1, ge=0, le=4)
    polarity: Polarity = Polarity.NONE
    numerator: str | None = Field(None, max_length=500)
    denominator: str | None = Field(None, max_length=500)
    periodicity: Periodicity = Periodicity.ANNUAL

    @field_validator("measure")
    @classmethod
    def _offered(cls, measure: Measure) -> Measure:
        if measure not in MEASURES:
            raise ValueError(_("velg andel, rate, antall eller gjennomsnitt"))
        return measure

    @field_validator("numerator", "denominator")
    @classmethod
    def _empty_is_none(cls, text: str | None) -> str | None:
        return text or None

    def to_indicator(self, indicator_id: str, organisation: str) -> Indicator:
        """The catalogue record of this own indicator (``owner`` = the organisation's name)."""
        counted = self.measure in (Measure.PROPORTION, Measure.RATE, Measure.COUNT)
        words = {lang: self._texts(lang, organisation, counted) for lang in PORTAL_WORDS}
        nb = words[Language.nb]
        disclosure = Disclosure(
            min_numerator=SMALL_COUNT if counted else None, note=nb.disclosure_note or ""
        )
        return Indicator(
            id=indicator_id,
            title=nb.title,
            short_title=nb.short_title,
            topic=OWN_TOPIC,
            definition=self.definition,
            rationale=nb.rationale,
            measure=self.measure,
            multiplier=self.multiplier if self.measure in (Measure.PROPORTION, Measure.RATE) else 1,
            unit=self.unit,
            decimals=self.decimals,
            numerator=self.numerator,
            denominator=self.denominator,
            polarity=self.polarity,
            interval=_INTERVALS[self.measure],
            disclosure=disclosure,
            source=Source(
                publisher=self.source,
                title=nb.source_title,
                url="/arbeidsrom",
                verified=False,
                verification_note="Egne data: lastet opp i arbeidsrommet, ikke kontrollert av oss.",
                # A source needs a way in; an own indicator's is the workspace's stored rows.
                offline=[
                    FileFetch(
                        connector="file", path="arbeidsrom", mapping=TableMapping(region="region")
                    )
                ],
            ),
            periodicity=self.periodicity,
            levels=[Level.LAND, Level.FYLKE, Level.KOMMUNE, Level.BYDEL],
            licence=nb.licence or "",
            attribution=nb.attribution,
            # Shown in the profile beside the national key indicators, for those who may see it.
            key_indicator=True,
            owner=organisation,
            translations=Translated[IndicatorText](nn=words[Language.nn], en=words[Language.en]),
        )

    def _texts(self, lang: Language, organisation: str, counted: bool) -> IndicatorText:
        """The record's texts in ``lang``: the owner's as written, the portal's words in ``lang``."""
        words = PORTAL_WORDS[lang]
        return IndicatorText(
            title=marked(self.title, lang),
            short_title=marked(self.short_title, lang),
            definition=self.definition,
            rationale=words["rationale"].format(organisation=organisation),
            numerator=self.numerator,
            denominator=self.denominator,
            unit=self.unit,
            disclosure_note=words["disclosure"].format(last=SMALL_COUNT - 1) if counted else None,
            attribution=words["attribution"].format(source=self.source, mark=words["mark"]),
            source_title=words["source_title"].format(organisation=organisation),
            # The owner's name for the source, as written (it may have a note in brackets).
            publisher=self.source,
            licence=words["licence"],
        )


def parse_metadata(fields: Mapping[str, str]) -> OwnMetadata:
    """A form's fields → ``OwnMetadata``, or ``InvalidOwnMetadata`` naming every wrong field in
    Norwegian (the form shows them beside the fields through ``problems``)."""
    given = {k: v for k, v in fields.items() if k in _LABELS and v is not None}
    try:
        return OwnMetadata.model_validate(given)
    except ValidationError as exc:
        problems: dict[str, str] = {}
        for error in exc.errors():
            name = str(error["loc"][0]) if error["loc"] else ""
            problems.setdefault(name, _message(error["type"], error.get("ctx") or {}, error["msg"]))
        text = "; ".join(
            f"{_(_LABELS[k]) if k in _LABELS else k}: {v}" for k, v in problems.items()
        )
        raise InvalidOwnMetadata(
            _("Metadataene må rettes: {problems}.").format(problems=text),
            hint=_("Rett feltene og send skjemaet igjen."),
            problems=problems,
        ) from None


def _message(kind: str, ctx: Mapping[str, object], fallback: str) -> str:
    if kind == "missing":
        return _("må fylles ut")
    if kind == "string_too_short":
        return _("må ha minst {count} tegn").format(count=ctx.get("min_length"))
    if kind == "string_too_long":
        return _("kan ha høyst {count} tegn").format(count=ctx.get("max_length"))
    if kind in ("float_parsing", "int_parsing", "float_type", "int_type"):
        return _("må være et tall")
    if kind in ("greater_than", "greater_than_equal", "less_than_equal", "less_than"):
        return _("tallet er utenfor det tillatte området")
    if kind == "enum":
        return _("velg et av alternativene")
    if kind == "value_error":
        return fallback.removeprefix("Value error, ")
    return _("ugyldig verdi")
