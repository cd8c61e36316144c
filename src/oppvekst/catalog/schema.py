"""The schema every catalogue record is validated against.

Metadata is declared, not coded (OWID etl style): each indicator, topic and package is a YAML record
beside this file; the pipeline, the pages, the API and the docs are generated from it. Adding an
indicator is adding a YAML record. Field names follow what Fingertips keeps per indicator.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from oppvekst.catalog.texts import (
    OPTIONAL_TEXTS,
    IndicatorText,
    Label,
    PackageText,
    TopicText,
    Translated,
    has_words,
)
from oppvekst.language import Language

# One level enum for the catalogue and the region registry, one polarity and one interval method
# for the catalogue and the statistics engine (the records' values are their values).
from oppvekst.regions.history import Level as Level
from oppvekst.stats.comparison import Polarity as Polarity
from oppvekst.stats.intervals import IntervalMethod as IntervalMethod


class Record(BaseModel):
    """Frozen, strict base: unknown keys in a YAML record are an error, not silently ignored."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Measure(StrEnum):
    PROPORTION = "proportion"  # numerator ≤ denominator, shown × multiplier (100 = percent)
    RATE = "rate"  # events per N of a population (multiplier 1 000, 10 000 …)
    COUNT = "count"
    MEAN = "mean"  # mean of a quantity, e.g. days of absence
    SCORE = "score"  # a scale score or index (national tests, Ungdata means)
    CHANGE = "change"  # percent change between two periods


class Periodicity(StrEnum):
    ANNUAL = "annual"
    SCHOOL_YEAR = "school_year"
    THREE_YEAR = "three_year"
    IRREGULAR = "irregular"


class Breakdown(StrEnum):
    SEX = "sex"
    AGE = "age"
    BACKGROUND = "background"
    GRADE = "grade"


class BreakdownCategory(Record):
    """A category as a reader sees it (the API lists these): its code and its label."""

    code: str = Field(description="Our category code in the observation table.")
    label: str = Field(description="The words a reader sees.")


class DeclaredCategory(BreakdownCategory):
    """A category as ``breakdowns.yml`` declares it: the bokmål label and its translations."""

    translations: Label

    def in_language(self, lang: Language) -> DeclaredCategory:
        if lang is Language.nb:
            return self
        return self.model_copy(update={"label": self.translations.of(lang)})


class BreakdownDimension(Record):
    """One breakdown dimension (``breakdowns.yml``): its label and its categories in reading order."""

    name: Breakdown
    label: str
    translations: Label
    categories: list[DeclaredCategory]
    partitions: list[list[str]] = Field(
        default_factory=list,
        description="Groups that add up to the total, where a dimension's groups overlap (e.g. "
        "immigrants + the rest, and immigrants + Norwegian-born + the others). None: an "
        "indicator's groups of this dimension together add up to its total.",
    )

    @model_validator(mode="after")
    def _partitions_declared(self) -> BreakdownDimension:
        codes = {c.code for c in self.categories}
        for partition in self.partitions:
            unknown = sorted(set(partition) - codes)
            if unknown or "total" in partition or len(partition) < 2:
                raise ValueError(
                    f"{self.name.value}: a partition needs two or more declared groups, not "
                    f"{partition} (unknown {unknown})"
                )
        return self

    def in_language(self, lang: Language) -> BreakdownDimension:
        """The dimension with its and its categories' labels in ``lang`` (codes and order kept)."""
        if lang is Language.nb:
            return self
        return self.model_copy(
            update={
                "label": self.translations.of(lang),
                "categories": [c.in_language(lang) for c in self.categories],
            }
        )

    def label_of(self, code: str) -> str | None:
        return next((c.label for c in self.categories if c.code == code), None)

    def rank(self, code: str) -> int:
        """Position in reading order; undeclared codes after the declared ones."""
        codes = [c.code for c in self.categories]
        return codes.index(code) if code in codes else len(codes)


