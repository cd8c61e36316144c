"""Finished answers kept on disk beside the snapshots, one directory per snapshot.

Layout: ``<data dir>/cache/svar/<snapshot id>/<2 hex>/<sha256 of the key>``. Each file is one whole
answer: a 4-byte big-endian length, a JSON head (status, headers, body length) and the body. A file
is written to a temporary name in the same directory and renamed into place, so a reader (this
process, a restarted one or another replica on the same disk) sees a whole answer or none; the
body length in the head catches a file cut short by a crash of the machine itself.

The disk holds at most ``disk_bytes`` per snapshot (the least recently used answers go first); the
most recently used answers are also kept in memory, within ``memory_bytes``. Directories of
snapshots that are no longer published are removed with ``drop_others``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)
_SAFE = re.compile(r"[A-Za-z0-9._-]{1,100}")
_LENGTH = 4


@dataclass(frozen=True, slots=True)
class KeptAnswer:
    """One finished answer: what the inner app sent, headers as raw pairs."""

    status: int
    headers: tuple[tuple[bytes, bytes], ...]
    body: bytes

    @property
    def size(self) -> int:
        return len(self.body) + sum(len(k) + len(v) for k, v in self.headers)

    def encode(self) -> bytes:
        head = json.dumps(
            {
                "status": self.status,
                "headers": [[k.decode("latin-1"), v.decode("latin-1")] for k, v in self.headers],
                "body": len(self.body),
            }
        ).encode()
        return len(head).to_bytes(_LENGTH, "big") + head + self.body

    @classmethod
    def decode(cls, data: bytes) -> KeptAnswer | None:
        """The answer, or None for a file that is not a whole answer."""
        try:
            length = int.from_bytes(data[:_LENGTH], "big")
            head = json.loads(data[_LENGTH : _LENGTH + length])
            body = data[_LENGTH + length :]
            if len(body) != head["body"]:
                return None
            headers = tuple(
                (str(k).encode("latin-1"), str(v).encode("latin-1")) for k, v in head["headers"]
            )
            return cls(int(head["status"]), headers, body)
        except (ValueError, KeyError, TypeError):
            return None


def directory_name(identity: str) -> str:
    """A snapshot id as it is (so a directory can be matched to its snapshot file); anything
    else (an overlay's identity, say) as a hash, so no identity can reach outside the root."""
    if _SAFE.fullmatch(identity) and identity not in (".", ".."):
        return identity
    return "x" + hashlib.sha256(identity.encode()).hexdigest()[:40]


class KeptAnswers:
    def __init__(self, root: Path, disk_bytes: int, memory_bytes: int, entry_bytes: int) -> None:
        self.root = root
        self.disk_bytes = disk_bytes
        self.memory_bytes = memory_bytes
        self.entry_bytes = min(entry_bytes, disk_bytes)
        self._lock = threading.Lock()
        self._memory: OrderedDict[tuple[str, str], KeptAnswer] = OrderedDict()
        self._memory_used = 0
        # Per snapshot: digest → bytes on disk, least recently used first (read from the
        # directory the first time the snapshot is asked for, so a restart keeps its answers).
        self._disk: dict[str, OrderedDict[str, int]] = {}
        self._disk_used: dict[str, int] = {}

    @property
    def enabled(self) -> bool:
        return self.disk_bytes > 0

    def _path(self, identity: str, digest: str) -> Path:
        return self.root / directory_name(identity) / digest[:2] / digest

    def get(self, identity: str, digest: str) -> KeptAnswer | None:
        key = (identity, digest)
        with self._lock:
            found = self._memory.get(key)
            if found is not None:
                self._memory.move_to_end(key)
                index = self._index(identity)
                if digest in index:
                    index.move_to_end(digest)
                return found
        path = self._path(identity, digest)
        try:
            data = path.read_bytes()
        except OSError:
            return None
        answer = KeptAnswer.decode(data)
        if answer is None:
            with contextlib.suppress(OSError):
                path.unlink()
            return None
        with self._lock:
            index = self._index(identity)
            if digest not in index:  # written by another replica since we looked
                index[digest] = len(data)
                self._disk_used[identity] = self._disk_used.get(identity, 0) + len(data)
            index.move_to_end(digest)
            self._remember(key, answer)
        return answer

    def has(self, identity: str, digest: str) -> bool:
        with self._lock:
            if digest in self._index(identity):
                return True
        return self._path(identity, digest).exists()

    def put(self, identity: str, digest: str, answer: KeptAnswer) -> bool:
        """Keep ``answer``; False when it is larger than one entry may be."""
        if not self.enabled or answer.size > self.entry_bytes:
            return False
        data = answer.encode()
        path = self._path(identity, digest)
        try:
            try:
                handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            except FileNotFoundError:
                # The directory is made the first time only: a report keeps some twenty parts,
                # and asking for the directory every time cost as much as writing the file.
                path.parent.mkdir(parents=True, exist_ok=True)
                handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            try:
                with os.fdopen(handle, "wb") as out:
                    out.write(data)
                os.replace(temporary, path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
                raise
        except OSError as exc:
            # A full or read-only disk: the answer is still served, just not kept.
            log.warning("could not keep an answer in %s: %s", path.parent, exc)
            return False
        with self._lock:
            index = self._index(identity)
            used = self._disk_used.get(identity, 0) - index.pop(digest, 0) + len(data)
            index[digest] = len(data)
            evicted: list[str] = []
            while used > self.disk_bytes and len(index) > 1:
                old, size = index.popitem(last=False)
                used -= size
                evicted.append(old)
                self._forget((identity, old))
            self._disk_used[identity] = used
            self._remember((identity, digest), answer)
        for old in evicted:
            with contextlib.suppress(OSError):
                self._path(identity, old).unlink()
        return True

    def drop_others(self, keep: set[str]) -> None:
        """Remove every snapshot's answers except those of the ``keep`` identities."""
        names = {directory_name(identity) for identity in keep}
        with self._lock:
            for identity in [i for i in self._disk if i not in keep]:
                del self._disk[identity]
                self._disk_used.pop(identity, None)
            for key in [k for k in self._memory if k[0] not in keep]:
                self._forget(key)
        if not self.root.is_dir():
            return
        for directory in self.root.iterdir():
            if directory.is_dir() and directory.name not in names:
                shutil.rmtree(directory, ignore_errors=True)

    def disk_used(self, identity: str) -> int:
        with self._lock:
            self._index(identity)
            return self._disk_used.get(identity, 0)

    def _index(self, identity: str) -> OrderedDict[str, int]:
        """Under the lock: the snapshot's digests on disk, read from its directory once."""
        index = self._disk.get(identity)
        if index is not None:
            return index
        files: list[tuple[float, str, int]] = []
        directory = self.root / directory_name(identity)
        if directory.is_dir():
            for path in directory.glob("??/*"):
                if path.name.startswith(".tmp-"):
                    continue  # a write a crash interrupted; never renamed, never read
                with contextlib.suppress(OSError):
                    stat = path.stat()
                    files.append((stat.st_mtime, path.name, stat.st_size))
        index = OrderedDict((name, size) for _, name, size in sorted(files))
        self._disk[identity] = index
        self._disk_used[identity] = sum(index.values())
        return index

    def _remember(self, key: tuple[str, str], answer: KeptAnswer) -> None:
        if answer.size > self.memory_bytes:
            return
        self._forget(key)
        self._memory[key] = answer
        self._memory_used += answer.size
        while self._memory_used > self.memory_bytes:
            _, dropped = self._memory.popitem(last=False)
            self._memory_used -= dropped.size

    def _forget(self, key: tuple[str, str]) -> None:
        dropped = self._memory.pop(key, None)
        if dropped is not None:
            self._memory_used -= dropped.size
