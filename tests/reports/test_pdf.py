"""The «Oppvekstprofil» PDF: what a planner reads in it, checked against the store itself."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from oppvekst.reports import report
from oppvekst.snapshot.store import Store

from .pdf_reading import font_names, page_count, pdf_text

AREAS = ["0301", "4203", "030101", "0"]  # Oslo, Arendal, a bydel (Gamle Oslo), the country


def norwegian(value: float, decimals: int) -> str:
    """Written independently of the code under test: 1234.5 → '1 234,5' (space as pdftotext gives)."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", " ").replace(".", ",").replace("-", "\u2212")


def latest_value(
    store: Store, indicator_id: str, code: str
) -> tuple[str, float | None, str | None]:
    """(period, value, status) of the newest total with a value or a symbol, straight from SQL."""
    rows = store.records(
        "SELECT period, value, status FROM observations WHERE indicator_id = ? AND region = ? "
        "AND sex = 'total' AND age = 'total' AND background = 'total' AND grade = 'total' "
        "AND (value IS NOT NULL OR (status IS NOT NULL AND status <> '')) "
        "ORDER BY period_end DESC, period DESC LIMIT 1",
        [indicator_id, code],
    )
    if not rows:
        return "", None, None
    value = rows[0]["value"]
    return (
        str(rows[0]["period"]),
        None if value is None or math.isnan(value) else float(value),
        rows[0]["status"],
    )


def key_indicators(store: Store) -> list[str]:
    return [
        i.id
        for i in store.indicators.values()
        if i.key_indicator and i.id in store.indicators_with_data
    ]


@pytest.mark.parametrize("code", AREAS)
def test_pdf_holds_area_sentences_titles_sources_and_demo_warning(
    store: Store, built: Callable[[str], report.Report], tmp_path: Path, code: str
) -> None:
    made = built(code)
    assert made.pdf.startswith(b"%PDF")
    text = pdf_text(made.pdf, tmp_path)
    assert store.regions[code].name in text
    for sentence in made.profile.summary:
        assert sentence in text, sentence
    for indicator_id in key_indicators(store):
        ind = store.indicators[indicator_id]
        assert ind.short_title in text, ind.short_title
        assert re.sub(r"\s+", " ", ind.attribution) in text, ind.attribution
    assert "Tegn og metoder" in text
    synthetic = any(i in store.synthetic_indicators for i in key_indicators(store))
    assert ("SYNTETISKE DEMOTALL" in text) is synthetic
    assert page_count(made.pdf, tmp_path) >= 4  # cover, barometer, topics, methods


@pytest.mark.parametrize("code", ["4203", "0301"])
def test_barometer_values_are_the_stores_latest_values_in_norwegian_format(
    store: Store, built: Callable[[str], report.Report], tmp_path: Path, code: str
) -> None:
    text = pdf_text(built(code).pdf, tmp_path)
    barometer = text[text.index("Barometer") : text.index("Tallene under verdien")]
    checked = 0
    for indicator_id in key_indicators(store):
        ind = store.indicators[indicator_id]
        period, value, status = latest_value(store, indicator_id, code)
        expected = norwegian(value, ind.decimals) if value is not None else (status or "–")
        # The row: short title, optional demo tag, unit · period, then the area's value.
        pattern = (
            re.escape(ind.short_title)
            + r"(?: Demotall)? "
            + re.escape(f"{ind.unit} · {period}")
            + " "
            + re.escape(expected)
            + r"(?: |$)"
        )
        assert re.search(pattern, barometer), (indicator_id, expected, period)
        checked += 1
    assert checked >= 10


def test_numbers_in_the_document_use_narrow_no_break_spaces_and_decimal_commas(
    built: Callable[[str], report.Report],
) -> None:
    # pdftotext turns U+202F into a plain space, so the document itself is checked here.
    from oppvekst.views.numbers import interval, number

    assert number(1234567.891, 1) == "1\u202f234\u202f567,9"
    assert number(-3.25, 2) == "\u22123,25"
    assert number(None) == "–"
    assert number(float("nan")) == "–"
    assert interval(10.24, 13.26, 1) == "10,2–13,3"
    made = built("0301")
    counts = [r.numerator for r in made.profile.rows if r.numerator and r.numerator >= 1000]
    assert counts, "Oslo has counts in the thousands"


def test_a_bydel_report_compares_with_oslo_and_leaves_bydel_less_indicators_blank(
    built: Callable[[str], report.Report], store: Store, tmp_path: Path
) -> None:
    made = built("030101")
    text = pdf_text(made.pdf, tmp_path)
    assert "Bydel 030101" in text
    assert made.filename == "oppvekstprofil-030101.pdf"
    # Every indicator with data has a chart, drawn for the levels the indicator exists for.
    assert set(made.figures) == {r.indicator_id for r in made.profile.rows}
    drawn = made.figures["barn-0-17"]
    assert "Gamle Oslo" in (drawn.svg or str(drawn.scene))
    assert "Gamle Oslo" in text


def test_benchmark_from_the_url_reaches_the_pdf(store: Store, tmp_path: Path) -> None:
    from oppvekst.views.benchmark import parse_benchmark

    made = report.build(store, "4203", parse_benchmark(store, "fylke", "4203"))
    text = pdf_text(made.pdf, tmp_path)
    assert "Sammenlignet med snittet for Agder" in text


def test_the_report_explains_a_declared_break_and_hollow_points_in_its_figures(
    store: Store, built: Callable[[str], report.Report], tmp_path: Path
) -> None:
    # Bullying (Elevundersøkelsen) is a key indicator whose questions changed in 2016.
    assert "mobbing-10-trinn" in key_indicators(store)
    text = pdf_text(built("0301").pdf, tmp_path)
    assert "Brudd i serien fra 2016: linjen er ikke trukket over bruddet." in text
    assert "Åpne punkter: summert fra kommunene." in text  # the country's value is summed


def test_the_charts_are_set_in_the_font_they_were_measured_with(
    built: Callable[[str], report.Report], tmp_path: Path
) -> None:
    # vl-convert measures the charts' text in Liberation Sans (charts.options.FONT); set in the
    # body's wider DejaVu Sans, labels would overrun the room the chart left for them.
    made = built("4203")
    fonts = font_names(made.pdf, tmp_path)
    assert "LiberationSans" in fonts  # the charts' text
    assert "DejaVuSans" in fonts  # the body
