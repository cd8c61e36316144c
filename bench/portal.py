"""The portal as a real server for the HTTP benchmarks, and ``wrk`` to load it (loopback only).

``python -m bench.portal --data-dir D --port N [--static DIR]`` runs the same app ``oppvekst serve``
runs, with an extra ``/bench-static`` mount so a plain file can be served from the same process as
a baseline. ``serve`` starts it as a subprocess; ``wrk`` runs Debian's wrk and parses its latency
distribution; ``peak_rss_mb`` reads the server's high-water mark from /proc.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import functools
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from oppvekst.web.process import free_port, running

DATA_MIRROR = Path(__file__).resolve().parents[1].parent / "shared" / "data"
ENV = {"OPPVEKST_RATE_LIMIT": "off"}  # benchmarks measure serving, not the abuse limits


@dataclass(frozen=True, slots=True)
class Server:
    base: str
    pid: int


@dataclass(frozen=True, slots=True)
class WrkResult:
    p50_s: float
    p99_s: float
    requests_per_s: float
    requests: int
    errors: int  # socket errors + non-2xx/3xx answers


@functools.cache
def build_demo_data() -> Path:
    """A data dir (mirror + demo), as ``oppvekst update --mirror … --demo`` builds it; built once
    per run and removed at exit. ``BENCH_DATA_DIR`` reuses an existing one (left untouched)."""
    if os.environ.get("BENCH_DATA_DIR"):
        return Path(os.environ["BENCH_DATA_DIR"])
    from oppvekst.catalog import default_catalog
    from oppvekst.pipeline import build
    from oppvekst.pipeline.setup import choose_sources, load_regions
    from oppvekst.snapshot.files import DataDir

    root = Path(tempfile.mkdtemp(prefix="bench-data-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    choice = choose_sources(DATA_MIRROR, record_into_mirror=False, probe=False)
    build.run_update(
        default_catalog(), load_regions(choice), choice.context, DataDir(root), fill_with_demo=True
    )
    return root


@contextlib.contextmanager
def serve(
    data_dir: Path, static_dir: Path | None = None, settings: dict[str, str] | None = None
) -> Iterator[Server]:
    port = free_port()
    command = [sys.executable, "-m", "bench.portal", "--data-dir", str(data_dir)]
    command += ["--port", str(port)] + (["--static", str(static_dir)] if static_dir else [])
    environment = {**ENV, **(settings or {})}
    with running(
        command,
        port,
        environment=environment,
        cwd=Path(__file__).resolve().parents[1],
        start_timeout=120,
    ) as server:
        yield Server(server.base, server.pid)


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident memory (VmHWM), in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


_UNITS = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}


def _seconds(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if not match:
        raise ValueError(f"wrk time {text!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def wrk(
    url: str,
    seconds: int = 5,
    connections: int = 4,
    paths: list[str] | None = None,
    threads: int = 1,
) -> WrkResult:
    """Run wrk against a loopback URL; with ``paths`` it rotates through them (mixed load).

    One thread is enough up to a few thousand requests/s. Beyond that (nginx's cache answers
    ~35 000/s here) one wrk thread saturates its core and its own event loop starves some
    connections: p99 435 ms against 1 ms with two threads, the same server, the same second."""
    if not url.startswith("http://127.0.0.1"):
        raise ValueError("load only against 127.0.0.1")
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is missing: make system (apt-get install wrk)")
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--latency",
        "--timeout",
        "30s",
    ]
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        if paths:
            listed = ", ".join(f'"{p}"' for p in paths)
            script.write(
                f"local paths = {{{listed}}}\nlocal i = 0\n"
                "request = function()\n  i = i + 1\n"
                "  return wrk.format('GET', paths[(i % #paths) + 1])\nend\n"
            )
    if paths:
        command += ["-s", script.name]
    try:
        out = subprocess.run(
            [*command, url], capture_output=True, text=True, timeout=seconds + 60, check=True
        ).stdout
    finally:
        os.unlink(script.name)
    latency = dict(re.findall(r"^\s+(50|99)(?:\.000)?%\s+(\S+)", out, flags=re.MULTILINE))
    total = re.search(r"(\d+) requests in", out)
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    errors = int(non_2xx.group(1)) if non_2xx else 0
    if socket_errors:
        errors += sum(int(g) for g in socket_errors.groups())
    if "50" not in latency or "99" not in latency or not total or not rate:
        raise RuntimeError(f"could not read wrk's output:\n{out}")
    return WrkResult(
        _seconds(latency["50"]),
        _seconds(latency["99"]),
        float(rate.group(1)),
        int(total.group(1)),
        errors,
    )


def _main() -> None:
    import uvicorn
    from fastapi.staticfiles import StaticFiles

    from oppvekst.snapshot.files import DataDir
    from oppvekst.web.app import create_app

    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--static", type=Path)
    args = parser.parse_args()
    app = create_app(DataDir(args.data_dir))
    if args.static:
        app.mount("/bench-static", StaticFiles(directory=args.static), name="bench-static")
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    _main()
