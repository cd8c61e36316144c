"""The seam where ID-porten / OpenID Connect replaces the password (docs/accounts.md): the app
signs in whoever its ``Authenticator`` names, and nothing after sign-in (session, cookie, saved
views, roles) knows how the person proved who they are."""

from __future__ import annotations

import dataclasses

from tests.accounts.conftest import World, form_token

from oppvekst.accounts.identity import Credentials


@dataclasses.dataclass(frozen=True, slots=True)
class VerifiedIdentity:
    """What an OpenID Connect implementation does after verifying the ID token: map its verified
    e-mail to a user (here the e-mail arrives verified; no password is looked at)."""

    users: dict[str, int]

    def authenticate(self, credentials: Credentials) -> int:
        return self.users[credentials.email]


def test_another_authenticator_signs_in_without_the_password(world: World) -> None:
    owner = world.members["owner"]
    client = world.app()
    app = client.app  # type: ignore[attr-defined]
    accounts = app.state.accounts
    app.state.accounts = dataclasses.replace(
        accounts, authenticator=VerifiedIdentity({owner.email: owner.user_id})
    )
    try:
        token = form_token(client)
        answer = client.post(
            "/logg-inn",
            data={"email": owner.email, "password": "", "csrf_token": token, "neste": "/"},
        )
        assert answer.status_code == 303, answer.text[:300]
        assert "oppvekst_okt=" in answer.headers["set-cookie"]
        assert "HttpOnly" in answer.headers["set-cookie"]
        views = client.get("/mine-visninger")
        assert views.status_code == 200 and "Eierens hemmelige visning" in views.text
    finally:
        app.state.accounts = accounts
    # The password authenticator, back in place, refuses the same empty password.
    again = world.app()
    refused = again.post(
        "/logg-inn",
        data={"email": owner.email, "password": "", "csrf_token": form_token(again)},
    )
    assert refused.status_code in (400, 401) and "oppvekst_okt=" not in refused.headers.get(
        "set-cookie", ""
    )
