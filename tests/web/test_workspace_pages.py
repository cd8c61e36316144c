"""The workspace pages (``/arbeidsrom``) in process, in every state a person can meet: empty, the
wrong role, a bad file, a file with a wrong row, an expired draft, an unknown slug and another
organisation's slug (404, not 403), the confirm → version → restore path, sharing and deletion.

The app runs on the fixture snapshot (real region registry) and a SQLite user store of its own
with two kommuner, Bærum and Asker, each with a reader, an editor and an admin. The uploads are
clearly synthetic figures for real kommune numbers.
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
from sqlalchemy import func, select, update

from oppvekst.accounts import members, sessions
from oppvekst.accounts.models import OrganisationKind, Role, utcnow
from oppvekst.accounts.store import UserStore
from oppvekst.settings import Settings
from oppvekst.snapshot.files import DataDir
from oppvekst.web import workspace_forms as forms
from oppvekst.web.app import create_app
from oppvekst.web.limits import LimitsConfig
from oppvekst.web.privacy import csrf_for
from oppvekst.workspace.library import DRAFT_LIFETIME
from oppvekst.workspace.models import UploadDraft
from oppvekst.workspace.reading import RawTable
from oppvekst.workspace.validation import RowProblem

PASSWORD = secrets.token_urlsafe(18)  # a fresh one per run: no password in the repository
# Synthetic counts for two real kommuner; «0219» is Bærum's number before 2020.
GOOD_CSV = (
    "kommunenummer;år;teller;nevner\n3201;2023;120;1000\n3201;2024;130;1010\n3203;2024;95;800\n"
).encode()
WRONG_CSV = GOOD_CSV.replace(b"3203;2024", b"0219;2024")
SECOND_CSV = GOOD_CSV.replace(b"130;1010", b"140;1010")
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
PRIVATE = "private, no-store"


@dataclass(frozen=True, slots=True)
class Person:
    client: TestClient
    token: str  # the CSRF token of this person's forms

    def post(self, url: str, **kwargs: object) -> object:
        data = dict(kwargs.pop("data", {}) or {})  # type: ignore[call-overload]
        data.setdefault("csrf_token", self.token)
        return self.client.post(url, data=data, **kwargs)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class Portal:
    app: object
    users: UserStore
    ids: dict[str, int]  # "editor@own" → user id

    def anonymous(self) -> TestClient:
        return TestClient(self.app, base_url="https://testserver", follow_redirects=False)  # type: ignore[arg-type]

    def person(self, who: str, lifetime: timedelta = timedelta(hours=1)) -> Person:
        token = sessions.start(self.users, self.ids[who], lifetime)
        client = self.anonymous()
        client.cookies.set("oppvekst_okt", token)
        return Person(client, csrf_for(token))


@pytest.fixture(scope="module")
def portal(snapshot_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Portal]:
    url = f"sqlite:///{tmp_path_factory.mktemp('arbeidsrom') / 'brukere.sqlite3'}"
    users = UserStore(url)
    ids: dict[str, int] = {}
    for place, region, name, domain in (
        ("own", "3201", "Bærum kommune", "baerum.kommune.no"),
        ("other", "3203", "Asker kommune", "asker.kommune.no"),
    ):
        org = members.create_organisation(users, OrganisationKind.KOMMUNE, region, name)
        for role in Role:
            ids[f"{role.value}@{place}"] = members.create_user(
                users, org, f"{role.value}@{domain}", PASSWORD, role
            )
    app = create_app(DataDir(snapshot_dir), Settings(user_database_url=url, rate_limit="off"))
    yield Portal(app, users, ids)
    users.close()


def _create(person: Person, **changes: str) -> str:
    """A new own indicator through the form; its slug (from where the form sends one next)."""
    answer = person.post("/arbeidsrom/ny", data={**META, **changes})
    assert answer.status_code == 303, answer.text  # type: ignore[attr-defined]
    location = answer.headers["location"]  # type: ignore[attr-defined]
    found = re.fullmatch(r"/arbeidsrom/([a-z0-9-]+)/last-opp", location)
    assert found, location
    return found.group(1)


def _upload(person: Person, slug: str, data: bytes, name: str = "tall.csv") -> object:
    return person.post(f"/arbeidsrom/{slug}/last-opp", files={"fil": (name, data, "text/csv")})


def _preview_of(person: Person, slug: str, data: bytes) -> tuple[str, str]:
    """Upload ``data``; the preview's URL and its page."""
    answer = _upload(person, slug, data)
    assert answer.status_code == 303, answer.text  # type: ignore[attr-defined]
    location: str = answer.headers["location"]  # type: ignore[attr-defined]
    assert location.startswith(f"/arbeidsrom/{slug}/forhandsvisning/")
    page = person.client.get(location)
    assert page.status_code == 200, page.text
    assert page.headers["cache-control"] == PRIVATE
    return location, page.text


