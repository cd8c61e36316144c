"""The workspace's tests run on both user stores, like the accounts' (the fixtures there are
reused: ``database_url`` gives an empty SQLite file or a fresh PostgreSQL schema per module)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pandas as pd
import pytest
from tests.accounts.conftest import PASSWORD, database_url, user_store

__all__ = ["PASSWORD", "database_url", "user_store"]  # fixtures for this directory


@dataclass(frozen=True, slots=True)
class People:
    """Bærum (reader, editor, admin) and Asker (editor, admin): viewers by name."""

    store: object
    viewers: dict[str, object]
    organisations: dict[str, int]


@pytest.fixture(scope="module")
def people(user_store) -> People:  # type: ignore[no-untyped-def]
    from oppvekst.accounts import members, sessions
    from oppvekst.accounts.models import OrganisationKind, Role

    orgs = {
        "baerum": members.create_organisation(
            user_store, OrganisationKind.KOMMUNE, "3201", "Bærum kommune"
        ),
        "asker": members.create_organisation(
            user_store, OrganisationKind.KOMMUNE, "3203", "Asker kommune"
        ),
    }
    viewers = {}
    for org, roles in (("baerum", Role), ("asker", (Role.EDITOR, Role.ADMIN))):
        for role in roles:
            email = f"{role.value}@{org}.kommune.no"
            user_id = members.create_user(user_store, orgs[org], email, PASSWORD, role)
            token = sessions.start(user_store, user_id, timedelta(hours=1))
            viewers[f"{role.value}@{org}"] = sessions.find(user_store, token)
    return People(user_store, viewers, orgs)


def synthetic_rows(
    regions: tuple[str, ...] = ("3201",), years: int = 3, seed: int = 1
) -> pd.DataFrame:
    """Clearly synthetic tidy rows (numerator/denominator per region and year)."""
    rows = []
    for r, region in enumerate(regions):
        for y in range(years):
            denominator = 400.0 + 10 * y + r
            rows.append(
                {
                    "region": region,
                    "period": str(2022 + y),
                    "sex": "total",
                    "age": "total",
                    "background": "total",
                    "grade": "total",
                    "value": None,
                    "numerator": float(20 + seed + y + r),
                    "denominator": denominator,
                    "sd": None,
                    "n": None,
                    "margin95": None,
                    "status": None,
                }
            )
    return pd.DataFrame(rows)


def metadata(title: str = "Andel femåringer med språkvansker"):  # type: ignore[no-untyped-def]
    from oppvekst.workspace.metadata import OwnMetadata

    return OwnMetadata(
        title=title,
        short_title="Språkvansker 5 år",
        definition="Andel av femåringene undersøkt på helsestasjonen med språkvansker.",
        source="Helsestasjonen, Bærum kommune",
        unit="prosent",
        numerator="Femåringer med språkvansker",
        denominator="Femåringer undersøkt",
    )
