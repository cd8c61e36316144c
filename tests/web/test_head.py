"""HEAD on every GET address: the GET's status and headers, no body (``web.head``)."""

from __future__ import annotations

import http.client
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

ADDRESSES = [
    "/",
    "/kommune/0301",
    "/nn/kommune/0301",
    "/indikator/barn-0-17",
    "/en/indikator/barn-0-17/ulikhet?omrade=0301",
    "/kommune/9999",  # an unknown area: the GET's 404, not a 405
    "/api/v1/indicators",
    "/api/v1/data?indikator=barn-0-17&omrade=0301",
    "/api/v1/data",  # a wrong request: the GET's 400
    "/static/css/portal.css",
]


@pytest.mark.parametrize("address", ADDRESSES)
def test_head_is_the_get_without_its_body(client: TestClient, address: str) -> None:
    got = client.get(address)
    head = client.head(address)
    assert head.status_code == got.status_code != 405
    assert head.content == b""
    for name in ("content-type", "content-length", "etag", "cache-control", "content-language"):
        assert head.headers.get(name) == got.headers.get(name), name


def test_head_on_a_form_only_address_is_still_refused(client: TestClient) -> None:
    # /logg-ut answers only POST: a HEAD is a GET there, and a GET is refused.
    assert client.head("/logg-ut").status_code == client.get("/logg-ut").status_code == 405


def test_head_over_real_http_ends_the_answer_at_its_headers(live_server: str) -> None:
    # uvicorn must not wait for (or send) the Content-Length bytes of a HEAD: a second request
    # on the same connection is answered too.
    parts = urlsplit(live_server)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
    try:
        for path in ("/kommune/0301/rapport.pdf", "/kommune/0301"):
            connection.request("HEAD", path)
            answer = connection.getresponse()
            assert answer.status == 200
            assert int(answer.headers["Content-Length"]) > 1000
            assert answer.read() == b""
    finally:
        connection.close()
