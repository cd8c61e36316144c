"""Limits that stop abuse: request size, a per-client rate on expensive endpoints, a render queue.

One pure ASGI middleware (no response buffering, so streamed downloads stay streamed):

* **Size.** A URL longer than ``max_url`` answers 414, request headers larger than
  ``max_header_bytes`` answer 431 and a body over ``max_body_bytes`` answers 413 — each as
  ``application/problem+json`` in Norwegian. The portal and the API only take GET; a large body is
  never legitimate. (uvicorn's h11 parser rejects a request head over 16 KiB on its own with a bare
  400, so the limits here sit below that to give a useful answer.) A chunked body has no length to
  check up front, but no route reads a body (everything is GET), so it is never buffered.
* **Rate.** Expensive requests (image renders ``…/bilde.*``, ``…/rapport.pdf``, package ZIP/XLSX,
  ``/api/v1/data`` as xlsx/csv/parquet/jsonstat2 or without a region filter) take a token from the
  client's bucket; an empty bucket answers 429 with ``Retry-After``. Cheap pages are never limited.
* **Render queue.** Renders (images, PDF) run at most ``render_slots`` at a time; at most
  ``render_queue`` more wait, up to ``render_wait`` seconds. Beyond that: 503 with ``Retry-After``,
  so a burst of renders cannot take every worker thread from the pages.

Multi-replica seam: the only per-process state is :class:`LocalBuckets` (a bounded dict of token
buckets) and the render semaphore. Behind a load balancer with several replicas each replica
limits on its own, so a client gets up to N × the rate. A shared limiter (e.g. GCRA in Redis, or the
reverse proxy's ``limit_req``) implements the :class:`RateLimiter` protocol and is passed to
:class:`LimitsMiddleware`; the render queue is meant to stay per process (it protects this
process's CPU).
"""

from __future__ import annotations

import asyncio
import math
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import parse_qs

import orjson

from oppvekst.exports.formats import FILES

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

PROBLEM_BASE = "https://oppvekststatus.no/api/problemer/"
HEAVY_FORMATS = frozenset(f.key for f in FILES)
HEAVY_ACCEPT = ("text/csv", "spreadsheetml", "parquet", "json-stat")


@dataclass(frozen=True, slots=True)
class LimitsConfig:
    max_url: int = 8000  # path + query; the API's own guard answers 400 for queries over 4000
    max_header_bytes: int = 8192
    max_body_bytes: int = 64 * 1024
    burst: int = 30  # expensive requests a client may make at once …
    per_minute: float = 30.0  # … and then this many per minute; 0 turns rate limiting off
    render_slots: int = 2  # the machine has few cores: renders are CPU-bound
    render_queue: int = 8
    render_wait: float = 20.0
    trusted_proxies: frozenset[str] = frozenset()
    max_clients: int = 10_000  # buckets kept in memory; the least recently seen are dropped

    @classmethod
    def from_environment(cls) -> LimitsConfig:
        """``OPPVEKST_RATE_LIMIT`` = ``burst/per_minute`` (``off`` disables),
        ``OPPVEKST_RENDER_SLOTS``, ``OPPVEKST_TRUSTED_PROXIES`` (comma-separated peer addresses
        whose ``X-Forwarded-For`` is believed)."""
        default = cls()
        burst, per_minute = default.burst, default.per_minute
        rate = os.environ.get("OPPVEKST_RATE_LIMIT", "").strip().lower()
        if rate in ("off", "0", "none"):
            per_minute = 0.0
        elif rate:
            left, _, right = rate.partition("/")
            burst, per_minute = int(left), float(right or left)
        slots = int(os.environ.get("OPPVEKST_RENDER_SLOTS", default.render_slots))
        proxies = os.environ.get("OPPVEKST_TRUSTED_PROXIES", "")
        return cls(
            burst=burst,
            per_minute=per_minute,
            render_slots=max(1, slots),
            trusted_proxies=frozenset(p.strip() for p in proxies.split(",") if p.strip()),
        )


class RateLimiter(Protocol):
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


def problem(status: int, code: str, title: str, detail: str, instance: str) -> bytes:
    body = {
        "type": PROBLEM_BASE + code,
        "title": title,
        "status": status,
        "detail": detail,
        "instance": instance,
        "code": code,
    }
    return orjson.dumps(body)


