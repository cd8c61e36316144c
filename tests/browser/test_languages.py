"""The language switcher in a real browser: by keyboard, keeping the view; screenshots per language.

The done-when pages are photographed in nynorsk and English (artifacts/screenshots/, for a person
to read: no word of the other languages), and the switcher is used the way a keyboard user does.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from oppvekst import language
from oppvekst.language import Language

pytestmark = pytest.mark.browser

DONE_WHEN = {
    "forside": "/",
    "kommune": "/kommune/3201",
    "indikator": "/indikator/barn-0-17",
    "krysse": "/krysse",
    "statistikkbank": "/statistikkbank",
}


@pytest.mark.parametrize("lang", [Language.nn, Language.en])
@pytest.mark.parametrize("name", list(DONE_WHEN))
def test_pages_in_nynorsk_and_english(  # type: ignore[no-untyped-def]
    page: Page, live_server: str, screenshot, name: str, lang: Language
) -> None:
    page.goto(live_server + language.url(DONE_WHEN[name], lang))
    expect(page.locator("html")).to_have_attribute("lang", lang.value)
    current = page.locator(".language-switcher a[aria-current=true]")
    expect(current).to_have_attribute("hreflang", lang.value)
    screenshot(page, f"sprak-{lang.value}-{name}")


def test_the_switcher_by_keyboard_keeps_the_view(page: Page, live_server: str) -> None:
    """Tab to «English» in the header and press Enter: the same indicator, areas and chart type."""
    view = "/indikator/barn-0-17?omrade=3201%2C0301&figur=stolper"
    page.goto(live_server + view)
    english = page.locator(".language-switcher a[hreflang=en]")
    for _ in range(40):  # the header comes first in the tab order
        page.keyboard.press("Tab")
        if english.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail("the language switcher is not reachable with Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(live_server + "/en" + view)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    # The view is kept: the chart type chosen is still the current one.
    expect(page.locator(".p2-switch a[aria-current=true]")).to_have_attribute(
        "href", "/en/indikator/barn-0-17?omrade=3201%2C0301&figur=stolper"
    )
