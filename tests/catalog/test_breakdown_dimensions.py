"""Breakdown categories are declared once (breakdowns.yml) with their words and reading order."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from oppvekst.catalog import CATALOG_DIR, breakdown_dimensions, load_catalog, read_dimensions
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
    assert declared["barn-0-17"] == {"sex", "age"}
    assert set(dims) == {"sex", "age", "background", "grade"}


def test_the_live_requests_ask_for_the_groups_they_map() -> None:
    """A live mapping that reads a breakdown must request its groups, not only the total."""
    catalog = load_catalog()
    checked = 0
    for ind in catalog:
        for spec in ind.source.fetch:
            asked = getattr(spec, "selection", None) or getattr(spec, "dimensions", None)
            for b in spec.mapping.breakdowns:
                if asked is None:
                    continue  # Udir: the groups are column headers, chosen by the filter
                codes = set(asked[b.column or b.name.value])
                wanted = {c for c, ours in b.categories.items() if ours != "total"}
                wanted |= {c for members in b.groups.values() for c in members}
                assert wanted <= codes, (ind.id, b.name, wanted - codes)
                checked += 1
    # 07459 sex and age (barn-0-17), 07459 sex (befolkning-totalt), KJONN on the FHI records.
    assert checked >= 3 + 20


def test_grades_and_the_overlapping_background_groups_are_declared() -> None:
    dims = breakdown_dimensions()
    assert [c.code for c in dims["grade"].categories] == ["total", *map(str, range(1, 11))]
    assert dims["grade"].label_of("10") == "10. trinn"
    partitions = {frozenset(p) for p in dims["background"].partitions}
    assert frozenset({"innvandrere", "ovrige"}) in partitions
    assert frozenset({"innvandrere", "norskfodte", "uten-innvandrerbakgrunn"}) in partitions
    # «Befolkningen ellers» stays the last immigrant-category group: a view pairs the first and
    # the last group, and immigrants against the rest is IMDi's own comparison.
    ranks = [dims["background"].rank(c) for c in ("innvandrere", "norskfodte", "ovrige")]
    assert ranks == sorted(ranks)


def test_a_partition_with_an_undeclared_group_is_a_catalogue_error(tmp_path: Path) -> None:
    copy = tmp_path / "catalog"
    shutil.copytree(CATALOG_DIR, copy, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    path = copy / "breakdowns.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("- [innvandrere, ovrige]", "- [innvandrere, resten]"))
    with pytest.raises(CatalogError, match="resten"):
        read_dimensions(copy)


def test_an_undeclared_category_is_a_catalogue_error(tmp_path: Path) -> None:
    copy = tmp_path / "catalog"
    shutil.copytree(CATALOG_DIR, copy, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    record = copy / "indicators" / "vedvarende-lavinntekt-alle-aldre.yml"
    text = record.read_text(encoding="utf-8")
    record.write_text(text.replace("befolkningen_ellers: ovrige", "befolkningen_ellers: resten"))
    with pytest.raises(CatalogError, match="resten"):
        load_catalog(copy)
