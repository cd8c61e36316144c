"""Serving a nation: kept answers (``oppvekst.cache``) and replicas behind nginx.

(a) The profile and the indicator page, kept, against a static file of the same size from the same
    server under the same wrk load (target: at most 1.5×).
(b) The mixed load through nginx (``deploy/nginx.conf``) in front of two replicas: page views/s,
    p99 and errors (target: ≥ 1 000/s, p99 < 100 ms, 0 errors), against the same load on one
    replica without nginx; each replica's peak RSS (target < 500 MB).
(c) A cold profile (nothing kept; the server warm) against the same pages kept (target < 50 ms);
    a kept chart image, PDF report and package ZIP against their first, cold request (target for
    the chart ≤ 5 ms).

The steady state is measured with the background warmer off (``STEADY``): the warmer renders every
report and ZIP after a publish, which on two cores competes with the load for minutes, and would
also keep the "cold" pages before they are asked. The same nginx load is measured once more while
the warmer runs — the minutes right after a publish — so that state has its figure too.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from bench.bench_load import CONNECTIONS, MIX
from bench.portal import ENV, WrkResult, build_demo_data, peak_rss_mb, serve, wrk
from bench.timing import Result, median, p99
from oppvekst.snapshot.files import DataDir
from oppvekst.snapshot.store import Store
from oppvekst.web.proxy import deployment

SECONDS = 5
LOAD_SECONDS = 15
COLD_AREAS = 15
REPEAT = 20
PAGES = {"profile page": "/kommune/0301", "indicator page": "/indikator/barn-0-17"}
FILES = {
    "chart PNG": "/indikator/barn-0-17/bilde.png",
    "PDF report": "/kommune/4601/rapport.pdf",
    "package ZIP": "/pakker/tilstandsrapport-barnevern/4601.zip",
}


# The portal as it serves once the warmer has finished (it then only sleeps until a publish).
STEADY = {**ENV, "OPPVEKST_RESPONSE_CACHE_WARM": "false"}


def _timed(http: httpx.Client, path: str) -> float:
    start = time.perf_counter()
    http.get(path).raise_for_status()
    return time.perf_counter() - start


def _checked(name: str, result: WrkResult) -> WrkResult:
    if result.errors:
        raise RuntimeError(f"{name}: {result.errors} errors under load")
    return result


def _kept_vs_static(server_base: str, static: Path, http: httpx.Client) -> list[Result]:
    rows = []
    for label, path in PAGES.items():
        page = http.get(path)  # makes and keeps the answer
        page.raise_for_status()
        name = f"same-size-{label.split()[0]}.html"
        # wrk sends no Accept-Encoding: the plain body, byte for byte the same size.
        (static / name).write_bytes(page.content)
        ours = _checked(label, wrk(server_base + path, SECONDS, CONNECTIONS))
        theirs = _checked("static", wrk(f"{server_base}/bench-static/{name}", SECONDS, CONNECTIONS))
        note = (
            f"{ours.requests_per_s:.0f} req/s vs {theirs.requests_per_s:.0f} req/s, "
            f"{CONNECTIONS} connections; p99 {ours.p99_s * 1000:.0f} ms vs "
            f"{theirs.p99_s * 1000:.0f} ms; target ≤ 1.5×"
        )
        rows.append(
            Result(
                f"kept {label} {path} ({len(page.content) // 1024} KiB)",
                ours.p50_s,
                ours.p99_s,
                "a static file of the same size, same server, same load",
                theirs.p50_s,
                note,
            )
        )
    return rows


def _cold(data: Path, http: httpx.Client) -> list[Result]:
    store = Store(DataDir(data).current_path())
    try:
        areas = [c for c, r in store.regions.items() if r.level == "kommune"][:COLD_AREAS]
    finally:
        store.close()
    http.get("/kommune/0301").raise_for_status()  # the server's own first-use loads
    cold = [_timed(http, f"/kommune/{code}?bench=cold") for code in areas]
    kept = [_timed(http, f"/kommune/{code}?bench=cold") for code in areas]
    rows = [
        Result(
            "cold profile page (nothing kept, server warm)",
            median(cold),
            p99(cold),
            "the same pages kept",
            median(kept),
            f"{len(areas)} kommuner, one request each, sequential; target < 50 ms",
        )
    ]
    for label, path in FILES.items():
        first = _timed(http, path)
        again = [_timed(http, path) for _ in range(REPEAT)]
        target = "; target ≤ 5 ms" if label == "chart PNG" else ""
        rows.append(
            Result(
                f"kept {label} {path}",
                median(again),
                p99(again),
                "its first request (cold: made then)",
                first,
                f"{REPEAT} sequential requests{target}",
            )
        )
    return rows


def _front(
    data: Path, environment: dict[str, str], warmup_seconds: int
) -> tuple[WrkResult, list[float]]:
    """The mixed load through nginx in front of two replicas, and each replica's peak RSS.

    ``warmup_seconds`` of the same wrk load first: nginx keeps one copy per Accept-Encoding
    (``Vary``), and wrk asks without one, so its first requests of each path miss even when
    httpx (gzip) has filled the cache; the requests queued behind a miss wait on
    ``proxy_cache_lock``, which nginx polls every 500 ms (p99 450 ms in a 15 s run, 0.5 ms after)."""
    prefix = Path(tempfile.mkdtemp(prefix="bench-nginx-"))
    try:
        with deployment(data, prefix, replicas=2, environment=environment) as front:
            for path in MIX:  # every path once through the front: a failing path is an error
                httpx.get(front.base + path, timeout=120).raise_for_status()
            if warmup_seconds:
                wrk(front.base + MIX[0], warmup_seconds, CONNECTIONS, MIX, threads=2)
            # Two wrk threads, one per core (wrk's own advice): at nginx's rate one thread is
            # the bottleneck and its tail, not the server's (see ``bench.portal.wrk``).
            load = wrk(front.base + MIX[0], LOAD_SECONDS, CONNECTIONS, MIX, threads=2)
            mixed = _checked("nginx", load)
            return mixed, [peak_rss_mb(pid) for pid in front.pids]
    finally:
        shutil.rmtree(prefix, ignore_errors=True)


def _through_nginx(data: Path, server_base: str) -> list[Result]:
    mixed, memory = _front(data, STEADY, warmup_seconds=3)
    direct = _checked("direct", wrk(server_base + MIX[0], LOAD_SECONDS, CONNECTIONS, MIX))
    # Right after a publish: nothing of the new snapshot kept, both replicas' warmers at work.
    shutil.rmtree(data / "cache", ignore_errors=True)
    warming, _ = _front(data, ENV, warmup_seconds=0)  # as a publish finds it: cold
    note = (
        f"{LOAD_SECONDS} s, {CONNECTIONS} connections, 2 wrk threads, {len(MIX)} paths: {mixed.requests} "
        f"requests, {mixed.requests_per_s:.0f} page views/s, 0 errors (one replica alone: "
        f"{direct.requests_per_s:.0f}/s); peak RSS per replica "
        + ", ".join(f"{m:.0f}" for m in memory)
        + " MiB; targets ≥ 1 000/s, p99 < 100 ms, RSS < 500 MB"
    )
    return [
        Result(
            "mixed load through nginx + 2 replicas",
            mixed.p50_s,
            mixed.p99_s,
            "the same load on one replica without nginx",
            direct.p50_s,
            note,
        ),
        Result(
            "the same mixed load through nginx while both warmers run (right after a publish)",
            warming.p50_s,
            warming.p99_s,
            "the steady state (row above)",
            mixed.p50_s,
            f"{warming.requests} requests, {warming.requests_per_s:.0f} page views/s, 0 errors",
        ),
    ]


def run() -> list[dict[str, Any]]:
    data = build_demo_data()
    shutil.rmtree(data / "cache" / "svar", ignore_errors=True)  # nothing kept: cold is cold
    static = Path(tempfile.mkdtemp(prefix="bench-static-"))
    rows: list[Result] = []
    try:
        with (
            serve(data, static, STEADY) as server,
            httpx.Client(base_url=server.base, timeout=300) as http,
        ):
            rows += _cold(data, http)
            rows += _kept_vs_static(server.base, static, http)
            rows += _through_nginx(data, server.base)
    finally:
        shutil.rmtree(static, ignore_errors=True)
    return [r.row() for r in rows]
