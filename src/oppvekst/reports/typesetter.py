"""Typst, loaded once: the template and the fonts stay in memory between reports.

Fonts come only from ``OPPVEKST_FONT_DIR`` or Debian's fonts-dejavu-core (installed by
scripts/system-deps.sh) — never from whatever else the machine has — so the PDF looks the same
everywhere. The document reaches the template as JSON in ``sys.inputs``: data, never markup.
Typst keeps its own cache of layout work between compilations, which is what makes the second
report on a compiler several times faster than the first; a lock keeps one compilation at a time
(the compiler is not meant to be shared by threads).
"""

from __future__ import annotations

import functools
import json
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import typst

from oppvekst.errors import ReportError
from oppvekst.settings import get_settings

TEMPLATE = Path(__file__).parent / "oppvekstprofil.typ"
FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
)
FONT_FAMILY = "DejaVu Sans"


def font_dir() -> Path:
    configured = get_settings().font_dir
    candidates = (configured,) if configured else FONT_DIRS
    for path in candidates:
        if (path / "DejaVuSans.ttf").is_file():
            return path
    raise ReportError(
        "Fant ikke skrifttypen DejaVu Sans, som PDF-rapportene settes med.",
        hint="Installer fonts-dejavu-core (scripts/system-deps.sh) eller sett OPPVEKST_FONT_DIR.",
    )


class Typesetter:
    def __init__(self, template: Path = TEMPLATE) -> None:
        fonts = typst.Fonts(
            include_system_fonts=False, include_embedded_fonts=False, font_paths=[str(font_dir())]
        )
        self._compiler = typst.Compiler(
            str(template), root=str(template.parent), font_paths=fonts, ignore_system_fonts=True
        )
        self._lock = threading.Lock()

    def pdf(self, document: dict[str, Any], created: datetime | None = None) -> bytes:
        """The PDF for one document; ``created`` makes the file reproducible (the data's date)."""
        data = json.dumps(document, ensure_ascii=False, allow_nan=False)
        stamp = (created or datetime.now(UTC)).replace(microsecond=0)
        with self._lock:
            try:
                result = self._compiler.compile(
                    format="pdf", sys_inputs={"report": data}, timestamp=stamp
                )
            except typst.TypstError as exc:  # a template bug, not the reader's fault
                raise ReportError(
                    "PDF-rapporten kunne ikke settes.", hint=f"Typst: {exc.message}"
                ) from exc
        assert isinstance(result, bytes)
        return result


@functools.cache
def typesetter() -> Typesetter:
    return Typesetter()
