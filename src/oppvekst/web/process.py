"""Running the portal as a real process on loopback: for the browser tests, the quality tests and
the HTTP benchmarks, which all need the same start-wait-stop dance."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx

from oppvekst.settings import child_environment


@dataclass(frozen=True, slots=True)
class RunningPortal:
    base: str  # e.g. http://127.0.0.1:8123
    pid: int


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve_command(data_dir: Path, port: int) -> list[str]:
    """``oppvekst serve`` for one data directory on one port (what a person runs)."""
    return [
        sys.executable,
        "-m",
        "oppvekst",
        "serve",
        "--data-dir",
        str(data_dir),
        "--port",
        str(port),
    ]


@contextlib.contextmanager
def running(
    command: Sequence[str],
    port: int,
    *,
    environment: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    start_timeout: float = 90.0,
) -> Iterator[RunningPortal]:
    """Start ``command`` (which serves on ``port``), wait until ``/api/v1/status`` answers, yield,
    then stop it. A process that exits early raises with the end of its stderr."""
    process = subprocess.Popen(
        list(command),
        cwd=cwd,
        env=child_environment(environment or {}),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + start_timeout
        while True:
            if process.poll() is not None:
                error = process.stderr.read().decode() if process.stderr else ""
                raise RuntimeError(f"The portal exited: {error[-2000:]}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base}/api/v1/status", timeout=5).status_code < 500:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"The portal did not start within {start_timeout:.0f} s")
            time.sleep(0.2)
        yield RunningPortal(base, process.pid)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
