"""Typst, loaded once: the template and the fonts stay in memory between reports.

Fonts come only from ``OPPVEKST_FONT_DIR`` or Debian's fonts-dejavu-core and fonts-liberation2
(installed by scripts/system-deps.sh) — never from whatever else the machine has — so the PDF looks
the same everywhere. The text is set in DejaVu Sans; the charts' text in Liberation Sans, the font
vl-convert measured it with (``charts.options.FONT``), so no label is wider in print than the
space the chart left for it. The document reaches the template as JSON in ``sys.inputs``: data, never markup.
Typst keeps its own cache of layout work between compilations, which is what makes the second
report on a compiler several times faster than the first; a lock keeps one compilation at a time
(the compiler is not meant to be shared by threads).
"""

from __future__ import annotations

import functools
import json
import logging
import threading
from collections.abc import Sequence
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
CHART_FONT_DIRS = (
    Path("/usr/share/fonts/truetype/liberation2"),
    Path("/usr/share/fonts/truetype/liberation"),
)
CHART_FONT_FAMILY = "Liberation Sans"
log = logging.getLogger(__name__)


def _holding(file: str, folders: Sequence[Path]) -> Path | None:
    return next((path for path in folders if (path / file).is_file()), None)


def font_dir() -> Path:
    configured = get_settings().font_dir
    found = _holding("DejaVuSans.ttf", (configured,) if configured else FONT_DIRS)
    if found is not None:
        return found
    raise ReportError(
        "Fant ikke skrifttypen DejaVu Sans, som PDF-rapportene settes med.",
        hint="Installer fonts-dejavu-core (scripts/system-deps.sh) eller sett OPPVEKST_FONT_DIR.",
    )


@functools.cache
def chart_font_dir() -> Path | None:
    """Where Liberation Sans is: ``OPPVEKST_FONT_DIR`` when it holds it, else Debian's. None
    without it: the charts are then set in DejaVu Sans, a little wider than they were measured
    (said once in the log), rather than no report at all."""
    configured = get_settings().font_dir
    found = _holding(
        "LiberationSans-Regular.ttf", [*([configured] if configured else []), *CHART_FONT_DIRS]
    )
    if found is not None:
        return found
    log.warning(
        "Liberation Sans not found (fonts-liberation2): the reports' charts are set in DejaVu "
        "Sans, which is wider than the font they were measured with"
    )
    return None


def chart_font() -> str:
    """The font family the report's charts are set in (see ``chart_font_dir``)."""
    return CHART_FONT_FAMILY if chart_font_dir() is not None else FONT_FAMILY


class Typesetter:
    def __init__(self, template: Path = TEMPLATE) -> None:
        paths = dict.fromkeys(str(p) for p in (font_dir(), chart_font_dir()) if p is not None)
        fonts = typst.Fonts(
            include_system_fonts=False, include_embedded_fonts=False, font_paths=list(paths)
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
