"""A planner finds how immigrants fare against the rest of her municipality on low income, and
takes the chart and its table with her."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def _download(page: Page, selector: str) -> tuple[str, bytes]:
    with page.expect_download() as info:
        page.locator(selector).first.click()
    download = info.value
    return download.suggested_filename, Path(str(download.path())).read_bytes()


def test_immigrants_against_the_rest_on_low_income(page: Page, screenshot, accessible) -> None:  # type: ignore[no-untyped-def]
    page.goto("/indikator/vedvarende-lavinntekt-alle-aldre?omrade=1106")
    page.locator("[data-inequality-link]").click()
    expect(page).to_have_url(
        re.compile(r"/indikator/vedvarende-lavinntekt-alle-aldre/ulikhet\?omrade=1106$")
    )
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ulikhet")
    sentence = page.locator("[data-gap-sentence]")
    expect(sentence).to_contain_text("I Haugesund er andelen")
    expect(sentence).to_contain_text(
        "ganger så høy blant innvandrere som blant befolkningen ellers"
    )
    table = page.locator("#tabell-ulikhet")
    expect(table.locator('tr[data-group="innvandrere"] th')).to_have_text("Innvandrere")
    expect(table.locator('tr[data-group="ovrige"] th')).to_have_text("Befolkningen ellers")
    # The country's gap beside hers.
    expect(page.locator('#tabell-ulikhet-omrader tr[data-area="0"]')).to_contain_text("Norge")
    # The chart is drawn (Vega renders an SVG into the figure).
    expect(page.locator("#ulikhet-chart svg")).to_be_visible()
    screenshot(page, "inequality-low-income")
    accessible(page)

    name, data = _download(page, "a[data-table-download]")
    assert name == "oppvekststatus-ulikhet-vedvarende-lavinntekt-alle-aldre-1106.csv"
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    shown = {r["Bakgrunn"]: r["Verdi"] for r in rows}
    on_page = table.locator('tr[data-group="innvandrere"] td').first.inner_text()
    assert shown["Innvandrere"].rstrip("0").rstrip(",") == on_page.rstrip("0").rstrip(",")

    name, data = _download(page, "a[data-image-download]")
    assert name.endswith(".png") and data.startswith(b"\x89PNG")


def test_a_mistyped_municipality_keeps_the_view(page: Page) -> None:
    page.goto("/indikator/vedvarende-lavinntekt-alle-aldre/ulikhet?omrade=1106")
    page.locator("#ulikhet-omrade").fill("Haugesundd")
    page.get_by_role("button", name="Vis").click()
    expect(page.get_by_role("alert")).to_contain_text("Haugesundd")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ulikhet")
