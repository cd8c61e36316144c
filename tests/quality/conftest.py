"""Fixtures for the quality tests: an in-process client on the session snapshot and its routes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from .portal_process import make_app, route_paths


@pytest.fixture(scope="session")
def quality_app(snapshot_dir: Path) -> FastAPI:
    # Rate limiting off: these tests send many downloads from one client on purpose.
    return make_app(snapshot_dir, OPPVEKST_RATE_LIMIT="off")


@pytest.fixture(scope="session")
def client(quality_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(quality_app, raise_server_exceptions=False) as opened:
        yield opened


@pytest.fixture(scope="session")
def routes(quality_app: FastAPI) -> set[str]:
    return route_paths(quality_app)
