"""Report parts kept on disk once per snapshot: chart SVGs, report PDFs and package workbooks.

The PDF route, ``oppvekst report --all`` and the package ZIP all ask for the same parts (a
package's ZIP holds its PDF and workbook, and every report holds the same 16–25 charts per
area), so each part is made once per snapshot and read back after that, by this process, a
restarted one or another replica on the same disk.

Layout: ``<data dir>/cache/deler/<snapshot>/<identity>/<2 hex>/<sha256 of the key>``, written and
bounded by ``cache.kept.KeptAnswers`` (whole files or none, least recently used go first, the
newest also in memory). The identity is ``Store.cache_identity``, never the snapshot id alone: an
overlay with an organisation's own data has its own, so its parts are never served to anyone
else; it sits inside its snapshot's directory, so it goes with the snapshot. A key also
holds the language and the code's fingerprint (``fingerprint``): a part made by an older
version of the portal is not reused after an upgrade. The parts of snapshots that are no longer
published are removed the first time a new snapshot asks for a part.
"""

from __future__ import annotations

import functools
import hashlib
import json
import shutil
import threading
from importlib.metadata import version
from pathlib import Path
from typing import Any

from oppvekst.cache.kept import KeptAnswer, KeptAnswers, directory_name
from oppvekst.language import current
from oppvekst.reports.typesetter import chart_font
from oppvekst.snapshot.store import Store

DISK_BYTES = 1024 * 1024 * 1024  # per identity: every area's PDF and charts in three languages
MEMORY_BYTES = 64 * 1024 * 1024  # a hundred PDFs, or thousands of charts
ENTRY_BYTES = 64 * 1024 * 1024
_SOURCES = Path(__file__).resolve().parents[1]  # the oppvekst package


@functools.cache
def fingerprint() -> str:
    """What made the parts besides the data: the package's code, template, translations and the
    renderers' versions (read once per process; a few hundred small files)."""
    # The charts' font too: a replica without Liberation Sans sets them in DejaVu Sans, and its
    # PDFs must not be served by the replicas that have it (they share the parts' disk).
    renderers = f"{version('vl-convert-python')}/{version('typst')}/{chart_font()}"
    digest = hashlib.sha256(renderers.encode())
    for path in sorted(_SOURCES.rglob("*")):
        if path.suffix in (".py", ".typ", ".mo", ".po", ".json", ".conf") and path.is_file():
            digest.update(path.relative_to(_SOURCES).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


class KeptParts:
    def __init__(self, root: Path) -> None:
        self.root = root
        self._lock = threading.Lock()
        self._snapshots: dict[str, KeptAnswers] = {}  # by snapshot id: its identities inside
        self.retiring: threading.Thread | None = None

    def get(self, store: Store, key: Any) -> bytes | None:
        found = self._kept(store).get(store.cache_identity, digest(key))
        return found.body if found is not None else None

    def put(self, store: Store, key: Any, data: bytes) -> None:
        self._kept(store).put(store.cache_identity, digest(key), KeptAnswer(200, (), data))

    def clear(self) -> None:
        """Forget every part (benchmarks measure first renders with it)."""
        with self._lock:
            kept, self._snapshots = list(self._snapshots.values()), {}
        for each in kept:
            each.drop_others(set())
        shutil.rmtree(self.root, ignore_errors=True)

    def _kept(self, store: Store) -> KeptAnswers:
        """The snapshot's parts. The first time this process sees a snapshot, the parts of
        snapshots that are no longer published are removed (in the background: thousands of
        files); an overlay's parts sit inside its snapshot's directory and go with it."""
        with self._lock:
            found = self._snapshots.get(store.snapshot_id)
            if found is not None:
                return found
            name = directory_name(store.snapshot_id)
            found = KeptAnswers(self.root / name, DISK_BYTES, MEMORY_BYTES, ENTRY_BYTES)
            self._snapshots[store.snapshot_id] = found
            published = {path.stem for path in store.path.parent.glob("*.duckdb")}
            keep = {directory_name(s) for s in published} | {name}
        self.retiring = threading.Thread(target=self._retire, args=(keep,), daemon=True)
        self.retiring.start()
        return found

    def _retire(self, keep: set[str]) -> None:
        if not self.root.is_dir():
            return
        for directory in self.root.iterdir():
            if directory.is_dir() and directory.name not in keep:
                shutil.rmtree(directory, ignore_errors=True)


def digest(key: Any) -> str:
    """The file name of a part: its key (any JSON value), the language and the fingerprint."""
    raw = json.dumps([key, current().value, fingerprint()], ensure_ascii=True, sort_keys=True)
    return hashlib.sha256(raw.encode()).hexdigest()


_PARTS: dict[Path, KeptParts] = {}
_PARTS_LOCK = threading.Lock()


def forget_processes() -> None:
    """Drop what this process holds in memory, keep the disk: as a restart (benchmarks, tests)."""
    with _PARTS_LOCK:
        _PARTS.clear()


def parts_for(store: Store) -> KeptParts:
    """The parts beside ``store``'s snapshot (``<data dir>/cache/deler``), one per data dir."""
    root = store.path.resolve().parent.parent / "cache" / "deler"
    with _PARTS_LOCK:
        found = _PARTS.get(root)
        if found is None:
            found = _PARTS[root] = KeptParts(root)
        return found
