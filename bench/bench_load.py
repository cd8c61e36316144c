"""Sustained mixed load for a bounded time (wrk on loopback, 8 connections): profile pages,
indicator pages, API queries and (when the routes exist) chart renders, rotating. Reports
requests/s, p50/p99, errors (must be 0) and the server's peak memory. Baseline in the same run: the
same load pattern on a static file from the same server."""

from __future__ import annotations

from typing import Any

import httpx

from bench.portal import build_demo_data, peak_rss_mb, serve, wrk
from bench.timing import Result

SECONDS = 15
CONNECTIONS = 8
MIX = [
    "/kommune/0301",
    "/kommune/4601",
    "/indikator/barn-0-17",
    "/api/v1/data?indicator=barn-0-17&region=0301,4601,5001",
    "/api/v1/profile/1103",
    "/kommune/1108",
    "/api/v1/data?indicator=barn-0-17&region=fylke:46&format=csv",
    "/indikator/andel-barn-0-17",
    "/api/v1/regions?q=bod",
    "/",
]
RENDERS = ["/indikator/barn-0-17/bilde.svg", "/kommune/0301/rapport.pdf"]


def run() -> list[dict[str, Any]]:
    data = build_demo_data()
    with serve(data) as server:
        # Chart renders join the mix only when those routes answer (they are being built).
        mix = MIX + [
            p for p in RENDERS if httpx.get(server.base + p, timeout=60).status_code == 200
        ]
        for path in mix:  # warm every path once; a failing path is an error, not a data point
            httpx.get(server.base + path, timeout=60).raise_for_status()
        mixed = wrk(server.base + mix[0], SECONDS, CONNECTIONS, paths=mix)
        memory = peak_rss_mb(server.pid)
        static = wrk(server.base + "/static/css/portal.css", SECONDS, CONNECTIONS)
    if mixed.errors or static.errors:
        raise RuntimeError(f"errors under sustained load: {mixed.errors} (static {static.errors})")
    note = (
        f"{SECONDS} s, {CONNECTIONS} connections, {len(mix)} paths: {mixed.requests} requests, "
        f"{mixed.requests_per_s:.1f} req/s, 0 errors, server peak RSS {memory:.0f} MiB"
    )
    return [
        Result(
            "load: sustained mixed traffic",
            mixed.p50_s,
            mixed.p99_s,
            f"static file, same load ({static.requests_per_s:.0f} req/s)",
            static.p50_s,
            note,
        ).row()
    ]
