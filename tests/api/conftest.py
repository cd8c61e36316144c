from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from oppvekst.snapshot.files import DataDir
from oppvekst.web.app import create_app


@pytest.fixture(scope="module")
def client(snapshot_dir: Path) -> TestClient:
    return TestClient(create_app(DataDir(snapshot_dir)))
