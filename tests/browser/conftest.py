"""Browser-test helpers: full-page screenshots and axe-core accessibility checks.

Screenshots go to artifacts/screenshots/ (gitignored): every page type is photographed by the run.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
_AXE = Axe()


@pytest.fixture
def screenshot() -> Callable[[Page, str], None]:
    def take(page: Page, name: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    return take


def assert_accessible(page: Page) -> None:
    """No axe-core violations (WCAG 2.1 A/AA and best practices) on the page as it is now."""
    results = _AXE.run(page)
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


@pytest.fixture
def accessible() -> Callable[[Page], None]:
    return assert_accessible


@pytest.fixture
def phone(browser, live_server):  # type: ignore[no-untyped-def]
    """A page on a small phone screen (390 × 844, touch)."""
    context = browser.new_context(
        base_url=live_server, locale="nb-NO", viewport={"width": 390, "height": 844}, has_touch=True
    )
    opened = context.new_page()
    yield opened
    context.close()


@pytest.fixture
def no_js_page(browser, live_server):  # type: ignore[no-untyped-def]
    """A page with JavaScript switched off: everything must still work."""
    context = browser.new_context(base_url=live_server, locale="nb-NO", java_script_enabled=False)
    opened = context.new_page()
    yield opened
    context.close()
