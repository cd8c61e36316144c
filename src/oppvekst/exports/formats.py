"""The data formats, listed once: the API's ``format`` values, the pages' download links, the docs.

Every place that offers or names a format reads this list, so a format cannot be served by the API
and missing from the docs, or linked on a page and refused by the API.
"""

from __future__ import annotations

from dataclasses import dataclass

from oppvekst.glossary import N_


@dataclass(frozen=True, slots=True)
class DataFormat:
    key: str  # the value of ``format=``
    name: str  # short name, in brackets after a download link's text
    label: str  # what it is, for a person choosing (links and the API guide); bokmål, shown
    # through _() in the reader's language
    media_type: str
    extension: str


JSON = DataFormat("json", "JSON", N_("JSON med sider (limit og next)"), "application/json", "json")
CSV = DataFormat(
    "csv", "CSV", N_("CSV (regneark, semikolon og desimalkomma)"), "text/csv; charset=utf-8", "csv"
)
CSV_PLAIN = DataFormat(
    "csv-plain",
    "CSV",
    N_("CSV for programmer (komma og desimalpunktum)"),
    "text/csv; charset=utf-8",
    "csv",
)
XLSX = DataFormat(
    "xlsx",
    "Excel",
    N_("Excel (xlsx) med metadata"),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "xlsx",
)
JSONSTAT = DataFormat(
    "jsonstat2", "JSON-stat", N_("JSON-stat 2.0 (for programmer)"), "application/json", "json"
)
PARQUET = DataFormat(
    "parquet",
    "Parquet",
    N_("Parquet (kolonnebasert, for analyseverktøy)"),
    "application/vnd.apache.parquet",
    "parquet",
)

FORMATS: tuple[DataFormat, ...] = (JSON, CSV, CSV_PLAIN, XLSX, JSONSTAT, PARQUET)
# Offered as download links beside every chart and table (the rest are for programs).
DOWNLOADS: tuple[DataFormat, ...] = (CSV, XLSX, JSONSTAT)
# A table as a page shows it (the statistics bank, «Ulikhet»), by the file name's extension.
TABLE_FILES: dict[str, DataFormat] = {f.extension: f for f in (CSV, XLSX)}
# Whole files rather than pages of rows: the costly answers (rate limited, see web.limits).
FILES: tuple[DataFormat, ...] = tuple(f for f in FORMATS if f is not JSON)
# What ``Accept`` asks for each format by (JSON-stat has no media type of its own: ask by name).
BY_MEDIA_TYPE: dict[str, DataFormat] = {
    "text/csv": CSV,
    XLSX.media_type: XLSX,
    PARQUET.media_type: PARQUET,
    "application/json": JSON,
}


def format_named(key: str) -> DataFormat | None:
    return next((f for f in FORMATS if f.key == key), None)
