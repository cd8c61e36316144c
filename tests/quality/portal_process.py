"""Helpers for the quality tests: an app with given settings, the routes that exist, and the real
portal as a uvicorn subprocess on loopback."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from oppvekst.web.process import free_port, running, serve_command


def make_app(data_dir: Path, **environment: str) -> FastAPI:
    """``create_app`` with the settings these ``OPPVEKST_*`` variables give (read as a process
    would read them at start)."""
    from oppvekst.settings import Settings
    from oppvekst.snapshot.files import DataDir
    from oppvekst.web.app import create_app

    with pytest.MonkeyPatch.context() as patch:
        for key, value in environment.items():
            patch.setenv(key, value)
        settings = Settings()
    return create_app(DataDir(data_dir), settings)


def route_paths(app: FastAPI) -> set[str]:
    """Every route path, including those of nested routers (what exists right now)."""
    found: set[str] = set()

    def walk(routes: Any) -> None:
        for route in routes:
            path = getattr(route, "path", None)
            if path:
                found.add(path)
            inner = getattr(getattr(route, "original_router", None), "routes", None)
            if inner is None and type(route).__name__ != "Mount":
                inner = getattr(route, "routes", None)
            if inner:
                walk(inner)

    walk(app.routes)
    return found


@contextlib.contextmanager
def portal(data_dir: Path, **environment: str) -> Iterator[str]:
    """The real portal (``oppvekst serve``, uvicorn) on a free loopback port; yields its URL."""
    port = free_port()
    with running(serve_command(data_dir, port), port, environment=environment) as server:
        yield server.base