class Disclosure(Record):
    """When a value may not be published. Suppression also hides its interval and counts."""

    min_numerator: int | None = Field(
        None, description="Suppress when 0 < numerator < this (e.g. 5 hides 1–4)."
    )
    min_denominator: int | None = Field(None, description="Suppress when denominator < this.")
    min_respondents: int | None = None
    note: str = ""


# --- How a tidy observation is read out of a decoded source table -----------------------------------


class BreakdownMap(Record):
    """A source column that becomes one of our breakdowns, with its category codes translated."""

    name: Breakdown
    column: str | None = Field(None, description="Source column; default: the breakdown's name.")
    categories: dict[str, str] = Field(
        default_factory=dict,
        description="source code → our category; the source's total maps to 'total'.",
    )
    groups: dict[str, list[str]] = Field(
        default_factory=dict,
        description="our category → source codes summed into it (counts only), e.g. age 0-5.",
    )


class TableMapping(Record):
    """Turns a decoded source table (one column per dimension) into tidy observations."""

    region: str = Field(description="Column holding the region code.")
    region_prefix: str = Field("", description="Prefix stripped from codes, e.g. 'K-' (SSB agg_).")
    region_codes: dict[str, str] = Field(
        default_factory=dict, description="Source region code → our code, e.g. EAK → 0."
    )
    period: str | None = Field(None, description="Column holding the period; None: `period_value`.")
    period_value: str | None = None
    period_format: Literal["year", "span", "school_year_tid", "fhi_span", "as_is"] = "as_is"
    measure_column: str | None = Field(
        None, description="Column whose categories say what each cell measures (ContentsCode)."
    )
    value_column: str = Field(
        "value", description="With `measure_column`: the column holding the numbers."
    )
    value: str | None = Field(None, description="Measure category (or column) with the value.")
    numerator: str | None = None
    denominator: str | None = None
    sd: str | None = None
    n: str | None = None
    margin95: str | None = Field(
        None, description="The source's ± margin of a 95 % interval (Udir «Usikkerhet»)."
    )
    where: dict[str, list[str]] = Field(
        default_factory=dict, description="Keep only rows whose column has one of these codes."
    )
    sum_over: list[str] = Field(
        default_factory=list, description="Columns summed away (counts only)."
    )
    breakdowns: list[BreakdownMap] = Field(default_factory=list)
    value_scale: float = Field(1.0, description="Multiply source values, e.g. 100 for fractions.")


class PxWebFetch(Record):
    connector: Literal["ssb_pxweb"]
    table: str
    selection: dict[str, list[str]] = Field(description="valueCodes per variable, never default.")
    codelists: dict[str, str] = Field(default_factory=dict)
    output_values: dict[str, Literal["aggregated", "single"]] = Field(default_factory=dict)
    mapping: TableMapping


class FhiFetch(Record):
    connector: Literal["fhi"]
    source: str = "nokkel"
    table_id: int | None = Field(None, description="None: discover by `title_match`.")
    title_match: str | None = None
    dimensions: dict[str, list[str]] = Field(
        description="code → values; ['*'] means filter all, ['bottom:N'] the newest N."
    )
    mapping: TableMapping


class UdirFetch(Record):
    connector: Literal["udir"]
    rapportside: str = Field(description="Report page code, e.g. GSK_Elev_Skol; gives rapportNr.")
    skjema: str
    tabell: str
    filter: str = Field(description="Filter template; {period} is replaced by each period id.")
    periods: list[str] = Field(description="Source period ids to fetch, e.g. TidID 202510.")
    rad_sti: str = "-12.*.*"
    mapping: TableMapping


