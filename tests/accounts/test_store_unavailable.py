"""A user store that cannot be reached: the portal still answers (as to an anonymous visitor), and
signing in says so in Norwegian with 503 — never a bare driver error."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from tests.accounts.conftest import form_token

from oppvekst.settings import Settings
from oppvekst.snapshot.files import DataDir
from oppvekst.web.app import create_app

# Port 1 on this machine: nothing listens, so the connection is refused at once.
NOWHERE = "postgresql+psycopg://postgres@127.0.0.1:1/test?connect_timeout=2"


def test_an_unreachable_store_leaves_the_portal_answering(tmp_path: Path) -> None:
    app = create_app(DataDir(tmp_path), Settings(user_database_url=NOWHERE, rate_limit="off"))
    client = TestClient(app, base_url="https://testserver", follow_redirects=False)
    client.cookies.set("oppvekst_okt", "et-token-fra-en-tidligere-innlogging")
    page = client.get("/logg-inn")
    assert page.status_code == 200
    assert "private" in page.headers["cache-control"]  # the sign-in page is never cached
    assert "Logg ut" not in page.text
    answer = client.post(
        "/logg-inn",
        data={
            "email": "ola@baerum.kommune.no",
            "password": "x" * 12,
            "csrf_token": form_token(client),
        },
    )
    assert answer.status_code == 503
    assert "Brukerlageret svarer ikke" in answer.text
    assert answer.headers["retry-after"] == "30"
