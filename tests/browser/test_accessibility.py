"""axe-core finds no violations on any page type; each is photographed for review."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

# (name, url, first heading, run axe). The front page, the kommune profile and the 404 page are
# checked by axe inside the planner tasks; here the other page types, plus screenshots of all.
PAGES = [
    ("search", "/sok?q=oslo", "Søk", True),
    ("profile-bydel", "/kommune/030102", "Grünerløkka", True),
    ("profile-fylke", "/kommune/46", "Vestland", False),
    ("profile-land", "/kommune/0", "Norge", False),
    ("bank", "/statistikkbank?tema=barnevern", "Statistikkbank", True),
    (
        "bank-pivot",
        "/statistikkbank?indikator=barn-0-17&niva=kommune&fylke=46&alder=0-5",
        "Statistikkbank",
        True,
    ),
    ("bank-error", "/statistikkbank?indikator=andel-barn-0-17&niva=bydel", "Statistikkbank", True),
    ("packages", "/pakker", "Statistikkpakker", True),
    ("package", "/pakker/folkehelseoversikt-barn-unge", "Folkehelseoversikt – barn og unge", False),
    (
        "package-area",
        "/pakker/tilstandsrapport-barnevern?omrade=5001",
        "Tilstandsrapport barnevern – Trondheim - Tråante",
        True,
    ),
    ("status", "/status", "Datastatus", True),
]


@pytest.mark.parametrize(("name", "url", "heading", "axe"), PAGES, ids=[p[0] for p in PAGES])
def test_page_is_accessible(  # type: ignore[no-untyped-def]
    page: Page, screenshot, accessible, name: str, url: str, heading: str, axe: bool
) -> None:
    page.goto(url)
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.locator("html")).to_have_attribute("lang", "nb")
    if axe:
        accessible(page)
    screenshot(page, name)


def test_skip_link_is_first_and_moves_focus(page: Page) -> None:
    page.goto("/kommune/0301")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Hopp til hovedinnhold")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("#hovedinnhold")).to_be_focused()


def test_front_page_on_a_phone(phone: Page, screenshot) -> None:  # type: ignore[no-untyped-def]
    phone.goto("/")
    expect(phone.get_by_role("search")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "front-phone")
