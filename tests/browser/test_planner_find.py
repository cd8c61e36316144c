"""A planner finds their municipality from the front page by typing part of its name."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_type_part_of_the_name_without_ae(page: Page, screenshot, accessible) -> None:  # type: ignore[no-untyped-def]
    page.goto("/")
    box = page.get_by_role("combobox", name="Søk etter kommune, bydel, fylke eller indikator")
    box.press_sequentially("baer", delay=40)
    option = page.get_by_role("option", name=re.compile(r"^Bærum"))
    expect(option).to_be_visible()
    expect(option).to_contain_text("Kommune 3201 · Akershus")
    expect(box).to_have_attribute("aria-expanded", "true")
    screenshot(page, "front-typeahead")
    accessible(page)
    box.press("ArrowDown")
    expect(option).to_have_attribute("aria-selected", "true")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/kommune/3201$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Bærum")


def test_sami_name_found_by_its_norwegian_part(page: Page) -> None:
    page.goto("/")
    page.get_by_role("combobox").press_sequentially("karasjok", delay=30)
    option = page.get_by_role("option", name=re.compile("Kárášjohka - Karasjok"))
    expect(option).to_be_visible()
    option.click()
    expect(page).to_have_url(re.compile(r"/kommune/5610$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Kárášjohka - Karasjok")


def test_search_works_without_javascript(no_js_page: Page, screenshot) -> None:  # type: ignore[no-untyped-def]
    page = no_js_page
    page.goto("/")
    page.get_by_label("Søk etter kommune, bydel, fylke eller indikator").fill("kautokeino")
    page.get_by_role("button", name="Søk").click()
    expect(page).to_have_url(re.compile(r"/sok\?q=kautokeino"))
    link = page.get_by_role("link", name="Guovdageaidnu - Kautokeino")
    expect(link).to_be_visible()
    screenshot(page, "search-results")
    link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Guovdageaidnu - Kautokeino")
    # The barometer is server-rendered: it is all there without JavaScript.
    expect(page.locator("table.barometer tbody tr.sig-row").first).to_be_visible()


def test_topic_box_leads_to_its_indicators(page: Page, store) -> None:  # type: ignore[no-untyped-def]
    expected = sorted(i.title for i in store.indicators.values() if i.topic == "mobbing")
    page.goto("/")
    page.get_by_role("link", name="Mobbing", exact=True).click()
    expect(page).to_have_url(re.compile(r"/statistikkbank\?tema=mobbing$"))
    expect(page.get_by_label("Tema")).to_have_value("mobbing")
    rows = page.locator("table.bank-list tbody tr")
    expect(rows).to_have_count(len(expected))
    for row, title in zip(rows.all(), expected, strict=True):
        expect(row.locator("th a")).to_have_text(title)
