"""The authorisation matrix: anonymous and each role (reader, editor, admin), in the owner's own
organisation and in another one, against every endpoint that holds a person's or an
organisation's data — on SQLite and on PostgreSQL (``conftest.database_url``).

The target is the ``owner``'s saved view (an editor of Bærum) and Bærum's audit log. Nobody but
the owner may list, infer or delete the view; only an admin reads a log, and only their own
organisation's. A session signed out everywhere, or expired, reaches nothing.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from tests.accounts.conftest import World, form_token

ROLES = ("reader", "editor", "admin")
PLACES = ("own", "other")
ACTORS = ["anonymous", *(f"{role}@{place}" for role in ROLES for place in PLACES)]
SECRET = "Eierens hemmelige visning"


def _client(world: World, actor: str) -> TestClient:
    return world.app() if actor == "anonymous" else world.signed_in(actor)


def _owner_still_has_the_view(world: World) -> None:
    page = world.signed_in("owner").get("/mine-visninger")
    assert page.status_code == 200 and SECRET in page.text


@pytest.mark.parametrize("actor", ACTORS)
def test_listing_saved_views_shows_only_ones_own(world: World, actor: str) -> None:
    page = _client(world, actor).get("/mine-visninger")
    assert SECRET not in page.text
    if actor == "anonymous":
        assert page.status_code == 303
        assert page.headers["location"] == "/logg-inn?neste=/mine-visninger"
        assert "Visning for" not in page.text
        return
    assert page.status_code == 200
    assert f"Visning for {actor}" in page.text
    # Exactly one view listed: nobody else's, from either organisation.
    assert page.text.count("/slett") == 1


@pytest.mark.parametrize("actor", ACTORS)
def test_nobody_else_can_delete_the_owners_view(world: World, actor: str) -> None:
    client = _client(world, actor)
    token = form_token(client)
    answer = client.post(f"/mine-visninger/{world.owner_view_id}/slett", data={"csrf_token": token})
    # 404, not 403: the answer does not even say that such a view exists.
    assert answer.status_code == (401 if actor == "anonymous" else 404)
    assert SECRET not in answer.text
    _owner_still_has_the_view(world)


@pytest.mark.parametrize("actor", ACTORS)
def test_only_an_admin_reads_the_audit_log_and_only_their_own(world: World, actor: str) -> None:
    page = _client(world, actor).get("/organisasjon/logg")
    if actor == "anonymous":
        assert page.status_code == 303
        assert page.headers["location"] == "/logg-inn?neste=/organisasjon/logg"
    elif not actor.startswith("admin@"):
        assert page.status_code == 403 and "Du har ikke tilgang" in page.text
    else:
        assert page.status_code == 200
        own, other = ("baerum", "asker") if actor.endswith("@own") else ("asker", "baerum")
        assert f"@{own}.kommune.no" in page.text
        assert f"@{other}.kommune.no" not in page.text
    if actor != "admin@own":
        assert "eier@baerum.kommune.no" not in page.text


@pytest.mark.parametrize("actor", ACTORS)
def test_signing_out_everywhere_ends_every_session_of_that_person_only(
    world: World, actor: str
) -> None:
    if actor == "anonymous":
        client = world.app()
        answer = client.post("/logg-ut-overalt", data={"csrf_token": form_token(client)})
        assert answer.status_code == 401
        _owner_still_has_the_view(world)
        return
    laptop, phone = world.signed_in(actor), world.signed_in(actor)
    bystander = world.signed_in("owner")
    answer = laptop.post("/logg-ut-overalt", data={"csrf_token": form_token(laptop)})
    assert answer.status_code == 303 and answer.headers["location"] == "/logg-inn"
    for browser in (laptop, phone):
        after = browser.get("/mine-visninger")
        assert after.status_code == 303 and after.headers["location"].startswith("/logg-inn")
    # Another person's session (here the owner, in the same organisation or not) lives on.
    assert bystander.get("/mine-visninger").status_code == 200


@pytest.mark.parametrize("actor", [a for a in ACTORS if a != "anonymous"])
def test_an_expired_session_reaches_nothing(world: World, actor: str) -> None:
    client = world.signed_in(actor, lifetime=timedelta(seconds=-1))
    for path in ("/mine-visninger", "/organisasjon/logg"):
        page = client.get(path)
        assert page.status_code == 303, path
        assert page.headers["location"] == f"/logg-inn?neste={path}"
        assert "Visning for" not in page.text and SECRET not in page.text
    token = form_token(client)
    deleted = client.post(
        f"/mine-visninger/{world.owner_view_id}/slett", data={"csrf_token": token}
    )
    assert deleted.status_code == 401
    _owner_still_has_the_view(world)
