"""Fixtures for the own-data workspace tests: the real region registry from the offline mirror."""

from __future__ import annotations

from pathlib import Path

import pytest

from oppvekst.regions.offline import registry_from_offline
from oppvekst.regions.registry import Registry


@pytest.fixture(scope="session")
def registry(shared_data: Path) -> Registry:
    return registry_from_offline(shared_data)
