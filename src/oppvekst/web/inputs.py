"""Every query parameter, made printable before any route reads it.

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

from oppvekst.charts.text import printable

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
