"""Data formats of ``/api/v1/data`` (and the pages' downloads): chosen by ``format`` or ``Accept``."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path

import duckdb
import numpy as np
import orjson
import pandas as pd
from fastapi import Request
from fastapi.responses import Response

from oppvekst.api.responses import cache_headers, not_modified
from oppvekst.errors import BadRequest
from oppvekst.exports import COLUMNS, Download
from oppvekst.exports.jsonstat import to_jsonstat
from oppvekst.exports.tabular import CsvDialect, csv_bytes, to_csv
from oppvekst.exports.workbook import to_xlsx
from oppvekst.snapshot.store import Store
from oppvekst.views.data import Selection, selected_column

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class Format(StrEnum):
    JSON = "json"
    CSV = "csv"
    CSV_PLAIN = "csv-plain"
    XLSX = "xlsx"
    JSONSTAT = "jsonstat2"
    PARQUET = "parquet"


MEDIA = {
    Format.JSON: "application/json",
    Format.CSV: "text/csv; charset=utf-8",
    Format.CSV_PLAIN: "text/csv; charset=utf-8",
    Format.XLSX: XLSX,
    Format.JSONSTAT: "application/json",
    Format.PARQUET: "application/vnd.apache.parquet",
}
EXTENSION = {
    Format.JSON: "json",
    Format.CSV: "csv",
    Format.CSV_PLAIN: "csv",
    Format.XLSX: "xlsx",
    Format.JSONSTAT: "json",
    Format.PARQUET: "parquet",
}
ACCEPT = {
    "text/csv": Format.CSV,
    XLSX: Format.XLSX,
    "application/vnd.apache.parquet": Format.PARQUET,
    "application/json": Format.JSON,
}


def choose_format(requested: str | None, accept: str) -> Format:
    if requested:
        try:
            return Format(requested.lower())
        except ValueError:
            raise BadRequest(
                f"Ukjent format «{requested}».",
                hint="Bruk json, csv, csv-plain, xlsx, jsonstat2 eller parquet.",
            ) from None
    for part in accept.split(","):
        media = part.split(";")[0].strip().lower()
        if media in ACCEPT:
            return ACCEPT[media]
    return Format.JSON


def make_download(
    request: Request, store: Store, frame: pd.DataFrame, selection: Selection
) -> Download:
    return Download(
        observations=frame,
        indicators=tuple(store.indicator(i) for i in selection.indicators),
        snapshot_id=store.snapshot_id,
        built_at=store.meta.get("built_at", ""),
        url=str(request.url),
    )


def to_parquet(frame: pd.DataFrame) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "data.parquet"
        con = duckdb.connect()
        try:
            con.register("frame", frame)
            con.execute(f"COPY frame TO '{path}' (FORMAT parquet)")
        finally:
            con.close()
        return path.read_bytes()


def _attachment(
    request: Request, store: Store, chosen: Format, selection: Selection, make: Callable[[], bytes]
) -> Response:
    headers = cache_headers(request, store, MEDIA[chosen])
    if not_modified(request, headers):
        return Response(status_code=304, headers=headers)
    name = "oppvekststatus-" + "-".join(selection.indicators)[:80]
    headers["Content-Disposition"] = f'attachment; filename="{name}.{EXTENSION[chosen]}"'
    return Response(make(), media_type=MEDIA[chosen], headers=headers)


def render_csv(
    request: Request, store: Store, positions: np.ndarray, chosen: Format, selection: Selection
) -> Response:
    """CSV straight from the in-memory table's columns (no DataFrame on the common path)."""
    dialect = CsvDialect.NORWEGIAN if chosen is Format.CSV else CsvDialect.PLAIN

    def make() -> bytes:
        columns = {
            label: selected_column(store, name, positions) for name, label in COLUMNS.items()
        }
        return csv_bytes(columns, dialect)

    return _attachment(request, store, chosen, selection, make)


def render_data(
    request: Request, store: Store, frame: pd.DataFrame, chosen: Format, selection: Selection
) -> Response:
    def make() -> bytes:
        download = make_download(request, store, frame, selection)
        if chosen is Format.CSV:
            return to_csv(download, CsvDialect.NORWEGIAN)
        if chosen is Format.CSV_PLAIN:
            return to_csv(download, CsvDialect.PLAIN)
        if chosen is Format.XLSX:
            return to_xlsx(download)
        if chosen is Format.JSONSTAT:
            return orjson.dumps(to_jsonstat(download))
        columns = [c for c in frame.columns if c != "flags"] + (
            ["flags"] if "flags" in frame else []
        )
        return to_parquet(frame[columns])

    return _attachment(request, store, chosen, selection, make)
