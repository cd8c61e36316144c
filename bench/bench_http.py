"""HTTP latency under real load (wrk on loopback, 4 connections).

The API rows come twice: with the portal's kept answers (a repeated query is served from the
per-snapshot answer cache, as a popular table or a polling dashboard would be) and computed afresh
for every request (cache off), both against the same Datasette measurement.

(a) The profile page ``/kommune/0301`` against a static file of the same size served by the same
server process (the cost of building the page, above the cost of HTTP itself).
(b) The API — one indicator × all kommuner × all years, and one kommune × all key indicators, as
JSON and CSV — against Datasette serving the same rows from SQLite in the same run.
"""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pandas as pd

from bench.portal import Server, WrkResult, build_demo_data, serve, wrk
from bench.timing import Result
from oppvekst.web.process import free_port

SECONDS = 5
PROFILE = "/kommune/0301"


def _row(name: str, ours: WrkResult, baseline: str, theirs: WrkResult) -> Result:
    for result in (ours, theirs):
        if result.errors:
            raise RuntimeError(f"{name}: {result.errors} errors under load")
    note = (
        f"{ours.requests_per_s:.0f} req/s vs {theirs.requests_per_s:.0f} req/s "
        f"= {ours.requests_per_s / theirs.requests_per_s:.1f}× the throughput; "
        f"p99 {ours.p99_s * 1000:.0f} ms vs {theirs.p99_s * 1000:.0f} ms"
    )
    return Result(name, ours.p50_s, ours.p99_s, baseline, theirs.p50_s, note)


@contextlib.contextmanager
def datasette(database: Path) -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "datasette", "serve", str(database), "-p", str(port),
         "-h", "127.0.0.1", "--setting", "max_returned_rows", "100000",
         "--setting", "sql_time_limit_ms", "30000"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base}/-/versions.json", timeout=2).status_code == 200:
                    break
            time.sleep(0.2)
        else:
            raise RuntimeError("Datasette did not start")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=15)


def _api_queries(server: Server) -> dict[str, str]:
    indicators = httpx.get(f"{server.base}/api/v1/indicators?key=true", timeout=60).json()
    items = indicators["indicators"] if isinstance(indicators, dict) else indicators
    key_ids = ",".join(sorted(i["id"] for i in items))
    return {
        "one indicator × all kommuner × all years": (
            "/api/v1/data?indicator=barn-0-17&region=kommune&limit=50000"
        ),
        "one kommune × all key indicators": (
            f"/api/v1/data?indicator={key_ids}&region=0301&limit=50000"
        ),
    }


def _warm(*urls: str) -> None:
    """One request each first, so no measurement includes a first-time load."""
    for url in urls:
        httpx.get(url, timeout=120).raise_for_status()


def _paths(n: int, path: str) -> list[tuple[str, str, str]]:
    return [
        ("JSON", path, f"/same-rows/t{n}.json?_shape=array&_size=max"),
        ("CSV", path + "&format=csv", f"/same-rows/t{n}.csv?_size=max"),
    ]


def run() -> list[dict[str, Any]]:
    data = build_demo_data()
    static = Path(tempfile.mkdtemp(prefix="bench-static-"))
    results: list[Result] = []
    try:
        with serve(data, static) as server:
            page = httpx.get(server.base + PROFILE, timeout=60)
            page.raise_for_status()
            # The baseline file: same byte count as the page (wrk sends no Accept-Encoding).
            (static / "same-size.html").write_bytes(page.content)
            results.append(
                _row(
                    f"HTTP: profile page {PROFILE} ({len(page.content) // 1024} KiB)",
                    wrk(server.base + PROFILE, SECONDS),
                    "a static file of the same size, same server",
                    wrk(server.base + "/bench-static/same-size.html", SECONDS),
                )
            )
            queries = _api_queries(server)
            frames = {}
            for label, path in queries.items():
                body = httpx.get(server.base + path, timeout=120).json()
                frames[label] = pd.DataFrame(body["rows"])
            database = static / "same-rows.db"
            with sqlite3.connect(database) as con:
                for n, frame in enumerate(frames.values()):
                    flat = frame.map(lambda v: v if not isinstance(v, dict | list) else str(v))
                    flat.to_sql(f"t{n}", con, index=False)
            with datasette(database) as theirs:
                baselines = {}
                for n, (label, path) in enumerate(queries.items()):
                    for fmt, ours_path, their_path in _paths(n, path):
                        _warm(server.base + ours_path, theirs + their_path)
                        theirs_result = wrk(theirs + their_path, SECONDS)
                        baselines[(label, fmt)] = theirs_result
                        results.append(
                            _row(
                                f"API {fmt}: {label} ({len(frames[label])} rows; answers kept)",
                                wrk(server.base + ours_path, SECONDS),
                                f"Datasette {fmt}, the same rows from SQLite",
                                theirs_result,
                            )
                        )
        # The same queries computed afresh every time (the API's answer cache and the response
        # cache off), against the same Datasette measurements: what a stream of different
        # queries costs.
        uncached = {"OPPVEKST_ANSWER_CACHE_MB": "0", "OPPVEKST_RESPONSE_CACHE_MB": "0"}
        with serve(data, static, uncached) as computing:
            for n, (label, path) in enumerate(queries.items()):
                for fmt, ours_path, _ in _paths(n, path):
                    _warm(computing.base + ours_path)
                    results.append(
                        _row(
                            f"API {fmt}: {label} ({len(frames[label])} rows; computed each time)",
                            wrk(computing.base + ours_path, SECONDS),
                            f"Datasette {fmt}, the same rows from SQLite",
                            baselines[(label, fmt)],
                        )
                    )
    finally:
        shutil.rmtree(static, ignore_errors=True)
    return [r.row() for r in results]
