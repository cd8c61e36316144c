"""Saving, listing and deleting views through the forms; only paths on this site are saved."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from tests.accounts.conftest import World, form_token

from oppvekst.accounts.models import AuditEvent
from oppvekst.accounts.saved import checked_url
from oppvekst.accounts.store import UserStore
from oppvekst.errors import InvalidSavedView

REFUSED = [
    "https://evil.example/kommune/3201",
    "http:/evil.example",
    "//evil.example/kommune",
    "/\\evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(document.cookie)",
    "data:text/html,<script>alert(1)</script>",
    "kommune/3201",
    "/kommune/3201\r\nSet-Cookie: x=1",
    "",
]


@pytest.mark.parametrize("url", REFUSED)
def test_an_address_off_this_site_is_refused_in_norwegian(world: World, url: str) -> None:
    client = world.signed_in("reader@other")
    token = form_token(client)
    answer = client.post(
        "/mine-visninger", data={"name": "Farlig", "url": url, "csrf_token": token}
    )
    assert answer.status_code == 400
    assert "Bare adresser på denne nettsiden kan lagres." in answer.text
    page = client.get("/mine-visninger")
    assert "Farlig" not in page.text


@pytest.mark.parametrize(
    "url",
    ["/", "/kommune/3201?sammenlign=3203&indikator=barnehage", "/statistikkbank?tema=skole#tabell"],
)
def test_a_path_on_this_site_is_kept_as_given(url: str) -> None:
    assert checked_url(f"  {url} ") == url


def test_a_view_needs_a_name_and_a_short_address() -> None:
    with pytest.raises(InvalidSavedView, match="for lang"):
        checked_url("/" + "a" * 2000)


def test_saving_listing_and_deleting_ones_own_view(world: World) -> None:
    client = world.signed_in("admin@other")
    token = form_token(client)
    url = "/kommune/3203?indikator=barnehage&aar=2024"
    nameless = client.post("/mine-visninger", data={"name": "  ", "url": url, "csrf_token": token})
    assert nameless.status_code == 400 and "Gi visningen et navn." in nameless.text
    saved = client.post(
        "/mine-visninger", data={"name": "Barnehage  i Asker", "url": url, "csrf_token": token}
    )
    assert saved.status_code == 303 and saved.headers["location"] == "/mine-visninger"
    page = client.get("/mine-visninger").text
    assert '<a href="/kommune/3203?indikator=barnehage&amp;aar=2024">Barnehage i Asker</a>' in page
    view_id = int(page.split('action="/mine-visninger/')[1].split("/slett")[0])
    deleted = client.post(f"/mine-visninger/{view_id}/slett", data={"csrf_token": token})
    assert deleted.status_code == 303
    assert "Barnehage i Asker" not in client.get("/mine-visninger").text
    again = client.post(f"/mine-visninger/{view_id}/slett", data={"csrf_token": token})
    assert again.status_code == 404 and "Fant ikke den lagrede visningen" in again.text
    assert isinstance(world.store, UserStore)
    with world.store.transaction() as db:
        logged = db.execute(
            select(AuditEvent.who, AuditEvent.detail).where(AuditEvent.what == "slettet-visning")
        ).all()
    assert ("admin@asker.kommune.no", "Barnehage i Asker") in logged
