"""Reading PDFs back as text (poppler's pdftotext and pdfinfo)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest


def pdf_text(pdf: bytes, tmp: Path) -> str:
    """The PDF's text in reading order, whitespace collapsed (line wraps become spaces)."""
    if shutil.which("pdftotext") is None:
        pytest.fail(
            "pdftotext is missing: apt-get install -y poppler-utils (scripts/system-deps.sh)"
        )
    path = tmp / "report.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(
        ["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8")
    return re.sub(r"\s+", " ", out.replace("\u202f", " ").replace("\u00a0", " "))


def page_count(pdf: bytes, tmp: Path) -> int:
    path = tmp / "count.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]


def font_names(pdf: bytes, tmp: Path) -> set[str]:
    """The fonts the PDF embeds (poppler's pdffonts), subset prefixes taken off."""
    path = tmp / "fonts.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
    rows = out.splitlines()[2:]  # a header and a rule
    return {row.split()[0].split("+")[-1] for row in rows if row.strip()}


def alt_texts(pdf: bytes) -> list[str]:
    """The alternative texts of the tagged PDF's figures (``/Alt``), in document order.

    Typst writes the structure tree uncompressed: a literal string for ASCII, UTF-16 in hex
    otherwise."""
    found = re.findall(rb"/Alt\s*(\((?:[^()\\]|\\.)*\)|<[0-9A-Fa-f]*>)", pdf)
    out = []
    for raw in found:
        if raw.startswith(b"<"):
            out.append(bytes.fromhex(raw[1:-1].decode()).decode("utf-16").lstrip("\ufeff"))
        else:
            out.append(raw[1:-1].decode("latin-1"))
    return out
