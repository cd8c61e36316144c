"""Helpers for the quality tests: an app with given settings, the routes that exist, and the real
portal as a uvicorn subprocess on loopback."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI


def make_app(data_dir: Path, **environment: str) -> FastAPI:
    """``create_app`` with ``OPPVEKST_*`` settings (the limits read them when the app is built)."""
    from oppvekst.snapshot import DataDir
    from oppvekst.web.app import create_app

    with pytest.MonkeyPatch.context() as patch:
        for key, value in environment.items():
            patch.setenv(key, value)
        return create_app(DataDir(data_dir))


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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def portal(data_dir: Path, **environment: str) -> Iterator[str]:
    """The real portal (``oppvekst serve``, uvicorn) on a free loopback port; yields its URL."""
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "oppvekst",
            "serve",
            "--data-dir",
            str(data_dir),
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, **environment},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if process.poll() is not None:
                error = process.stderr.read().decode() if process.stderr else ""
                raise RuntimeError(f"The portal exited: {error[-2000:]}")
            try:
                if httpx.get(f"{base}/api/v1/status", timeout=2).status_code < 500:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("The portal did not start within 90 s")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
