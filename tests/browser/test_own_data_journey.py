"""Issue #15's «Done when», in Debian's Chromium against the real portal process.

A kommune editor (Bærum) signs in, downloads the template, uploads a file with one deliberate
error (Bærum's number before 2020, «0219»), sees the row's message, fixes it, uploads again,
confirms, sees the own indicator in Bærum's profile beside the national ones marked «egne data»,
crosses it with a national indicator and exports the chart. An editor of another kommune (Asker)
and an anonymous reader then find it nowhere: workspace, indicator page, profile, API, search,
exports. axe-core checks every workspace page on the way.

The figures are synthetic (a fixed formula per kommune number) for the real kommuner of Akershus,
so that the cross plot has points; the user store is a SQLite file of this module's own.
"""

from __future__ import annotations

import csv
import io
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from tests.browser.conftest import SCREENSHOTS, assert_accessible

from oppvekst.accounts import members
from oppvekst.accounts.models import OrganisationKind, Role
from oppvekst.accounts.store import UserStore
from oppvekst.snapshot.store import Store
from oppvekst.web.process import free_port, running, serve_command
from oppvekst.workspace.mapping import guess_mapping
from oppvekst.workspace.reading import read_upload

pytestmark = pytest.mark.browser

PASSWORD = secrets.token_urlsafe(18)  # a fresh one per run: no password in the repository
EDITOR = "redaktor@baerum.kommune.no"
STRANGER = "redaktor@asker.kommune.no"
ADMIN = "admin@baerum.kommune.no"
TITLE = "Femåringer kartlagt av helsestasjonen"
SHORT = "Kartlagt 5 år"  # what the profile's rows show
NATIONAL = "barn-lavinntekt-eu60"  # a national kommune indicator to cross with
PERIODS = ("2023", "2024")


@dataclass(frozen=True, slots=True)
class Portal:
    base: str


@pytest.fixture(scope="module")
def portal(snapshot_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Portal]:
    """The portal as a process, on the fixture snapshot and a user store with Bærum and Asker."""
    url = f"sqlite:///{tmp_path_factory.mktemp('reise') / 'brukere.sqlite3'}"
    users = UserStore(url)
    baerum = members.create_organisation(users, OrganisationKind.KOMMUNE, "3201", "Bærum kommune")
    asker = members.create_organisation(users, OrganisationKind.KOMMUNE, "3203", "Asker kommune")
    members.create_user(users, baerum, EDITOR, PASSWORD, Role.EDITOR)
    members.create_user(users, asker, STRANGER, PASSWORD, Role.EDITOR)
    members.create_user(users, baerum, ADMIN, PASSWORD, Role.ADMIN)
    users.close()
    port = free_port()
    environment = {"OPPVEKST_USER_DATABASE_URL": url, "OPPVEKST_RATE_LIMIT": "off"}
    with running(serve_command(snapshot_dir, port), port, environment=environment) as server:
        yield Portal(server.base)


def _context(browser: Browser, portal: Portal) -> BrowserContext:
    return browser.new_context(
        base_url=portal.base,
        locale="nb-NO",
        viewport={"width": 1280, "height": 900},
        accept_downloads=True,
    )


def _shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"arbeidsrom-{name}.png"), full_page=True)


def _sign_in(page: Page, email: str, target: str = "/arbeidsrom") -> None:
    page.goto(target)
    page.wait_for_url(re.compile(r".*/logg-inn\?neste=.*"))
    page.get_by_label("E-post").fill(email)
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url(f"**{target}")


def _own_file(template: bytes, kommuner: list[str], wrong: str | None = None) -> bytes:
    """The template's own columns (whatever they are), filled with synthetic figures for
    ``kommuner``; Bærum's 2024 row written with ``wrong`` as its number, when given."""
    raw = read_upload(template, "mal.csv")
    roles = guess_mapping(raw).roles()
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(raw.columns)
    for code in kommuner:
        for period in PERIODS:
            denominator = 200 + int(code) % 97
            numerator = 20 + (int(code) * 7 + int(period)) % 60
            cells = {
                "region": wrong if (wrong and code == "3201" and period == "2024") else code,
                "period": period,
                "numerator": str(numerator),
                "denominator": str(denominator),
                "value": f"{100 * numerator / denominator:.1f}".replace(".", ","),
            }
            by_column = {column: cells.get(role, "") for role, column in roles.items()}
            writer.writerow([by_column.get(column, "") for column in raw.columns])
    return out.getvalue().encode("utf-8")