def _confirm_fields(page: str) -> dict[str, str]:
    """The hidden mapping fields of the preview's «Bekreft» form."""
    form = page[page.index("/bekreft") :]
    return dict(re.findall(r'<input type="hidden" name="(kolonne-\d+)" value="([^"]*)">', form))


def _count(users: UserStore, model: type, **where: object) -> int:
    with users.transaction() as db:
        query = select(func.count()).select_from(model)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        return int(db.scalar(query) or 0)


# --- Who gets in ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "path", ["/arbeidsrom", "/arbeidsrom/ny", "/arbeidsrom/mal/kommune-verdi.csv"]
)
def test_anonymous_goes_to_sign_in_and_comes_back(portal: Portal, path: str) -> None:
    answer = portal.anonymous().get(path)
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/logg-inn?neste={path}"


def test_an_anonymous_post_is_refused_in_norwegian(portal: Portal) -> None:
    client = portal.anonymous()
    page = client.get("/logg-inn")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token
    answer = client.post("/arbeidsrom/ny", data={**META, "csrf_token": token.group(1)})
    assert answer.status_code == 401 and "Du må logge inn" in answer.text


def test_an_expired_session_is_anonymous(portal: Portal) -> None:
    person = portal.person("editor@own", lifetime=timedelta(seconds=-1))
    assert person.client.get("/arbeidsrom").status_code == 303


def test_a_form_without_its_token_is_refused(portal: Portal) -> None:
    person = portal.person("editor@own")
    answer = person.client.post("/arbeidsrom/ny", data=META)
    assert answer.status_code == 403 and "Skjemaet kunne ikke sendes" in answer.text


def test_the_header_links_to_the_workspace_only_when_signed_in(portal: Portal) -> None:
    assert 'href="/arbeidsrom"' not in portal.anonymous().get("/mine-visninger").text
    page = portal.person("reader@own").client.get("/mine-visninger")
    assert 'href="/arbeidsrom"' in page.text


# --- The empty workspace, templates, roles --------------------------------------------------
def test_an_empty_workspace_offers_templates_and_a_new_indicator(portal: Portal) -> None:
    page = portal.person("editor@other").client.get("/arbeidsrom")
    assert page.status_code == 200
    assert page.headers["cache-control"] == PRIVATE
    assert "Arbeidsrom for Asker kommune" in page.text
    assert "ingen egne indikatorer ennå" in page.text
    assert 'href="/arbeidsrom/ny"' in page.text
    for kind in ("kommune-verdi", "kommune-teller-nevner"):
        for fmt in ("csv", "xlsx"):
            assert f'href="/arbeidsrom/mal/{kind}.{fmt}"' in page.text


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_template_is_a_private_download_for_ones_own_kommune(portal: Portal, fmt: str) -> None:
    answer = portal.person("reader@own").client.get(f"/arbeidsrom/mal/kommune-teller-nevner.{fmt}")
    assert answer.status_code == 200
    assert answer.headers["cache-control"] == PRIVATE
    assert "attachment" in answer.headers["content-disposition"]
    assert f".{fmt}" in answer.headers["content-disposition"]
    if fmt == "csv":
        assert "3201" in answer.content.decode("utf-8-sig")  # Bærum's own number


def test_an_unknown_template_is_404(portal: Portal) -> None:
    answer = portal.person("reader@own").client.get("/arbeidsrom/mal/personer.csv")
    assert answer.status_code == 404 and "Det finnes ingen mal" in answer.text


