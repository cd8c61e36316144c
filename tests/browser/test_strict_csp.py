"""Every kind of chart draws under the portal's strict Content-Security-Policy (no 'unsafe-eval'):
Vega's default code generator builds expressions with ``new Function``, which that policy blocks,
so these pass only because charts.js hands vega-embed the expression interpreter.

Each page is loaded in Chromium with the portal's real headers; the test asserts the policy the
browser received, that the chart's scenegraph holds drawn data marks, and that the browser
reported no policy violation (neither as a ``securitypolicyviolation`` event nor on the console).
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

BULLYING = "mobbing-10-trinn"

# (what, path, chart name, the data mark that must be drawn)
CHART_PAGES = [
    ("indicator lines", f"/indikator/{BULLYING}?omrade=4601,46", "figur", "line"),
    ("indicator bars", f"/indikator/{BULLYING}?omrade=4601,4624&figur=stolper", "figur", "rect"),
    ("map", f"/indikator/{BULLYING}?omrade=4601&fane=kart", "kart", "shape"),
    (
        "heat table (compare)",
        f"/sammenlign?omrade=4601,4624,46&indikator={BULLYING},trivsel-skolen-10-trinn&egen=4601",
        "sammenligning",
        "rect",
    ),
    ("scatter (cross)", "/krysse", "krysning", "symbol"),
    ("index", "/indeks?egen=4601", "indeks", "symbol"),
    ("embed", f"/embed/indikator/{BULLYING}?omrade=4601,46", "embed", "line"),
]

# Recorded before any page script runs: the browser fires this event for every blocked eval.
WATCH_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI);
});
"""

MARK_TYPES = """
(name) => {
  const view = window.__oppvekstViews[name];
  const types = [];
  (function walk(node) {
    if (!node) return;
    if (node.datum && node.mark && node.mark.role === "mark") types.push(node.mark.marktype);
    (node.items || []).forEach(walk);
  })(view.scenegraph().root);
  return types;
}
"""


@pytest.mark.parametrize(
    ("what", "path", "name", "mark"), CHART_PAGES, ids=[p[0] for p in CHART_PAGES]
)
def test_chart_draws_under_the_strict_policy(  # type: ignore[no-untyped-def]
    browser, live_server, what: str, path: str, name: str, mark: str
) -> None:
    context = browser.new_context(base_url=live_server, locale="nb-NO")
    context.add_init_script(WATCH_VIOLATIONS)
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: console.append(f"pageerror: {e}"))
    try:
        response = page.goto(path)
        assert response is not None and response.status == 200, what
        policy = response.headers["content-security-policy"]
        scripts = next(d for d in policy.split(";") if d.strip().startswith("script-src"))
        assert "'unsafe-eval'" not in scripts and "'unsafe-inline'" not in scripts, policy
        page.wait_for_selector(f"[data-chart-name='{name}'][data-rendered]", timeout=30_000)
        rendered = page.get_attribute(f"[data-chart-name='{name}']", "data-rendered")
        assert rendered == "true", (what, console)
        types = page.evaluate(MARK_TYPES, name)
        assert types.count(mark) >= 1, (what, sorted(set(types)))
        assert page.locator(f"[data-chart-name='{name}'] svg").count() == 1
        violations = page.evaluate("window.__cspViolations")
        assert violations == [], (what, violations)
        blocked = [c for c in console if "Content Security Policy" in c or "unsafe-eval" in c]
        assert blocked == [], (what, blocked)
        errors = [c for c in console if c.startswith(("error", "pageerror"))]
        assert errors == [], (what, errors)
    finally:
        context.close()
