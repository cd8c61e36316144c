"""Opaque cursors for large JSON results.

A cursor encodes the offset, the snapshot and a hash of the query it belongs to, so it cannot be
replayed against another query or a newer snapshot (which would silently skip or repeat rows).
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass

from fastapi import Request

from oppvekst.errors import Unprocessable
from oppvekst.language import _

# What every cursor starts with: base64 of '{"' (the JSON it encodes). The OpenAPI pattern.
CURSOR_PATTERN = r"^eyJ[A-Za-z0-9_-]{1,400}$"


def canonical_query(request: Request) -> list[tuple[str, str]]:
    """The query's parameters in a fixed order: the same question however it is spelled."""
    return sorted(request.query_params.multi_items())


def _query_hash(request: Request) -> str:
    items = [(k, v) for k, v in canonical_query(request) if k != "cursor"]
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
        raise Unprocessable(
            _("Ugyldig cursor."), hint=_("Bruk `next` nøyaktig slik den kom i forrige svar.")
        ) from exc
    if cursor_query != query:
        raise Unprocessable(
            _("Cursoren hører til en annen spørring."), hint=_("Start uten cursor.")
        )
    if cursor_snapshot != snapshot:
        raise Unprocessable(
            _("Dataene er oppdatert siden cursoren ble laget."),
            hint=_("Start på nytt uten cursor for å få den nye datasamlingen."),
        )
    if offset < 0:
        raise Unprocessable(_("Ugyldig cursor."))
    return offset


@dataclass(frozen=True, slots=True)
class Window:
    """Rows ``start:stop`` of a result, and the cursor for the rows after them (None at the end)."""

    start: int
    stop: int
    next: str | None


def window(request: Request, snapshot: str, total: int, limit: int, cursor: str | None) -> Window:
    query = _query_hash(request)
    start = decode_cursor(cursor, snapshot, query) if cursor else 0
    stop = min(start + limit, total)
    return Window(
        start, stop, encode_cursor(start + limit, snapshot, query) if stop < total else None
    )
