"""Hostile text never becomes Typst markup: data travels as JSON, and escaping is exact."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import typst

from oppvekst.reports import content
from oppvekst.reports.markup import escape
from oppvekst.reports.typesetter import font_dir, typesetter
from oppvekst.snapshot.store import Store

from .pdf_reading import pdf_text

HOSTILE = [
    "#set page(fill: red)",
    "[x] ] [",
    "$x^2$ and $",
    "back\\slash \\ and \\#",
    "<script>alert('x')</script>",
    '#import "/etc/passwd" #read("/etc/passwd")',
    "*bold* _em_ `raw` @ref <label> = heading",
    "- list\n+ enum\n1. numbered\n/ term: def",
    "~ -- --- ... 'quotes' \"dq\" // comment /* block */",
]


def _typeset(source: str, tmp_path: Path) -> str:
    path = tmp_path / "t.typ"
    path.write_text('#set text(font: "DejaVu Sans")\n' + source, encoding="utf-8")
    pdf = typst.compile(
        str(path), font_paths=[str(font_dir())], ignore_system_fonts=True, format="pdf"
    )
    assert isinstance(pdf, bytes)
    return pdf_text(pdf, tmp_path)


@pytest.mark.parametrize("text", HOSTILE)
def test_escaped_text_prints_exactly_as_written(text: str, tmp_path: Path) -> None:
    flat = " ".join(text.split())
    assert _typeset(escape(text), tmp_path).strip() == flat


def test_escape_backslashes_every_special_character() -> None:
    assert escape("#[]$\\") == "\\#\\[\\]\\$\\\\"
    assert escape("<script>") == "\\<script\\>"
    assert escape("a\nb") == "a b"
    assert escape("Ålesund 1 500") == "Ålesund 1 500"


def test_unescaped_markup_would_run_so_the_check_above_means_something(tmp_path: Path) -> None:
    with pytest.raises(typst.TypstError):
        _typeset('#read("/etc/passwd")', tmp_path)


def test_hostile_names_in_the_report_document_are_printed_literally(
    store: Store, built: Callable[[str], object], tmp_path: Path
) -> None:
    from oppvekst.views.benchmark import parse_benchmark
    from oppvekst.views.profile import profile

    result = profile(store, "4203", parse_benchmark(store, None, "4203"))
    title = '#set page(fill: red) [x] $y$ \\ <script>alert(1)</script> #read("/etc/passwd")'
    document = content.document(store, result, {}, title=title, lead="*lead* #lead")
    text = pdf_text(typesetter().pdf(document), tmp_path)
    assert title in text
    assert "*lead* #lead" in text
    assert "root:" not in text
