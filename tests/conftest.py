"""Shared fixtures. ``shared_data`` is the read-only offline mirror beside the checkout."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]


def shared_data_dir() -> Path:
    """``../shared/data`` beside the checkout, or ``OPPVEKST_SHARED_DATA`` when set."""
    configured = os.environ.get("OPPVEKST_SHARED_DATA")
    return Path(configured) if configured else (REPO_ROOT.parent / "shared" / "data").resolve()


@pytest.fixture(scope="session")
def shared_data() -> Path:
    path = shared_data_dir()
    if not path.is_dir():
        pytest.fail(f"The offline mirror {path} is missing: the tests need ../shared/data beside the repo.")
    return path