def test_a_reader_sees_the_list_but_cannot_create_or_upload(portal: Portal) -> None:
    slug = _create(portal.person("editor@own"), title="Lesbar for alle i Bærum")
    reader = portal.person("reader@own")
    page = reader.client.get("/arbeidsrom")
    assert page.status_code == 200 and "Lesbar for alle i Bærum" in page.text
    assert 'href="/arbeidsrom/ny"' not in page.text and "lesetilgang" in page.text
    assert reader.client.get("/arbeidsrom/ny").status_code == 403
    assert reader.client.get(f"/arbeidsrom/{slug}/last-opp").status_code == 403
    refused = _upload(reader, slug, GOOD_CSV)
    assert refused.status_code == 403 and "Du har ikke tilgang" in refused.text  # type: ignore[attr-defined]
    versions = reader.client.get(f"/arbeidsrom/{slug}/versjoner")
    assert versions.status_code == 200 and "Gjenopprett" not in versions.text


# --- Metadata -------------------------------------------------------------------------------
def test_missing_metadata_is_named_per_field_and_the_form_keeps_what_was_written(
    portal: Portal,
) -> None:
    person = portal.person("editor@own")
    answer = person.post("/arbeidsrom/ny", data={**META, "title": "", "decimals": "mange"})
    assert answer.status_code == 400  # type: ignore[attr-defined]
    text = answer.text  # type: ignore[attr-defined]
    assert "Noen felt må rettes" in text
    assert 'id="feil-title"' in text and 'id="feil-decimals"' in text
    assert 'aria-invalid="true"' in text
    assert META["definition"] in text  # nothing written is lost
    assert "må fylles ut" in text or "minst" in text


def test_editing_the_metadata_changes_the_title(portal: Portal) -> None:
    person = portal.person("editor@own")
    slug = _create(person, title="Gammel tittel på indikatoren")
    form = person.client.get(f"/arbeidsrom/{slug}/rediger")
    assert form.status_code == 200 and "Gammel tittel på indikatoren" in form.text
    saved = person.post(
        f"/arbeidsrom/{slug}/rediger", data={**META, "title": "Ny tittel på indikatoren"}
    )
    assert saved.status_code == 303  # type: ignore[attr-defined]
    assert "Ny tittel på indikatoren" in person.client.get(f"/arbeidsrom/{slug}/versjoner").text


# --- Upload, preview, confirm ---------------------------------------------------------------
def test_a_file_that_cannot_be_read_is_refused_and_nothing_is_kept(portal: Portal) -> None:
    person = portal.person("editor@own")
    slug = _create(person, title="Avvist fil")
    drafts = _count(portal.users, UploadDraft, user_id=portal.ids["editor@own"])
    for name, data in (("tom.csv", b""), ("gammel.xls", b"\xd0\xcf\x11\xe0" + b"\0" * 64)):
        answer = _upload(person, slug, data, name)
        assert answer.status_code == 400, name  # type: ignore[attr-defined]
        assert 'role="alert"' in answer.text  # type: ignore[attr-defined]
    assert "Filen er tom." in _upload(person, slug, b"", "tom.csv").text  # type: ignore[attr-defined]
    assert _count(portal.users, UploadDraft, user_id=portal.ids["editor@own"]) == drafts


def test_no_file_chosen_says_so(portal: Portal) -> None:
    person = portal.person("editor@own")
    slug = _create(person, title="Uten fil")
    answer = person.post(f"/arbeidsrom/{slug}/last-opp", files={"fil": ("", b"", "text/csv")})
    assert answer.status_code == 400 and "Velg en fil" in answer.text  # type: ignore[attr-defined]


