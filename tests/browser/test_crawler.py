"""The crawler: Chromium visits every page type in the states that matter, on a demo snapshot and on
a real-only one, at 1 280 px and at 390 px, in bokmål, nynorsk and English, and fails on what a
person would run into.

Fails on: a 5xx; a console error or a Vega warning; a chart that is not drawn, that draws nothing
although its data has rows, or that draws a mark with a NaN coordinate; horizontal overflow; a view
lost after bad input (the page must keep its heading and say what was wrong); an axe-core
violation (on the first state of each route). The states come from ``crawl.states``: the routes
and the catalogue, so a new page or indicator is crawled without anyone adding it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page

from oppvekst import language
from oppvekst.language import Language
from oppvekst.snapshot.files import DataDir
from oppvekst.snapshot.store import Store
from oppvekst.web.app import create_app

from .conftest import assert_accessible
from .crawl import State, html_routes, states

pytestmark = pytest.mark.browser

WIDTHS = {"desktop": 1280, "phone": 390}
CHART_TIMEOUT_MS = 20_000

# Per chart: drawn data marks, those with a NaN or infinite coordinate, and the most rows of any
# of its data sets (Vega's runtime data; "source_*"/"data_*" are the spec's own values).
CHARTS_JS = """
() => {
  const out = [];
  const views = window.__oppvekstViews || {};
  document.querySelectorAll('[data-vega-spec], [data-vega-url]').forEach((el) => {
    const name = el.getAttribute('data-chart-name') || el.id;
    const state = el.getAttribute('data-rendered');
    const view = views[name];
    let marks = 0, broken = 0, rows = 0;
    if (view) {
      const bad = (v) => typeof v === 'number' && !Number.isFinite(v);
      (function walk(node) {
        if (!node) return;
        if (node.datum && node.mark && node.mark.role === 'mark' && node.mark.marktype !== 'text') {
          const geometry = [node.x, node.y, node.x2, node.y2, node.width, node.height, node.size];
          const path = typeof node.path === 'string' ? node.path : '';
          if (geometry.some(bad) || path.includes('NaN')) { broken += 1; } else { marks += 1; }
        }
        (node.items || []).forEach(walk);
      })(view.scenegraph().root);
      for (const data of Object.keys(view._runtime.data || {})) {
        if (data.startsWith('source_') || data.startsWith('data_')) {
          try { rows = Math.max(rows, view.data(data).length); } catch (e) { /* not a values set */ }
        }
      }
    }
    // A title or subtitle line wider than the drawing is clipped by the SVG.
    let clipped = 0;
    const svg = el.querySelector('svg');
    if (svg) {
      const right = svg.getBoundingClientRect().right + 1;
      svg.querySelectorAll('.role-title text').forEach((text) => {
        if (text.getBoundingClientRect().right > right) { clipped += 1; }
      });
    }
    out.push({name, state, marks, broken, rows, clipped});
  });
  return out;
}
"""
WAIT_JS = """
() => Array.from(document.querySelectorAll('[data-vega-spec], [data-vega-url]'))
  .every((el) => el.hasAttribute('data-rendered'))
