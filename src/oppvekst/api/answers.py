"""Finished ``/api/v1/data`` answers, kept per snapshot (a bounded, least-recently-used cache).

A snapshot never changes, so the same query always gets the same bytes until the next publish:
keeping the finished body turns a repeated query (a dashboard polling, a script re-run, many
readers of one popular table) into a dictionary lookup. The key holds the snapshot id, so answers
from an old snapshot are never served after a publish (they are dropped when the first answer of
a new snapshot is kept). Only bodies up to ``max_entry_bytes`` are kept, within ``max_bytes`` in
all; ``OPPVEKST_ANSWER_CACHE_MB=0`` turns the cache off (the benchmarks measure both).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from fastapi import Request
from fastapi.responses import Response

from oppvekst.api.paging import canonical_query
from oppvekst.api.responses import cache_headers, not_modified
from oppvekst.language import current
from oppvekst.settings import Settings, get_settings
from oppvekst.snapshot.store import Store


@dataclass(frozen=True, slots=True)
class Answer:
    body: bytes
    media_type: str
    disposition: str | None


class AnswerCache:
    def __init__(self, max_bytes: int, max_entry_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.max_entry_bytes = max_entry_bytes
        self._answers: OrderedDict[tuple[str, ...], Answer] = OrderedDict()
        self._bytes = 0
        self._snapshot = ""
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings) -> AnswerCache:
        total = int(settings.answer_cache_mb * 1024 * 1024)
        return cls(total, total // 8)

    def get(self, key: tuple[str, ...]) -> Answer | None:
        with self._lock:
            answer = self._answers.get(key)
            if answer is not None:
                self._answers.move_to_end(key)
            return answer

    def put(self, key: tuple[str, ...], answer: Answer) -> None:
        size = len(answer.body)
        if size > self.max_entry_bytes:
            return
        with self._lock:
            # A new snapshot: the old answers are never asked again. (key[0] is a store's
            # cache_identity: the snapshot id, then "+" and the own data of an overlay.)
            snapshot = key[0].partition("+")[0]
            if snapshot != self._snapshot:
                self._answers.clear()
                self._bytes = 0
                self._snapshot = snapshot
            if key in self._answers:
                return
            self._answers[key] = answer
            self._bytes += size
            while self._bytes > self.max_bytes:
                _, dropped = self._answers.popitem(last=False)
                self._bytes -= len(dropped.body)

    def __len__(self) -> int:
        return len(self._answers)


ANSWERS = AnswerCache.from_settings(get_settings())


def answer_key(store: Store, request: Request, chosen: str) -> tuple[str, ...]:
    """Snapshot, language, format and the query in a canonical order (parameter order does not
    matter). The language is in the key because it may come from Accept-Language or the path's
    prefix, outside the query: a bokmål CSV must never answer an English reader."""
    # cache_identity, not snapshot_id: a signed-in viewer's answer may hold their own data.
    return (
        store.cache_identity,
        current().value,
        chosen,
        *(f"{k}={v}" for k, v in canonical_query(request)),
    )


def replay(request: Request, store: Store, answer: Answer) -> Response:
    headers = cache_headers(request, store, answer.media_type)
    if not_modified(request, headers):
        return Response(status_code=304, headers=headers)
    if answer.disposition:
        headers["Content-Disposition"] = answer.disposition
    return Response(answer.body, media_type=answer.media_type, headers=headers)


def keep(key: tuple[str, ...], response: Response) -> Response:
    if response.status_code == 200 and response.media_type:
        disposition = response.headers.get("content-disposition")
        ANSWERS.put(key, Answer(bytes(response.body), response.media_type, disposition))
    return response
