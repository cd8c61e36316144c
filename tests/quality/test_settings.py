"""One settings object: every ``OPPVEKST_*`` variable that worked before still reaches the program,
through ``oppvekst.settings`` only, and a wrong value stops it with the variable's name."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from oppvekst.errors import InvalidSettings
from oppvekst.settings import Settings, child_environment, get_settings
from oppvekst.snapshot.files import DataDir
from oppvekst.web.process import free_port, running

# Every variable the modules read on their own before the settings object, with a value and what
# the settings must then hold.
VARIABLES = [
    ("OPPVEKST_DATA_DIR", "/srv/oppvekst", "data_dir", Path("/srv/oppvekst")),
    ("OPPVEKST_MIRROR", "/srv/speil", "mirror", Path("/srv/speil")),
    ("OPPVEKST_BOUNDARIES", "/srv/grenser", "boundaries", Path("/srv/grenser")),
    ("OPPVEKST_FONT_DIR", "/srv/fonter", "font_dir", Path("/srv/fonter")),
    ("OPPVEKST_FIGURE_CACHE", "/srv/figurer", "figure_cache", Path("/srv/figurer")),
    ("OPPVEKST_FIGURE_CACHE_MB", "12.5", "figure_cache_mb", 12.5),
    ("OPPVEKST_ANSWER_CACHE_MB", "0", "answer_cache_mb", 0.0),
    ("OPPVEKST_RATE_LIMIT", "5/10", "rate_limit", "5/10"),
    ("OPPVEKST_RENDER_SLOTS", "3", "render_slots", 3),
    ("OPPVEKST_REQUEST_HEADER_TIMEOUT_SECONDS", "2.5", "request_header_timeout_seconds", 2.5),
    ("OPPVEKST_TRUSTED_PROXIES", "10.0.0.1, 10.0.0.2", "trusted_proxies", {"10.0.0.1", "10.0.0.2"}),
    ("OPPVEKST_SSB_BASE", "http://127.0.0.1:9/ssb", "ssb_base", "http://127.0.0.1:9/ssb"),
    ("OPPVEKST_KLASS_BASE", "http://127.0.0.1:9/klass", "klass_base", "http://127.0.0.1:9/klass"),
    ("OPPVEKST_FHI_BASE", "http://127.0.0.1:9/fhi", "fhi_base", "http://127.0.0.1:9/fhi"),
    ("OPPVEKST_UDIR_BASE", "http://127.0.0.1:9/udir", "udir_base", "http://127.0.0.1:9/udir"),
    ("OPPVEKST_HTTP_RETRY_ATTEMPTS", "4", "http_retry_attempts", 4),
    ("OPPVEKST_HTTP_RETRY_BASE_DELAY", "0.05", "http_retry_base_delay", 0.05),
    ("OPPVEKST_HTTP_RETRY_MAX_DELAY", "0.2", "http_retry_max_delay", 0.2),
]


@pytest.mark.parametrize(("variable", "value", "field", "expected"), VARIABLES)
def test_every_variable_reaches_the_settings(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, field: str, expected: object
) -> None:
    before = getattr(Settings(), field)
    monkeypatch.setenv(variable, value)
    assert getattr(Settings(), field) == expected != before


def test_the_settings_are_read_once(monkeypatch: pytest.MonkeyPatch) -> None:
    first = get_settings()
    monkeypatch.setenv("OPPVEKST_RENDER_SLOTS", str(first.render_slots + 5))
    assert get_settings() is first
    get_settings.cache_clear()  # what a new process does
    assert get_settings().render_slots == first.render_slots + 5


def test_an_empty_variable_counts_as_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPPVEKST_MIRROR", "")
    monkeypatch.setenv("OPPVEKST_ANSWER_CACHE_MB", "")
    assert Settings().mirror is None and Settings().answer_cache_mb == 64


def test_a_wrong_value_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPPVEKST_FIGURE_CACHE_MB", "mye")
    with pytest.raises(InvalidSettings, match="OPPVEKST_FIGURE_CACHE_MB"):
        get_settings()


def test_the_answer_cache_size_reaches_the_cache_a_process_builds() -> None:
    """``OPPVEKST_ANSWER_CACHE_MB=0`` (what the benchmarks use to measure without the cache)."""
    show = "from oppvekst.api.answers import ANSWERS; print(ANSWERS.max_bytes)"

    def cache_bytes(extra: dict[str, str]) -> int:
        run = subprocess.run(
            [sys.executable, "-c", show],
            env=child_environment(extra),
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        )
        return int(run.stdout)

    assert cache_bytes({"OPPVEKST_ANSWER_CACHE_MB": "0"}) == 0
    assert cache_bytes({"OPPVEKST_ANSWER_CACHE_MB": "2"}) == 2 * 1024 * 1024


@pytest.mark.slow
def test_serve_takes_its_data_dir_from_the_environment(snapshot_dir: Path, tmp_path: Path) -> None:
    """``oppvekst serve`` without ``--data-dir``, run from a directory without ``./data``, serves
    the snapshot in ``$OPPVEKST_DATA_DIR``. (A wrong mirror makes a regression fail at once
    instead of building a new snapshot.)"""
    port = free_port()
    command = [sys.executable, "-m", "oppvekst", "serve", "--port", str(port)]
    environment = {
        "OPPVEKST_DATA_DIR": str(snapshot_dir),
        "OPPVEKST_MIRROR": str(tmp_path / "finnes-ikke"),
    }
    with running(command, port, environment=environment, cwd=tmp_path) as server:
        status = httpx.get(f"{server.base}/api/v1/status", timeout=30)
    assert status.status_code == 200
    assert status.headers["x-oppvekst-snapshot"] == DataDir(snapshot_dir).current_id()
