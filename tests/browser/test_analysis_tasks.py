"""A planner's tasks on the analysis pages, in Debian's Chromium, with axe-core on every page type.

Each test asserts what the person sees: the chosen areas in the table alternative with the store's
values, the own municipality outlined on the map and drawn as the marked point in the scatter
(read from Vega's scenegraph via ``window.__oppvekstViews``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from oppvekst.views.numbers import number

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
BULLYING = "mobbing-10-trinn"

# Every drawn data mark (not legends or axes) with the few datum fields the tests look at (geometry left out).
MARKS_JS = """
(name) => {
  const view = window.__oppvekstViews[name];
  const out = [];
  (function walk(node) {
    if (!node) return;
    if (node.datum && node.mark && node.mark.role === "mark") {
      const d = node.datum;
      out.push({mark: node.mark.marktype, role: node.mark.role, kode: d.kode || (d.properties && d.properties.code),
                fremhevet: d.fremhevet === true, rolle: d.rolle, verdi: d.verdi, stroke: node.stroke,
                strokeWidth: node.strokeWidth, size: node.size});
    }
    (node.items || []).forEach(walk);
  })(view.scenegraph().root);
  return out;
}
"""


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def _wait_for_chart(page, name: str) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_selector(f"#{name}-chart[data-rendered='true']", timeout=20_000)


def _axe(page) -> None:  # type: ignore[no-untyped-def]
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def _latest(store, indicator: str, region: str) -> tuple[str, float]:  # type: ignore[no-untyped-def]
    period, value = store._fetch(
        "SELECT period, value FROM observations WHERE indicator_id = ? AND region = ? AND value IS NOT NULL "
        "AND sex = 'total' AND age = 'total' AND background = 'total' AND grade = 'total' "
        "ORDER BY period_end DESC, period DESC LIMIT 1",
        [indicator, region],
    )[0]
    return str(period), float(value)


def test_compare_bullying_with_two_neighbours_and_the_county(page, store) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"/indikator/{BULLYING}?omrade=4601")
    for choice in ("Bjørnafjorden (4624)", "Samnanger (4623)", "Vestland (46)"):
        page.get_by_label("Legg til kommune, bydel eller fylke").fill(choice)
        page.get_by_role("button", name="Legg til", exact=True).click()
        page.wait_for_load_state()
    assert "omrade=4601%2C4624%2C4623%2C46" in page.url  # the state is in the URL
    _wait_for_chart(page, "figur")
    table = page.locator("#tabell-figur")
    headers = table.locator("thead th").all_inner_texts()
    assert headers[1:] == ["Bergen", "Bjørnafjorden", "Samnanger", "Vestland"]
    for code in ("4601", "4624", "4623", "46"):
        period, value = _latest(store, BULLYING, code)
        cell = table.locator(f"td[data-code='{code}'][data-period='{period}']")
        assert cell.inner_text().strip().startswith(number(value, 1))
    marks = page.evaluate(MARKS_JS, "figur")
    drawn = {m["kode"] for m in marks if m["mark"] == "symbol"}
    assert drawn == {"4601", "4624", "4623", "46"}
    assert {m["kode"] for m in marks if m["fremhevet"]} == {"4601"}
    assert "Bergen:" in page.locator("#figur-caption").inner_text()
    _shot(page, "indikator-figur")
    _axe(page)
    page.go_back()  # the back button returns to the previous selection
    assert (
        "omrade=4601%2C4624%2C4623" in page.url and "46%2C" not in page.url.split("omrade=")[1][-4:]
    )


def test_map_shows_my_municipality_highlighted(page, store) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"/indikator/{BULLYING}?omrade=4601")
    page.get_by_role("link", name="Kart", exact=True).click()
    assert "fane=kart" in page.url
    _wait_for_chart(page, "kart")
    own = page.locator("#tabell-kart tr[data-own='true']")
    assert own.count() == 1
    _, value = _latest(store, BULLYING, "4601")
    assert own.locator("th").inner_text().startswith("Bergen")
    assert own.locator("td").first.inner_text() == number(value, 1)
    marks = page.evaluate(MARKS_JS, "kart")
    shapes = [m for m in marks if m["mark"] == "shape"]
    assert len({m["kode"] for m in shapes}) >= 350  # every kommune drawn
    outlined = [m for m in shapes if m["fremhevet"] and m["stroke"] == "#000000"]
    assert [m["kode"] for m in outlined] == ["4601"]
    _shot(page, "indikator-kart")
    _axe(page)
    page.get_by_label("Avgrens til fylke").select_option("46")
    page.get_by_role("button", name="Oppdater kartet").click()
    page.wait_for_url("**fylke=46**")
    _wait_for_chart(page, "kart")
    codes = {m["kode"] for m in page.evaluate(MARKS_JS, "kart") if m["mark"] == "shape"}
    assert "4601" in codes and all(c.startswith("46") for c in codes)


def test_cross_wellbeing_with_bullying_and_find_myself(page, store) -> None:  # type: ignore[no-untyped-def]
    page.goto("/krysse")
    page.get_by_label("Loddrett akse").select_option(BULLYING)
    page.get_by_label("Vannrett akse").select_option("trivsel-skolen-10-trinn")
    page.get_by_label("Egen kommune").fill("Bergen (4601)")
    page.get_by_role("button", name="Vis").click()
    page.wait_for_url("**egen=**")
    _wait_for_chart(page, "krysning")
    assert "kommunene, ikke enkeltbarn" in page.locator(".p2-warning").inner_text()
    n = int(page.locator("[data-stat='n']").inner_text().split()[0])
    assert n >= 300
    row = page.locator("#tabell-krysning tr.p2-row-own")
    assert row.locator("th").inner_text() == "Bergen"
    _, value = _latest(store, BULLYING, "4601")
    assert row.locator("td").last.inner_text() == number(value, 1)
    symbols = [m for m in page.evaluate(MARKS_JS, "krysning") if m["mark"] == "symbol"]
    assert len(symbols) == n
    own = [m for m in symbols if m["rolle"] == "Egen kommune"]
    assert [m["kode"] for m in own] == ["4601"]
    assert own[0]["size"] > max(m["size"] for m in symbols if m["rolle"] == "Andre kommuner")
    _shot(page, "krysse")
    _axe(page)


def test_compare_and_index_pages_are_accessible(page) -> None:  # type: ignore[no-untyped-def]
    page.goto(
        "/sammenlign?omrade=4601,4624,46&indikator=mobbing-10-trinn,trivsel-skolen-10-trinn,barn-lavinntekt-eu60&egen=4601"
    )
    _wait_for_chart(page, "sammenligning")
    assert page.locator("#tabell-sammenligning tbody tr").count() == 3
    _shot(page, "sammenlign")
    _axe(page)
    page.goto("/indeks?egen=4601")
    _wait_for_chart(page, "indeks")
    assert "Bergen er nummer" in page.locator("#indeks-caption").inner_text()
    assert "indikatorer=" in page.url or page.locator("[data-recipe]").inner_text().startswith(
        "Indeksen"
    )
    _shot(page, "indeks")
    _axe(page)


def test_indicator_page_on_a_phone(browser, live_server) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(
        base_url=live_server, locale="nb-NO", viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    page.goto(f"/indikator/{BULLYING}?omrade=4601,4624&figur=stolper")
    _wait_for_chart(page, "figur")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400  # no sideways scrolling of the page itself
    _shot(page, "indikator-mobil")
    context.close()
