"""Signing in through the form at ``/logg-inn``: the cookie, the stored hash, the lock-out, CSRF,
and signing out — on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import itertools
from datetime import timedelta

import pytest
from sqlalchemy import select, update
from tests.accounts.conftest import PASSWORD, World, form_token

from oppvekst.accounts import members
from oppvekst.accounts.models import AuditEvent, Role, Session, User, utcnow
from oppvekst.accounts.store import UserStore

NUMBERS = itertools.count()


def _new_member(world: World, name: str) -> str:
    assert isinstance(world.store, UserStore)
    email = f"{name}@baerum.kommune.no"
    organisation = members.find_organisation(world.store, "Bærum kommune")
    members.create_user(world.store, organisation, email, PASSWORD, Role.READER)
    return email


def _sign_in(client, email: str, password: str, **extra: str):  # type: ignore[no-untyped-def]
    token = form_token(client)
    data = {"email": email, "password": password, "csrf_token": token, **extra}
    return client.post("/logg-inn", data=data)


def test_signing_in_sets_a_secure_httponly_lax_cookie_whose_hash_alone_is_stored(
    world: World,
) -> None:
    email = _new_member(world, "kari")
    client = world.app()
    answer = _sign_in(client, email.upper(), PASSWORD, neste="/kommune/3201?indikator=x")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/kommune/3201?indikator=x"
    assert answer.headers["cache-control"] == "private, no-store"
    cookie = next(c for c in answer.headers.get_list("set-cookie") if "oppvekst_okt=" in c)
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")}
    assert {"httponly", "secure", "max-age", "path"} <= attributes
    assert "samesite=lax" in cookie.lower()
    token = cookie.split(";")[0].split("=", 1)[1]
    assert len(token) >= 43  # 32 random bytes, base64url
    assert isinstance(world.store, UserStore)
    with world.store.transaction() as db:
        hashes = set(db.scalars(select(Session.token_hash)))
    assert hashlib.sha256(token.encode()).hexdigest() in hashes
    assert token not in hashes
    page = client.get("/mine-visninger")
    assert page.status_code == 200 and email in page.text


def test_the_password_is_stored_only_as_an_argon2id_hash(world: World) -> None:
    email = _new_member(world, "per")
    assert isinstance(world.store, UserStore)
    with world.store.transaction() as db:
        stored = db.scalars(select(User.password_hash).where(User.email == email)).one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


@pytest.mark.parametrize("who", ["kjent", "ukjent"])
def test_a_wrong_password_and_an_unknown_email_get_the_same_norwegian_answer(
    world: World, who: str
) -> None:
    email = _new_member(world, f"feil-{who}") if who == "kjent" else "ingen@eksempel.no"
    answer = _sign_in(world.app(), email, "ikke-passordet-nei")
    assert answer.status_code == 401
    assert "Feil e-post eller passord." in answer.text
    assert "oppvekst_okt" not in answer.headers.get("set-cookie", "")


def test_repeated_failures_lock_the_account_for_the_configured_minutes(world: World) -> None:
    email = _new_member(world, "laas")
    client = world.app(lockout_attempts=3, lockout_minutes=10)
    answers = [_sign_in(client, email, f"galt-{i}-passord").status_code for i in range(3)]
    assert answers == [401, 401, 429]
    locked = _sign_in(client, email, PASSWORD)  # even the right password, while locked
    assert locked.status_code == 429
    assert "For mange mislykkede forsøk. Prøv igjen om 10 minutter." in locked.text
    assert "oppvekst_okt" not in locked.headers.get("set-cookie", "")
    assert isinstance(world.store, UserStore)
    with world.store.transaction() as db:
        events = list(db.scalars(select(AuditEvent.what).where(AuditEvent.who == email)))
        assert events.count("konto-låst") == 1
        # Ten minutes later (the lock's end moved into the past) the right password works again.
        db.execute(
            update(User)
            .where(User.email == email)
            .values(locked_until=utcnow() - timedelta(seconds=1))
        )
    assert _sign_in(client, email, PASSWORD).status_code == 303


def test_a_form_without_the_right_token_is_refused_in_norwegian(world: World) -> None:
    email = _new_member(world, "csrf")
    client = world.app()
    form_token(client)  # the CSRF cookie is set, but the form below does not carry it
    for token in (None, "forfalsket-token-som-ikke-stemmer"):
        data = {"email": email, "password": PASSWORD}
        if token:
            data["csrf_token"] = token
        refused = client.post("/logg-inn", data=data)
        assert refused.status_code == 403
        assert "Skjemaet kunne ikke sendes" in refused.text
        assert "oppvekst_okt" not in refused.headers.get("set-cookie", "")
    # Signed in, a token from another person's session does not pass either.
    signed = world.signed_in("editor@own")
    stranger = form_token(world.signed_in("editor@other"))
    saved = signed.post(
        "/mine-visninger", data={"name": "Sniket inn", "url": "/", "csrf_token": stranger}
    )
    assert saved.status_code == 403
    assert signed.post("/logg-ut", data={}).status_code == 403
    page = signed.get("/mine-visninger")
    assert page.status_code == 200 and "Sniket inn" not in page.text


def test_signing_in_again_replaces_the_session_and_signing_out_ends_it(world: World) -> None:
    email = _new_member(world, "bytte")
    client = world.app()
    _sign_in(client, email, PASSWORD)
    first = client.cookies["oppvekst_okt"]
    assert _sign_in(client, email, PASSWORD).status_code == 303
    second = client.cookies["oppvekst_okt"]
    assert second != first
    replay = world.app()
    replay.cookies.set("oppvekst_okt", first)
    assert replay.get("/mine-visninger").status_code == 303
    out = client.post("/logg-ut", data={"csrf_token": form_token(client)})
    assert out.status_code == 303 and out.headers["location"] == "/"
    assert (
        'oppvekst_okt=""' in out.headers["set-cookie"] or "Max-Age=0" in out.headers["set-cookie"]
    )
    replay.cookies.set("oppvekst_okt", second)
    assert replay.get("/mine-visninger").status_code == 303


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"]
)
def test_after_signing_in_only_a_path_on_this_site_is_followed(world: World, target: str) -> None:
    email = _new_member(world, f"neste-{next(NUMBERS)}")
    answer = _sign_in(world.app(), email, PASSWORD, neste=target)
    assert answer.status_code == 303 and answer.headers["location"] == "/"


@pytest.mark.parametrize(
    ("base_url", "configured", "secure"),
    [
        ("http://127.0.0.1:8000", None, False),  # make serve on this machine: plain http
        ("http://localhost:8000", None, False),
        ("https://oppvekst.example", None, True),
        ("http://oppvekst.example", None, True),  # a real host over http: never downgraded
        ("http://127.0.0.1:8000", True, True),
        ("https://oppvekst.example", False, False),
    ],
)
def test_the_secure_attribute_follows_the_setting_and_the_host(
    world: World, base_url: str, configured: bool | None, secure: bool
) -> None:
    email = _new_member(world, f"sikker-{next(NUMBERS)}")
    client = world.app(base_url=base_url, cookie_secure=configured)
    page = client.get("/logg-inn")
    token = client.cookies["oppvekst_csrf"]
    assert ("secure" in page.headers["set-cookie"].lower()) is secure
    # httpx keeps a Secure cookie from going out over http: hand it over as a plain one.
    client.cookies.clear()
    client.cookies.set("oppvekst_csrf", token)
    answer = client.post(
        "/logg-inn", data={"email": email, "password": PASSWORD, "csrf_token": token}
    )
    assert answer.status_code == 303
    assert ("secure" in answer.headers["set-cookie"].lower()) is secure


def test_the_session_lives_as_long_as_the_setting_says(world: World) -> None:
    email = _new_member(world, "levetid")
    client = world.app(session_hours=2)
    answer = _sign_in(client, email, PASSWORD)
    assert "Max-Age=7200" in answer.headers["set-cookie"]
    assert isinstance(world.store, UserStore)
    with world.store.transaction() as db:
        session = db.scalars(
            select(Session)
            .join(User, Session.user_id == User.id)
            .where(User.email == email, Session.revoked.is_(None))
        ).one()
    assert abs((session.expires - session.created) - timedelta(hours=2)) < timedelta(seconds=5)


def test_a_signed_in_page_sends_an_anonymous_visitor_to_sign_in_and_back(world: World) -> None:
    email = _new_member(world, "tilbake")
    client = world.app()
    away = client.get("/mine-visninger")
    assert away.status_code == 303
    form = client.get(away.headers["location"]).text
    assert 'name="neste" value="/mine-visninger"' in form
    back = _sign_in(client, email, PASSWORD, neste="/mine-visninger")
    assert back.headers["location"] == "/mine-visninger"
    assert client.get("/mine-visninger").status_code == 200


def test_long_dead_sessions_are_cleared_at_the_next_sign_in(world: World) -> None:
    email = _new_member(world, "rydding")
    client = world.app()
    _sign_in(client, email, PASSWORD)
    assert isinstance(world.store, UserStore)
    with world.store.transaction() as db:
        user_id = db.scalars(select(User.id).where(User.email == email)).one()
        old = utcnow() - timedelta(days=40)
        db.add(Session(token_hash="a" * 64, user_id=user_id, created=old, expires=old))
        db.add(Session(token_hash="b" * 64, user_id=user_id, created=old, expires=utcnow()))
    _sign_in(client, email, PASSWORD)
    with world.store.transaction() as db:
        kept = set(db.scalars(select(Session.token_hash).where(Session.user_id == user_id)))
    assert "a" * 64 not in kept  # expired 40 days ago: gone
    assert "b" * 64 in kept  # expired just now: kept (within 30 days)
    assert len(kept) == 3  # and the two real sign-ins
