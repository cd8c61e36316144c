"""Downloads: the same observations as CSV, XLSX, JSON-stat 2.0 and Parquet, with metadata.

A ``Download`` is what the person selected (observations + the indicators' records + the snapshot's
identity); each writer renders it. Every download says where the numbers come from, and says so
loudly wherever synthetic demo values are included.

The columns of an answer are declared once here (``ROW_COLUMNS``, and ``COMPARISON_COLUMNS`` when a
benchmark is attached): the JSON rows of ``/api/v1/data`` and every download carry exactly these,
by their field name (JSON, Parquet), their stable Norwegian label (csv-plain, JSON-stat's dimension
ids: ``COLUMNS``) or, in the files people open (the Norwegian CSV, Excel), that label in the reader's
language (``headers``: «regionnavn», nynorsk «regionnamn», English "region_name").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from oppvekst.catalog.schema import Indicator
from oppvekst.exports.legend import explained
from oppvekst.exports.readable import readable
from oppvekst.glossary import N_
from oppvekst.language import _
from oppvekst.snapshot.table import OBSERVATIONS, FieldType

SYNTHETIC_WARNING = N_(  # marked here; every file translates it where it writes it
    "ADVARSEL: Uttrekket inneholder SYNTETISKE DEMOTALL (kilde «Syntetiske demotall»). "
    "De er laget for utvikling og test og er ikke statistikk."
)


@dataclass(frozen=True, slots=True)
class Column:
    """One column of an answer: its field name (JSON, Parquet) and download label (CSV, XLSX)."""

    name: str
    # Bokmål and stable: the name in csv-plain and JSON-stat (the machine contract), and the
    # message the files people read translate (``header``).
    label: str
    type: FieldType
    description: str  # bokmål; ``described`` gives it in the reader's language
    nullable: bool = True

    @property
    def header(self) -> str:
        """The label in the current language, as the Norwegian CSV's and the workbook's header."""
        return _(self.label)

    @property
    def described(self) -> str:
        """The description in the current language."""
        return _(self.description)


def _field(name: str, label: str) -> Column:
    field = OBSERVATIONS.field(name)
    return Column(name, label, field.type, field.description, nullable=not field.required)


_S = FieldType.STRING
ROW_COLUMNS: tuple[Column, ...] = (
    _field("indicator_id", N_("indikator")),
    _field("region", N_("region")),
    Column("region_name", N_("regionnavn"), _S, N_("Regionens navn")),
    _field("period", N_("periode")),
    _field("sex", N_("kjonn")),
    _field("age", N_("alder")),
    _field("background", N_("bakgrunn")),
    _field("grade", N_("trinn")),
    _field("value", N_("verdi")),
    _field("numerator", N_("teller")),
    _field("denominator", N_("nevner")),
    _field("lower95", N_("nedre_95")),
    _field("upper95", N_("ovre_95")),
    _field("lower998", N_("nedre_998")),
    _field("upper998", N_("ovre_998")),
    _field("status", N_("symbol")),
    _field("flags", N_("merknad")),
    Column("source", N_("kilde"), _S, N_("Kilden tallet kommer fra")),
    _field("synthetic", N_("syntetisk")),
    _field("provenance_id", N_("kildeopplysning")),
)
# Attached by ``compare=land|fylke|gruppe:…`` (the benchmark's value for the same key, and the
# judgement).
COMPARISON_COLUMNS: tuple[Column, ...] = (
    Column(
        "benchmark_region",
        N_("sammenligning_region"),
        _S,
        N_("Regionen (eller gruppe:kode,kode) raden sammenlignes med"),
    ),
    Column(
        "benchmark_value",
        N_("sammenligning_verdi"),
        FieldType.NUMBER,
        N_("Sammenligningens verdi"),
    ),
    Column(
        "benchmark_note",
        N_("sammenligning_merknad"),
        _S,
        N_("Hvorfor sammenligningen ikke har verdi (f.eks. medlemmer av gruppen uten tall)"),
    ),
    Column(
        "significance",
        N_("signifikans"),
        _S,
        N_("Forskjell fra sammenligningen (lower, similar, higher, better, worse, not_compared …)"),
    ),
)
# In the files people open in a spreadsheet (Norwegian CSV, Excel): the region as SSB writes it,
# number and name as one text («0301 Oslo»), which no spreadsheet turns into the number 301.
REGION_TEXT = Column(
    "region_text",
    N_("omrade"),
    _S,
    N_(
        "Regionnummer og navn som tekst («0301 Oslo»), slik SSB skriver det; nummeret beholder "
        "nullen foran når regnearket gjør regionkolonnen til tall"
    ),
)
# What the JSON rows (and Parquet, JSON-stat and csv-plain) can carry, in order.
ALL_COLUMNS = (*ROW_COLUMNS, *COMPARISON_COLUMNS)
# Every column a download can carry, in order: the files for people add the region as text.
DOWNLOAD_COLUMNS = (*ROW_COLUMNS[:2], REGION_TEXT, *ROW_COLUMNS[2:], *COMPARISON_COLUMNS)
# Field name → download label, in the declared order: the same in every language (csv-plain,
# JSON-stat's dimension ids). The files people read take ``headers()`` instead.
COLUMNS: dict[str, str] = {c.name: c.label for c in DOWNLOAD_COLUMNS}
# Codes that look like numbers (0301, 2024): a program reading csv-plain must read them as text,
# e.g. pandas.read_csv(..., dtype={"region": str, "periode": str, …}) (the API guide says so).
CODE_COLUMNS = ("region", "period", "benchmark_region")


def headers() -> dict[str, str]:
    """Field name → the header of the files people open (Norwegian CSV, Excel), in the current
    language; in bokmål exactly ``COLUMNS``. Read at each use, never kept at import."""
    return {c.name: c.header for c in DOWNLOAD_COLUMNS}


def columns_in(names: Iterable[str]) -> tuple[str, ...]:
    """The declared columns among ``names``, in the declared order: what an answer carries."""
    present = set(names)
    return tuple(c.name for c in DOWNLOAD_COLUMNS if c.name in present)


@dataclass(frozen=True, slots=True)
class SheetGroup:
    """Indicators that share a sheet of the workbook (a package's topic)."""

    title: str
    indicator_ids: tuple[str, ...]


@dataclass(frozen=True)
class Download:
    observations: pd.DataFrame  # snapshot columns + region_name + source (+ the comparison)
    indicators: tuple[Indicator, ...]
    snapshot_id: str
    built_at: str
    url: str = ""
    title: str = ""  # what the download is, e.g. a package for an area (metadata sheet)
    sheets: tuple[SheetGroup, ...] = ()  # the workbook's data sheets; none: one sheet "Data"

    @property
    def synthetic(self) -> bool:
        return bool(len(self.observations)) and bool(self.observations["synthetic"].any())

    @cached_property
    def rows(self) -> pd.DataFrame:
        """The observations with a symbol and a reason on every empty value (``legend``)."""
        return explained(self.observations)

    @property
    def columns(self) -> tuple[str, ...]:
        """The declared columns this download carries (by field name), in order."""
        return columns_in(self.observations.columns)

    @property
    def decimals(self) -> dict[str, int]:
        """Each indicator's published decimals (the precision of the files for people)."""
        return {ind.id: ind.decimals for ind in self.indicators}

    def fields(self) -> pd.DataFrame:
        """The carried columns by field name (JSON's and Parquet's names), at full precision."""
        return self.rows[list(self.columns)]

    def table(self) -> pd.DataFrame:
        """The table as people read it (Excel): published precision, words, «0301 Oslo»."""
        fields = self.fields()
        columns = readable({str(c): fields[c].to_numpy() for c in fields.columns}, self.decimals)
        named = headers()
        return pd.DataFrame({named[name]: values for name, values in columns.items()})
