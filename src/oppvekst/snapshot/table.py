"""The observation table, declared once: columns, types, key, breakdown dimensions, missing values.

Modelled on frictionless' Table Schema: each field has a name, a type and a description; the
primary key and the missing-value symbols (with their Norwegian labels) belong to the schema. The
pipeline builds frames in this column order, the snapshot's DDL is generated from it, the store
reads it in this order, and every download and API answer takes its columns, symbols and labels
from here — so a column or a symbol cannot mean one thing in one place and another elsewhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from oppvekst.glossary import N_, Glossary
from oppvekst.language import _


class FieldType(StrEnum):
    """Table Schema field types, with the DuckDB type each is stored as."""

    STRING = "string"
    INTEGER = "integer"
    NUMBER = "number"
    BOOLEAN = "boolean"

    @property
    def sql(self) -> str:
        return _SQL_TYPES[self]


_SQL_TYPES = {
    FieldType.STRING: "VARCHAR",
    FieldType.INTEGER: "INTEGER",
    FieldType.NUMBER: "DOUBLE",
    FieldType.BOOLEAN: "BOOLEAN",
}


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    type: FieldType
    description: str
    required: bool = False


@dataclass(frozen=True, slots=True)
class MissingValue:
    """A status symbol that stands where a value is not shown, and what it means to a reader."""

    symbol: str
    label_nb: str  # marked for translation; read ``label``

    @property
    def label(self) -> str:
        """What the symbol means, in the reader's language."""
        return _(self.label_nb)