"""


@dataclass
class Visit:
    state: State
    width: int
    problems: list[str] = field(default_factory=list)


def _visit(page: Page, base: str, state: State, width: int) -> Visit:
    visit = Visit(state, width)
    messages: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" or (message.type == "warning" and "WARN" in message.text):
            messages.append(f"console {message.type}: {message.text[:300]}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: messages.append(f"page error: {error}"))
    response = page.goto(base + state.url)
    status = response.status if response else 0
    if status >= 500 or status == 0:
        visit.problems.append(f"HTTP {status}")
        return visit
    page.wait_for_function(WAIT_JS, timeout=CHART_TIMEOUT_MS)
    wanted = language.split_path(state.url.partition("?")[0])[0].value
    said = page.evaluate("document.documentElement.lang")
    if said != wanted:
        visit.problems.append(f"<html lang={said!r}>, expected {wanted!r}")
    for chart in page.evaluate(CHARTS_JS):
        where = f"chart {chart['name']}"
        if chart["state"] != "true":
            visit.problems.append(f"{where} not drawn ({chart['state']})")
        elif chart["broken"]:
            visit.problems.append(f"{where}: {chart['broken']} marks with NaN coordinates")
        elif chart["rows"] and not chart["marks"]:
            visit.problems.append(f"{where} draws nothing for {chart['rows']} data rows")
        if chart["clipped"]:
            visit.problems.append(f"{where}: {chart['clipped']} title lines clipped")
    overflow = page.evaluate("document.documentElement.scrollWidth")
    if overflow > width:
        visit.problems.append(f"{overflow} px wide at {width} px")
    if state.keeps is not None:
        heading = page.get_by_role("heading", level=1).first.inner_text()
        if state.keeps.lower() not in heading.lower():
            visit.problems.append(f"view lost: heading «{heading}», expected «{state.keeps}»")
        if not page.locator("[role=alert], .feilmelding, .error-message").count():
            visit.problems.append("bad input without a message on the page")
    # One line per distinct message (a broken scatter logs the same error once per point).
    visit.problems.extend(
        f"{text} (×{count})" if count > 1 else text for text, count in Counter(messages).items()
    )
    if state.axe and width == WIDTHS["desktop"]:
        try:
            assert_accessible(page)
        except AssertionError as violation:
            visit.problems.append(str(violation)[:1500])
    return visit


def _crawl(browser: Browser, base: str, snapshot: Path, label: str) -> None:
    store = Store(DataDir(snapshot).current_path())
    try:
        crawled = states(create_app(DataDir(snapshot)), store)
    finally:
        store.close()
    failures: list[str] = []
    visited = 0
    for device, width in WIDTHS.items():
        context = browser.new_context(
            locale="nb-NO", viewport={"width": width, "height": 900}, has_touch=device == "phone"
        )
        try:
            for state in crawled:
                if device == "phone" and not state.phone:
                    continue
                page = context.new_page()
                try:
                    visit = _visit(page, base, state, width)
                finally:
                    page.close()
                visited += 1
                failures += [f"[{label} {device}] {state.url}: {p}" for p in visit.problems]
        finally:
            context.close()
    print(f"crawler ({label}): {visited} states visited, {len(failures)} problems")
    assert not failures, f"{len(failures)} problems in {visited} states:\n" + "\n".join(failures)


@pytest.fixture(scope="module")
def real_server(real_snapshot_dir: Path) -> Iterator[str]:
    from oppvekst.web.process import free_port, running, serve_command

    port = free_port()
    with running(serve_command(real_snapshot_dir, port), port) as server:
        yield server.base


def test_every_route_that_answers_a_page_is_crawled(snapshot_dir: Path, store: Store) -> None:
    app = create_app(DataDir(snapshot_dir))
    crawled = {s.url.partition("?")[0] for s in states(app, store)}
    for route in html_routes(app):
        prefix = route.path.split("{")[0]
        assert any(url.startswith(prefix) for url in crawled), route.path
    # Every indicator with data has its default page crawled.
    assert {f"/indikator/{i}" for i in store.indicators_with_data} <= crawled
    # Every state in all three languages, with the page's language in the path.
    for lang in Language:
        in_lang = {language.url(u, lang) for u in crawled}
        assert in_lang <= {s.url.partition("?")[0] for s in states(app, store)}


def test_crawl_the_demo_snapshot(browser: Browser, live_server: str, snapshot_dir: Path) -> None:
    _crawl(browser, live_server, snapshot_dir, "demo")


def test_crawl_a_real_only_snapshot(
    browser: Browser, real_server: str, real_snapshot_dir: Path
) -> None:
    _crawl(browser, real_server, real_snapshot_dir, "ekte")
