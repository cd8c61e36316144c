"""``oppvekst report``: one area to a file, or many with a progress bar."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "oppvekst", "report", *args],
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_report_all_builds_valid_pdfs_with_a_progress_bar(
    snapshot_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "rapporter"
    result = _run(
        "--all",
        "--only",
        "0",
        "--only",
        "46",
        "--only",
        "4601",
        "--data-dir",
        str(snapshot_dir),
        "--out-dir",
        str(out),
    )
    assert result.returncode == 0, result.stderr
    files = sorted(p.name for p in out.iterdir())
    assert files == ["oppvekstprofil-0.pdf", "oppvekstprofil-46.pdf", "oppvekstprofil-4601.pdf"]
    for path in out.iterdir():
        assert path.read_bytes().startswith(b"%PDF")
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True)
        assert info.returncode == 0 and "Pages:" in info.stdout
    assert "Rapporter" in result.stderr and "3/3" in result.stderr


def test_report_for_one_area_and_clear_errors(snapshot_dir: Path, tmp_path: Path) -> None:
    target = tmp_path / "arendal.pdf"
    ok = _run("4203", "--data-dir", str(snapshot_dir), "--out", str(target))
    assert ok.returncode == 0, ok.stderr
    assert target.read_bytes().startswith(b"%PDF")
    neither = _run("--data-dir", str(snapshot_dir))
    assert neither.returncode == 2 and "områdenummer" in neither.stderr
    unknown = _run("9999", "--data-dir", str(snapshot_dir), "--out", str(tmp_path / "x.pdf"))
    assert unknown.returncode == 2 and "9999" in unknown.stderr
