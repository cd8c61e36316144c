"""Filling the answer cache in the background, right after a publish and at start.

What is asked most is made before anyone asks: every area's profile (against the country, its
county and its KOSTRA group), every indicator's default page, every area's PDF report and every
package's ZIP. The work is bounded (each address once per snapshot; an answer already on disk — made
by another replica, or before a restart — is skipped), low priority (one request at a time, from
one thread, with a pause between) and cancellable (a new publish restarts it, shutdown stops it).
The requests run on the server's own event loop through the cache middleware, so they take the
same code path as a visitor's (and the render queue's semaphore stays on that loop).

Profiles and indicator pages are warmed in nynorsk and English too (``/nn/…``, ``/en/…``), after
the bokmål ones: the warmer asks as the language middleware would, so its keys are a visitor's.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Iterator, MutableMapping
from typing import Any, Protocol

from oppvekst import language
from oppvekst.cache.kept import KeptAnswers
from oppvekst.cache.keys import answer_key, digest_of
from oppvekst.errors import OppvekstError
from oppvekst.snapshot.current import StoreManager
from oppvekst.snapshot.store import Store

log = logging.getLogger(__name__)
PAUSE_SECONDS = 0.05  # between two warm requests: visitors' requests get the loop first
REQUEST_TIMEOUT = 120.0
POLL_SECONDS = 5.0  # how often CURRENT is looked at when no request arrives
PAGE_ACCEPT = b"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def addresses(store: Store) -> Iterator[str]:
    """What to warm, most asked first: pages, then the expensive downloads."""
    areas = list(store.regions)
    for code in areas:
        yield f"/kommune/{code}"
    for indicator_id in sorted(store.indicators_with_data):
        yield f"/indikator/{indicator_id}"
    # The same pages in nynorsk and English, after the bokmål ones most readers ask for.
    for lang in language.PREFIXED:
        for code in areas:
            yield language.url(f"/kommune/{code}", lang)
        for indicator_id in sorted(store.indicators_with_data):
            yield language.url(f"/indikator/{indicator_id}", lang)
    for code in areas:
        yield f"/kommune/{code}?sammenligning=fylke"
        if store.regions[code].kostra_group:
            yield f"/kommune/{code}?sammenligning=kostra"
    for code in areas:
        yield f"/kommune/{code}/rapport.pdf"
    for package in store.packages:
        for code in areas:
            yield f"/pakker/{package['id']}/{code}.zip"


class Filling(Protocol):
    """What the warmer sends its requests through (``cache.middleware.ResponseCacheMiddleware``)."""

    stores: StoreManager
    kept: KeptAnswers

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None: ...


class Warmer:
    def __init__(self, middleware: Filling, app: Any, origin: tuple[str, str]) -> None:
        self.middleware = middleware
        self.app = app
        self.origin = origin
        self.loop = asyncio.get_running_loop()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="oppvekst-warmer", daemon=True)
        self.warmed = 0

    @classmethod
    def start(cls, middleware: Filling, app: Any, origin: tuple[str, str]) -> Warmer:
        warmer = cls(middleware, app, origin)
        warmer._thread.start()
        return warmer

    def wake(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()

    def _run(self) -> None:
        done: str | None = None
        while not self._stop.is_set():
            try:
                store: Store | None = self.middleware.stores.current()
            except OppvekstError:
                store = None  # no snapshot yet: look again later
            if store is not None and store.cache_identity != done:
                self._wake.clear()
                if self._warm(store, self.origin):
                    done = store.cache_identity
                continue
            self._wake.wait(POLL_SECONDS)  # a publish wakes us, or the poll sees it
            self._wake.clear()

    def _warm(self, store: Store, origin: tuple[str, str]) -> bool:
        """True when every address was visited; False when stopped or the snapshot changed."""
        started = time.monotonic()
        count = 0
        for address in addresses(store):
            if self._stop.is_set() or self._wake.is_set():
                return False
            if self.middleware.stores.current() is not store:
                return False
            future = asyncio.run_coroutine_threadsafe(self._get(address, origin), self.loop)
            try:
                future.result(REQUEST_TIMEOUT)
                count += 1
            except Exception:  # one address failing must not stop the rest
                log.warning("warming %s failed", address, exc_info=True)
            time.sleep(PAUSE_SECONDS)
        self.warmed += count
        log.info(
            "warmed %d answers of %s in %.0f s",
            count,
            store.cache_identity,
            time.monotonic() - started,
        )
        return True

    async def _get(self, address: str, origin: tuple[str, str]) -> None:
        prefixed, _, query = address.partition("?")
        # The request as the language middleware (outside this one) hands it on: path without
        # its /nn or /en prefix, the language on the state, so a visitor's key is the same.
        lang, path = language.split_path(prefixed)
        scheme, host = origin
        scope: MutableMapping[str, Any] = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": scheme,
            "path": path,
            "raw_path": path.encode(),
            "root_path": "",
            "query_string": query.encode(),
            "headers": [
                (b"host", host.encode()),
                (b"accept", PAGE_ACCEPT),
                (b"accept-encoding", b"gzip"),
            ],
            "client": ("127.0.0.1", 0),
            "server": (host.split(":")[0], 0),
            "app": self.app,
            "state": {"lang": lang},
        }
        identity = self.middleware.stores.current().cache_identity
        digest = digest_of(answer_key(scope, identity))
        if self.middleware.kept.has(identity, digest):
            return  # made before a restart, or by another replica on the same disk
        sent = False

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if sent:
                await asyncio.sleep(3600)  # a disconnect never comes: the answer ends first
            sent = True
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: MutableMapping[str, Any]) -> None:
            return None

        with language.use(lang):
            await self.middleware(scope, receive, send)
