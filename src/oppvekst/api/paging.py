"""Opaque cursors for large JSON results.

A cursor encodes the offset, the snapshot and a hash of the query it belongs to, so it cannot be
replayed against another query or a newer snapshot (which would silently skip or repeat rows).
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

import pandas as pd
from fastapi import Request

from oppvekst.errors import BadRequest
from oppvekst.exports import COLUMNS

# The download columns (in their order) plus the provenance id, and the comparison when asked for.
OUT_COLUMNS = [*COLUMNS, "provenance_id", "benchmark_region", "benchmark_value", "significance"]


def _query_hash(request: Request) -> str:
    items = sorted((k, v) for k, v in request.query_params.multi_items() if k != "cursor")
    return hashlib.sha256(json.dumps(items).encode()).hexdigest()[:16]


def encode_cursor(offset: int, snapshot: str, query: str) -> str:
    raw = json.dumps({"o": offset, "s": snapshot, "q": query}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, snapshot: str, query: str) -> int:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
        offset, cursor_snapshot, cursor_query = int(data["o"]), str(data["s"]), str(data["q"])
    except (ValueError, KeyError, TypeError, json.JSONDecodeError) as exc:
        raise BadRequest(
            "Ugyldig cursor.", hint="Bruk `next` nøyaktig slik den kom i forrige svar."
        ) from exc
    if cursor_query != query:
        raise BadRequest("Cursoren hører til en annen spørring.", hint="Start uten cursor.")
    if cursor_snapshot != snapshot:
        raise BadRequest(
            "Dataene er oppdatert siden cursoren ble laget.",
            hint="Start på nytt uten cursor for å få den nye datasamlingen.",
        )
    if offset < 0:
        raise BadRequest("Ugyldig cursor.")
    return offset


def page(
    frame: pd.DataFrame, snapshot: str, request: Request, limit: int, cursor: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    query = _query_hash(request)
    offset = decode_cursor(cursor, snapshot, query) if cursor else 0
    columns = [c for c in OUT_COLUMNS if c in frame.columns]
    chunk = frame.iloc[offset : offset + limit][columns]
    rows = [
        {str(k): v for k, v in r.items()}
        for r in chunk.astype(object).where(chunk.notna(), None).to_dict("records")
    ]
    end = offset + limit
    return rows, encode_cursor(end, snapshot, query) if end < len(frame) else None
