"""The program formats as pandas and pyarrow read them: ``csv-plain`` with the dtype the API
guide gives keeps the codes' zeros and every digit of the JSON values; Parquet answers have the
same schema whatever the selection holds, so they concatenate, and carry their metadata."""

from __future__ import annotations

import html
import io
import json
import math
import re
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient

from oppvekst.exports import ALL_COLUMNS, COLUMNS
from oppvekst.snapshot.store import Store
from oppvekst.snapshot.table import FLAG_LABELS, SYMBOL_LABELS, FieldType

from .selections import SELECTIONS, download, json_rows

ARROW_TYPES = {
    FieldType.STRING: pa.string(),
    FieldType.NUMBER: pa.float64(),
    FieldType.INTEGER: pa.int32(),
    FieldType.BOOLEAN: pa.bool_(),
}


def _guide_dtype(client: TestClient) -> dict[str, type]:
    """The ``dtype={…}`` the API guide tells pandas users to pass for csv-plain."""
    text = html.unescape(client.get("/api").text)
    found = re.search(r"read_csv\([^)]*?dtype=\{([^}]*)\}", text)
    assert found, "the API guide gives no dtype for csv-plain"
    labels = re.findall(r'"(\w+)": str', found.group(1))
    assert labels
    return {label: str for label in labels}


def _same(got: Any, want: Any) -> bool:
    if want is None:
        return got is None or (isinstance(got, float) and math.isnan(got))
    return bool(got == want)


@pytest.mark.parametrize("selection", list(SELECTIONS))
def test_plain_csv_read_as_the_guide_says_equals_the_json(
    client: TestClient, selection: str
) -> None:
    rows = json_rows(client, selection)
    frame = pd.read_csv(
        io.BytesIO(download(client, selection, "csv-plain")), dtype=_guide_dtype(client)
    )
    by_field = frame.rename(columns={label: name for name, label in COLUMNS.items()})
    assert len(by_field) == len(rows)
    for got, want in zip(by_field.to_dict("records"), rows, strict=True):
        # Codes with their zeros, values with every digit (not 10 significant ones), symbols.
        for name in ("region", "period", "value", "numerator", "denominator", "status", "flags"):
            assert _same(got[name], want[name]), (name, got[name], want[name])


def test_parquet_answers_concatenate_and_carry_their_metadata(
    client: TestClient, store: Store
) -> None:
    # One answer without any symbol or flag, one with both.
    plain, marked = (
        pq.read_table(io.BytesIO(download(client, name, "parquet")))
        for name in ("inndelinger", "symboler")
    )
    assert not any(plain.column("status").to_pylist())
    assert any(marked.column("status").to_pylist())
    both = pa.concat_tables([plain, marked])
    assert both.num_rows == plain.num_rows + marked.num_rows
    declared = {c.name: ARROW_TYPES[c.type] for c in ALL_COLUMNS}
    for field in plain.schema:
        assert field.type == declared[field.name], field
    metadata = json.loads(plain.schema.metadata[b"oppvekst"])
    assert metadata["datasamling"] == store.snapshot_id
    assert (
        metadata["indikatorer"]["barn-0-17"]["desimaler"] == store.indicator("barn-0-17").decimals
    )
    assert metadata["tegnforklaring"]["symbol"] == SYMBOL_LABELS
    assert metadata["tegnforklaring"]["merknad"] == FLAG_LABELS
    rows = json_rows(client, "symboler")
    assert marked.to_pylist() == [{k: r[k] for k in marked.column_names} for r in rows]
