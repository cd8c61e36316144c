"""Which fonts the PDF is set in: DejaVu Sans for the text, Liberation Sans for the charts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from oppvekst.reports import typesetter

DEBIAN = Path("/usr/share/fonts/truetype/liberation2")


@pytest.fixture(autouse=True)
def _fonts_looked_up_afresh() -> Iterator[None]:
    typesetter.chart_font_dir.cache_clear()
    yield
    typesetter.chart_font_dir.cache_clear()


def _folder(tmp_path: Path, *names: str) -> Path:
    for name in names:
        dejavu = next(p for p in typesetter.FONT_DIRS if (p / "DejaVuSans.ttf").is_file())
        source = DEBIAN if name.startswith("Liberation") else dejavu
        (tmp_path / name).symlink_to(source / name)
    return tmp_path


@pytest.mark.parametrize(
    ("files", "charts_from_configured"),
    [
        (("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"), False),  # without Liberation: Debian's
        (("DejaVuSans.ttf", "LiberationSans-Regular.ttf"), True),  # with it: used first
    ],
)
def test_liberation_is_looked_for_in_the_configured_folder_and_then_in_debians(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    files: tuple[str, ...],
    charts_from_configured: bool,
) -> None:
    folder = _folder(tmp_path, *files)
    monkeypatch.setenv("OPPVEKST_FONT_DIR", str(folder))
    assert typesetter.font_dir() == folder
    assert typesetter.chart_font_dir() == (folder if charts_from_configured else DEBIAN)
    assert typesetter.chart_font() == "Liberation Sans"


def test_without_liberation_the_charts_are_set_in_dejavu_and_the_log_says_so(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(typesetter, "CHART_FONT_DIRS", ())
    assert typesetter.chart_font() == "DejaVu Sans"
    assert "Liberation Sans not found" in caplog.text
