"""The cache key of a request and the tests on an answer (``cache.middleware`` and the warmer
share them): what makes two requests the same answer, and which answers may be kept."""

from __future__ import annotations

import hashlib
from collections.abc import MutableMapping
from typing import Any
from urllib.parse import parse_qsl, urlencode

from oppvekst.web.privacy import session_token

Scope = MutableMapping[str, Any]
# Headers a kept answer may vary on: the key holds them (Accept only as a kind outside /api).
_KEYED_VARY = frozenset({"accept", "accept-encoding", "accept-language", "host"})
_UNCACHEABLE = ("private", "no-store", "no-cache")


def header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", ()):
        if key == name:
            return str(value.decode("latin-1"))
    return ""


def has_session(scope: Scope) -> bool:
    """A session cookie in the request, found as ``web.privacy`` finds it (in any Cookie header),
    so a signed-in answer (own data) is never kept as a public one."""
    return bool(session_token(scope))


def answer_key(scope: Scope, identity: str) -> str:
    """The cache key of a GET/HEAD request on the store with ``identity``."""
    path: str = scope.get("path", "")
    raw = scope.get("raw_path") or path.encode()
    pairs = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
    query = urlencode(sorted(pairs, key=lambda pair: pair[0]))
    accept = header(scope, b"accept").strip().lower()
    api = path.startswith("/api/") or path == "/api"
    if api:
        language = header(scope, b"accept-language").strip().lower()
    else:
        accept = "json" if "application/json" in accept.split(",")[0] else "page"
        language = ""
    state = scope.get("state") or {}
    coding = "gzip" if "gzip" in header(scope, b"accept-encoding") else ""
    host = header(scope, b"host").lower()
    return "\n".join(
        (
            identity,
            "GET",
            str(scope.get("scheme", "http")),
            host,
            raw.decode("latin-1"),
            query,
            str(state.get("lang", "")),
            language,
            accept,
            coding,
        )
    )


def etag_of(key: str) -> str:
    return '"' + hashlib.sha256(key.encode()).hexdigest()[:32] + '"'


def matches(if_none_match: str, etag: str) -> bool:
    """``If-None-Match`` against our strong tag (a weak ``W/`` copy, as a proxy's gzip may make
    of it, still matches: 304 compares weakly)."""
    tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
    return "*" in tags or etag in tags


def cacheable(status: int, headers: list[tuple[bytes, bytes]], api: bool) -> bool:
    if status != 200:
        return False
    for name, value in headers:
        lower = name.lower()
        if lower == b"set-cookie":
            return False
        text = value.decode("latin-1").lower()
        if lower == b"cache-control" and any(word in text for word in _UNCACHEABLE):
            return False
        if lower == b"vary":
            varied = {v.strip() for v in text.split(",") if v.strip()}
            allowed = _KEYED_VARY if api else _KEYED_VARY - {"accept-language"}
            if not varied <= allowed:
                return False
    return True


def digest_of(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()
