"""What people type into a page's URL: made printable before any route reads it, and a wrong area
entry turned into the same view without it.

A bidi override (U+202E) typed into a search or area field came back raw in ``<title>``, ``<h1>``
and ``value=""``, where it turns the text around it; a control character reached the chart
renderer. Cleaning the query string once, here, means no route, page or chart has to remember to.
The same sanitiser as chart texts (``charts.text.printable``), without its length cut: the
limits middleware bounds the length of a request.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qsl, urlencode

from fastapi import Request

from oppvekst.charts.text import printable
from oppvekst.errors import AmbiguousRegion, OppvekstError, UnknownRegion

Scope = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[..., Awaitable[Any]], Callable[..., Awaitable[Any]]], Any]

# Percent-escapes of the bytes that can start an unsafe character (C0, DEL, C1 and the UTF-8 lead
# bytes of the bidi controls and marks), and raw control bytes: the only strings worth parsing.
_MAYBE_UNSAFE = re.compile(rb"%(?:[01][0-9a-f]|7f|c2|d8|e2)|[\x00-\x1f\x7f]", re.IGNORECASE)


class PrintableQueryMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        # The API validates its parameters against its schema and says what is wrong; changing
        # them here would accept what the schema refuses. Pages and images are cleaned.
        if scope["type"] == "http" and not scope.get("path", "").startswith("/api/"):
            raw: bytes = scope.get("query_string", b"")
            if raw and _MAYBE_UNSAFE.search(raw):
                pairs = parse_qsl(raw.decode("latin-1"), keep_blank_values=True, encoding="utf-8")
                cleaned = [(printable(k, limit=None), printable(v, limit=None)) for k, v in pairs]
                scope = {**scope, "query_string": urlencode(cleaned).encode("ascii")}
        await self.app(scope, receive, send)


# --- A wrong area entry: the view kept without it ---------------------------------------------
# The kept page names the field and the entry in these parameters, and words its message anew.
WRONG_FIELD, WRONG_ENTRY = "feil", "feilverdi"
# Area fields holding a comma-separated list, and those holding one entry.
LIST_FIELDS = ("omrade", "gruppe")
SINGLE_FIELDS = ("leggtil", "egen", "fylke", "fargefylke")
# A field whose entries need a companion parameter: gone with the last entry, back with a choice.
COMPANIONS = {"gruppe": {"sammenligning": "gruppe"}}


def kept_view(request: Request, error: OppvekstError) -> str | None:
    """The same page without the wrong entry, with the field and entry named so the page can say
    what was wrong and offer the choices; None when the error is not about a typed entry (or the
    entry is not in the URL, so leaving it out would change nothing)."""
    field = error.field
    # Only the area resolver's own errors: the kept page words its message anew from the entry
    # (``rendering.input_problem``), which is right only for an entry that fits no region or many.
    if not isinstance(error, UnknownRegion | AmbiguousRegion) or field is None:
        return None
    if request.method != "GET" or field.param not in request.query_params:
        return None
    params = {k: v for k, v in request.query_params.items() if k not in (WRONG_FIELD, WRONG_ENTRY)}
    entries = [e for e in params[field.param].split(",") if e.strip()]
    rest = [e for e in entries if e.strip() != field.entry.strip()]
    if len(entries) > 1 and len(rest) == len(entries):
        return None  # the entry is not one of the list: nothing to leave out
    if len(entries) > 1 and rest:
        params[field.param] = ",".join(rest)
    else:
        del params[field.param]
        for companion in COMPANIONS.get(field.param, {}):
            params.pop(companion, None)
    params.update({WRONG_FIELD: field.param, WRONG_ENTRY: field.entry[:100]})
    return f"{request.url.path}?{urlencode(params)}"


def with_choice(request: Request, field: str, code: str) -> dict[str, str | None] | None:
    """The query changes that put ``code`` into the area field ``field`` of the kept view (and
    drop the wrong-entry parameters); None for a field that is not an area field."""
    changes: dict[str, str | None] = {WRONG_FIELD: None, WRONG_ENTRY: None}
    if field in LIST_FIELDS:
        listed = [c for c in request.query_params.get(field, "").split(",") if c]
        changes[field] = ",".join([*listed, code])
    elif field in SINGLE_FIELDS:
        changes[field] = code
    else:
        return None
    return {**changes, **COMPANIONS.get(field, {})}
