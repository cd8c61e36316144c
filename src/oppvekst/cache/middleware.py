"""The answer cache in front of the portal: every public answer is a pure function of (snapshot,
URL, language), so the first one made is kept (``cache.kept``) and replayed until the next publish.

The key is the store's ``cache_identity`` (the snapshot id), the method (HEAD is answered from the
GET answer), the scheme and host (pages carry absolute links), the original raw path (with any
language prefix), the query in a canonical order (sorted by name; repeated names keep their order,
which the pages read as an order), the language a language middleware put on ``request.state``,
the content coding (``gzip`` or none) and the kind of ``Accept`` (for ``/api/…`` the whole header
and ``Accept-Language``, which the API negotiates on).

Never kept: a request with a session cookie in any Cookie header, or one the privacy layer signed
in (its store may be an overlay with own data; such a request also never takes its store here),
a method other than GET/HEAD, a status other than 200, an answer with ``Set-Cookie`` or a
``Cache-Control`` of private/no-store/no-cache, an answer that varies on a header the key leaves
out, and one larger than the entry bound.

Where it sits: inside the abuse limits (a kept PDF is still a metered download, and a burst of
them still gets 429) and outside gzip, so a kept answer is the encoded bytes — one entry per
coding — and a hit costs no compression.

Every public answer gets ``ETag`` (from the key, so it is known before the answer is made and is
the same on every replica), ``X-Oppvekst-Snapshot``, ``Cache-Control: public, max-age, stale-
while-revalidate`` unless the route set its own, and ``X-Accel-Expires`` for nginx (a short
lifetime: the proxy asks again with ``If-None-Match`` and a 304 costs a lookup, so a publish shows
within a second). A matching ``If-None-Match`` answers 304.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import anyio.to_thread

from oppvekst.cache.kept import KeptAnswer, KeptAnswers
from oppvekst.cache.keys import (
    Scope,
    answer_key,
    cacheable,
    digest_of,
    etag_of,
    has_session,
    header,
    matches,
)
from oppvekst.cache.warming import Warmer
from oppvekst.errors import OppvekstError
from oppvekst.settings import Settings
from oppvekst.snapshot.current import StoreManager
from oppvekst.snapshot.store import Store

Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

log = logging.getLogger(__name__)
SNAPSHOT_HEADER = b"x-oppvekst-snapshot"
_NOT_KEPT = frozenset({b"date", b"server", b"set-cookie"})
_ENTITY = frozenset({b"content-length", b"content-type", b"content-encoding"})


@dataclass(frozen=True, slots=True)
class CachePolicy:
    max_age: int
    stale: int
    proxy_seconds: int
    warm: bool
    public_url: str | None

    @classmethod
    def from_settings(cls, settings: Settings) -> CachePolicy:
        return cls(
            settings.response_max_age_seconds,
            settings.response_stale_seconds,
            settings.response_proxy_seconds,
            settings.response_cache_warm,
            settings.public_url,
        )

    @property
    def origin(self) -> tuple[str, str] | None:
        """(scheme, host) the warmed answers are made for: the pages carry absolute links, so
        without ``public_url`` nothing is made ahead of a visitor."""
        if not self.public_url:
            return None
        parts = urlsplit(self.public_url)
        return (parts.scheme or "https", parts.netloc) if parts.netloc else None

    @property
    def cache_control(self) -> bytes:
        return f"public, max-age={self.max_age}, stale-while-revalidate={self.stale}".encode()


def kept_answers(settings: Settings, stores: StoreManager) -> KeptAnswers:
    mb = 1024 * 1024
    return KeptAnswers(
        stores.data_dir.root / "cache" / "svar",
        int(settings.response_cache_mb * mb),
        int(settings.response_cache_memory_mb * mb),
        int(settings.response_cache_entry_mb * mb),
    )


class ResponseCacheMiddleware:
    def __init__(
        self, app: ASGIApp, stores: StoreManager, kept: KeptAnswers, policy: CachePolicy
    ) -> None:
        self.app = app
        self.stores = stores
        self.kept = kept
        self.policy = policy
        self.warmer: Warmer | None = None
        self._last: Store | None = None
        self.dropping: threading.Thread | None = None  # the last switch's removal of old answers
        stores.on_switch.append(self._switched)

    def _switched(self, store: Store) -> None:
        """A publish: the answers of snapshots that are no longer on disk go, and the new
        snapshot is warmed."""
        published = {path.stem for path in self.stores.data_dir.snapshots.glob("*.duckdb")}
        # Removing thousands of files takes a while: not on the thread that switches.
        keep = published | {store.cache_identity}
        self.dropping = threading.Thread(target=self.kept.drop_others, args=(keep,), daemon=True)
        self.dropping.start()
        if self.warmer is not None:
            self.warmer.wake()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(scope, receive, send)
            return
        method = scope.get("method", "")
        path: str = scope.get("path", "")
        if (
            scope["type"] != "http"
            or not self.kept.enabled
            or method not in ("GET", "HEAD")
            or path.startswith("/static/")
            or has_session(scope)
            # Signed in, however the privacy layer (outside this one) found the session.
            or (scope.get("state") or {}).get("viewer") is not None
        ):
            await self.app(scope, receive, send)
            return
        try:
            store = await self._store()
        except OppvekstError:
            await self.app(scope, receive, send)  # no snapshot yet: the app says so
            return
        # The route takes this snapshot too (``web.dependencies._published``, before the
        # language is applied): the key and the answer are made from the same snapshot even
        # when a publish lands in between.
        scope.setdefault("state", {})["published"] = store
        key = answer_key(scope, store.cache_identity)
        digest = digest_of(key)
        etag = etag_of(key)
        inm = header(scope, b"if-none-match")
        found = self.kept.get(store.cache_identity, digest)
        if found is not None:
            await self._replay(found, etag, inm, method, send)
            return
        await self._fill(scope, receive, send, store, digest, etag, inm, method)

    async def _store(self) -> Store:
        """The current store; opening a newly published one (a second or so of reading) happens
        on a worker thread, as it did in the route's dependency, not on the event loop."""
        last = self._last
        if last is not None and last.path.stem == self.stores.data_dir.current_id():
            return last
        self._last = await anyio.to_thread.run_sync(self.stores.current)
        return self._last

    async def _replay(
        self, answer: KeptAnswer, etag: str, inm: str, method: str, send: Send
    ) -> None:
        if inm and matches(inm, etag):
            headers = [(k, v) for k, v in answer.headers if k not in _ENTITY]
            await send({"type": "http.response.start", "status": 304, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return
        await send(
            {"type": "http.response.start", "status": answer.status, "headers": answer.headers}
        )
        await send({"type": "http.response.body", "body": b"" if method == "HEAD" else answer.body})

    async def _fill(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        store: Store,
        digest: str,
        etag: str,
        inm: str,
        method: str,
    ) -> None:
        api = str(scope.get("path", "")).startswith("/api")
        keep = False
        not_modified = False
        status = 0
        headers: list[tuple[bytes, bytes]] = []
        chunks: list[bytes] = []
        size = 0

        async def capture(message: Message) -> None:
            nonlocal keep, not_modified, status, headers, size
            if message["type"] == "http.response.start":
                status = int(message["status"])
                headers = list(message.get("headers", []))
                if cacheable(status, headers, api):
                    headers = self._public(headers, etag, store)
                    keep = method == "GET"
                    declared = next((v for k, v in headers if k == b"content-length"), b"")
                    if declared.isdigit() and int(declared) > self.kept.entry_bytes:
                        keep = False
                    if inm and matches(inm, etag):
                        not_modified = True
                        bare = [(k, v) for k, v in headers if k not in _ENTITY]
                        await send({**message, "status": 304, "headers": bare})
                        return
                await send({**message, "headers": headers})
                return
            if message["type"] == "http.response.body":
                body = message.get("body", b"")
                if keep:
                    size += len(body)
                    if size > self.kept.entry_bytes:
                        keep, chunks[:] = False, []
                    else:
                        chunks.append(body)
                more = bool(message.get("more_body", False))
                if not_modified:
                    if not more:
                        await send({"type": "http.response.body", "body": b""})
                else:
                    await send(message)
                if keep and not more:
                    stored = [(k, v) for k, v in headers if k.lower() not in _NOT_KEPT]
                    if not any(k == b"content-length" for k, _ in stored):
                        stored.append((b"content-length", str(size).encode()))
                    self.kept.put(
                        store.cache_identity,
                        digest,
                        KeptAnswer(status, tuple(stored), b"".join(chunks)),
                    )
                return
            await send(message)

        await self.app(scope, receive, capture)

    def _public(
        self, headers: list[tuple[bytes, bytes]], etag: str, store: Store
    ) -> list[tuple[bytes, bytes]]:
        """The headers of a public answer: ours replace the route's ETag and snapshot header; a
        route's own Cache-Control (a long-lived asset's, say) stays."""
        mine = {b"etag", SNAPSHOT_HEADER, b"x-accel-expires"}
        out = [(k, v) for k, v in headers if k.lower() not in mine]
        if not any(k.lower() == b"cache-control" for k, _ in out):
            out.append((b"cache-control", self.policy.cache_control))
        out.append((b"etag", etag.encode()))
        out.append((SNAPSHOT_HEADER, store.snapshot_id.encode()))
        out.append((b"x-accel-expires", str(self.policy.proxy_seconds).encode()))
        return out

    async def _lifespan(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Start the warmer with the server (on its event loop) and stop it with the server."""

        async def watch(message: Message) -> None:
            if message["type"] == "lifespan.startup.complete":
                origin = self.policy.origin
                if origin is not None and self.policy.warm and self.kept.enabled:
                    self.warmer = Warmer.start(self, scope.get("app"), origin)
            elif message["type"].startswith("lifespan.shutdown") and self.warmer is not None:
                self.warmer.stop()
            await send(message)

        await self.app(scope, receive, watch)
