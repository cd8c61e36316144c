"""A planner edits a chart and takes it away: image files, the numbers behind it, an embed.

Runs the real portal (``live_server``) in Debian's Chromium; screenshots go to
artifacts/screenshots/.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import struct
import subprocess
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import Page, expect
from tests.browser.conftest import assert_accessible

PAGE = "/indikator/barn-lavinntekt-eu60?omrade=4601,46,0&egen=4601&periode=2021,2022,2023,2024,2025"
TITLE = "Lavinntekt blant barn i Bergen"


def _png_size(data: bytes) -> tuple[int, int]:
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


def _download(page: Page, selector: str) -> bytes:
    with page.expect_download() as info:
        page.locator(selector).first.click()
    path = info.value.path()
    return Path(str(path)).read_bytes()


def _edit(page: Page) -> None:
    page.goto(PAGE)
    page.locator("summary", has_text="Tilpass figuren").click()
    # Own municipality is highlighted by default.
    expect(page.locator("#ed-fremhev-4601")).to_be_checked()
    # Each choice reloads the page with the new URL (editor.js); the form also works without it.
    page.select_option("#ed-fokus", "valgte")
    page.wait_for_url(re.compile(r"fokus=valgte"))
    page.select_option("#ed-palett", "tol")
    page.wait_for_url(re.compile(r"palett=tol"))
    page.fill("#ed-tittel", TITLE)
    page.get_by_role("button", name="Oppdater figuren").click()
    page.wait_for_url(re.compile(r"tittel=Lavinntekt"))
    expect(page.locator("#figur-chart")).to_have_attribute("data-rendered", "true")


def _table_values(page: Page) -> dict[tuple[str, str], str]:
    """(code, period) → the number shown in the page's table alternative (without interval)."""
    cells = page.locator("#tabell-figur td[data-code]")
    out = {}
    for i in range(cells.count()):
        cell = cells.nth(i)
        # The number without its flag marks (<sup class="flag">), which the CSV has as words.
        text = cell.evaluate(
            "c => { const k = c.cloneNode(true);"
            " k.querySelectorAll('sup.flag').forEach(s => s.remove()); return k.textContent; }"
        )
        text = text.split("(")[0].strip()
        out[(cell.get_attribute("data-code") or "", cell.get_attribute("data-period") or "")] = text
    return out


def _norwegian(value: float, decimals: int = 1) -> str:
    return f"{value:,.{decimals}f}".replace(",", "\u202f").replace(".", ",")


def test_edit_then_download_png_svg_pdf(page: Page, screenshot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _edit(page)
    url = page.url
    assert "fremhev" not in url or "4601" in url
    # The highlighted series is coloured, the others grey.
    spec = json.loads(page.locator("#figur-spec").text_content() or "{}")
    colours = dict(
        zip(
            spec["layer"][-3]["encoding"]["color"]["scale"]["domain"],
            spec["layer"][-3]["encoding"]["color"]["scale"]["range"],
            strict=True,
        )
    )
    assert colours["Norge"] == colours["Vestland"] == "#C8C8C8"
    assert colours["Bergen"] == "#4477AA"  # Paul Tol's first colour
    assert spec["title"]["text"] == TITLE
    screenshot(page, "takeaway-editor")
    assert_accessible(page)

    png = _download(page, "a[data-download='png']")
    assert _png_size(png) == (680, 440)
    png2 = _download(page, "a[data-download='png-2x']")
    assert _png_size(png2) == (1360, 880)
    svg = _download(page, "a[data-download='svg']").decode()
    assert TITLE in svg
    assert "Kilde: Statistisk sentralbyrå (SSB), tabell 08764" in svg
    pdf = _download(page, "a[data-download='pdf']")
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext is missing: apt-get install -y poppler-utils")
    (tmp_path / "f.pdf").write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "f.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert TITLE in text and "tabell 08764" in text


def test_data_downloads_hold_exactly_the_displayed_selection(page: Page) -> None:
    _edit(page)
    shown = _table_values(page)
    assert len(shown) == 3 * 5
    raw = _download(page, "a[data-format='csv']").decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(raw), delimiter=";"))
    assert {(r["region"], r["periode"]) for r in rows} == set(shown)
    for r in rows:
        value = float(r["verdi"].replace(",", "."))
        assert _norwegian(value) == shown[(r["region"], r["periode"])]
        assert r["kilde"]  # metadata on every row
    book = openpyxl.load_workbook(io.BytesIO(_download(page, "a[data-format='xlsx']")))
    data = book["Data"]
    header = [c.value for c in data[1]]
    xlsx_rows = [
        dict(zip(header, (c.value for c in row), strict=True)) for row in data.iter_rows(2)
    ]
    assert {(str(r["region"]), str(r["periode"])) for r in xlsx_rows} == set(shown)
    assert "Metadata" in book.sheetnames
    stat = json.loads(_download(page, "a[data-format='jsonstat2']"))
    assert stat["class"] == "dataset" and "08764" in stat["source"]
    regions = stat["dimension"]["region"]["category"]["index"]
    periods = stat["dimension"]["tid"]["category"]["index"]
    assert set(regions) == {"4601", "46", "0"} and len(periods) == 5
    size = len(periods)
    for (code, period), text in shown.items():
        value = stat["value"][regions[code] * size + periods[period]]
        assert _norwegian(value) == text


def test_embed_shows_the_same_chart_and_is_accessible(page: Page, screenshot) -> None:  # type: ignore[no-untyped-def]
    _edit(page)
    page.locator("summary", has_text="Bygg inn eller del").click()
    frozen = page.locator("a[data-embed-link='fast']").get_attribute("href") or ""
    living = page.locator("a[data-embed-link='levende']").get_attribute("href") or ""
    assert "periode=2021,2022,2023,2024,2025" in frozen and "periode=" not in living
    snippet = page.locator("#p5-snippet-fast").input_value()
    assert snippet.startswith("<iframe src=") and "/embed/indikator/" in snippet
    page.goto(frozen)
    expect(page.locator("h1")).to_have_text(TITLE)
    expect(page.locator("#embed-chart")).to_have_attribute("data-rendered", "true")
    embed_spec = json.loads(page.locator("#embed-spec").text_content() or "{}")
    assert embed_spec["title"]["text"] == TITLE
    values = {
        (r["kode"], r["periode"]): r["verdi"] for r in embed_spec["data"]["values"] if r["verdi"]
    }
    assert len(values) == 15
    bergen_2025 = page.locator("#embed-tabell tr", has_text="Bergen").locator("td").last
    assert bergen_2025.inner_text() == _norwegian(values[("4601", "2025")])
    expect(page.locator(".p5-embed-mode")).to_have_attribute("data-mode", "fast")
    screenshot(page, "takeaway-embed")
    assert_accessible(page)