def _upload(page: Page, slug: str, data: bytes) -> None:
    page.goto(f"/arbeidsrom/{slug}/last-opp")
    page.set_input_files(
        "#fil", files=[{"name": "kartlegging.csv", "mimeType": "text/csv", "buffer": data}]
    )
    page.get_by_role("button", name="Last opp og forhåndsvis").click()
    page.wait_for_url(f"**/arbeidsrom/{slug}/forhandsvisning/*")


def test_an_editor_uploads_fixes_confirms_and_finds_it_beside_the_national(
    browser: Browser, portal: Portal, store: Store
) -> None:
    kommuner = sorted(r.code for r in store.registry.members_of_county("32"))
    assert "3201" in kommuner and len(kommuner) > 10
    context = _context(browser, portal)
    page = context.new_page()
    _sign_in(page, EDITOR)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bærum kommune")
    assert_accessible(page)
    _shot(page, "tomt")

    # The template, as a person downloads it.
    with page.expect_download() as download:
        page.locator('a[href="/arbeidsrom/mal/kommune-teller-nevner.csv"]').click()
    template = Path(download.value.path()).read_bytes()
    assert "3201" in template.decode("utf-8-sig")  # pre-filled for Bærum

    # A new own indicator through the metadata form (first sent half-filled: the problems shown).
    page.get_by_role("link", name="Ny egen indikator").click()
    page.wait_for_url("**/arbeidsrom/ny")
    assert_accessible(page)
    page.locator("#felt-title").fill(TITLE)
    page.get_by_role("button", name="Opprett indikatoren").click()
    expect(page.locator("#feil-definition")).to_be_visible()
    expect(page.locator("#felt-title")).to_have_value(TITLE)
    assert_accessible(page)
    page.locator("#felt-title").fill(TITLE)
    page.locator("#felt-short_title").fill(SHORT)
    page.locator("#felt-definition").fill(
        "Andel femåringer som er kartlagt av helsestasjonen (syntetiske testtall)."
    )
    page.locator("#felt-source").fill("Helsestasjonen, Bærum kommune")
    page.locator("#felt-unit").fill("prosent")
    page.locator("#felt-polarity").select_option("higher_better")
    page.get_by_role("button", name="Opprett indikatoren").click()
    page.wait_for_url(re.compile(r".*/arbeidsrom/[a-z0-9-]+/last-opp$"))
    slug = page.url.rsplit("/", 2)[-2]
    assert_accessible(page)

    # One deliberate error: the row is named, with the number it became.
    _upload(page, slug, _own_file(template, kommuner, wrong="0219"))
    problems = page.locator(".workspace-problems")
    expect(problems).to_contain_text("0219")
    expect(problems).to_contain_text("3201")
    expect(page.locator(".cell-problem").first).to_be_visible()
    expect(page.get_by_role("button", name="Bekreft og lagre som ny versjon")).to_have_count(0)
    assert_accessible(page)
    _shot(page, "forhandsvisning-feil")

    # Fixed, uploaded again, confirmed.
    _upload(page, slug, _own_file(template, kommuner))
    expect(page.get_by_role("status")).to_contain_text("er i orden")
    assert_accessible(page)
    preview = page.url
    page.get_by_role("button", name="Bekreft og lagre som ny versjon").click()
    page.wait_for_url(re.compile(rf".*/arbeidsrom/{slug}/versjoner\?ny=1$"))
    expect(page.get_by_role("status")).to_contain_text("Versjon 1 er lagret")
    assert_accessible(page)
    _shot(page, "versjoner")
    # A confirmed draft is gone: its preview says so and offers a new upload.
    page.goto(preview)
    expect(page.get_by_role("heading", level=1)).to_have_text("Opplastingen finnes ikke lenger")
    assert_accessible(page)
    page.goto(f"/arbeidsrom/{slug}/versjoner")
    indicator_link = page.get_by_role("link", name="Se indikatoren i portalen")
    indicator_id = indicator_link.get_attribute("href").rsplit("/", 1)[-1]  # type: ignore[union-attr]

    # Bærum's profile: the own indicator beside the national ones, marked «egne data».
    page.goto("/kommune/3201")
    own = page.locator(f"tr[data-indicator='{indicator_id}']")
    expect(own).to_contain_text(f"{SHORT} (egne data)")
    expect(own.locator("td.value")).not_to_be_empty()
    national = page.locator("tr[data-indicator]:not([data-indicator^='egne-'])")
    assert national.count() > 5  # beside the national ones
    _shot(page, "profil")

    # Crossed with a national indicator, and the chart exported.
    page.goto(f"/krysse?y={indicator_id}&x={NATIONAL}&egen=3201")
    page.get_by_label("Loddrett akse").select_option(indicator_id)
    page.get_by_label("Vannrett akse").select_option(NATIONAL)
    page.get_by_role("button", name="Vis", exact=True).click()
    page.wait_for_selector("#krysning-chart[data-rendered='true']", timeout=30_000)
    expect(page.locator("#tabell-krysning")).to_contain_text("Bærum")
    with page.expect_download() as image:
        page.locator("a[data-download='png']").first.click()
    assert Path(image.value.path()).read_bytes().startswith(b"\x89PNG")
    _shot(page, "krysse")
    context.close()

    _nowhere_for(browser, portal, indicator_id, signed_in_as=STRANGER)
    _nowhere_for(browser, portal, indicator_id, signed_in_as=None)


