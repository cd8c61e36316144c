"""The report's «Ulikhet mellom grupper» page on the real IMDi 2013 groups: the web page's own words."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import vl_convert as vlc
from fastapi.testclient import TestClient

from oppvekst import charts
from oppvekst.charts.inequality import inequality_chart
from oppvekst.reports import figures, report
from oppvekst.snapshot.files import DataDir
from oppvekst.snapshot.store import Store
from oppvekst.views.benchmark import parse_benchmark
from oppvekst.views.inequality import area_views
from oppvekst.web.app import create_app

from .pdf_reading import pdf_text

HEADING = "Ulikhet mellom grupper"
LOW_INCOME = "vedvarende-lavinntekt-alle-aldre"
NO_GROUPS = "1151"  # Utsira: no IMDi group figures in the real data


@pytest.fixture(scope="module")
def real_store(real_snapshot_dir: Path) -> Iterator[Store]:
    opened = Store(DataDir(real_snapshot_dir).current_path())
    yield opened
    opened.close()


def _pdf(store: Store, code: str, tmp: Path) -> str:
    made = report.build(store, code, parse_benchmark(store, None, code))
    return pdf_text(made.pdf, tmp)


def _web_sentence(real_snapshot_dir: Path, indicator_id: str, code: str) -> str:
    """The gap sentence as the «Ulikhet» page prints it."""
    page = TestClient(create_app(DataDir(real_snapshot_dir))).get(
        f"/indikator/{indicator_id}/ulikhet", params={"omrade": code}
    )
    assert page.status_code == 200
    found = re.search(r"<p data-gap-sentence>(.*?)</p>", page.text, re.S)
    assert found is not None, "no gap sentence on the web page"
    return re.sub(r"\s+", " ", html.unescape(found.group(1)))


def test_oslo_report_has_the_web_pages_gap_sentence_and_group_table(
    real_store: Store, real_snapshot_dir: Path, tmp_path: Path
) -> None:
    text = _pdf(real_store, "0301", tmp_path)
    assert HEADING in text
    page = text[text.index(HEADING) : text.index("Tegn og metoder")]
    sentence = _web_sentence(real_snapshot_dir, LOW_INCOME, "0301")
    assert "2,7 ganger så høy blant innvandrere" in sentence  # IMDi: 27.2 % against 10.0 %
    assert sentence in page
    # The table: each group with its value, and a tested group against Oslo's total.
    assert "Innvandrere 27,2" in page and "Befolkningen ellers 10,0" in page
    assert "Innvandrere 59,2 56,7–61,7 Lavere enn området totalt" in page  # completion, counted
    assert "Kan ikke beregnes" not in page  # a missing county or country gap is left out


def test_an_area_without_group_figures_has_no_inequality_page(
    real_store: Store, tmp_path: Path
) -> None:
    text = _pdf(real_store, NO_GROUPS, tmp_path)
    assert real_store.regions[NO_GROUPS].name in text
    assert HEADING not in text


def test_the_gap_charts_are_the_web_pages_small_charts_byte_for_byte(real_store: Store) -> None:
    views = area_views(real_store, "0301")
    assert LOW_INCOME in {v.indicator.id for v in views}
    figures.forget(real_store)
    drawn = figures.inequality_figures(real_store, views)
    assert set(drawn) == {v.indicator.id for v in views}
    # The page's chart as the page builds it from its URL (``storrelse=liten``).
    options = charts.parse_options({"omrade": "0301", "storrelse": "liten"})
    for view in views:
        page = vlc.vegalite_to_svg(inequality_chart(view, options))
        assert drawn[view.indicator.id].svg == page, view.indicator.id
