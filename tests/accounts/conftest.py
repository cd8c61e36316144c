"""The user store on both databases: a SQLite file per module, and a fresh schema per module in the
machine's PostgreSQL (``test`` on 127.0.0.1:5432, trust auth), dropped afterwards.

Without a PostgreSQL server the PostgreSQL half is skipped on a laptop, but fails when ``CI`` is
set: CI has the server, and the authorisation matrix must have run on it.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

POSTGRES = os.environ.get(
    "OPPVEKST_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
PASSWORD = secrets.token_urlsafe(18)  # a fresh one per run: no password in the repository
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def _postgres_schema() -> Iterator[str]:
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(POSTGRES)
    try:
        admin = psycopg.connect(
            host=url.host,
            port=url.port or 5432,
            user=url.username,
            dbname=url.database,
            connect_timeout=3,
            autocommit=True,
        )
    except psycopg.OperationalError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL at {POSTGRES} is unreachable in CI: {exc}")
        pytest.skip(f"no PostgreSQL at {POSTGRES} on this machine")
    schema = f"oppvekst_test_{secrets.token_hex(6)}"
    with admin:
        admin.execute(f"CREATE SCHEMA {schema}")
        try:
            yield f"{POSTGRES}?options=-csearch_path%3D{schema}"
        finally:
            admin.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """An empty database, one per test module and kind."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('brukere') / 'brukere.sqlite3'}"
    else:
        yield from _postgres_schema()


@pytest.fixture(scope="module")
def user_store(database_url: str):  # type: ignore[no-untyped-def]
    from oppvekst.accounts.store import UserStore

    store = UserStore(database_url)
    yield store
    store.close()


@dataclass(frozen=True, slots=True)
class Member:
    email: str
    user_id: int
    organisation: str


@dataclass(frozen=True, slots=True)
class World:
    """Two organisations with a reader, an editor and an admin each, and the ``owner`` (an editor
    of Bærum) whose saved view the others try to reach."""

    store: object
    members: dict[str, Member]  # "reader@own", …, "admin@other", "owner"
    owner_view_id: int
    data_dir: Path
    database_url: str
    # One app per configuration: each app has its own engine, and PostgreSQL's connections are few.
    apps: dict[tuple[object, ...], object] = field(default_factory=dict)

    def app(
        self, data_dir: Path | None = None, base_url: str = "https://testserver", **settings: object
    ) -> TestClient:
        """The portal on this world's user store (and on ``data_dir``'s snapshot, if given)."""
        from oppvekst.settings import Settings
        from oppvekst.snapshot.files import DataDir
        from oppvekst.web.app import create_app

        key = (data_dir, *sorted(settings.items()))
        if key not in self.apps:
            configured = Settings(
                user_database_url=self.database_url,
                rate_limit="off",
                **settings,  # type: ignore[arg-type]
            )
            self.apps[key] = create_app(DataDir(data_dir or self.data_dir), configured)
        return TestClient(self.apps[key], base_url=base_url, follow_redirects=False)  # type: ignore[arg-type]

    def session(self, who: str, lifetime: timedelta = timedelta(hours=1)) -> str:
        """A session token of ``who``, made directly (the matrix is about what a session
        reaches; signing in through the form is tested on its own)."""
        from oppvekst.accounts import sessions
        from oppvekst.accounts.store import UserStore

        assert isinstance(self.store, UserStore)
        return sessions.start(self.store, self.members[who].user_id, lifetime)

    def signed_in(
        self, who: str, lifetime: timedelta = timedelta(hours=1), data_dir: Path | None = None
    ) -> TestClient:
        client = self.app(data_dir)
        client.cookies.set("oppvekst_okt", self.session(who, lifetime))
        return client


def form_token(client: TestClient) -> str:
    """The CSRF token this browser's forms carry (and, anonymous, the cookie that goes with it)."""
    page = client.get("/logg-inn")
    assert page.status_code == 200, page.text
    found = TOKEN.search(page.text)
    assert found is not None
    return found.group(1)


@pytest.fixture(scope="module")
def world(
    user_store, tmp_path_factory: pytest.TempPathFactory, database_url: str
) -> Iterator[World]:  # type: ignore[no-untyped-def]
    from oppvekst.accounts import members, saved
    from oppvekst.accounts.models import OrganisationKind, Role
    from oppvekst.accounts.sessions import find, start

    own = members.create_organisation(user_store, OrganisationKind.KOMMUNE, "3201", "Bærum kommune")
    other = members.create_organisation(
        user_store, OrganisationKind.KOMMUNE, "3203", "Asker kommune"
    )
    people: dict[str, Member] = {}
    for place, org_id, domain in (
        ("own", own, "baerum.kommune.no"),
        ("other", other, "asker.kommune.no"),
    ):
        for role in Role:
            email = f"{role.value}@{domain}"
            user_id = members.create_user(user_store, org_id, email, PASSWORD, role)
            people[f"{role.value}@{place}"] = Member(email, user_id, place)
    owner_email = "eier@baerum.kommune.no"
    owner_id = members.create_user(user_store, own, owner_email, PASSWORD, Role.EDITOR)
    people["owner"] = Member(owner_email, owner_id, "own")
    # Every member has a view of their own; the owner's is the one others must never reach.
    for key, member in people.items():
        viewer = find(user_store, start(user_store, member.user_id, timedelta(minutes=5)))
        assert viewer is not None
        name = "Eierens hemmelige visning" if key == "owner" else f"Visning for {key}"
        view = saved.save(user_store, viewer, name, f"/kommune/3201?fra={key}")
        if key == "owner":
            owner_view_id = view.id
    return World(user_store, people, owner_view_id, tmp_path_factory.mktemp("data"), database_url)
