"""Record and replay: every response can be kept in, and served from, a mirror directory.

A request is keyed by sha256(method, normalised URL, canonical JSON body). Recorded responses are
stored as ``keyed/<k[:2]>/<k>.body`` plus a JSON sidecar with the request, time and checksum.
A mirror also answers from the layout of ``shared/data`` (files named by humans, not by key)
through the bundled manifest ``shared_mirror.yml``, which maps requests to those files.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import Any, cast
from urllib.parse import parse_qsl, unquote, urlsplit

import orjson
import yaml

from oppvekst.errors import MalformedResponse, NotInMirror
from oppvekst.sources.http import Fetcher, Method, Request, Response

SHARED_MANIFEST = Path(__file__).with_name("shared_mirror.yml")


class MirrorMode(Enum):
    LIVE = "live"  # network only
    RECORD = "record"  # network, and every response is written to the mirror
    REPLAY = "replay"  # mirror only; a missing response is an error, never a network call


def normalise_url(url: str) -> str:
    """Scheme/host lower-cased, path and query decoded, query parameters sorted by name."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.port and parts.port not in (80, 443):
        host = f"{host}:{parts.port}"
    path = unquote(parts.path)
    if len(path) > 1:
        path = path.rstrip("/")
    # Stable sort by name keeps the order of repeated names, which can matter.
    query = sorted(parse_qsl(parts.query, keep_blank_values=True), key=lambda kv: kv[0])
    text = "&".join(f"{k}={v}" for k, v in query)
    return f"{parts.scheme.lower()}://{host}{path}" + (f"?{text}" if text else "")


def canonical_body(body: bytes | None) -> bytes:
    if not body:
        return b""
    try:
        return orjson.dumps(orjson.loads(body), option=orjson.OPT_SORT_KEYS)
    except orjson.JSONDecodeError:
        return body


def request_key(method: str, url: str, body: bytes | None) -> str:
    digest = hashlib.sha256()
    digest.update(method.upper().encode())
    digest.update(b"\n")
    digest.update(normalise_url(url).encode())
    digest.update(b"\n")
    digest.update(canonical_body(body))
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class ManifestEntry:
    """One recorded response in the ``shared/data`` layout and the request that produced it."""

    file: str  # relative to the mirror root
    method: Method
    url: str
    body: bytes | None
    kind: str  # which parser reads it, e.g. "jsonstat", "udir-report" (see shared_mirror.yml)
    content_type: str
    recorded_at: datetime
    expect_error: str | None = None  # documented defects, e.g. "malformed" for SSB's trimmed 14216
    note: str = ""

    @property
    def key(self) -> str:
        return request_key(self.method, self.url, self.body)


def load_manifest(path: Path = SHARED_MANIFEST) -> tuple[ManifestEntry, ...]:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    default_time = datetime.fromisoformat(str(doc["collected_at"]))
    entries = []
    for item in doc["entries"]:
        body = item.get("body")
        entries.append(
            ManifestEntry(
                file=item["file"],
                method=cast(Method, item.get("method", "GET")),
                url=item["url"],
                body=None if body is None else orjson.dumps(body),
                kind=item["kind"],
                content_type=item.get("content_type", "application/json"),
                recorded_at=datetime.fromisoformat(str(item.get("recorded_at", default_time))),
                expect_error=item.get("expect_error"),
                note=item.get("note", ""),
            )
        )
    return tuple(entries)


def declared_file_dates(path: Path = SHARED_MANIFEST) -> dict[str, str]:
    """Offline data file → the date its origin declares (``files:`` in the manifest).

    A file has no "updated" of its own (its mtime is the checkout's), so the status page and the
    indicator's metadata show the date the catalogue of the mirror (SOURCES.md) gives for it.
    """
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    files = doc.get("files") or {}
    return {str(name): str(item["updated"]) for name, item in files.items() if item.get("updated")}


