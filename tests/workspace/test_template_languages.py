"""The upload templates in the reader's language (issue #16), downloaded through the route, and
the way back: a file made from the template of any language maps and validates unchanged, and the
group words of every language are read in every language (people share files)."""

from __future__ import annotations

import csv
import io
import re
import secrets
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest
from fastapi.testclient import TestClient
from tests.regions.conftest import registry

from oppvekst import language
from oppvekst.accounts import members, sessions
from oppvekst.accounts.models import OrganisationKind, Role
from oppvekst.accounts.store import UserStore
from oppvekst.catalog import read_dimensions
from oppvekst.regions.history import Level
from oppvekst.regions.registry import Registry
from oppvekst.settings import Settings
from oppvekst.snapshot.files import DataDir
from oppvekst.web.app import create_app
from oppvekst.workspace.groups import group_code
from oppvekst.workspace.mapping import guess_mapping
from oppvekst.workspace.reading import read_upload
from oppvekst.workspace.templates import TEMPLATES
from oppvekst.workspace.validation import validate

__all__ = ["registry"]  # the session's offline registry (tests/regions), as a fixture here

LANGUAGES = ("nb", "nn", "en")
# The headers of the sex template per language, written out here rather than read from the code.
SEX_HEADERS = {
    "nb": ["kommunenummer", "kommunenavn", "år", "kjønn", "teller", "nevner"],
    "nn": ["kommunenummer", "kommunenamn", "år", "kjønn", "teljar", "nemnar"],
    "en": ["municipality number", "municipality name", "year", "sex", "numerator", "denominator"],
}
# Words of the bokmål templates (headers, instructions, group words, sheet names) that are not
# nynorsk; the English list adds the words the two Norwegian languages share.
NOT_NYNORSK = {
    "kommunenavn", "bydelsnavn", "teller", "nevner", "veiledning", "gutter", "ikke", "egne",
    "eksempler", "skrives", "navn", "mangler", "tall", "dem", "regnes", "skjules", "laster",
    "opplysninger", "enkeltpersoner", "overskriften", "bytt", "også", "se", "andeler", "hele",
}  # fmt: skip
NOT_ENGLISH = NOT_NYNORSK | {
    "år", "og", "kommune", "bydel", "kommunenummer", "bydelsnummer", "jenter", "alle", "skriv",
    "rad", "mal", "verdi", "kjønn", "eksempel", "antall", "ingen", "radene", "bruk", "arket",
    "andelen", "eit", "tal", "sjå", "rettleiing", "gutar", "teljar", "nemnar", "kommunenamn",
}  # fmt: skip
FORBIDDEN = {"nb": set(), "nn": NOT_NYNORSK, "en": NOT_ENGLISH}


