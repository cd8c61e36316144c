"""The 200 answers of ``/api/v1``, as pydantic models: what the OpenAPI documents.

The routes build their bodies directly (orjson, no validation on the way out: the big ``/data``
answers would pay for it), so these models describe the bodies rather than make them; the
schemathesis test checks every answer against them, and ``extra="forbid"`` makes an undocumented
field fail that check. Numbers the statistics can leave undefined (NaN) are ``null`` in JSON, so
they are nullable here.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, create_model

from oppvekst.catalog import breakdown_dimensions
from oppvekst.catalog.schema import BreakdownCategory, Indicator
from oppvekst.exports import ALL_COLUMNS, ROW_COLUMNS, Column
from oppvekst.language import N_, _
from oppvekst.snapshot.table import FieldType

_PYTHON_TYPES: dict[FieldType, type] = {
    FieldType.STRING: str,
    FieldType.INTEGER: int,
    FieldType.NUMBER: float,
    FieldType.BOOLEAN: bool,
}


class ApiAnswer(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- Status, regions, topics, indicators ------------------------------------------------------
class SourceStatus(ApiAnswer):
    indicator_id: str
    outcome: str = Field(description=N_("oppdatert, uendret, demotall, feilet …"))
    rows: int
    source: str
    message: str
    source_updated: str | None
    fetched_at: str | None


class Status(ApiAnswer):
    snapshot: str = Field(description=N_("Datasamlingens id (også i X-Oppvekst-Snapshot)"))
    built_at: str | None
    data_mode: str | None
    synthetic_rows: int
    total_rows: int
    indicators: list[SourceStatus]


class FormerCode(ApiAnswer):
    code: str
    name: str
    changed_on: str
    kind: str
    became: str = Field(description=N_("Koden den ble til (eller en del av)"))


class RegionSummary(ApiAnswer):
    code: str
    name: str
    level: str = Field(description=N_("land, fylke, kommune eller bydel"))
    parent: str | None
    kostra_group: str | None
    kostra_name: str | None
    centrality: int | None = Field(description=N_("SSBs sentralitetsklasse, 1 = mest sentral"))
    search_key: str
    former_codes: list[FormerCode]


class RegionList(ApiAnswer):
    regions: list[RegionSummary]
    count: int


class RegionRefAnswer(ApiAnswer):
    code: str
    name: str
    level: str
    parent: str | None
    county: str | None = Field(description=N_("Fylket en kommune eller bydel ligger i"))
    kostra_group: str | None
    kostra_name: str | None


class RegionChangeAnswer(ApiAnswer):
    old_code: str | None
    old_name: str | None
    new_code: str | None
    new_name: str | None
    changed_on: str | None
    kind: str | None
    weight: float | None
    level: str | None
    note: str | None


class RegionAnswer(RegionRefAnswer):
    former: bool = Field(description=N_("false: en gjeldende region"))
    changes: list[RegionChangeAnswer]


class CurrentRegion(ApiAnswer):
    code: str
    name: str


class FormerRegion(ApiAnswer):
    requested: str
    former: bool = Field(description=N_("true: koden er et tidligere regionnummer"))
    current: list[CurrentRegion]
    note: str


class TopicAnswer(ApiAnswer):
    id: str
    title: str
    description: str
    rank: int
    indicators: int = Field(description=N_("Antall indikatorer i temaet"))


class TopicList(ApiAnswer):
    topics: list[TopicAnswer]


class IndicatorSummary(ApiAnswer):
    id: str
    title: str
    short_title: str
    topic: str
    measure: str
    unit: str
    polarity: str
    key_indicator: bool
    publisher: str
    table: str | None
    verified: bool
    synthetic: bool
    has_data: bool
    periods: list[str] = Field(description=N_("Siste periode med tall"))


class IndicatorList(ApiAnswer):
    indicators: list[IndicatorSummary]
    count: int


class IndicatorRecord(Indicator):
    """The catalogue record, with the periods and breakdown categories the data have."""

    # The OpenAPI's words for readers (the docstring is for developers, and in English).
    model_config = ConfigDict(
        json_schema_extra={
            "description": N_("Katalogposten, med periodene og kategoriene dataene har tall for")
        }
    )

    periods: list[str]
    breakdowns_in_data: dict[str, list[str]]
    breakdown_categories: dict[str, list[BreakdownCategory]] = Field(
        description=N_(
            "Kategoriene indikatoren har tall for, med norsk navn, i leserekkefølge: "
            "verdiene parameterne sex, age, background og grade i /data tar for denne indikatoren."
        )
    )
    synthetic: bool


def breakdown_description(name: str) -> str:
    """A /data breakdown parameter's description, its codes and words from the catalogue, in the
    current language (``api.docs`` makes the OpenAPI in each language with it)."""
    dimension = breakdown_dimensions()[name]
    codes = ", ".join(f"{c.code} ({c.label})" for c in dimension.categories)
    return _(
        "{label}: {codes}, eller * for alle. Hvilke kategorier en indikator har, står i "
        "breakdown_categories i /indicators/{{id}}."
    ).format(label=dimension.label, codes=codes)


def compared_description(column: Column) -> str:
    """A comparison column's description: only in answers with ``compare``."""
    return _("{description} (med compare)").format(description=_(column.description))


# --- Observations ---------------------------------------------------------------------------------
def _row_field(column: Column) -> Any:
    kind: Any = _PYTHON_TYPES[column.type]
    if column.nullable:
        kind = kind | None
    if column in ROW_COLUMNS:
        return (kind, Field(description=column.description))
    return (kind, Field(None, description=compared_description(column)))


# One row of /data: built from the declared columns, so the schema lists exactly what every format
# carries (the comparison's columns only with ``compare``).
DataRow: type[BaseModel] = create_model(  # type: ignore[call-overload]
    "DataRow",
    __config__=ConfigDict(extra="forbid"),
    **{column.name: _row_field(column) for column in ALL_COLUMNS},
)


class DataPage(ApiAnswer):
    snapshot: str
    notes: list[str] = Field(description=N_("Merknader, f.eks. tidligere koder som ble oversatt"))
    synthetic: bool = Field(description=N_("Minst én rad er et syntetisk demotall"))
    count: int = Field(description=N_("Rader i hele svaret (alle sider)"))
    rows: list[DataRow]  # type: ignore[valid-type]
    next: str | None = Field(description=N_("cursor for neste side; null på siste side"))


class JsonStatDataset(BaseModel):
    """A JSON-stat 2.0 dataset (``format=jsonstat2``): https://json-stat.org/full/."""

    model_config = ConfigDict(
        extra="forbid",
        populate_by_name=True,
        json_schema_extra={
            "description": N_(
                "Et JSON-stat 2.0-datasett (format=jsonstat2): https://json-stat.org/full/"
            )
        },
    )

    version: str
    class_: str = Field(alias="class")
    label: str
    source: str
    updated: str
    id: list[str]
    size: list[int]
    role: dict[str, list[str]]
    dimension: dict[str, Any]
    value: list[float | None]
    status: dict[str, str]
    note: list[str]
    extension: dict[str, Any]
