"""Security headers on every kind of response: pages, API JSON, problem+json, static files, error
pages, the limits' own refusals and embed pages. Only ``/embed/`` may be framed by other sites."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from .portal_process import make_app

SAFE_REFERRER = {"no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"}

# (what, path, expected status, expected content type prefix)
RESPONSES = [
    ("front page", "/", 200, "text/html"),
    ("profile page", "/kommune/0301", 200, "text/html"),
    ("search page", "/sok?q=oslo", 200, "text/html"),
    ("statistics bank", "/statistikkbank", 200, "text/html"),
    ("indicator page", "/indikator/barn-0-17", 200, "text/html"),
    ("error page (unknown kommune)", "/kommune/9999", 404, "text/html"),
    ("unknown path", "/finnes-ikke", 404, ""),
    ("API JSON", "/api/v1/status", 200, "application/json"),
    ("API CSV", "/api/v1/data?indicator=barn-0-17&region=0301&format=csv", 200, "text/csv"),
    ("problem+json", "/api/v1/indicators/finnes-ikke", 404, "application/problem+json"),
    ("OpenAPI", "/api/v1/openapi.json", 200, "application/json"),
    ("API docs", "/api/docs", 200, "text/html"),
    ("static CSS", "/static/css/portal.css", 200, "text/css"),
    ("static JS", "/static/js/search.js", 200, ""),
    ("vendored interpreter", "/static/js/vendor/vega-interpreter.js", 200, ""),
    ("chart page", "/indikator/barn-0-17?fane=kart", 200, "text/html"),
    (
        "414 from the limits",
        "/api/v1/data?indicator=" + "x" * 9000,
        414,
        "application/problem+json",
    ),
]


def directives(csp: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for part in csp.split(";"):
        words = part.split()
        if words:
            out[words[0].lower()] = [w.lower() for w in words[1:]]
    return out


def assert_safe_headers(response: httpx.Response, frameable: bool) -> None:
    headers = response.headers
    csp = headers.get("content-security-policy")
    assert csp, "no Content-Security-Policy"
    rules = directives(csp)
    scripts = rules.get("script-src", rules.get("default-src"))
    assert scripts is not None, csp
    assert "'unsafe-inline'" not in scripts, csp
    # Charts use Vega's expression interpreter (tests/browser/test_strict_csp.py draws them all).
    assert "'unsafe-eval'" not in scripts and "'unsafe-eval'" not in rules.get("default-src", []), (
        csp
    )
    assert "*" not in scripts and "data:" not in scripts, csp
    assert rules.get("object-src") == ["'none'"], csp
    assert headers.get("x-content-type-options") == "nosniff"
    assert headers.get("referrer-policy") in SAFE_REFERRER
    ancestors = rules.get("frame-ancestors")
    if frameable:
        assert ancestors and ancestors != ["'none'"], csp
        assert "x-frame-options" not in headers
    else:
        assert ancestors == ["'none'"], csp
        assert headers.get("x-frame-options") == "DENY"


@pytest.mark.parametrize(
    ("what", "path", "status", "media"), RESPONSES, ids=[r[0] for r in RESPONSES]
)
def test_every_response_type_carries_the_security_headers(
    client: TestClient, what: str, path: str, status: int, media: str
) -> None:
    response = client.get(path)
    assert response.status_code == status, (what, response.text[:300])
    assert response.headers.get("content-type", "").startswith(media)
    assert_safe_headers(response, frameable=False)


def test_a_429_from_the_rate_limit_carries_the_security_headers(snapshot_dir: Path) -> None:
    app = make_app(snapshot_dir, OPPVEKST_RATE_LIMIT="1/1")
    with TestClient(app) as one_client:
        path = "/api/v1/data?indicator=barn-0-17&format=csv"
        assert one_client.get(path).status_code == 200
        refused = one_client.get(path)
    assert refused.status_code == 429
    assert_safe_headers(refused, frameable=False)


def test_only_embed_paths_may_be_framed(client: TestClient, routes: set[str]) -> None:
    # The rule itself, whether or not an embed page exists yet: the header depends on the path.
    response = client.get("/embed/finnes-ikke")
    assert_safe_headers(response, frameable=True)
    assert_safe_headers(client.get("/embedded-not-really"), frameable=False)


def test_real_embed_pages_are_frameable(client: TestClient, routes: set[str]) -> None:
    embeds = sorted(p for p in routes if p.startswith("/embed/"))
    if not embeds:
        pytest.skip("no /embed/ route exists yet")
    for path in embeds:
        concrete = re.sub(r"\{[^}]+\}", "barn-0-17", path)
        assert_safe_headers(client.get(concrete), frameable=True)


PAGES = [
    "/",
    "/kommune/0301",
    "/sok?q=bergen",
    "/statistikkbank",
    "/indikator/barn-0-17",
    "/status",
]


@pytest.mark.parametrize("path", PAGES)
def test_pages_need_no_inline_script_or_event_handler(client: TestClient, path: str) -> None:
    """The CSP blocks inline scripts; a page that relied on one would silently break."""
    html = client.get(path).text
    for tag in re.findall(r"<script\b[^>]*>", html, flags=re.IGNORECASE):
        data_block = re.search(r'type="application/(ld\+)?json"', tag)
        assert "src=" in tag or data_block, f"inline script on {path}: {tag}"
    handlers = re.findall(r"<[^>]+\son[a-z]+\s*=", html, flags=re.IGNORECASE)
    assert not handlers, f"inline event handlers on {path}: {handlers[:3]}"
    assert not re.search(r'href\s*=\s*"javascript:', html, flags=re.IGNORECASE)