class FileFetch(Record):
    connector: Literal["file"]
    path: str = Field(description="Relative to the mirror / configured file root.")
    format: Literal["csv", "xlsx", "tsv_utf16", "fhi_kommunehelsa"] = Field(
        "csv", description="fhi_kommunehelsa: the statistics bank's XLSX export (names, no codes)."
    )
    encoding: str = "utf-8"
    separator: str = ","
    decimal: str = "."
    sheet: str | None = None
    missing: list[str] = Field(default_factory=lambda: ["..", ":", ".", "NULL", ""])
    geography_year: int | None = Field(
        None, description="Year whose region codes the file uses; None: current borders."
    )
    weights: Literal["children_1_5_2013"] | None = Field(
        None,
        description="Cohort weights of shares without counts, for merges (sources/cohorts.py).",
    )
    mapping: TableMapping


FetchSpec = Annotated[
    PxWebFetch | FhiFetch | UdirFetch | FileFetch, Field(discriminator="connector")
]


class Derivation(Record):
    """An indicator computed from other indicators in the same build."""

    kind: Literal["ratio", "change"]
    numerator: str | None = Field(None, description="Indicator id (ratio).")
    denominator: str | None = Field(None, description="Indicator id (ratio).")
    of: str | None = Field(None, description="Indicator id (change).")
    years: int | None = Field(None, description="Change over this many years.")


class Source(Record):
    publisher: str
    table: str | None = None
    title: str
    url: str
    verified: bool = Field(description="Table id and codes seen in an official doc or response.")
    verification_note: str = ""
    fetch: list[FetchSpec] = Field(default_factory=list, description="Live requests.")
    offline: list[FileFetch | UdirFetch] = Field(
        default_factory=list,
        description="Files (or recorded responses) in the offline mirror with the same figures.",
    )
    derive: Derivation | None = None
    geography: Literal["current", "historical"] = Field(
        "current", description="Whether the source publishes on current borders."
    )

    @model_validator(mode="after")
    def _has_a_way_in(self) -> Source:
        if not (self.fetch or self.offline or self.derive):
            raise ValueError("a source needs `fetch`, `offline` or `derive`")
        return self


class ComparabilityBreak(Record):
    """A change at the source after which values cannot be compared with earlier ones."""

    year: int = Field(
        description="Values whose period starts in or after this year lie after the break (a "
        "three-year average that includes a year before it lies before)."
    )
    note: str = Field(description="What changed, in Norwegian; shown beside charts and tables.")


