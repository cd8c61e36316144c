"""The shared HTTP client: rate limit, back-off, Retry-After, error mapping (no real sleeps)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import httpx
import pytest

from oppvekst.errors import BadQuery, QueryTooLarge, RateLimited, SourceUnavailable
from oppvekst.sources.http import HttpClient, RateLimit, RateLimiter, Request, RetryPolicy

from .clock import FakeClock

SSB = "https://data.ssb.no/api/pxwebapi/v2/tables/05300?lang=no"


def _client(
    handler: Callable[[httpx.Request], httpx.Response], clock: FakeClock, **kwargs: object
) -> HttpClient:
    return HttpClient(
        transport=httpx.MockTransport(handler),
        clock=clock,
        draw=lambda: 0.0,  # no jitter: exact delays
        **kwargs,  # type: ignore[arg-type]
    )


def test_31st_call_within_60_seconds_waits_for_the_window() -> None:
    clock = FakeClock()
    limiter = RateLimiter({"data.ssb.no": RateLimit(30, 60.0)}, clock)
    for _ in range(30):
        assert limiter.acquire("data.ssb.no") == 0.0
        clock.elapsed += 0.5  # 30 calls in 15 s
    waited = limiter.acquire("data.ssb.no")
    assert waited == pytest.approx(45.0)  # until the first call is 60 s old
    assert clock.elapsed == pytest.approx(60.0)
    assert limiter.acquire("other.example") == 0.0  # limits are per host


def test_client_applies_ssb_limit() -> None:
    clock = FakeClock()
    client = _client(lambda r: httpx.Response(200, content=b"{}"), clock)
    for _ in range(31):
        client.fetch(Request.get(SSB))
    assert clock.sleeps == [pytest.approx(60.0)]


def test_429_retry_after_is_honoured() -> None:
    clock = FakeClock()
    calls: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(clock.elapsed)
        if len(calls) == 1:
            return httpx.Response(429, headers={"Retry-After": "17"})
        return httpx.Response(200, content=b'{"ok": true}')

    response = _client(handler, clock).fetch(Request.get(SSB))
    assert response.status == 200
    assert clock.sleeps == [17.0]  # Retry-After beats the 1 s back-off
    assert calls == [0.0, 17.0]


def test_503_is_retried_then_source_unavailable() -> None:
    clock = FakeClock()
    seen: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(1)
        return httpx.Response(503)

    client = _client(handler, clock, retry=RetryPolicy(attempts=4, base_delay=1.0, max_delay=3.0))
    with pytest.raises(SourceUnavailable, match=r"HTTP 503.*after 4 tries"):
        client.fetch(Request.get(SSB))
    assert len(seen) == 4
    assert clock.sleeps == [1.0, 2.0, 3.0]  # exponential, capped at max_delay


def test_jitter_is_bounded() -> None:
    policy = RetryPolicy(base_delay=2.0, max_delay=100.0, jitter=0.25)
    assert policy.delay(3, lambda: 1.0) == pytest.approx(20.0)  # 16 s + 25 %
    assert policy.delay(10, lambda: 1.0) == 100.0


def test_transport_errors_are_retried() -> None:
    clock = FakeClock()
    attempts: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        attempts.append(1)
        if len(attempts) < 3:
            raise httpx.ConnectError("connection refused")
        return httpx.Response(200, content=b"[]")

    assert _client(handler, clock).fetch(Request.get(SSB)).content == b"[]"
    assert len(attempts) == 3


def test_persistent_429_is_rate_limited() -> None:
    clock = FakeClock()
    client = _client(lambda r: httpx.Response(429), clock, retry=RetryPolicy(attempts=2))
    with pytest.raises(RateLimited, match="429"):
        client.fetch(Request.get(SSB))


def test_400_is_bad_query_with_problem_detail_and_no_retry() -> None:
    clock = FakeClock()
    seen: list[int] = []
    problem = (
        b'{"title":"Bad Request","status":400,'
        b'"detail":"Value, 9999 is not a valid value code for variable Region"}'
    )

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(1)
        return httpx.Response(
            400, content=problem, headers={"Content-Type": "application/problem+json"}
        )

    with pytest.raises(BadQuery, match="not a valid value code for variable Region") as info:
        _client(handler, clock).fetch(Request.get(SSB))
    assert len(seen) == 1
    assert clock.sleeps == []
    assert "catalogue" in info.value.hint


def test_404_explains_long_urls() -> None:
    client = _client(lambda r: httpx.Response(404), FakeClock())
    with pytest.raises(BadQuery, match="404") as info:
        client.fetch(Request.get(SSB))
    assert "2 100" in info.value.hint


def test_403_on_ssb_is_query_too_large() -> None:
    client = _client(lambda r: httpx.Response(403), FakeClock())
    with pytest.raises(QueryTooLarge, match="800 000"):
        client.fetch(Request.get(SSB))


def test_response_provenance() -> None:
    clock = FakeClock()
    body = b'{"class":"dataset"}'
    client = _client(
        lambda r: httpx.Response(
            200, content=body, headers={"Content-Type": "application/json", "Set-Cookie": "x=1"}
        ),
        clock,
    )
    request = Request.post_json(
        "https://statistikk-data.fhi.no/api/open/v1/nokkel/table/1/data", {"a": 1}
    )
    response = client.fetch(request)
    assert response.method == "POST"
    assert response.request_body == b'{"a":1}'
    assert response.sha256 == hashlib.sha256(body).hexdigest()
    assert response.received_at == clock.now()
    assert response.received_at.tzinfo is not None
    assert dict(response.headers) == {"content-type": "application/json"}  # cookies dropped
