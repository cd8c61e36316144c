"""Data formats of ``/api/v1/data`` (and the pages' downloads): chosen by ``format`` or ``Accept``."""

from __future__ import annotations

import tempfile
from enum import StrEnum
from pathlib import Path

import duckdb
import orjson
import pandas as pd
from fastapi import Request
from fastapi.responses import Response

from oppvekst.api.responses import cache_headers, not_modified
from oppvekst.errors import BadRequest
from oppvekst.exports import Download
from oppvekst.exports.jsonstat import to_jsonstat
from oppvekst.exports.tabular import CsvDialect, to_csv
from oppvekst.exports.workbook import to_xlsx
from oppvekst.store import Store
from oppvekst.views.data import Selection

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


def render_data(
    request: Request, store: Store, frame: pd.DataFrame, chosen: Format, selection: Selection
) -> Response:
    headers = cache_headers(request, store, MEDIA[chosen])
    if not_modified(request, headers):
        return Response(status_code=304, headers=headers)
    download = make_download(request, store, frame, selection)
    name = "oppvekststatus-" + "-".join(selection.indicators)[:80]
    if chosen is Format.CSV:
        content, ext = to_csv(download, CsvDialect.NORWEGIAN), "csv"
    elif chosen is Format.CSV_PLAIN:
        content, ext = to_csv(download, CsvDialect.PLAIN), "csv"
    elif chosen is Format.XLSX:
        content, ext = to_xlsx(download), "xlsx"
    elif chosen is Format.JSONSTAT:
        content, ext = orjson.dumps(to_jsonstat(download)), "json"
    else:
        columns = [c for c in frame.columns if c != "flags"] + (
            ["flags"] if "flags" in frame else []
        )
        content, ext = to_parquet(frame[columns]), "parquet"
    headers["Content-Disposition"] = f'attachment; filename="{name}.{ext}"'
    return Response(content, media_type=MEDIA[chosen], headers=headers)