class Indicator(Record):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str
    short_title: str
    topic: str
    definition: str
    rationale: str
    measure: Measure
    multiplier: float = 1.0
    unit: str
    decimals: int = Field(ge=0, le=4)
    numerator: str | None = None
    denominator: str | None = None
    polarity: Polarity
    interval: IntervalMethod
    disclosure: Disclosure = Disclosure()
    comparability: str = ""
    comparability_breaks: list[ComparabilityBreak] = Field(
        default_factory=list, description="Breaks in the series: never drawn as one line."
    )
    caveats: list[str] = Field(default_factory=list)
    source: Source
    periodicity: Periodicity
    levels: list[Level]
    breakdowns: list[Breakdown] = Field(default_factory=list)
    licence: str
    attribution: str
    key_indicator: bool = False
    additive: bool = Field(
        False, description="Counts that may be summed across regions (harmonise, aggregate up)."
    )
    owner: str | None = Field(
        None,
        description="The organisation whose own data this is (workspace uploads); None for the "
        "national catalogue. Every page marks an owned indicator «egne data».",
    )
    translations: Translated[IndicatorText] | None = Field(
        None,
        description="The texts in nynorsk and English: required in the catalogue (load_catalog); "
        "None only for a record made at run time from texts its owner wrote in one language "
        "(own data), which every language shows as written.",
    )

    def in_language(self, lang: Language) -> Indicator:
        """A copy whose reader-facing texts are in ``lang`` (bokmål, or no translations: the
        record itself). Codes, numbers, sources and names are the same in every language."""
        if lang is Language.nb or self.translations is None:
            return self
        text = self.translations.of(lang)
        return self.model_copy(
            update={
                "title": text.title,
                "short_title": text.short_title,
                "definition": text.definition,
                "rationale": text.rationale,
                "numerator": text.numerator,
                "denominator": text.denominator,
                "unit": text.unit,
                "comparability": text.comparability or "",
                "caveats": list(text.caveats),
                "disclosure": self.disclosure.model_copy(
                    update={"note": text.disclosure_note or ""}
                ),
                "comparability_breaks": [
                    b.model_copy(update={"note": note})
                    for b, note in zip(
                        self.comparability_breaks, text.comparability_breaks, strict=True
                    )
                ],
                "attribution": text.attribution,
                "licence": text.licence or self.licence,
                "source": self.source.model_copy(
                    update={
                        "title": text.source_title,
                        "table": text.source_table or self.source.table,
                        "publisher": text.publisher or self.source.publisher,
                    }
                ),
            }
        )

    def side_of_breaks(self, period_start: int | None) -> int:
        """0 before the first declared break, 1 after it, 2 after the second …"""
        if period_start is None:
            return 0
        return sum(1 for b in self.comparability_breaks if period_start >= b.year)

    @model_validator(mode="after")
    def _consistent(self) -> Indicator:
        if self.measure in (Measure.PROPORTION, Measure.RATE) and self.interval is IntervalMethod.T:
            raise ValueError("proportions and rates take wilson/byar intervals, not t")
        if self.interval is IntervalMethod.WILSON and self.measure is not Measure.PROPORTION:
            raise ValueError("the Wilson interval is for proportions only")
        for lang in (Language.nn, Language.en):
            if self.translations is not None:
                self._check_translation(lang, self.translations.of(lang))
        return self

    def _check_translation(self, lang: Language, text: IndicatorText) -> None:
        """Every text the bokmål record shows has its counterpart, one for one."""
        missing = [f for f in OPTIONAL_TEXTS if getattr(self, f) and not getattr(text, f)]
        if self.disclosure.note and not text.disclosure_note:
            missing.append("disclosure_note")
        if has_words(self.source.publisher) and not text.publisher:
            missing.append("publisher")
        if has_words(self.licence) and not text.licence:
            missing.append("licence")
        if missing:
            raise ValueError(f"translations.{lang}: missing {', '.join(missing)}")
        pairs = (
            ("caveats", len(self.caveats), len(text.caveats)),
            (
                "comparability_breaks",
                len(self.comparability_breaks),
                len(text.comparability_breaks),
            ),
        )
        for name, ours, theirs in pairs:
            if ours != theirs:
                raise ValueError(f"translations.{lang}.{name}: {theirs} texts for {ours}")


class FamilyMember(Record):
    """One indicator of a family: which of the family's counts are its numerator and denominator."""

    indicator: str
    numerator: str | None = Field(None, description="The family's name for the numerator count.")
    denominator: str | None = Field(None, description="The family's name for the denominator.")
    count_given: bool = Field(
        False,
        description="The source publishes the numerator beside every value, so a value shown "
        "without its numerator means the source withheld the count.",
    )


class Family(Record):
    """Indicators that share numerators or denominators (e.g. one count is another's denominator).

    Disclosure control runs over the whole family: a count withheld in one indicator must not come
    back from a share in another times a count published in a third.
    """

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str
    withheld: list[str] = Field(
        default_factory=lambda: [":"],
        description="Status symbols by which the publisher marks a numerator it withheld.",
    )
    members: list[FamilyMember] = Field(min_length=2)
    note: str = ""


class Topic(Record):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str
    description: str
    rank: int = Field(description="Order of importance from the 2017 survey; 0 = basics.")
    translations: Translated[TopicText]

    def in_language(self, lang: Language) -> Topic:
        if lang is Language.nb:
            return self
        return self.model_copy(update=self.translations.of(lang).model_dump())


class Package(Record):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str
    description: str
    purpose: str
    indicators: list[str]
    translations: Translated[PackageText]

    def in_language(self, lang: Language) -> Package:
        if lang is Language.nb:
            return self
        return self.model_copy(update=self.translations.of(lang).model_dump())
