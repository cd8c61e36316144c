"""The reader-facing words of a catalogue record in nynorsk and English (#16).

The records' own texts are bokmål; each record carries a ``translations`` block with one of these
per language. Kept apart from ``schema`` so the shape of a translation reads in one place.
"""

from __future__ import annotations

from typing import Annotated, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from oppvekst.language import Language


class Words(BaseModel):
    """Frozen and strict like ``schema.Record`` (which imports this module): an unknown key in a
    translation block is an error, not silently ignored."""

    model_config = ConfigDict(frozen=True, extra="forbid")


# A translated text: never empty, so a missing translation fails validation rather than showing
# a blank (or, worse, the bokmål) on a nynorsk or English page.
Text = Annotated[str, Field(min_length=1)]
T = TypeVar("T", bound=BaseModel)


class Translated(Words, Generic[T]):
    """A record's reader-facing words in nynorsk and English (bokmål is the record's own text).

    Both languages are required: a record without either fails validation when the catalogue loads.
    """

    nn: T
    en: T

    def of(self, lang: Language) -> T:
        return self.nn if lang is Language.nn else self.en


class Label(Words):
    """A label in nynorsk and English."""

    nn: Text
    en: Text

    def of(self, lang: Language) -> str:
        return self.nn if lang is Language.nn else self.en


class IndicatorText(Words):
    """An indicator's reader-facing words in one language (``translations.nn`` / ``.en``).

    The same fields as the bokmål record: a field the record has must be here too (checked by
    ``Indicator``), so no bokmål reaches a nynorsk or English reader. Names (places, surveys,
    table numbers) stay as published.
    """

    title: Text
    short_title: Text
    definition: Text
    rationale: Text
    numerator: Text | None = None
    denominator: Text | None = None
    unit: Text
    comparability: Text | None = None
    caveats: list[Text] = Field(default_factory=list)
    disclosure_note: Text | None = None
    comparability_breaks: list[Text] = Field(
        default_factory=list, description="The breaks' notes, in the record's order."
    )
    attribution: Text
    source_title: Text = Field(description="The source table's title, as its publisher words it.")
    source_table: Text | None = Field(
        None, description="The source's table reference when it is words, not a code."
    )
    # The publisher and the licence are names (SSB, CC BY 4.0) the same in every language, unless
    # they carry a note in brackets («Oppvekststatus (beregnet fra SSB)»): then words, required.
    publisher: Text | None = None
    licence: Text | None = None


# The optional texts an indicator may have: present in bokmål ⇒ required in each translation.
OPTIONAL_TEXTS = ("numerator", "denominator", "comparability")


def has_words(name: str) -> bool:
    """A publisher or licence with a note in brackets (which years, computed from what) has words
    to translate; a bare name (SSB, NLOD 2.0) is the same in every language."""
    return "(" in name


class TopicText(Words):
    title: Text
    description: Text


class PackageText(Words):
    title: Text
    description: Text
    purpose: Text
