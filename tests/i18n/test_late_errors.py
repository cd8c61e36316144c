"""An exception nobody caught answers in the request's language (#16).

Starlette runs the handler for ``Exception`` in its outermost layer, outside the language
middleware: before, every such 500 was bokmål, and a prefixed page's error links kept ``/nn`` in
their path. Two failures are tried: one in a layer outside the language middleware (it never ran),
and one in a route (it ran, and its language was gone when the error was answered).
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.types import ASGIApp, Receive, Scope, Send

from oppvekst.errors import OppvekstError
from oppvekst.language import Language, use
from oppvekst.snapshot.files import DataDir
from oppvekst.web.app import create_app

FAIL = "x-test-fail"  # the header that makes the outer layer fail


class FailingLayer:
    """Raises before the rest of the app (the language middleware included) sees the request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and any(k == FAIL.encode() for k, _v in scope["headers"]):
            raise RuntimeError("a layer outside the language middleware failed")
        await self.app(scope, receive, send)


def _broken_route() -> None:
    raise RuntimeError("a route failed")


@pytest.fixture(scope="module")
def client(snapshot_dir: Path) -> Iterator[TestClient]:
    app: FastAPI = create_app(DataDir(snapshot_dir))
    app.add_middleware(FailingLayer)  # added last: outside every layer of create_app
    app.add_api_route("/api/v1/test-feil", _broken_route)
    app.add_api_route("/test-feil", _broken_route)
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def _title(lang: Language) -> str:
    with use(lang):
        return OppvekstError.translated_title()


def test_the_titles_differ() -> None:
    """Otherwise the tests below could not tell the languages apart."""
    assert len({_title(lang) for lang in Language}) == 3


PAGES = [
    ("/nn/kommune/3201", {FAIL: "1"}, Language.nn),
    ("/en/kommune/3201", {FAIL: "1"}, Language.en),
    ("/en", {FAIL: "1"}, Language.en),
    ("/kommune/3201", {FAIL: "1"}, Language.nb),
    ("/nn/test-feil", {}, Language.nn),
    ("/en/test-feil", {}, Language.en),
    ("/test-feil", {}, Language.nb),
]


@pytest.mark.parametrize(("path", "headers", "lang"), PAGES)
def test_a_page_error_is_in_the_pages_language(
    client: TestClient, path: str, headers: dict[str, str], lang: Language
) -> None:
    response = client.get(path, headers={"accept": "text/html", **headers})
    assert response.status_code == 500
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["content-language"] == lang.value
    page = html.unescape(response.text)
    assert f'<html lang="{lang.value}"' in page
    assert _title(lang) in page
    others = {_title(other) for other in Language if other is not lang}
    assert not any(title in page for title in others), path
    # The language switcher links the same page in each language, prefix once (not /nn/nn/…).
    assert "/nn/nn/" not in page and "/en/en/" not in page and "/en/nn/" not in page


API = [
    ("/api/v1/status", {FAIL: "1", "accept-language": "nn"}, Language.nn),
    ("/api/v1/status", {FAIL: "1", "accept-language": "en-GB,en;q=0.9"}, Language.en),
    ("/api/v1/status?lang=en", {FAIL: "1", "accept-language": "nn"}, Language.en),
    ("/nn/api/v1/status", {FAIL: "1"}, Language.nn),
    ("/api/v1/status", {FAIL: "1"}, Language.nb),
    ("/api/v1/test-feil", {"accept-language": "nn"}, Language.nn),
    ("/api/v1/test-feil?lang=en", {}, Language.en),
]


@pytest.mark.parametrize(("path", "headers", "lang"), API)
def test_an_api_error_is_a_problem_in_the_asked_language(
    client: TestClient, path: str, headers: dict[str, str], lang: Language
) -> None:
    response = client.get(path, headers=headers)
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["content-language"] == lang.value
    assert "accept-language" in response.headers["vary"].lower()
    problem = response.json()
    assert problem["title"] == _title(lang) and problem["code"] == "error"
    # The path as the API knows it, without a language prefix.
    assert problem["instance"] == path.split("?")[0].removeprefix("/nn")