@pytest.fixture(scope="module")
def signed_in(snapshot_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """A reader of Bærum kommune, signed in."""
    url = f"sqlite:///{tmp_path_factory.mktemp('maler') / 'brukere.sqlite3'}"
    users = UserStore(url)
    org = members.create_organisation(users, OrganisationKind.KOMMUNE, "3201", "Bærum kommune")
    password = secrets.token_urlsafe(18)
    user = members.create_user(users, org, "leser@baerum.kommune.no", password, Role.READER)
    app = create_app(DataDir(snapshot_dir), Settings(user_database_url=url, rate_limit="off"))
    client = TestClient(app, base_url="https://testserver", follow_redirects=False)
    client.cookies.set("oppvekst_okt", sessions.start(users, user, timedelta(hours=1)))
    yield client
    users.close()


def _download(client: TestClient, lang: str, kind: str, fmt: str) -> bytes:
    prefix = "" if lang == "nb" else f"/{lang}"
    answer = client.get(f"{prefix}/arbeidsrom/mal/{kind}.{fmt}")
    assert answer.status_code == 200, answer.text
    return bytes(answer.content)


def _texts(data: bytes, fmt: str) -> list[str]:
    """Every text a reader sees in the file: the cells, and for a workbook the sheet names."""
    if fmt == "csv":
        text = data.decode("utf-8-sig")
        return [cell for row in csv.reader(io.StringIO(text), delimiter=";") for cell in row]
    book = openpyxl.load_workbook(io.BytesIO(data))
    cells = [
        str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if isinstance(value, str)
    ]
    return [*book.sheetnames, *cells]


def _header(data: bytes, fmt: str) -> list[str]:
    if fmt == "csv":
        lines = data.decode("utf-8-sig").split("\r\n")
        return next(line for line in lines if not line.startswith("#")).split(";")
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    return [str(c.value) for c in sheet[2]]


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("kind", sorted(TEMPLATES))
def test_a_template_is_in_the_readers_language_and_validates_as_it_stands(
    signed_in: TestClient, registry: Registry, lang: str, fmt: str, kind: str
) -> None:
    data = _download(signed_in, lang, kind, fmt)
    words = {w.lower() for text in _texts(data, fmt) for w in re.findall(r"\w+", text)}
    assert words & FORBIDDEN[lang] == set()
    with language.use(lang):
        header = TEMPLATES[kind].header
    assert _header(data, fmt) == list(header)
    if kind == "kommune-kjonn-teller-nevner":
        assert list(header) == SEX_HEADERS[lang]
    raw = read_upload(data, f"mal-{kind}.{fmt}")
    # Read in a bokmål session and in the template's own language alike.
    for session in {"nb", lang}:
        with language.use(session):
            mapping = guess_mapping(raw)
            assert mapping.region == header[0]  # the number, not the name beside it
            assert mapping.period == header[2]
            assert [name for name, _ in mapping.breakdowns] == list(TEMPLATES[kind].breakdowns)
            checked = validate(raw, mapping, registry)
        assert checked.ok, (session, [p.text for p in checked.problems])
        assert checked.source_rows == len(raw.rows) == len(checked.rows) > 0
        if TEMPLATES[kind].level is Level.KOMMUNE:
            assert checked.rows["region"].iloc[0] == "3201"  # Bærum's own rows first


def test_the_sex_template_names_the_groups_in_the_readers_language(signed_in: TestClient) -> None:
    expected = {"nb": {"Jenter", "Gutter", "Alle"}, "nn": {"Jenter", "Gutar", "Alle"}}
    expected["en"] = {"Girls", "Boys", "All"}
    for lang, groups in expected.items():
        data = _download(signed_in, lang, "kommune-kjonn-teller-nevner", "csv")
        raw = read_upload(data, "mal.csv")
        assert {row[3] for row in raw.rows} == groups
        workbook = _download(signed_in, lang, "kommune-kjonn-teller-nevner", "xlsx")
        names = openpyxl.load_workbook(io.BytesIO(workbook)).sheetnames
        assert names == {"nb": ["Data", "Veiledning"], "nn": ["Data", "Rettleiing"]}.get(
            lang, ["Data", "Guide"]
        )


@pytest.mark.parametrize("session", LANGUAGES)
def test_group_words_of_every_language_are_read_in_every_session(
    registry: Registry, session: str
) -> None:
    text = (
        "kommunenummer;år;kjønn;teller;nevner\n"
        "3201;2023;Gutar;10;100\n3201;2023;Girls;11;100\n3201;2023;Alle;21;200\n"
        "3201;2024;boys;12;100\n3201;2024;jenter;13;100\n3201;2024;All;25;200\n"
    )
    raw = read_upload(("\ufeff" + text).encode(), "delt.csv")
    with language.use(session):
        checked = validate(raw, guess_mapping(raw), registry)
    assert checked.ok, [p.text for p in checked.problems]
    assert list(checked.rows.sort_values(["period", "numerator"])["sex"]) == [
        "male", "female", "total", "male", "female", "total",
    ]  # fmt: skip


@pytest.mark.parametrize("session", LANGUAGES)
def test_every_label_of_every_language_is_its_own_group(session: str) -> None:
    """No label in one language is read as another group (or refused) in any session."""
    with language.use(session):
        for name, dimension in read_dimensions().items():
            for category in dimension.categories:
                labels = (category.label, category.translations.nn, category.translations.en)
                for label in labels:
                    assert group_code(name, label) == (category.code, ""), (name, label)


def test_an_unknown_group_word_is_still_refused_in_the_readers_language() -> None:
    with language.use("en"):
        code, problem = group_code("sex", "Hunder")
    assert code == ""
    assert "Boys" in problem and "Gutter" not in problem