async def _answer(
    send: Send, status: int, body: bytes, retry_after: int | None = None, close: bool = False
) -> None:
    headers = [
        (b"content-type", b"application/problem+json"),
        (b"content-length", str(len(body)).encode()),
        (b"cache-control", b"no-store"),
    ]
    if retry_after is not None:
        headers.append((b"retry-after", str(retry_after).encode()))
    if close:
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class LimitsMiddleware:
    def __init__(
        self, app: ASGIApp, config: LimitsConfig | None = None, limiter: RateLimiter | None = None
    ) -> None:
        self.app = app
        self.config = config or LimitsConfig.from_environment()
        self.limiter: RateLimiter | None = limiter
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
        refused = await self._refuse_size(scope, send, path)
        if refused:
            return
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        accept = _header(scope, b"accept")
        if self.limiter is not None and is_expensive(path, query, accept):
            wait = self.limiter.take(client_key(scope, self.config.trusted_proxies))
            if wait > 0:
                seconds = max(1, math.ceil(wait))
                detail = (
                    "Du har sendt mange tunge forespørsler (nedlastinger, bilder, PDF eller "
                    f"uttrekk uten regionfilter) på kort tid. Vent {seconds} sekunder og prøv "
                    "igjen, eller avgrens uttrekket med region=…."
                )
                body = problem(
                    429, "for-mange-foresporsler", "For mange forespørsler", detail, path
                )
                await _answer(send, 429, body, retry_after=seconds)
                return
        if is_render(path):
            await self._queued(scope, receive, send, path)
        else:
            await self.app(scope, receive, send)

    async def _refuse_size(self, scope: Scope, send: Send, path: str) -> bool:
        config = self.config
        url_length = len(scope.get("raw_path") or path.encode()) + len(
            scope.get("query_string", b"")
        )
        if url_length > config.max_url:
            detail = (
                f"Adressen er {url_length} tegn; grensen er {config.max_url}. Bruk nivå- og "
                "fylkesvelgere (kommune, fylke:40) i stedet for lange lister med koder."
            )
            await _answer(
                send, 414, problem(414, "adresse-for-lang", "Adressen er for lang", detail, path)
            )
            return True
        header_bytes = sum(len(k) + len(v) + 4 for k, v in scope.get("headers", ()))
        if header_bytes > config.max_header_bytes:
            detail = (
                f"Forespørselen har {header_bytes} byte med hoder; grensen er "
                f"{config.max_header_bytes}. Fjern store informasjonskapsler eller hoder."
            )
            body = problem(
                431, "hoder-for-store", "Hodene i forespørselen er for store", detail, path
            )
            await _answer(send, 431, body, close=True)
            return True
        declared = _header(scope, b"content-length")
        if declared.isdigit() and int(declared) > config.max_body_bytes:
            await self._too_large(send, path)
            return True
        return False

    async def _too_large(self, send: Send, path: str) -> None:
        detail = f"Innholdet i forespørselen kan være høyst {self.config.max_body_bytes} byte."
        body = problem(413, "innhold-for-stort", "Forespørselen er for stor", detail, path)
        await _answer(send, 413, body, close=True)

    async def _queued(self, scope: Scope, receive: Receive, send: Send, path: str) -> None:
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.config.render_slots)
        slots = self._slots
        if slots.locked() and self._waiting >= self.config.render_queue:
            await self._busy(send, path)
            return
        self._waiting += 1
        try:
            await asyncio.wait_for(slots.acquire(), timeout=self.config.render_wait)
        except TimeoutError:
            await self._busy(send, path)
            return
        finally:
            self._waiting -= 1
        try:
            await self.app(scope, receive, send)
        finally:
            slots.release()

    async def _busy(self, send: Send, path: str) -> None:
        detail = (
            "Mange figurer og rapporter lages akkurat nå. Prøv igjen om noen sekunder; "
            "tallene er de samme i tabellen og i API-et."
        )
        body = problem(503, "opptatt", "Tjenesten er opptatt", detail, path)
        await _answer(send, 503, body, retry_after=5)


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", ()):
        if key == name:
            return str(value.decode("latin-1"))
    return ""
