"""A planner reads their municipality's profile and sees where it is significantly worse."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from oppvekst.snapshot.store import TOTAL_FILTER, Store

pytestmark = pytest.mark.browser

CANDIDATES = ("4601", "3301", "5001", "3201", "1103", "0301", "5501", "1108")


def _worse_than_country(store: Store, code: str) -> list[str]:
    """Key indicators whose latest 95 % interval lies wholly on the bad side of the country value.

    Computed straight from the snapshot, independently of the profile view.
    """
    frame = store.frame(
        f"""
        WITH own AS (
          SELECT o.*, i.polarity, i.short_title FROM observations o
          JOIN indicators i ON i.id = o.indicator_id
          WHERE o.region = ? AND i.key_indicator AND {TOTAL_FILTER.replace("sex", "o.sex")}
            AND (o.value IS NOT NULL OR o.status IS NOT NULL)
          QUALIFY row_number() OVER (PARTITION BY o.indicator_id
                                     ORDER BY o.period_end DESC, o.period DESC) = 1)
        SELECT own.short_title FROM own JOIN observations c
          ON c.indicator_id = own.indicator_id AND c.period = own.period AND c.region = '0'
         AND c.sex = 'total' AND c.age = 'total' AND c.background = 'total' AND c.grade = 'total'
        WHERE own.lower998 IS NOT NULL AND own.upper998 IS NOT NULL
          AND ((own.polarity = 'lower_better' AND own.lower95 > c.value)
            OR (own.polarity = 'higher_better' AND own.upper95 < c.value))
        ORDER BY 1
        """,
        [code],
    )
    return list(frame["short_title"])


def test_see_where_the_municipality_is_significantly_worse(  # type: ignore[no-untyped-def]
    page: Page, store: Store, screenshot, accessible
) -> None:
    code, worse = next(
        ((c, w) for c in CANDIDATES if (w := _worse_than_country(store, c))), ("", [])
    )
    assert worse, "the fixture snapshot should have a kommune worse than the country somewhere"
    page.goto(f"/kommune/{code}")
    name = store.regions[code].name
    expect(page.get_by_role("heading", level=1)).to_have_text(name)

    box = page.locator(".summary-verre")
    expect(box.get_by_role("heading")).to_have_text("Signifikant dårligere enn landsgjennomsnittet")
    items = box.get_by_role("listitem")
    expect(items).to_have_count(len(worse))
    for title in worse:
        row = page.locator("table.barometer tr.sig-row").filter(
            has=page.get_by_role("rowheader").filter(has_text=title)
        )
        expect(row).to_have_count(1)
        # Highlighted by colour *and* by shape *and* in words.
        expect(row).to_have_class(re.compile(r"sig-row-verre"))
        expect(row.locator(".sig")).to_have_text(re.compile(r"(Mye )?[dD]årligere"))
        expect(row.locator("svg.spine .mk-verre")).to_have_count(1)
        expect(box).to_contain_text(title.split()[0])
    screenshot(page, "profile")
    accessible(page)


def test_switch_benchmark_to_the_county_and_back(page: Page, store: Store) -> None:
    page.goto("/kommune/4601")
    lead = page.locator("p.lead")
    expect(lead).to_contain_text("landsgjennomsnittet")
    group_field = page.get_by_label("Kommuner i egen gruppe")
    expect(group_field).to_be_hidden()  # profile.js shows it only for "Egen gruppe"
    page.get_by_role("radio", name="Egen gruppe").check()
    expect(group_field).to_be_visible()
    page.get_by_label("Fylket (Vestland)").check()
    page.get_by_role("button", name="Oppdater").click()
    expect(page).to_have_url(re.compile(r"/kommune/4601\?sammenligning=fylke"))
    expect(lead).to_contain_text("Vestland")
    expect(
        page.get_by_role("columnheader", name=re.compile("Sammenlignet med .*Vestland"))
    ).to_be_visible()
    page.go_back()
    expect(page).to_have_url(re.compile(r"/kommune/4601$"))
    expect(lead).to_contain_text("landsgjennomsnittet")


def test_former_code_leads_to_the_current_municipality(page: Page) -> None:
    page.goto("/kommune/0219")
    expect(page).to_have_url(re.compile(r"/kommune/3201\?tidligere=0219$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Bærum")
    expect(page.get_by_role("status")).to_contain_text("0219 er et tidligere kommunenummer")


def test_unknown_code_offers_a_way_on(page: Page, screenshot, accessible) -> None:  # type: ignore[no-untyped-def]
    response = page.goto("/kommune/9876")
    assert response is not None
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_contain_text("«9876»")
    expect(page.get_by_role("search")).to_be_visible()
    screenshot(page, "error-404")
    accessible(page)


def test_profile_on_a_phone(phone: Page, screenshot) -> None:  # type: ignore[no-untyped-def]
    phone.goto("/kommune/0301")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Oslo")
    # The page itself never scrolls sideways; only the table region does.
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    screenshot(phone, "profile-phone")