@dataclass(frozen=True, slots=True)
class TableSchema:
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    missing_values: tuple[MissingValue, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    def ddl(self, table: str) -> str:
        """``CREATE TABLE`` for this schema (the snapshot's table is made from it, not beside it)."""
        columns = ", ".join(
            f"{f.name} {f.type.sql}{' NOT NULL' if f.required else ''}" for f in self.fields
        )
        return f"CREATE TABLE {table} ({columns});"


# The breakdown dimensions, in this order everywhere; "total" is the category of "all".
BREAKDOWNS: tuple[str, ...] = ("sex", "age", "background", "grade")
TOTAL = "total"

# SSB's symbols (https://www.ssb.no/en/help/symbols-in-tables) and the sources' own "*".
MISSING_VALUES: tuple[MissingValue, ...] = (
    MissingValue(":", N_("Skjult av personvernhensyn (for få personer bak tallet)")),
    MissingValue("..", N_("Tallgrunnlag mangler")),
    MissingValue(".", N_("Tall kan ikke forekomme")),
    MissingValue("...", N_("Oppgave mangler foreløpig")),
    MissingValue("*", N_("Skjermet av kilden")),
    MissingValue("-", N_("Null (ingenting å registrere)")),
)
SYMBOL_LABELS: Mapping[str, str] = Glossary({m.symbol: m.label_nb for m in MISSING_VALUES})
# The symbol an empty value gets when the source gave none: "." when it cannot be computed (a zero
# denominator), ".." when the source did not publish it. Every empty value in an answer has one.
NOT_COMPUTABLE = "."
NOT_PUBLISHED = ".."


@dataclass(frozen=True, slots=True)
class Flag:
    """A note on how a shown value was made (the ``flags`` column), with its mark and meaning."""

    code: str
    mark: str
    label_nb: str  # marked for translation; read ``label``
    short_nb: str  # under a chart's subtitle, where a line must stay short; read ``short``

    @property
    def label(self) -> str:
        """The flag's meaning, in the reader's language."""
        return _(self.label_nb)

    @property
    def short(self) -> str:
        return _(self.short_nb)


# Values that are shown but were not published as they stand: each carries its mark wherever it
# goes (tables, barometer, charts as hollow points) and the label beside it.
FLAGS: tuple[Flag, ...] = (
    Flag(
        "harmonised",
        "h",
        N_("Regnet om til dagens kommuneinndeling fra tidligere kommuner"),
        N_("regnet om til dagens grenser"),
    ),
    Flag(
        "aggregated",
        "s",
        N_("Summert fra kommunene; kilden publiserer ikke tallet for området"),
        N_("summert fra kommunene"),
    ),
    Flag(
        "denominator_reconstructed",
        "n",
        N_("Nevneren er regnet ut fra kildens avrundede andel, så intervallet er omtrentlig"),
        N_("nevner regnet fra avrundet andel"),
    ),
    Flag(
        "secondary_suppression",
        "x",
        N_("Skjult for at et annet skjult tall ikke skal kunne regnes ut (sekundærprikking)"),
        N_("skjult (sekundærprikking)"),
    ),
    # Added by the audits at publish (pipeline/audits.py), beside the flag that made the value.
    Flag(
        "incomplete",
        "u",
        N_(
            "Summen er laget av færre enn alle områdene den skal dekke (eller regnet fra en slik sum)"
        ),
        N_("ufullstendig grunnlag"),
    ),
    Flag(
        "unreconciled",
        "a",
        N_(
            "Tallet for området stemmer ikke med summen av kommunene, og kilden oppgir ikke hvorfor"
        ),
        N_("avviker fra summen av kommunene"),
    ),
    Flag(
        "estimate",
        "e",
        N_(
            "Anslag: fordelt med antatte vekter (for eksempel kildens 50/50-deling av en "
            "kommune), eller regnet fra et slikt anslag"
        ),
        N_("anslag"),
    ),
    # The two reasons an answer gives an empty value that came without a source symbol.
    Flag(
        "zero_denominator",
        "0",
        N_("Nevneren er null, så verdien kan ikke regnes ut"),
        N_("nevner null"),
    ),
    Flag("not_published", "p", N_("Kilden har ikke publisert verdien"), N_("ikke publisert")),
)
# A new flag needs only a new entry in FLAGS: every page's marks, every file's legend and the CSV's
# words come from it (a test checks that each flag the pipeline can write is here).
FLAG_BY_CODE: dict[str, Flag] = {f.code: f for f in FLAGS}
FLAG_LABELS: Mapping[str, str] = Glossary({f.code: f.label_nb for f in FLAGS})
# A flags cell holds one or more codes in the order they were added ("aggregated;incomplete").
FLAG_SEPARATOR = ";"


def flag_codes(cell: object) -> list[str]:
    """The flag codes in one ``flags`` cell (none for an empty or missing cell)."""
    if not isinstance(cell, str) or not cell:
        return []
    return [code for code in (c.strip() for c in cell.split(FLAG_SEPARATOR)) if code]


_S, _I, _N, _B = FieldType.STRING, FieldType.INTEGER, FieldType.NUMBER, FieldType.BOOLEAN
# The descriptions are marked for the catalogue: the downloads give them in the reader's language.
OBSERVATIONS = TableSchema(
    fields=(
        Field("indicator_id", _S, N_("Indikatorens id i katalogen"), required=True),
        Field("region", _S, N_("Regionnummer (SSBs koder: 0, 03, 0301, 030101)"), required=True),
        Field(
            "period",
            _S,
            N_("Periode slik kilden oppgir den (2024, 2021–2023, 2025-26)"),
            required=True,
        ),
        Field("period_start", _I, N_("Første år i perioden")),
        Field("period_end", _I, N_("Siste år i perioden")),
        Field("sex", _S, N_("Kjønn (total = alle)"), required=True),
        Field("age", _S, N_("Alder (total = alle)"), required=True),
        Field("background", _S, N_("Innvandringsbakgrunn (total = alle)"), required=True),
        Field("grade", _S, N_("Trinn (total = alle)"), required=True),
        Field("value", _N, N_("Verdien i indikatorens enhet")),
        Field("numerator", _N, N_("Teller")),
        Field("denominator", _N, N_("Nevner")),
        Field("sd", _N, N_("Standardavvik")),
        Field("n", _N, N_("Antall svar eller personer bak verdien")),
        Field("lower95", _N, N_("Nedre grense, 95 % konfidensintervall")),
        Field("upper95", _N, N_("Øvre grense, 95 % konfidensintervall")),
        Field("lower998", _N, N_("Nedre grense, 99,8 % konfidensintervall")),
        Field("upper998", _N, N_("Øvre grense, 99,8 % konfidensintervall")),
        Field("status", _S, N_("Symbol der verdien ikke vises (se tegnforklaringen)")),
        Field("flags", _S, N_("Merknader om hvordan verdien er laget")),
        Field("provenance_id", _S, N_("Kildeopplysningenes id")),
        Field("synthetic", _B, N_("Syntetisk demotall (ikke statistikk)"), required=True),
    ),
    primary_key=("indicator_id", "region", "period", *BREAKDOWNS),
    missing_values=MISSING_VALUES,
)
