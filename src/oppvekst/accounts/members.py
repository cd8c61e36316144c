"""Organisations and their members: what the admin command creates."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select

from oppvekst.accounts import audit, passwords
from oppvekst.accounts.identity import normalised_email
from oppvekst.accounts.models import Organisation, OrganisationKind, Role, User
from oppvekst.accounts.store import UserStore
from oppvekst.errors import AccountSetupError

_REGION = re.compile(r"\d{2,6}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
ACTOR = "administrasjonskommando"  # who the audit log names for the CLI


def create_organisation(
    store: UserStore, kind: OrganisationKind, region_code: str | None, name: str
) -> int:
    name = name.strip()
    if not name:
        raise AccountSetupError("Organisasjonen må ha et navn.")
    if kind is OrganisationKind.DIREKTORAT:
        region_code = None
    elif not region_code or not _REGION.fullmatch(region_code):
        raise AccountSetupError(
            f"Ugyldig regionnummer: «{region_code or ''}».",
            hint="Oppgi kommune-, bydels- eller fylkesnummeret, f.eks. 3201.",
        )
    with store.transaction() as db:
        if db.scalar(select(Organisation.id).where(Organisation.name == name)) is not None:
            raise AccountSetupError(f"Organisasjonen «{name}» finnes allerede.")
        organisation = Organisation(name=name, kind=kind, region_code=region_code)
        db.add(organisation)
        db.flush()
        audit.record(db, organisation.id, ACTOR, "opprettet-organisasjon", name)
        return organisation.id


def find_organisation(store: UserStore, reference: str) -> int:
    """An organisation by its id or its exact name."""
    with store.transaction() as db:
        query = select(Organisation.id)
        if reference.isdigit():
            query = query.where(Organisation.id == int(reference))
        else:
            query = query.where(Organisation.name == reference.strip())
        found = db.scalar(query)
    if found is None:
        raise AccountSetupError(
            f"Fant ingen organisasjon «{reference}».",
            hint="Oppgi id-en eller det nøyaktige navnet fra «oppvekst admin create-org».",
        )
    return found


def create_user(
    store: UserStore, organisation_id: int, email: str, password: str, role: Role
) -> int:
    address = normalised_email(email)
    if not _EMAIL.fullmatch(address):
        raise AccountSetupError(f"Ugyldig e-postadresse: «{email}».")
    if len(password) < passwords.MIN_LENGTH:
        raise AccountSetupError(
            f"Passordet er for kort: det må ha minst {passwords.MIN_LENGTH} tegn."
        )
    with store.transaction() as db:
        if db.scalar(select(User.id).where(User.email == address)) is not None:
            raise AccountSetupError(f"Det finnes allerede en bruker med e-post {address}.")
        user = User(
            email=address,
            password_hash=passwords.hash_password(password),
            organisation_id=organisation_id,
            role=role,
            failed_attempts=0,
        )
        db.add(user)
        db.flush()
        audit.record(db, organisation_id, ACTOR, "opprettet-bruker", f"{address} ({role.value})")
        return user.id


@dataclass(frozen=True, slots=True)
class OrganisationInfo:
    """An organisation as the workspace shows it: whom an admin may share with, and which region
    a template is pre-filled for."""

    id: int
    name: str
    kind: OrganisationKind
    region_code: str | None


def organisations(store: UserStore) -> list[OrganisationInfo]:
    """Every organisation, by name (the share form lists them: names are not secret, their data is)."""
    with store.transaction() as db:
        rows = db.execute(
            select(
                Organisation.id, Organisation.name, Organisation.kind, Organisation.region_code
            ).order_by(Organisation.name)
        ).all()
    return [OrganisationInfo(*row) for row in rows]


def organisation(store: UserStore, organisation_id: int) -> OrganisationInfo:
    """One organisation by id (a signed-in viewer's own: it exists while their session does)."""
    with store.transaction() as db:
        found = db.get(Organisation, organisation_id)
        if found is None:
            raise AccountSetupError(f"Fant ingen organisasjon med id {organisation_id}.")
        return OrganisationInfo(found.id, found.name, found.kind, found.region_code)
