"""Breakdown categories are declared once (breakdowns.yml) with their words and reading order."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from oppvekst.catalog import CATALOG_DIR, breakdown_dimensions, load_catalog
from oppvekst.errors import CatalogError
from oppvekst.views.indicator import category_label, category_rank


def test_the_imdi_groups_have_norwegian_words_in_reading_order() -> None:
    assert category_label("background", "innvandrere") == "Innvandrere"
    assert category_label("background", "ovrige") == "Befolkningen ellers"
    assert category_label("background", "minoritetssprak") == "Minoritetsspråklige barn"
    assert category_label("age", "3") == "3 år"
    ranks = [category_rank("background", c) for c in ("total", "innvandrere", "ovrige")]
    assert ranks == sorted(ranks)
    assert category_rank("age", "0-5") < category_rank("age", "16-17")


def test_every_indicator_breakdown_is_read_with_declared_categories() -> None:
    catalog = load_catalog()
    dims = breakdown_dimensions()
    declared = {i.id: {b.value for b in i.breakdowns} for i in catalog if i.breakdowns}
    assert declared["vedvarende-lavinntekt-alle-aldre"] == {"background"}
    assert declared["unge-utenfor-arbeid-utdanning-2013"] == {"sex", "background"}
    assert declared["gjennomforing-vgs"] == {"sex", "background"}
    assert declared["barnehage-minoritetssprak"] == {"age"}
    assert declared["barnehage-1-5"] == {"background"}
    assert set(dims) == {"sex", "age", "background", "grade"}


def test_an_undeclared_category_is_a_catalogue_error(tmp_path: Path) -> None:
    copy = tmp_path / "catalog"
    shutil.copytree(CATALOG_DIR, copy, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    record = copy / "indicators" / "vedvarende-lavinntekt-alle-aldre.yml"
    text = record.read_text(encoding="utf-8")
    record.write_text(text.replace("befolkningen_ellers: ovrige", "befolkningen_ellers: resten"))
    with pytest.raises(CatalogError, match="resten"):
        load_catalog(copy)