def test_a_wrong_row_is_named_and_cannot_be_confirmed_then_the_fix_is_stored(
    portal: Portal,
) -> None:
    person = portal.person("editor@own")
    slug = _create(person, title="Rad med feil")
    preview, page = _preview_of(person, slug, WRONG_CSV)
    # The message names the spreadsheet row (header = 1) and what the number became.
    assert "Rad 4" in page and "0219" in page and "3201" in page
    assert "cell-problem" in page
    assert "/bekreft" not in page
    confirm = person.post(
        f"{preview}/bekreft",
        data={
            "kolonne-0": "region",
            "kolonne-1": "period",
            "kolonne-2": "numerator",
            "kolonne-3": "denominator",
        },
    )
    assert confirm.status_code == 400  # type: ignore[attr-defined]
    assert (
        "Ingen tall er lastet opp ennå" in person.client.get(f"/arbeidsrom/{slug}/versjoner").text
    )

    preview, page = _preview_of(person, slug, GOOD_CSV)
    assert "Alle 3 rader er i orden" in page
    fields = _confirm_fields(page)
    assert fields == {
        "kolonne-0": "region",
        "kolonne-1": "period",
        "kolonne-2": "numerator",
        "kolonne-3": "denominator",
    }
    stored = person.post(f"{preview}/bekreft", data=fields)
    assert stored.status_code == 303  # type: ignore[attr-defined]
    assert stored.headers["location"] == f"/arbeidsrom/{slug}/versjoner?ny=1"  # type: ignore[attr-defined]
    versions = person.client.get(stored.headers["location"])  # type: ignore[attr-defined]
    assert "Versjon 1 er lagret" in versions.text and "Gjeldende" in versions.text
    assert "tall.csv" in versions.text
    # The draft is gone once confirmed: a second «Bekreft» stores nothing twice.
    again = person.post(f"{preview}/bekreft", data=fields)
    assert again.status_code == 404 and "Opplastingen finnes ikke lenger" in again.text  # type: ignore[attr-defined]


def test_choosing_other_columns_checks_again_and_keeps_the_choice(portal: Portal) -> None:
    person = portal.person("editor@own")
    slug = _create(person, title="Annen kolonnebruk")
    preview, _page = _preview_of(person, slug, GOOD_CSV)
    # Two columns for one role: refused with a message, the selects keep what was chosen.
    page = person.client.get(
        preview,
        params={
            "kolonne-0": "region",
            "kolonne-1": "region",
            "kolonne-2": "numerator",
            "kolonne-3": "denominator",
        },
    )
    assert page.status_code == 400
    assert "er alle valgt som" in page.text
    assert "/bekreft" not in page.text
    chosen = re.findall(r'<option value="region" selected>', page.text)
    assert len(chosen) == 2


def test_another_persons_or_an_unknown_draft_is_gone(portal: Portal) -> None:
    editor = portal.person("editor@own")
    slug = _create(editor, title="Utløpt utkast")
    preview, _page = _preview_of(editor, slug, GOOD_CSV)
    colleague = portal.person("admin@own")
    answer = colleague.client.get(preview)
    assert answer.status_code == 404 and "Opplastingen finnes ikke lenger" in answer.text
    unknown = editor.client.get(f"/arbeidsrom/{slug}/forhandsvisning/finnes-ikke")
    assert unknown.status_code == 404 and "Last opp filen på nytt" in unknown.text


def test_an_expired_draft_asks_for_the_file_again_and_stores_nothing(portal: Portal) -> None:
    person = portal.person("editor@own")
    slug = _create(person, title="Gammelt utkast")
    preview, page = _preview_of(person, slug, GOOD_CSV)
    token = preview.rsplit("/", 1)[-1]
    with portal.users.transaction() as db:
        db.execute(
            update(UploadDraft)
            .where(UploadDraft.token == token)
            .values(created=utcnow() - DRAFT_LIFETIME - timedelta(minutes=1))
        )
    answer = person.client.get(preview)
    assert answer.status_code == 404 and "Opplastingen finnes ikke lenger" in answer.text
    confirm = person.post(f"{preview}/bekreft", data=_confirm_fields(page))
    assert confirm.status_code == 404  # type: ignore[attr-defined]
    assert (
        "Ingen tall er lastet opp ennå" in person.client.get(f"/arbeidsrom/{slug}/versjoner").text
    )


