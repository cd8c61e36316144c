"""Limits that stop abuse: request size, a per-client rate on expensive endpoints, a render queue.

One pure ASGI middleware (no response buffering, so streamed downloads stay streamed):

* **Size.** A URL longer than ``max_url`` answers 414, request headers larger than
  ``max_header_bytes`` answer 431 and a body over ``max_body_bytes`` answers 413 — each as
  ``application/problem+json`` in Norwegian. The portal and the API only take GET; the only bodies
  are the account and workspace forms, small, and the workspace's file upload
  (``…/arbeidsrom/{slug}/last-opp``), which may be ``max_upload_bytes``: the reader's own limit
  (``workspace.reading.UploadLimits``) plus the multipart framing, so that a file just over the
  reader's limit still reaches it and gets its Norwegian page. (uvicorn's h11 parser rejects a
  request head over 16 KiB on its own with a bare 400, so the limits here sit below that to give a
  useful answer.) A chunked body has no length to check up front: it is counted as it is read, and
  the read that passes the limit raises 413.
* **Rate.** Expensive requests (image renders ``…/bilde.*``, ``…/rapport.pdf``, package ZIP/XLSX,
  ``/api/v1/data`` as xlsx/csv/parquet/jsonstat2 or without a region filter) take a token from the
  client's bucket; an empty bucket answers 429 with ``Retry-After``. Cheap pages are never limited.
* **Render queue.** Renders (images, PDF) run at most ``render_slots`` at a time; at most
  ``render_queue`` more wait, up to ``render_wait`` seconds. Beyond that: 503 with ``Retry-After``,
  so a burst of renders cannot take every worker thread from the pages.

Multi-replica seam: the only per-process state is :class:`LocalBuckets` (a bounded dict of token
buckets) and the render semaphore. Behind a load balancer with several replicas each replica
limits on its own, so a client gets up to N × the rate. A shared limiter (e.g. GCRA in Redis, or the
reverse proxy's ``limit_req``) implements the :class:`ClientLimiter` protocol and is passed to
:class:`LimitsMiddleware`; the render queue is meant to stay per process (it protects this
process's CPU).
"""

from __future__ import annotations

import asyncio
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import parse_qs

from starlette.exceptions import HTTPException

from oppvekst.errors import (
    BodyTooLarge,
    Busy,
    HeadersTooLarge,
    OppvekstError,
    TooManyRequests,
    UrlTooLong,
)
from oppvekst.exports.formats import FILES
from oppvekst.language import _
from oppvekst.settings import Settings, get_settings
from oppvekst.web.errors import problem_response
from oppvekst.workspace.reading import UploadLimits

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

HEAVY_FORMATS = frozenset(f.key for f in FILES)
HEAVY_ACCEPT = ("text/csv", "spreadsheetml", "parquet", "json-stat")


@dataclass(frozen=True, slots=True)
class LimitsConfig:
    max_url: int = 8000  # path + query; the API's own guard answers 400 for queries over 4000
    max_header_bytes: int = 8192
    max_body_bytes: int = 64 * 1024
    # The workspace upload: the reader's byte limit plus room for the multipart framing.
    max_upload_bytes: int = UploadLimits().max_bytes + 256 * 1024
    burst: int = 30  # expensive requests a client may make at once …
    per_minute: float = 30.0  # … and then this many per minute; 0 turns rate limiting off
    render_slots: int = 2  # the machine has few cores: renders are CPU-bound
    render_queue: int = 8
    render_wait: float = 20.0
    trusted_proxies: frozenset[str] = frozenset()
    max_clients: int = 10_000  # buckets kept in memory; the least recently seen are dropped

    @classmethod
    def from_settings(cls, settings: Settings) -> LimitsConfig:
        """``OPPVEKST_RATE_LIMIT`` = ``burst/per_minute`` (``off`` disables),
        ``OPPVEKST_RENDER_SLOTS``, ``OPPVEKST_TRUSTED_PROXIES`` (comma-separated peer addresses
        whose ``X-Forwarded-For`` is believed)."""
        default = cls()
        burst, per_minute = default.burst, default.per_minute
        rate = settings.rate_limit.strip().lower()
        if rate in ("off", "0", "none"):
            per_minute = 0.0
        elif rate:
            left, _sep, right = rate.partition("/")
            burst, per_minute = int(left), float(right or left)
        return cls(
            burst=burst,
            per_minute=per_minute,
            render_slots=max(1, settings.render_slots),
            trusted_proxies=settings.trusted_proxies,
        )


