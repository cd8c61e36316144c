"""``oppvekst admin create-org`` and ``create-user``: the first organisation and its admin, who can
then sign in; mistakes are said in Norwegian and change nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.accounts.conftest import PASSWORD
from typer.testing import CliRunner

from oppvekst.accounts.identity import Credentials, Lockout, PasswordAuthenticator
from oppvekst.accounts.store import UserStore
from oppvekst.cli import app


def test_the_first_admin_is_created_and_can_sign_in(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPPVEKST_USER_DATABASE_URL", database_url)
    runner = CliRunner()
    org = runner.invoke(
        app,
        ["admin", "create-org", "--kind", "kommune", "--region", "3201", "--name", "Bærum kommune"],
    )
    assert org.exit_code == 0, org.output
    assert "Opprettet organisasjonen «Bærum kommune»" in org.output
    user = runner.invoke(
        app,
        [
            "admin",
            "create-user",
            "--org",
            "Bærum kommune",
            "--email",
            "Ola@Baerum.Kommune.no",
            "--role",
            "admin",
            "--password-stdin",
        ],
        input=PASSWORD + "\n",
    )
    assert user.exit_code == 0, user.output
    assert "Opprettet brukeren ola@baerum.kommune.no (admin)" in user.output
    store = UserStore(database_url)
    try:
        authenticator = PasswordAuthenticator(store, Lockout(5, 15))
        assert authenticator.authenticate(Credentials("ola@baerum.kommune.no", PASSWORD)) > 0
    finally:
        store.close()

    again = runner.invoke(
        app,
        ["admin", "create-org", "--kind", "kommune", "--region", "3201", "--name", "Bærum kommune"],
    )
    assert again.exit_code == 2 and "finnes allerede" in again.output
    short = runner.invoke(
        app,
        [
            "admin",
            "create-user",
            "--org",
            "Bærum kommune",
            "--email",
            "kari@baerum.kommune.no",
            "--password-stdin",
        ],
        input="kort\n",
    )
    assert short.exit_code == 2 and "Passordet er for kort" in short.output
    unknown = runner.invoke(
        app,
        ["admin", "create-user", "--org", "Finnes ikke", "--email", "x@y.no", "--password-stdin"],
        input=PASSWORD + "\n",
    )
    assert unknown.exit_code == 2 and "Fant ingen organisasjon «Finnes ikke»" in unknown.output


def test_a_kommune_needs_a_region_number_and_sqlite_is_the_default(
    tmp_path: Path,
) -> None:
    runner = CliRunner()
    wrong = runner.invoke(
        app,
        [
            "admin",
            "create-org",
            "--kind",
            "kommune",
            "--region",
            "Bærum",
            "--name",
            "Bærum",
            "--data-dir",
            str(tmp_path),
        ],
    )
    assert wrong.exit_code == 2 and "Ugyldig regionnummer: «Bærum»" in wrong.output
    directorate = runner.invoke(
        app,
        [
            "admin",
            "create-org",
            "--kind",
            "direktorat",
            "--name",
            "Bufdir",
            "--data-dir",
            str(tmp_path),
        ],
    )
    assert directorate.exit_code == 0, directorate.output
    assert (tmp_path / "brukere.sqlite3").is_file()