# --- Another organisation, unknown slugs ------------------------------------------------------
def test_another_organisations_indicator_is_404_everywhere(portal: Portal) -> None:
    owner = portal.person("editor@own")
    slug = _create(owner, title="Hemmelig for Asker")
    _preview_of(owner, slug, GOOD_CSV)
    stranger = portal.person("admin@other")
    assert "Hemmelig for Asker" not in stranger.client.get("/arbeidsrom").text
    for path in (
        f"/arbeidsrom/{slug}/versjoner",
        f"/arbeidsrom/{slug}/last-opp",
        f"/arbeidsrom/{slug}/rediger",
        f"/arbeidsrom/{slug}/deling",
    ):
        answer = stranger.client.get(path)
        assert answer.status_code == 404, path
        assert "Hemmelig for Asker" not in answer.text
    for path in (f"/arbeidsrom/{slug}/slett", f"/arbeidsrom/{slug}/deling"):
        assert stranger.post(path, data={"bekreft": "ja"}).status_code == 404  # type: ignore[attr-defined]
    assert _upload(stranger, slug, GOOD_CSV).status_code == 404  # type: ignore[attr-defined]
    assert "Hemmelig for Asker" in owner.client.get("/arbeidsrom").text


def test_an_unknown_slug_is_404_in_norwegian(portal: Portal) -> None:
    answer = portal.person("editor@own").client.get("/arbeidsrom/finnes-ikke/versjoner")
    assert answer.status_code == 404 and "Fant ikke indikatoren" in answer.text


# --- Versions, sharing, deletion ------------------------------------------------------------
def _store_version(person: Person, slug: str, data: bytes) -> None:
    preview, page = _preview_of(person, slug, data)
    assert person.post(f"{preview}/bekreft", data=_confirm_fields(page)).status_code == 303  # type: ignore[attr-defined]


def test_a_new_upload_is_a_new_version_and_an_old_one_can_be_restored(portal: Portal) -> None:
    person = portal.person("editor@own")
    slug = _create(person, title="Versjoner og gjenoppretting")
    _store_version(person, slug, GOOD_CSV)
    _store_version(person, slug, SECOND_CSV)
    page = person.client.get(f"/arbeidsrom/{slug}/versjoner").text
    restore = re.search(rf'action="(/arbeidsrom/{slug}/versjoner/\d+/gjenopprett)"', page)
    assert restore, page
    assert page.count("Gjeldende") == 1 and page.count("/gjenopprett") == 1
    assert person.post(restore.group(1)).status_code == 303  # type: ignore[attr-defined]
    after = person.client.get(f"/arbeidsrom/{slug}/versjoner").text
    # Version 1 is current again; version 2 is kept and can be restored in turn.
    rows = re.findall(r'<th scope="row">(\d+)</th>.*?</tr>', after, flags=re.S)
    assert rows == ["2", "1"]
    current = re.search(r'<th scope="row">1</th>.*?</tr>', after, flags=re.S)
    assert current and "Gjeldende" in current.group(0)


def test_only_an_admin_shares_and_the_choice_is_kept(portal: Portal) -> None:
    editor = portal.person("editor@own")
    slug = _create(editor, title="Til deling")
    assert editor.client.get(f"/arbeidsrom/{slug}/deling").status_code == 403
    admin = portal.person("admin@own")
    form = admin.client.get(f"/arbeidsrom/{slug}/deling")
    assert form.status_code == 200 and "Asker kommune" in form.text
    assert "Bærum kommune</label>" not in form.text  # not one's own
    asker = re.search(
        r'id="org-(\d+)" name="organisasjon" value="\d+">\s*<label[^>]*>Asker', form.text
    )
    assert asker, form.text
    shared = admin.post(f"/arbeidsrom/{slug}/deling", data={"organisasjon": asker.group(1)})
    assert shared.status_code == 303  # type: ignore[attr-defined]
    again = admin.client.get(f"/arbeidsrom/{slug}/deling").text
    assert f'value="{asker.group(1)}" checked' in again
    assert "Delt med 1 annen organisasjon" in admin.client.get(f"/arbeidsrom/{slug}/versjoner").text


