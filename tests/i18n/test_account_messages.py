"""The accounts' and the workspace's Python-made messages in nynorsk and English: the sign-in
page's wrong-password answer, an upload's row message on the preview, a refused file, the metadata
form's problems and the audit log's words — in process, on the fixture snapshot and a SQLite user
store of its own (one kommune, Bærum, with an editor and an admin). The uploads are clearly
synthetic figures for real kommune numbers; «0219» is Bærum's number before 2020.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from oppvekst import language
from oppvekst.accounts import audit, members, sessions
from oppvekst.accounts.models import OrganisationKind, Role
from oppvekst.accounts.store import UserStore
from oppvekst.accounts.viewer import Viewer
from oppvekst.language import Language
from oppvekst.settings import Settings
from oppvekst.snapshot.files import DataDir
from oppvekst.web.app import create_app
from oppvekst.web.privacy import csrf_for

PASSWORD = secrets.token_urlsafe(18)  # a fresh one per run: no password in the repository
WRONG_CSV = "kommunenummer;år;teller;nevner\n3201;2023;120;1000\n0219;2024;95;800\n".encode()
META = {
    "title": "Andel femåringer med språkkartlegging",
    "short_title": "Språkkartlegging 5 år",
    "definition": "Andel femåringer som er kartlagt av helsestasjonen (syntetiske testtall).",
    "source": "Helsestasjonen, Bærum kommune",
    "unit": "prosent",
    "measure": "proportion",
    "multiplier": "100",
    "decimals": "1",
    "polarity": "higher_better",
    "numerator": "Femåringer som er kartlagt",
    "denominator": "Alle femåringer",
    "periodicity": "annual",
}
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')

# What each language must say, and the bokmål that must not be left on its page. (The nynorsk for
# «Feil e-post eller passord.» is the same sentence.)
WRONG_PASSWORD = {
    Language.nb: "Feil e-post eller passord.",
    Language.nn: "Feil e-post eller passord.",
    Language.en: "Wrong e-mail or password.",
}
LOCKED = {
    Language.nb: "For mange mislykkede forsøk. Prøv igjen om 15 minutter.",
    Language.nn: "For mange mislukka forsøk. Prøv igjen om 15 minutt.",
    Language.en: "Too many failed attempts. Try again in 15 minutes.",
}
ROW_MESSAGE = {
    Language.nb: "ukjent kommunenummer 0219 – mente du 3201 Bærum?",
    Language.nn: "ukjent kommunenummer 0219 – meinte du 3201 Bærum?",
    Language.en: "unknown municipality number 0219 – did you mean 3201 Bærum?",
}
EMPTY_FILE = {
    Language.nb: "Filen er tom.",
    Language.nn: "Fila er tom.",
    Language.en: "The file is empty.",
}


@dataclass(frozen=True, slots=True)
class Portal:
    app: object
    users: UserStore
    ids: dict[str, int]

    def client(self) -> TestClient:
        return TestClient(self.app, base_url="https://testserver", follow_redirects=False)  # type: ignore[arg-type]

    def person(self, who: str) -> tuple[TestClient, str]:
        token = sessions.start(self.users, self.ids[who], timedelta(hours=1))
        client = self.client()
        client.cookies.set("oppvekst_okt", token)
        return client, csrf_for(token)


@pytest.fixture(scope="module")
def portal(snapshot_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Portal]:
    url = f"sqlite:///{tmp_path_factory.mktemp('sprak') / 'brukere.sqlite3'}"
    users = UserStore(url)
    org = members.create_organisation(users, OrganisationKind.KOMMUNE, "3201", "Bærum kommune")
    ids = {
        role.value: members.create_user(
            users, org, f"{role.value}@baerum.kommune.no", PASSWORD, role
        )
        for role in (Role.EDITOR, Role.ADMIN)
    }
    for lang in Language:  # one reader per language for the lock-out
        ids[f"laas-{lang}"] = members.create_user(
            users, org, f"laas-{lang}@baerum.kommune.no", PASSWORD, Role.READER
        )
    app = create_app(DataDir(snapshot_dir), Settings(user_database_url=url, rate_limit="off"))
    yield Portal(app, users, ids)
    users.close()


def _prefix(lang: Language) -> str:
    return "" if lang is Language.nb else f"/{lang.value}"


def _sign_in(client: TestClient, lang: Language, email: str, password: str) -> Response:
    form = client.get(f"{_prefix(lang)}/logg-inn")
    assert form.status_code == 200
    assert f'<html lang="{lang.value}">' in form.text
    found = TOKEN.search(form.text)
    assert found is not None
    return client.post(
        f"{_prefix(lang)}/logg-inn",
        data={"email": email, "password": password, "csrf_token": found.group(1)},
    )


@pytest.mark.parametrize("lang", list(Language))
def test_a_wrong_password_is_answered_in_the_pages_language(portal: Portal, lang: Language) -> None:
    answer = _sign_in(portal.client(), lang, "editor@baerum.kommune.no", "ikke-passordet-nei")
    assert answer.status_code == 401
    assert answer.headers["content-language"] == lang.value
    assert WRONG_PASSWORD[lang] in answer.text
    if lang is Language.en:
        assert WRONG_PASSWORD[Language.nb] not in answer.text


@pytest.mark.parametrize("lang", list(Language))
def test_the_lock_out_is_explained_in_the_pages_language(portal: Portal, lang: Language) -> None:
    client = portal.client()
    email = f"laas-{lang}@baerum.kommune.no"
    answers = [_sign_in(client, lang, email, "ikke-passordet-nei") for _attempt in range(5)]
    assert [a.status_code for a in answers] == [401, 401, 401, 401, 429]
    assert LOCKED[lang] in answers[-1].text
    if lang is not Language.nb:
        assert LOCKED[Language.nb] not in answers[-1].text


def _create(client: TestClient, token: str, lang: Language) -> str:
    answer = client.post(f"{_prefix(lang)}/arbeidsrom/ny", data={**META, "csrf_token": token})
    assert answer.status_code == 303, answer.text
    found = re.fullmatch(
        rf"{_prefix(lang)}/arbeidsrom/([a-z0-9-]+)/last-opp", answer.headers["location"]
    )
    assert found, answer.headers["location"]
    return found.group(1)


@pytest.mark.parametrize("lang", list(Language))
def test_an_upload_row_message_is_in_the_pages_language(portal: Portal, lang: Language) -> None:
    client, token = portal.person("editor")
    slug = _create(client, token, lang)
    upload = client.post(
        f"{_prefix(lang)}/arbeidsrom/{slug}/last-opp",
        data={"csrf_token": token},
        files={"fil": ("tall.csv", WRONG_CSV, "text/csv")},
    )
    assert upload.status_code == 303, upload.text
    preview = upload.headers["location"]
    assert preview.startswith(f"{_prefix(lang)}/arbeidsrom/{slug}/forhandsvisning/")
    page = client.get(preview)
    assert page.status_code == 200, page.text
    assert ROW_MESSAGE[lang] in page.text
    if lang is not Language.nb:
        assert ROW_MESSAGE[Language.nb] not in page.text


@pytest.mark.parametrize("lang", list(Language))
def test_a_refused_file_is_explained_in_the_pages_language(portal: Portal, lang: Language) -> None:
    client, token = portal.person("editor")
    slug = _create(client, token, lang)
    answer = client.post(
        f"{_prefix(lang)}/arbeidsrom/{slug}/last-opp",
        data={"csrf_token": token},
        files={"fil": ("tom.csv", b"", "text/csv")},
    )
    assert answer.status_code == 400
    assert EMPTY_FILE[lang] in answer.text


@pytest.mark.parametrize("lang", [Language.nn, Language.en])
def test_the_metadata_forms_problems_are_in_the_pages_language(
    portal: Portal, lang: Language
) -> None:
    client, token = portal.person("editor")
    answer = client.post(
        f"{_prefix(lang)}/arbeidsrom/ny", data={**META, "title": "", "csrf_token": token}
    )
    assert answer.status_code == 400
    # An empty title is too short (the form strips it): the field says so in the page's language.
    with language.use(lang):
        expected = language._("må ha minst {count} tegn").format(count=3)
        label = language._("Tittel")
    assert expected != "må ha minst 3 tegn"
    assert f'id="feil-title">{expected}</p>' in answer.text
    assert label in answer.text


def test_the_audit_log_names_what_happened_in_the_readers_language(portal: Portal) -> None:
    client, token = portal.person("editor")
    _create(client, token, Language.nb)
    admin = Viewer(
        user_id=portal.ids["admin"],
        email="admin@baerum.kommune.no",
        organisation_id=members.find_organisation(portal.users, "Bærum kommune"),
        organisation_name="Bærum kommune",
        role=Role.ADMIN,
        session_id=0,
    )
    # The stored code is the bokmål page's word; the others translate it.
    assert "opprettet-indikator" in [e.what for e in audit.for_organisation(portal.users, admin)]
    with language.use(Language.en):
        assert "created indicator" in [e.what for e in audit.for_organisation(portal.users, admin)]
    with language.use(Language.nn):
        assert "oppretta indikator" in [e.what for e in audit.for_organisation(portal.users, admin)]
