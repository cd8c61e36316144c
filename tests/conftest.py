"""Shared fixtures. ``shared_data`` is the read-only offline mirror beside the checkout."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]


def shared_data_dir() -> Path:
    """``../shared/data`` beside the checkout, or ``OPPVEKST_SHARED_DATA`` when set."""
    configured = os.environ.get("OPPVEKST_SHARED_DATA")
    return Path(configured) if configured else (REPO_ROOT.parent / "shared" / "data").resolve()


@pytest.fixture(autouse=True)
def _settings_read_for_each_test() -> Iterator[None]:
    """A process reads its settings once; a test that sets ``OPPVEKST_*`` is a new "process" and
    must see its own values, so the cached settings are dropped around every test."""
    from oppvekst.settings import get_settings

    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def shared_data() -> Path:
    path = shared_data_dir()
    if not path.is_dir():
        pytest.fail(
            f"The offline mirror {path} is missing: the tests need ../shared/data beside the repo."
        )
    return path


# --- One fixture dataset, built once per test session (per xdist worker) -------------------------
# The real catalogue, the real offline mirror (../shared/data) and the demo fill: the same path a
# person takes with `oppvekst update --mirror ../shared/data --demo`.


def _built(root: Path, shared_data: Path, *, demo: bool) -> Path:
    from oppvekst.catalog import default_catalog
    from oppvekst.pipeline import build
    from oppvekst.pipeline.setup import choose_sources, load_regions
    from oppvekst.snapshot.files import DataDir

    choice = choose_sources(shared_data, record_into_mirror=False, probe=False)
    build.run_update(
        default_catalog(), load_regions(choice), choice.context, DataDir(root), fill_with_demo=demo
    )
    return root


@pytest.fixture(scope="session")
def snapshot_dir(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Path:
    """A data directory holding one published snapshot (mirror + demo)."""
    return _built(tmp_path_factory.mktemp("data"), shared_data, demo=True)


@pytest.fixture(scope="module")
def client(snapshot_dir: Path):  # type: ignore[no-untyped-def]
    """The app on the fixture snapshot, in process; one per test module (its own rate limits)."""
    from fastapi.testclient import TestClient

    from oppvekst.snapshot.files import DataDir
    from oppvekst.web.app import create_app

    return TestClient(create_app(DataDir(snapshot_dir)))


@pytest.fixture(scope="session")
def real_snapshot_dir(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Path:
    """The real part only (`oppvekst update --mirror ../shared/data`, no demo values)."""
    return _built(tmp_path_factory.mktemp("real-data"), shared_data, demo=False)


@pytest.fixture(scope="session")
def store(snapshot_dir: Path):  # type: ignore[no-untyped-def]
    from oppvekst.snapshot.files import DataDir
    from oppvekst.snapshot.store import Store

    opened = Store(DataDir(snapshot_dir).current_path())
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def live_server(snapshot_dir: Path) -> Iterator[str]:
    """The real portal (uvicorn in a subprocess) on a free loopback port; yields its base URL."""
    from oppvekst.web.process import free_port, running, serve_command

    port = free_port()
    with running(serve_command(snapshot_dir, port), port) as server:
        yield server.base


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    """Debian's Chromium driven by Playwright (never `playwright install`)."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: run `make system` (apt-get install chromium).")
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser, live_server):  # type: ignore[no-untyped-def]
    context = browser.new_context(
        base_url=live_server, locale="nb-NO", viewport={"width": 1280, "height": 900}
    )
    opened = context.new_page()
    yield opened
    context.close()


SCREENSHOTS = REPO_ROOT / "artifacts" / "screenshots"