def _nowhere_for(
    browser: Browser, portal: Portal, indicator_id: str, signed_in_as: str | None
) -> None:
    """Another kommune's editor, or an anonymous reader, finds the own indicator nowhere."""
    context = _context(browser, portal)
    page = context.new_page()
    if signed_in_as:
        _sign_in(page, signed_in_as)
        expect(page.get_by_role("heading", level=1)).to_contain_text("Asker kommune")
        expect(page.locator("main")).not_to_contain_text(TITLE)
    for path in (
        "/kommune/3201",
        "/kommune/3203",
        f"/sok?q={TITLE.split()[0]}",
        "/statistikkbank",
        f"/krysse?y={indicator_id}&x={NATIONAL}",
    ):
        page.goto(path)
        expect(page.locator("body")).not_to_contain_text(TITLE)
        expect(page.locator("body")).not_to_contain_text(SHORT)
    answer = page.goto(f"/indikator/{indicator_id}")
    assert answer is not None and answer.status == 404
    expect(page.locator("body")).not_to_contain_text(TITLE)
    # The API and the downloads, with this browser's cookies (if any).
    cookies = {c["name"]: c["value"] for c in context.cookies()}
    with httpx.Client(base_url=portal.base, cookies=cookies, timeout=30) as client:
        for path in (
            "/api/v1/indicators",
            f"/api/v1/indicators/{indicator_id}",
            f"/api/v1/data?indicator={indicator_id}&region=3201",
            f"/api/v1/data?indicator={indicator_id}&region=3201&format=csv",
            "/statistikkbank/tabell.csv",
            f"/sok?q={TITLE.split()[0]}",
        ):
            response = client.get(path, headers={"Accept": "application/json"})
            assert TITLE not in response.text and SHORT not in response.text, path
            assert indicator_id not in response.text or response.status_code == 404, path
    context.close()


def test_an_admin_shares_an_own_indicator_on_an_accessible_page(
    browser: Browser, portal: Portal
) -> None:
    context = _context(browser, portal)
    page = context.new_page()
    _sign_in(page, ADMIN, "/arbeidsrom/ny")
    page.locator("#felt-title").fill("Delt med Asker")
    page.locator("#felt-short_title").fill("Delt")
    page.locator("#felt-definition").fill(
        "Syntetisk indikator som bare finnes for å deles i testen."
    )
    page.locator("#felt-source").fill("Bærum kommune")
    page.locator("#felt-unit").fill("prosent")
    page.get_by_role("button", name="Opprett indikatoren").click()
    page.wait_for_url(re.compile(r".*/last-opp$"))
    page.get_by_role("link", name="Deling").click()
    page.get_by_label("Asker kommune").check()
    assert_accessible(page)
    _shot(page, "deling")
    page.get_by_role("button", name="Lagre delingen").click()
    expect(page.locator("main")).to_contain_text("Delt med 1 annen organisasjon")
    context.close()