class Mirror:
    """Stored responses under ``root``; a :class:`Fetcher` that never touches the network."""

    def __init__(self, root: Path, *, manifest: Path | None = SHARED_MANIFEST) -> None:
        self.root = root
        self.entries: tuple[ManifestEntry, ...] = load_manifest(manifest) if manifest else ()
        self._by_key: Mapping[str, ManifestEntry] = {e.key: e for e in self.entries}

    def _paths(self, key: str) -> tuple[Path, Path]:
        folder = self.root / "keyed" / key[:2]
        return folder / f"{key}.body", folder / f"{key}.json"

    def lookup(self, request: Request) -> Response | None:
        key = request_key(request.method, request.url, request.body)
        body_path, sidecar_path = self._paths(key)
        if body_path.is_file() and sidecar_path.is_file():
            return self._from_keyed(request, body_path, sidecar_path)
        entry = self._by_key.get(key)
        if entry is not None and (self.root / entry.file).is_file():
            return self.replay_entry(entry, request)
        return None

    def fetch(self, request: Request) -> Response:
        response = self.lookup(request)
        if response is None:
            raise NotInMirror(
                f"The mirror {self.root} holds no response for {request.describe()} "
                f"(key {request_key(request.method, request.url, request.body)[:12]}).",
                hint="Run once in RECORD mode with network access, or add the file to the mirror.",
            )
        return response

    def replay_entry(self, entry: ManifestEntry, request: Request | None = None) -> Response:
        content = (self.root / entry.file).read_bytes()
        req = request or Request(entry.method, entry.url, entry.body)
        headers = {"content-type": entry.content_type}
        return Response.build(req, 200, headers, content, entry.recorded_at)

    def store(self, response: Response) -> Path:
        key = request_key(response.method, response.url, response.request_body)
        body_path, sidecar_path = self._paths(key)
        body_path.parent.mkdir(parents=True, exist_ok=True)
        body_path.write_bytes(response.content)
        sidecar = {"key": key, **response.provenance(), "size": len(response.content)}
        sidecar_path.write_text(json.dumps(sidecar, indent=2, ensure_ascii=False), encoding="utf-8")
        return body_path

    def _from_keyed(self, request: Request, body_path: Path, sidecar_path: Path) -> Response:
        side: dict[str, Any] = json.loads(sidecar_path.read_text(encoding="utf-8"))
        content = body_path.read_bytes()
        digest = hashlib.sha256(content).hexdigest()
        if digest != side.get("sha256"):
            raise MalformedResponse(
                f"Mirror file {body_path} does not match its recorded checksum.",
                hint="The mirror was edited or damaged; re-record the response.",
            )
        body = side.get("request_body")
        return Response(
            method=cast(Method, side["method"]),
            url=str(side["url"]),
            request_body=body.encode("utf-8") if body is not None else None,
            status=int(side["status"]),
            headers=dict(side.get("headers") or {}),
            content=content,
            received_at=datetime.fromisoformat(side["received_at"]),
            sha256=digest,
        )


class Gateway:
    """The one fetcher connectors use: live, recording or replaying according to ``mode``."""

    def __init__(self, mode: MirrorMode, mirror: Mirror | None, client: Fetcher | None) -> None:
        if mode is not MirrorMode.LIVE and mirror is None:
            raise ValueError(f"{mode.name} mode needs a mirror directory")
        if mode is not MirrorMode.REPLAY and client is None:
            raise ValueError(f"{mode.name} mode needs an HTTP client")
        self.mode = mode
        self.mirror = mirror
        self.client = client

    def fetch(self, request: Request) -> Response:
        if self.mode is MirrorMode.REPLAY:
            assert self.mirror is not None
            return self.mirror.fetch(request)
        assert self.client is not None
        response = self.client.fetch(request)
        if self.mode is MirrorMode.RECORD:
            assert self.mirror is not None
            self.mirror.store(response)
        return response
