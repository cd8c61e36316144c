"""The current snapshot's store, for a server that keeps running while snapshots are published.

``StoreManager.current()`` opens the store of the snapshot ``CURRENT`` names and reopens when it
changes; a request that still holds the old store finishes on it (the last two are kept open).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from oppvekst.errors import NoSnapshot
from oppvekst.snapshot.files import DataDir
from oppvekst.snapshot.store import Store


class StoreManager:
    """The store of the current snapshot; reopens when ``CURRENT`` changes."""

    def __init__(self, data_dir: DataDir) -> None:
        self.data_dir = data_dir
        self._lock = threading.Lock()
        self._store: Store | None = None
        self._retired: list[Store] = []
        # Called with the new store after each switch (the answer cache drops the old snapshot's
        # answers and warms the new one); a failing listener never stops the switch.
        self.on_switch: list[Callable[[Store], None]] = []

    def current(self) -> Store:
        snapshot_id = self.data_dir.current_id()
        store = self._store
        if store is not None and (snapshot_id is None or store.path.stem == snapshot_id):
            return store
        with self._lock:
            if self._store is None or self._store.path.stem != snapshot_id:
                try:
                    path = self.data_dir.current_path()
                except NoSnapshot:
                    if self._store is not None:
                        return self._store  # the last good data keeps serving
                    raise
                if self._store is not None:
                    # In-flight requests may still hold the old store: keep it open a while.
                    self._retired.append(self._store)
                    while len(self._retired) > 2:
                        self._retired.pop(0).close()
                self._store = Store(path)
                # Read the observation table now, beside the requests still served from the
                # old store, so the first request on the new snapshot does not wait for it.
                threading.Thread(target=_warm, args=(self._store,), daemon=True).start()
                switched = self._store
            else:
                return self._store
        for listener in self.on_switch:
            try:
                listener(switched)
            except Exception:  # a cache's trouble must not stop the data switching
                logging.getLogger(__name__).exception("on_switch listener failed")
        return switched


def _warm(store: Store) -> None:
    store.observation_table  # noqa: B018 (a cached property: reading it fills it)
