"""The abuse limits: request size (414/431/413), the per-client rate on expensive endpoints (429 +
Retry-After, problem+json in Norwegian) and the bounded render queue (503 + Retry-After)."""

from __future__ import annotations

import asyncio
import concurrent.futures
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from oppvekst.web.limits import LimitsConfig, LimitsMiddleware, LocalBuckets, is_expensive

from .portal_process import make_app

CSV = "/api/v1/data?indicator=barn-0-17&region=0301&format=csv"


@pytest.fixture
def limited(snapshot_dir: Path) -> TestClient:
    return TestClient(make_app(snapshot_dir, OPPVEKST_RATE_LIMIT="3/6"))


def assert_problem(response: httpx.Response, status: int) -> dict[str, object]:
    assert response.status_code == status, response.text[:300]
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, object] = response.json()
    assert body["status"] == status and body["title"] and body["detail"]
    return body


def test_expensive_requests_beyond_the_burst_get_429_with_retry_after(limited: TestClient) -> None:
    answers = [limited.get(CSV) for _ in range(4)]
    assert [a.status_code for a in answers[:3]] == [200, 200, 200]
    body = assert_problem(answers[3], 429)
    assert body["title"] == "For mange forespørsler"
    assert "Vent" in str(body["detail"])
    # 6 per minute: the next token is 10 s away.
    assert 1 <= int(answers[3].headers["retry-after"]) <= 10


def test_cheap_requests_are_never_rate_limited(limited: TestClient) -> None:
    for _ in range(3):
        limited.get(CSV)  # the bucket is empty now …
    cheap = [limited.get("/api/v1/status").status_code for _ in range(10)]
    cheap += [limited.get("/api/v1/data?indicator=barn-0-17&region=0301").status_code]
    assert cheap == [200] * 11  # … and pages and filtered JSON still answer


def test_clients_have_their_own_buckets() -> None:
    clock = [0.0]
    buckets = LocalBuckets(burst=2, per_minute=60, max_clients=100, clock=lambda: clock[0])
    assert [buckets.take("a") for _ in range(2)] == [0.0, 0.0]
    assert buckets.take("a") == pytest.approx(1.0)
    assert buckets.take("b") == 0.0  # another client is unaffected
    clock[0] = 1.0
    assert buckets.take("a") == 0.0  # one token back after a second


def test_bucket_memory_is_bounded() -> None:
    buckets = LocalBuckets(burst=1, per_minute=1, max_clients=50)
    for n in range(1000):
        buckets.take(f"10.0.{n // 256}.{n % 256}")
    assert len(buckets._buckets) == 50


@pytest.mark.parametrize(
    ("path", "query", "accept", "expensive"),
    [
        ("/api/v1/data", {"indicator": ["x"], "format": ["xlsx"], "region": ["0301"]}, "", True),
        ("/api/v1/data", {"indicator": ["x"], "format": ["parquet"], "region": ["0301"]}, "", True),
        (
            "/api/v1/data",
            {"indicator": ["x"], "format": ["jsonstat2"], "region": ["0301"]},
            "",
            True,
        ),
        ("/api/v1/data", {"indicator": ["x"], "region": ["0301"]}, "text/csv", True),
        ("/api/v1/data", {"indicator": ["x"]}, "", True),  # no region filter: every kommune
        ("/api/v1/data", {"indicator": ["x"], "region": ["0301"]}, "", False),
        ("/indikator/x/bilde.png", {}, "", True),
        ("/kommune/0301/rapport.pdf", {}, "", True),
        ("/pakker/p/pakke.zip", {}, "", True),
        ("/pakker/p", {"format": ["xlsx"]}, "", True),
        ("/kommune/0301", {}, "", False),
        ("/api/v1/status", {}, "", False),
    ],
)
def test_what_counts_as_expensive(
    path: str, query: dict[str, list[str]], accept: str, expensive: bool
) -> None:
    assert is_expensive(path, query, accept) is expensive


def test_a_too_long_url_gets_414(client: TestClient) -> None:
    body = assert_problem(client.get("/kommune/0301?x=" + "a" * 9000), 414)
    assert body["title"] == "Adressen er for lang"


def test_too_large_headers_get_431(client: TestClient) -> None:
    response = client.get("/", headers={"Cookie": "a=" + "b" * 9000})
    assert_problem(response, 431)


def test_a_large_body_gets_413(client: TestClient) -> None:
    response = client.post("/api/v1/status", content=b"x" * 100_000)
    assert_problem(response, 413)


def test_limits_answer_with_security_headers_in_norwegian(client: TestClient) -> None:
    response = client.get("/?" + "a" * 9000)
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "adresse" in response.json()["detail"].lower()


def test_the_render_queue_is_bounded() -> None:
    """One slot, one waiting place, a short wait: of four renders at once, one is served and the
    others are told to come back (503 + Retry-After) instead of piling up threads."""
    release = asyncio.Event()

    async def render(request: object) -> PlainTextResponse:
        await release.wait()
        return PlainTextResponse("png")

    app = Starlette(routes=[Route("/indikator/x/bilde.png", render)])
    config = LimitsConfig(per_minute=0, render_slots=1, render_queue=1, render_wait=0.2)
    wrapped = LimitsMiddleware(app, config)

    async def scenario() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=wrapped)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            first = asyncio.create_task(http.get("/indikator/x/bilde.png"))
            await asyncio.sleep(0.05)  # the first holds the only slot
            others = [http.get("/indikator/x/bilde.png") for _ in range(3)]
            refused = await asyncio.gather(*others)
            release.set()
            return [await first, *refused]

    # A thread of its own: in a worker that also drives Playwright's sync API, this thread
    # already has a running event loop, and asyncio.run refuses to nest.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        answers = pool.submit(asyncio.run, scenario()).result(timeout=60)
    assert answers[0].status_code == 200
    for refused in answers[1:]:
        assert_problem(refused, 503)
        assert refused.headers["retry-after"] == "5"
