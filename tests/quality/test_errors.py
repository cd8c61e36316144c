"""One error catalogue, one way to answer: every error a request can meet — a typed error from a
route, an unknown address, a wrong method, a rejected parameter, a broken route, the abuse limits —
answers as the catalogue's problem+json to API and JSON clients and as the Norwegian error page to
browsers."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from oppvekst.errors import (
    MethodNotAllowed,
    NotFound,
    OppvekstError,
    UnknownRegion,
    UrlTooLong,
    catalogue,
)

from .portal_process import make_app

PROBLEM_FIELDS = {"type", "title", "status", "detail", "instance", "code"}
BROWSER = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
JSON_CLIENT = {"Accept": "application/json"}
# Words that only an untranslated framework message would contain.
ENGLISH = re.compile(r"\b(Not Found|Method Not Allowed|Internal Server Error)\b")


@pytest.fixture(scope="module")
def app_client(snapshot_dir: Path) -> Iterator[TestClient]:
    app = make_app(snapshot_dir, OPPVEKST_RATE_LIMIT="off")

    def broken() -> None:
        raise RuntimeError("a bug in a route")

    app.add_api_route("/api/v1/feil-i-koden", broken)
    with TestClient(app, raise_server_exceptions=False) as opened:
        yield opened


def problem(response: httpx.Response, status: int, code: str) -> dict[str, object]:
    assert response.status_code == status, response.text[:300]
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, object] = response.json()
    assert set(body) - {"suggestions"} == PROBLEM_FIELDS
    assert body["status"] == status and body["code"] == code
    assert body["type"] == f"https://oppvekststatus.no/api/problemer/{code}"
    assert body["instance"] == response.request.url.path
    assert not ENGLISH.search(response.text), response.text
    return body


def error_page(response: httpx.Response, status: int) -> str:
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    assert f"(feil {status})" in response.text
    assert not ENGLISH.search(response.text)
    return response.text


def test_every_code_is_in_the_catalogue_once_with_a_status_and_a_norwegian_title() -> None:
    entries = list(catalogue())
    codes = [entry.code for entry in entries]
    assert len(codes) == len(set(codes)), codes
    for entry in entries:
        assert 400 <= entry.http_status <= 599, entry
        assert entry.title and not ENGLISH.search(entry.title), entry
    # The base class's title is not inherited silently: each entry says what it is.
    assert len({entry.title for entry in entries}) == len(entries)


def test_an_error_without_a_message_says_its_title() -> None:
    assert NotFound().message == "Fant ingenting på denne adressen"
    assert str(UnknownRegion("Ukjent: 9999", hint="Sjekk nummeret.")) == (
        "Ukjent: 9999 Sjekk nummeret."
    )


@pytest.mark.parametrize("path", ["/finnesikke", "/api/v1/finnesikke", "/api/finnesikke"])
def test_an_unknown_address_is_a_norwegian_problem_for_json_clients(
    app_client: TestClient, path: str
) -> None:
    body = problem(app_client.get(path, headers=JSON_CLIENT), 404, NotFound.code)
    assert body["title"] == NotFound.title and "Sjekk adressen" in str(body["detail"])


def test_an_unknown_api_address_is_a_problem_whatever_the_client_accepts(
    app_client: TestClient,
) -> None:
    problem(app_client.get("/api/v1/finnesikke", headers=BROWSER), 404, NotFound.code)


@pytest.mark.parametrize("path", ["/finnesikke", "/static/finnesikke.css"])
def test_an_unknown_address_is_the_norwegian_error_page_for_browsers(
    app_client: TestClient, path: str
) -> None:
    html = error_page(app_client.get(path, headers=BROWSER), 404)
    assert "Fant ingenting på denne adressen" in html and 'href="/"' in html


def test_a_wrong_method_is_a_problem_that_says_which_methods_work(
    app_client: TestClient,
) -> None:
    response = app_client.delete("/api/v1/status")
    problem(response, 405, MethodNotAllowed.code)
    assert "GET" in response.headers["allow"]


def test_a_wrong_method_on_a_page_is_the_error_page(app_client: TestClient) -> None:
    response = app_client.put("/statistikkbank", headers=BROWSER)
    error_page(response, 405)
    assert "GET" in response.headers["allow"]


def test_a_typed_error_keeps_its_message_and_suggestions(app_client: TestClient) -> None:
    body = problem(app_client.get("/api/v1/profile/9876"), 404, UnknownRegion.code)
    assert "9876" in str(body["title"])
    assert "9876" in error_page(app_client.get("/kommune/9876", headers=BROWSER), 404)


def test_a_rejected_parameter_is_a_bad_request_in_norwegian(app_client: TestClient) -> None:
    response = app_client.get("/api/v1/data?indicator=barn-0-17&limit=tusen")
    body = problem(response, 400, "bad-request")
    assert str(body["title"]).startswith("Ugyldig forespørsel")


def test_a_bug_in_a_route_is_a_norwegian_500(app_client: TestClient) -> None:
    body = problem(app_client.get("/api/v1/feil-i-koden"), 500, OppvekstError.code)
    assert body["title"] == OppvekstError.title


def test_the_limits_answer_with_the_catalogue_entry(app_client: TestClient) -> None:
    """The limits answer before routing, through the same renderer as the exception handlers."""
    response = app_client.get("/api/v1/status?" + "a" * 9000)
    body = problem(response, UrlTooLong.http_status, UrlTooLong.code)
    assert body["title"] == UrlTooLong.title and response.headers["cache-control"] == "no-store"
