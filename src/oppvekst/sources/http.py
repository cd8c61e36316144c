"""The shared HTTP client: timeouts, per-host rate limits, retries with back-off, typed errors.

Every connector talks to the network through :class:`HttpClient.fetch`, which takes a
:class:`Request` and returns a :class:`Response` carrying its own provenance (URL, body, time,
checksum). The clock, the sleep and the jitter source are injected so tests never really wait.
"""

from __future__ import annotations

import hashlib
import random
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Generic, Literal, Protocol, TypeVar
from urllib.parse import urlencode, urlsplit

import httpx
import orjson

from oppvekst.errors import BadQuery, QueryTooLarge, RateLimited, SourceUnavailable

Method = Literal["GET", "POST"]
T = TypeVar("T")

# Only these headers are kept for provenance; the rest is noise (cookies, tracing ids).
KEPT_HEADERS = ("content-type", "last-modified", "etag", "date", "retry-after", "content-encoding")


@dataclass(frozen=True, slots=True)
class Request:
    method: Method
    url: str
    body: bytes | None = None
    headers: tuple[tuple[str, str], ...] = ()

    @classmethod
    def get(
        cls, url: str, params: Mapping[str, str] | None = None, *, accept: str = "application/json"
    ) -> Request:
        full = f"{url}?{urlencode(dict(params))}" if params else url
        return cls("GET", full, None, (("Accept", accept),))

    @classmethod
    def post_json(cls, url: str, body: Any, *, accept: str = "application/json") -> Request:
        payload = orjson.dumps(body)
        headers = (("Accept", accept), ("Content-Type", "application/json"))
        return cls("POST", url, payload, headers)

    @property
    def host(self) -> str:
        return (urlsplit(self.url).hostname or "").lower()

    def describe(self) -> str:
        body = f" body={self.body[:200].decode('utf-8', 'replace')}" if self.body else ""
        return f"{self.method} {self.url}{body}"


@dataclass(frozen=True, slots=True)
class Response:
    """A received (or replayed) response with its provenance."""

    method: Method
    url: str
    request_body: bytes | None
    status: int
    headers: Mapping[str, str]
    content: bytes
    received_at: datetime
    sha256: str

    @classmethod
    def build(
        cls,
        request: Request,
        status: int,
        headers: Mapping[str, str],
        content: bytes,
        received_at: datetime,
    ) -> Response:
        kept = {k.lower(): v for k, v in headers.items() if k.lower() in KEPT_HEADERS}
        digest = hashlib.sha256(content).hexdigest()
        return cls(
            request.method, request.url, request.body, status, kept, content, received_at, digest
        )

    def json(self) -> Any:
        return orjson.loads(self.content)

    def provenance(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "url": self.url,
            "request_body": self.request_body.decode("utf-8") if self.request_body else None,
            "status": self.status,
            "headers": dict(self.headers),
            "received_at": self.received_at.isoformat(),
            "sha256": self.sha256,
        }


@dataclass(frozen=True, slots=True)
class Fetched(Generic[T]):
    """A parsed value together with the response it came from (provenance)."""

    value: T
    response: Response


class Fetcher(Protocol):
    """Anything that turns a request into a response: the live client, a mirror, a gateway."""

    def fetch(self, request: Request) -> Response: ...


class Clock(Protocol):
    def monotonic(self) -> float: ...
    def now(self) -> datetime: ...
    def sleep(self, seconds: float) -> None: ...


class SystemClock:
    def monotonic(self) -> float:
        return time.monotonic()

    def now(self) -> datetime:
        return datetime.now(UTC)

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


@dataclass(frozen=True, slots=True)
class RateLimit:
    calls: int
    per_seconds: float


# SSB: 30 calls per 60 s per IP, shared by everyone behind the IP (SOURCES-API.md §1.1).
DEFAULT_LIMITS: Mapping[str, RateLimit] = {"data.ssb.no": RateLimit(30, 60.0)}


class RateLimiter:
    """At most ``calls`` starts in any window of ``per_seconds``, per host.

    A sliding log rather than a refilling bucket: a bucket of 30 that refills continuously lets
    ~60 calls through in the first minute, which is exactly what SSB's per-window limit rejects.
    """

    def __init__(self, limits: Mapping[str, RateLimit], clock: Clock) -> None:
        self._limits = dict(limits)
        self._clock = clock
        self._starts: dict[str, deque[float]] = {}

    def acquire(self, host: str) -> float:
        """Block until a call to ``host`` is allowed; return the seconds waited."""
        limit = self._limits.get(host)
        if limit is None:
            return 0.0
        starts = self._starts.setdefault(host, deque())
        waited = 0.0
        while True:
            now = self._clock.monotonic()
            while starts and now - starts[0] >= limit.per_seconds:
                starts.popleft()
            if len(starts) < limit.calls:
                starts.append(now)
                return waited
            delay = limit.per_seconds - (now - starts[0])
            self._clock.sleep(delay)
            waited += delay


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    attempts: int = 5  # total tries, the first included
    base_delay: float = 1.0
    max_delay: float = 60.0
    jitter: float = 0.25  # up to +25 % so parallel runs do not retry in lockstep
    max_retry_after: float = 300.0  # a longer Retry-After is not worth waiting for

    def delay(self, retry: int, draw: Callable[[], float]) -> float:
        base: float = min(self.max_delay, self.base_delay * 2.0**retry)
        return min(self.max_delay, base * (1.0 + self.jitter * draw()))