class ClientLimiter(Protocol):
    """The seam for a shared limiter: ``take`` returns 0 when allowed, else seconds to wait."""

    def take(self, client: str) -> float: ...


class LocalBuckets:
    """Token buckets per client in this process, at most ``max_clients`` of them (LRU)."""

    def __init__(
        self,
        burst: int,
        per_minute: float,
        max_clients: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.burst = float(burst)
        self.rate = per_minute / 60.0  # tokens per second
        self.max_clients = max_clients
        self.clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # tokens, at
        self._lock = threading.Lock()

    def take(self, client: str) -> float:
        now = self.clock()
        with self._lock:
            tokens, at = self._buckets.pop(client, (self.burst, now))
            tokens = min(self.burst, tokens + (now - at) * self.rate)
            if tokens >= 1.0:
                self._buckets[client] = (tokens - 1.0, now)
                wait = 0.0
            else:
                self._buckets[client] = (tokens, now)
                wait = (1.0 - tokens) / self.rate
            while len(self._buckets) > self.max_clients:
                self._buckets.popitem(last=False)
        return wait


def is_render(path: str) -> bool:
    """Image and PDF renders: CPU-heavy, queued and rate limited."""
    last = path.rsplit("/", 1)[-1]
    return last.startswith("bilde.") or last == "rapport.pdf"


def is_upload(path: str) -> bool:
    """The workspace's file upload, the one route whose body may be large."""
    return path.startswith("/arbeidsrom/") and path.endswith("/last-opp")


def is_expensive(path: str, query: dict[str, list[str]], accept: str) -> bool:
    if is_render(path):
        return True
    last = path.rsplit("/", 1)[-1]
    if path.startswith("/pakker/") and (
        last.endswith((".zip", ".xlsx")) or query.get("format", [""])[0] in ("zip", "xlsx")
    ):
        return True
    if path.rstrip("/") == "/api/v1/data":
        chosen = query.get("format", [""])[0].lower()
        if chosen in HEAVY_FORMATS or (not chosen and any(a in accept for a in HEAVY_ACCEPT)):
            return True
        return not query.get("region", [""])[0].strip()  # no filter = every kommune
    return False


def client_key(scope: Scope, trusted: frozenset[str]) -> str:
    """The peer address; behind a trusted proxy, the nearest untrusted ``X-Forwarded-For`` hop."""
    peer = (scope.get("client") or ("ukjent", 0))[0]
    if peer not in trusted:
        return str(peer)
    for name, value in scope.get("headers", ()):
        if name == b"x-forwarded-for":
            hops: list[str] = [h.strip() for h in value.decode("latin-1").split(",") if h.strip()]
            for hop in reversed(hops):
                if hop not in trusted:
                    return hop
    return str(peer)


# After refusing oversized headers or a body that was not read, the connection is not reused.
CLOSE = {"Connection": "close"}


async def _refuse(
    scope: Scope,
    receive: Receive,
    send: Send,
    error: OppvekstError,
    headers: dict[str, str] | None = None,
) -> None:
    """The catalogue's problem+json, for browsers too: what the limits refuse is mostly a
    download or an image, which has no page around it to show an error in."""
    response = problem_response(error, scope.get("path", ""), headers)
    await response(scope, receive, send)


class LimitsMiddleware:
    def __init__(
        self, app: ASGIApp, config: LimitsConfig | None = None, limiter: ClientLimiter | None = None
    ) -> None:
        self.app = app
        self.config = config or LimitsConfig.from_settings(get_settings())
        self.limiter: ClientLimiter | None = limiter
        if limiter is None and self.config.per_minute > 0:
            self.limiter = LocalBuckets(
                self.config.burst, self.config.per_minute, self.config.max_clients
            )
        self._slots: asyncio.Semaphore | None = None  # created on the server's event loop
        self._waiting = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        too_large = self._too_large(scope, path)
        if too_large is not None:
            closing = isinstance(too_large, (HeadersTooLarge, BodyTooLarge))
            await _refuse(scope, receive, send, too_large, CLOSE if closing else None)
            return
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        accept = _header(scope, b"accept")
        if self.limiter is not None and is_expensive(path, query, accept):
            wait = self.limiter.take(client_key(scope, self.config.trusted_proxies))
            if wait > 0:
                seconds = max(1, math.ceil(wait))
                hint = _(
                    "Du har sendt mange tunge forespørsler (nedlastinger, bilder, PDF eller "
                    "uttrekk uten regionfilter) på kort tid. Vent {seconds} sekunder og prøv "
                    "igjen, eller avgrens uttrekket med region=…."
                ).format(seconds=seconds)
                await _refuse(scope, receive, send, TooManyRequests(hint=hint, retry_after=seconds))
                return
        if not _header(scope, b"content-length").isdigit():
            receive = _counted(receive, self._body_limit(path))
        if is_render(path):
            await self._queued(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    def _too_large(self, scope: Scope, path: str) -> OppvekstError | None:
        """The size limit a request breaks, if any."""
        config = self.config
        url_length = len(scope.get("raw_path") or path.encode()) + len(
            scope.get("query_string", b"")
        )
        if url_length > config.max_url:
            return UrlTooLong(
                hint=_(
                    "Adressen er {length} tegn; grensen er {limit}. Bruk nivå- og fylkesvelgere "
                    "(kommune, fylke:40) i stedet for lange lister med koder."
                ).format(length=url_length, limit=config.max_url)
            )
        header_bytes = sum(len(k) + len(v) + 4 for k, v in scope.get("headers", ()))
        if header_bytes > config.max_header_bytes:
            return HeadersTooLarge(
                hint=_(
                    "Forespørselen har {size} byte med hoder; grensen er {limit}. Fjern store "
                    "informasjonskapsler eller hoder."
                ).format(size=header_bytes, limit=config.max_header_bytes)
            )
        declared = _header(scope, b"content-length")
        if declared.isdigit() and int(declared) > self._body_limit(path):
            return _body_too_large(self._body_limit(path))
        return None

    def _body_limit(self, path: str) -> int:
        return self.config.max_upload_bytes if is_upload(path) else self.config.max_body_bytes

    async def _queued(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.config.render_slots)
        slots = self._slots
        if slots.locked() and self._waiting >= self.config.render_queue:
            await _refuse(scope, receive, send, busy())
            return
        self._waiting += 1
        try:
            await asyncio.wait_for(slots.acquire(), timeout=self.config.render_wait)
        except TimeoutError:
            await _refuse(scope, receive, send, busy())
            return
        finally:
            self._waiting -= 1
        try:
            await self.app(scope, receive, send)
        finally:
            slots.release()


def busy() -> Busy:
    """The answer when every drawing slot is taken, in the request's language."""
    return Busy(
        hint=_(
            "Mange figurer og rapporter lages akkurat nå. Prøv igjen om noen sekunder; "
            "tallene er de samme i tabellen og i API-et."
        )
    )


def _body_too_large(limit: int) -> BodyTooLarge:
    return BodyTooLarge(
        hint=_("Innholdet i forespørselen kan være høyst {limit} byte.").format(limit=limit)
    )


def _counted(receive: Receive, limit: int) -> Receive:
    """``receive`` for a body without a declared length: the read that passes ``limit`` raises
    Starlette's 413, which FastAPI lets through its body parsing (any other exception there
    becomes a 400) to the error handlers, which answer with ``BodyTooLarge``."""
    seen = 0

    async def counted() -> Message:
        nonlocal seen
        message = await receive()
        if message.get("type") == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise HTTPException(413)
        return message

    return counted


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", ()):
        if key == name:
            return str(value.decode("latin-1"))
    return ""
