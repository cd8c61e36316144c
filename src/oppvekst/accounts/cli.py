"""``oppvekst admin``: create the first organisation and its admin (and later members).

oppvekst admin create-org --kind kommune --region 3201 --name "Bærum kommune"
oppvekst admin create-user --org "Bærum kommune" --email ola@baerum.kommune.no --role admin

The password is asked for twice without echo, or read from standard input with
``--password-stdin`` (for scripts). The store is migrated to the newest schema first.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from oppvekst.accounts import members
from oppvekst.accounts.models import OrganisationKind, Role
from oppvekst.accounts.store import UserStore
from oppvekst.errors import OppvekstError
from oppvekst.settings import get_settings

admin = typer.Typer(
    add_completion=False, help="Brukere og organisasjoner i brukerlageret (egne data)."
)
console = Console(stderr=True)

DataDirOption = Annotated[
    Path | None,
    typer.Option(
        "--data-dir",
        help="Data directory; the SQLite user store lives there unless "
        "$OPPVEKST_USER_DATABASE_URL names another database.",
    ),
]


def _store(data_dir: Path | None) -> UserStore:
    settings = get_settings()
    return UserStore.from_settings(settings, (data_dir or settings.data_dir).resolve())


def _failed(exc: OppvekstError) -> typer.Exit:
    console.print(f"[red bold]Feil:[/] {exc.message}\n{exc.hint}".rstrip())
    return typer.Exit(2)


@admin.command("create-org")
def create_org(
    kind: Annotated[OrganisationKind, typer.Option("--kind", help="Type organisation.")],
    name: Annotated[str, typer.Option("--name", help="Navnet, f.eks. «Bærum kommune».")],
    region: Annotated[
        str | None, typer.Option("--region", help="Kommune-, bydels- eller fylkesnummer.")
    ] = None,
    data_dir: DataDirOption = None,
) -> None:
    """Create an organisation (a kommune, a bydel, a fylkeskommune or the directorate)."""
    store = _store(data_dir)
    try:
        organisation_id = members.create_organisation(store, kind, region, name)
    except OppvekstError as exc:
        raise _failed(exc) from exc
    finally:
        store.close()
    console.print(f"Opprettet organisasjonen «{name.strip()}» (id {organisation_id}).")


@admin.command("create-user")
def create_user(
    org: Annotated[str, typer.Option("--org", help="Organisasjonens id eller navn.")],
    email: Annotated[str, typer.Option("--email", help="E-postadressen brukeren logger inn med.")],
    role: Annotated[Role, typer.Option("--role", help="reader, editor eller admin.")] = Role.READER,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Les passordet fra standard input.")
    ] = False,
    data_dir: DataDirOption = None,
) -> None:
    """Create a user in an organisation, with a role."""
    store = _store(data_dir)
    try:
        organisation_id = members.find_organisation(store, org)
        password: str = (
            sys.stdin.readline().rstrip("\r\n")
            if password_stdin
            else typer.prompt("Passord", hide_input=True, confirmation_prompt=True)
        )
        members.create_user(store, organisation_id, email, password, role)
    except OppvekstError as exc:
        raise _failed(exc) from exc
    finally:
        store.close()
    console.print(f"Opprettet brukeren {email.strip().lower()} ({role.value}).")
