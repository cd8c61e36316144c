"""``/api/v1/data`` as a file: the format chosen by ``format`` or ``Accept``, from one list.

Every format writes the same rows with the same columns (``Rows``, the declared columns of
``oppvekst.exports``): CSV straight from the columns, XLSX, JSON-stat and Parquet through a
``Download``. Which formats exist is ``oppvekst.exports.formats``; nothing here lists them again.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import orjson
import pandas as pd
from fastapi import Request
from fastapi.responses import Response

from oppvekst.api.responses import cache_headers, not_modified
from oppvekst.errors import BadRequest
from oppvekst.exports import ALL_COLUMNS, ROW_COLUMNS, Download, columns_in
from oppvekst.exports.formats import (
    BY_MEDIA_TYPE,
    CSV,
    CSV_PLAIN,
    FORMATS,
    JSON,
    JSONSTAT,
    XLSX,
    DataFormat,
    format_named,
)
from oppvekst.exports.jsonstat import to_jsonstat
from oppvekst.exports.legend import explained_columns
from oppvekst.exports.metadata import parquet_metadata
from oppvekst.exports.tabular import CsvDialect, column_values, csv_bytes, labelled
from oppvekst.exports.workbook import to_xlsx
from oppvekst.language import _
from oppvekst.snapshot.store import Store
from oppvekst.views.data import Selection, selected_column

CSV_FORMATS = (CSV, CSV_PLAIN)


@dataclass(frozen=True, slots=True)
class Rows:
    """The answer's rows, a column at a time, with the columns every format carries."""

    names: tuple[str, ...]
    count: int
    take: Callable[[str, slice], np.ndarray]

    def columns(self, part: slice = slice(None)) -> dict[str, np.ndarray]:
        """The columns of the rows in ``part``, every empty value with its symbol and reason."""
        return explained_columns({name: self.take(name, part) for name in self.names})


def table_rows(store: Store, positions: np.ndarray) -> Rows:
    """Rows read straight from the in-memory table (no DataFrame): the common, uncompared case."""
    names = tuple(c.name for c in ROW_COLUMNS)
    return Rows(
        names, len(positions), lambda name, part: selected_column(store, name, positions[part])
    )


def frame_rows(frame: pd.DataFrame) -> Rows:
    """Rows of a frame (the comparison's columns attached): its declared columns."""
    return Rows(
        columns_in(frame.columns), len(frame), lambda name, part: column_values(frame[name])[part]
    )


def choose_format(requested: str | None, accept: str) -> DataFormat:
    if requested:
        chosen = format_named(requested.lower())
        if chosen is None:
            raise BadRequest(
                _("Ukjent format «{requested}».").format(requested=requested),
                hint=_("Bruk {keys}.").format(keys=", ".join(f.key for f in FORMATS)),
            )
        return chosen
    for part in accept.split(","):
        media = part.split(";")[0].strip().lower()
        if media in BY_MEDIA_TYPE:
            return BY_MEDIA_TYPE[media]
    return JSON


def to_parquet(download: Download) -> bytes:
    """Parquet with the declared type of every column whatever the selection holds (a column of
    empty symbols is still text, so two answers concatenate), and the download's metadata."""
    frame = download.fields()
    columns = ", ".join(
        f'CAST("{c.name}" AS {c.type.sql}) AS "{c.name}"'
        for c in ALL_COLUMNS
        if c.name in frame.columns
    )
    metadata = orjson.dumps(parquet_metadata(download)).decode().replace("'", "''")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "data.parquet"
        con = duckdb.connect()
        try:
            con.register("frame", frame)
            # The column names are the declared ones; the metadata is JSON with every quote
            # doubled, so the request's URL in it cannot end the literal (COPY takes no parameters).
            con.execute(
                f"COPY (SELECT {columns} FROM frame) TO '{path}' "  # noqa: S608
                f"(FORMAT parquet, KV_METADATA {{oppvekst: '{metadata}'}})"
            )
        finally:
            con.close()
        return path.read_bytes()


def _attachment(
    request: Request,
    store: Store,
    chosen: DataFormat,
    selection: Selection,
    make: Callable[[], bytes],
) -> Response:
    headers = cache_headers(request, store, chosen.media_type)
    if not_modified(request, headers):
        return Response(status_code=304, headers=headers)
    name = "oppvekststatus-" + "-".join(selection.indicators)[:80]
    headers["Content-Disposition"] = f'attachment; filename="{name}.{chosen.extension}"'
    return Response(make(), media_type=chosen.media_type, headers=headers)


def render_csv(
    request: Request, store: Store, rows: Rows, chosen: DataFormat, selection: Selection
) -> Response:
    """The one CSV path: the rows' columns under their download labels, in either dialect."""
    dialect = CsvDialect.NORWEGIAN if chosen is CSV else CsvDialect.PLAIN

    def make() -> bytes:
        decimals = {i: store.indicator(i).decimals for i in selection.indicators}
        return csv_bytes(labelled(rows.columns(), decimals, dialect), dialect)

    return _attachment(request, store, chosen, selection, make)


def render_file(
    request: Request, store: Store, frame: pd.DataFrame, chosen: DataFormat, selection: Selection
) -> Response:
    """XLSX, JSON-stat or Parquet of the frame's declared columns (what the JSON rows carry)."""
    download = Download(
        observations=frame,
        indicators=tuple(store.indicator(i) for i in selection.indicators),
        snapshot_id=store.snapshot_id,
        built_at=store.meta.get("built_at", ""),
        url=str(request.url),
    )

    def make() -> bytes:
        if chosen is XLSX:
            return to_xlsx(download)
        if chosen is JSONSTAT:
            return orjson.dumps(to_jsonstat(download))
        return to_parquet(download)

    return _attachment(request, store, chosen, selection, make)
