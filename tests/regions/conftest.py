"""One offline registry per session: building it reads ~10 files (about 2 s)."""

from __future__ import annotations

from pathlib import Path

import pytest

from oppvekst.regions.offline import registry_from_offline
from oppvekst.regions.registry import Registry


@pytest.fixture(scope="session")
def registry(shared_data: Path) -> Registry:
    return registry_from_offline(shared_data)