def test_delete_needs_the_checkbox_and_then_the_indicator_is_gone(portal: Portal) -> None:
    person = portal.person("editor@own")
    slug = _create(person, title="Skal slettes")
    kept = person.post(f"/arbeidsrom/{slug}/slett")
    assert kept.status_code == 303  # type: ignore[attr-defined]
    assert person.client.get(f"/arbeidsrom/{slug}/versjoner").status_code == 200
    gone = person.post(f"/arbeidsrom/{slug}/slett", data={"bekreft": "ja"})
    assert gone.status_code == 303 and gone.headers["location"] == "/arbeidsrom"  # type: ignore[attr-defined]
    assert person.client.get(f"/arbeidsrom/{slug}/versjoner").status_code == 404
    assert "Skal slettes" not in person.client.get("/arbeidsrom").text


# --- Size limits on the bodies ------------------------------------------------------------------
def test_an_upload_over_the_limit_is_refused_before_it_is_read(portal: Portal) -> None:
    person = portal.person("editor@own")
    slug = _create(person, title="For stor fil")
    too_big = b"x" * (LimitsConfig().max_upload_bytes + 1)
    answer = _upload(person, slug, too_big)
    assert answer.status_code == 413  # type: ignore[attr-defined]


def test_a_body_without_a_length_is_counted_as_it_is_read(portal: Portal) -> None:
    person = portal.person("editor@own")

    def chunks() -> Iterator[bytes]:
        yield f"csrf_token={person.token}&title=".encode()
        for _ in range(100):
            yield b"a" * 1024  # 100 KiB: over the forms' 64 KiB

    answer = person.client.post(
        "/arbeidsrom/ny",
        content=chunks(),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert answer.status_code == 413
    assert "for stort" in answer.text


def test_the_preview_shows_the_first_rows_and_every_wrong_row_with_its_message() -> None:
    raw = RawTable(
        columns=("kommunenummer", "år", "verdi"),
        rows=tuple((f"32{i:02d}", "2024", "1,0") for i in range(60)),
        encoding="utf-8",
        sheet=None,
        filename="syntetisk.csv",
    )
    wrong = raw.row_number(50)
    problems = [
        RowProblem(wrong, "verdi", "tallet mangler"),
        RowProblem(wrong, "", "raden er lik rad 2"),  # a whole-row problem
    ]
    rows = forms.preview_rows(raw, problems)
    numbers = [r.number for r in rows]
    assert numbers[: forms.PREVIEW_ROWS] == [raw.row_number(i) for i in range(forms.PREVIEW_ROWS)]
    assert numbers[forms.PREVIEW_ROWS :] == [wrong]
    cells = rows[-1].cells
    assert cells[2].problem == "tallet mangler"
    assert cells[0].problem == "raden er lik rad 2"  # the row's problem on its first cell
    assert all(not c.problem for r in rows[:-1] for c in r.cells)


@pytest.mark.parametrize(
    ("lang", "heading", "bokmal"),
    [
        ("en", "Workspace for Bærum kommune", "Egne indikatorer"),
        ("nn", "Arbeidsrom for Bærum kommune", "Egne indikatorer"),
    ],
)
def test_the_workspace_pages_keep_the_language_in_every_link_and_form(
    portal: Portal, lang: str, heading: str, bokmal: str
) -> None:
    editor = portal.person("editor@own")
    slug = _create(editor, title=f"Språkkartlegging {lang}")
    preview, _ = _preview_of(editor, slug, GOOD_CSV)
    pages = [
        "/arbeidsrom",
        f"/arbeidsrom/{slug}/versjoner",
        f"/arbeidsrom/{slug}/last-opp",
        f"/arbeidsrom/{slug}/rediger",
        preview,
    ]
    for path in pages:
        page = editor.client.get(f"/{lang}{path}")
        assert page.status_code == 200, (path, page.text)
        assert f'<html lang="{lang}"' in page.text
        # every link and form of the workspace stays in the language (the switcher's bokmål
        # link in the header aside)
        main = page.text[page.text.index("<main") :]
        assert not re.search(r'(?:href|action)="/(?:arbeidsrom|indikator)', main), path
        assert f'="/{lang}/arbeidsrom' in main, path
    front = editor.client.get(f"/{lang}/arbeidsrom").text
    assert heading in front
    assert f">{bokmal}<" not in front
    # the metadata form's labels and help (made in Python) are translated too
    form = editor.client.get(f"/{lang}/arbeidsrom/{slug}/rediger").text
    assert "Hele navnet, slik det står over figurer og tabeller." not in form