@dataclass
class HttpClient:
    """Live network access. Use as the ``client`` of a :class:`~oppvekst.sources.mirror.Gateway`."""

    transport: httpx.BaseTransport | None = None
    clock: Clock = field(default_factory=SystemClock)
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    limits: Mapping[str, RateLimit] = field(default_factory=lambda: dict(DEFAULT_LIMITS))
    timeout: float = 60.0
    user_agent: str = "oppvekst/0.1 (+https://github.com/oppvekststatus)"
    draw: Callable[[], float] = random.random
    _client: httpx.Client = field(init=False, repr=False)
    _limiter: RateLimiter = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._client = httpx.Client(
            transport=self.transport,
            timeout=httpx.Timeout(self.timeout, connect=10.0),
            headers={"User-Agent": self.user_agent},
            follow_redirects=True,
        )
        self._limiter = RateLimiter(self.limits, self.clock)

    def close(self) -> None:
        self._client.close()

    def fetch(self, request: Request) -> Response:
        last_problem = ""
        for attempt in range(self.retry.attempts):
            self._limiter.acquire(request.host)
            try:
                raw = self._client.request(
                    request.method, request.url, content=request.body, headers=dict(request.headers)
                )
            except httpx.TransportError as exc:
                last_problem = f"{type(exc).__name__}: {exc}"
                self._pause(attempt, None)
                continue
            response = Response.build(
                request, raw.status_code, raw.headers, raw.content, self.clock.now()
            )
            if response.status < 400:
                return response
            if response.status == 429 or response.status >= 500:
                last_problem = f"HTTP {response.status}"
                if attempt + 1 < self.retry.attempts:
                    self._pause(attempt, _retry_after(response, self.clock.now()))
                continue
            raise _client_error(request, response)
        if last_problem == "HTTP 429":
            raise RateLimited(
                f"{request.host} kept answering 429 Too Many Requests after "
                f"{self.retry.attempts} tries ({request.describe()}).",
                hint="Wait a few minutes and run again; run large fetches sequentially.",
            )
        raise SourceUnavailable(
            f"{request.host} is unavailable ({last_problem}) after {self.retry.attempts} tries "
            f"({request.describe()}).",
            hint="Try again later, or run offline from the mirror (REPLAY mode).",
        )

    def _pause(self, attempt: int, retry_after: float | None) -> None:
        if attempt + 1 >= self.retry.attempts:
            return
        delay = self.retry.delay(attempt, self.draw)
        if retry_after is not None:
            if retry_after > self.retry.max_retry_after:
                raise RateLimited(
                    f"The source asks us to wait {retry_after:.0f} s (Retry-After).",
                    hint="Run again later; the server has throttled this IP.",
                )
            delay = max(delay, retry_after)
        self.clock.sleep(delay)


def _retry_after(response: Response, now: datetime) -> float | None:
    value = response.headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


def _client_error(request: Request, response: Response) -> Exception:
    detail = problem_detail(response.content)
    where = request.describe()
    if response.status == 403 and request.host == "data.ssb.no":
        return QueryTooLarge(
            f"SSB answered 403: the query selects over 800 000 cells ({where}). {detail}".strip(),
            hint="Split the query (fewer regions or years per request).",
        )
    if response.status == 404:
        return BadQuery(
            f"{request.host} answered 404 Not Found ({where}). {detail}".strip(),
            hint="Check the table id / report code in the catalogue; for SSB a GET URL over "
            "~2 100 characters also gives 404 (use POST).",
        )
    return BadQuery(
        f"{request.host} answered {response.status} ({where}). {detail}".strip(),
        hint="Check the table id and the variable/value codes in the catalogue record.",
    )


def problem_detail(content: bytes) -> str:
    """The human part of an error body: SSB ``detail``, FHI ``status``, Udir ``melding``."""
    try:
        doc = orjson.loads(content)
    except orjson.JSONDecodeError:
        return content[:300].decode("utf-8", "replace").strip()
    if isinstance(doc, dict):
        for key in ("detail", "melding", "status", "error", "title", "message"):
            value = doc.get(key)
            if isinstance(value, str) and value:
                return value
    return ""
