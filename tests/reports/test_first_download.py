"""``oppvekst serve`` starts the chart workers with the server, so the first report or package
ZIP does not wait for vl-convert to load: the workers are there before any request, and the
first ZIP is drawn by exactly those processes."""

from __future__ import annotations

import time
from pathlib import Path

import httpx

from oppvekst.charts.drawing import WORKERS
from oppvekst.web.process import free_port, running, serve_command


def _chart_workers(pid: int) -> set[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    found = set()
    for child in children:
        try:
            command = Path(f"/proc/{child}/cmdline").read_bytes()
        except OSError:
            continue  # ended meanwhile
        if b"drawing_worker.py" in command:
            found.add(int(child))
    return found


def test_the_server_starts_its_chart_workers_before_the_first_download(
    snapshot_dir: Path,
) -> None:
    port = free_port()
    with running(serve_command(snapshot_dir, port), port) as server:
        deadline = time.monotonic() + 20
        while len(workers := _chart_workers(server.pid)) < WORKERS:
            assert time.monotonic() < deadline, f"chart workers: {workers}"
            time.sleep(0.1)
        answer = httpx.get(f"{server.base}/pakker/tilstandsrapport-barnevern/4203.zip", timeout=120)
        assert answer.status_code == 200 and answer.content[:2] == b"PK"
        assert _chart_workers(server.pid) == workers  # drawn by the workers started with it
