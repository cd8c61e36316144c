"""The analysis views against the fixture snapshot; expected values come from SQL or numpy."""

from __future__ import annotations

import numpy as np
import pytest

from oppvekst.errors import BadRequest
from oppvekst.views import compare, composite, cross, maps, peers
from oppvekst.views import indicator as iv

BULLYING = "mobbing-10-trinn"
WELLBEING = "trivsel-skolen-10-trinn"


def _sql_value(store, indicator: str, region: str, period: str) -> float | None:  # type: ignore[no-untyped-def]
    rows = store._fetch(
        "SELECT value FROM observations WHERE indicator_id = ? AND region = ? AND period = ? "
        "AND sex = 'total' AND age = 'total' AND background = 'total' AND grade = 'total'",
        [indicator, region, period],
    )
    return rows[0][0] if rows else None


def test_series_values_match_the_store(store) -> None:  # type: ignore[no-untyped-def]
    s = iv.series(store, BULLYING, ["4601", "4624", "46"])
    assert [a.code for a in s.areas] == ["4601", "4624", "46"]
    assert s.synthetic == (BULLYING in store.synthetic_indicators)
    for p in s.points:
        assert p.value == pytest.approx(_sql_value(store, BULLYING, p.region, p.period))
    latest = s.latest_period
    assert latest is not None
    bergen = s.at("4601", latest)
    assert bergen is not None and bergen.name == "Bergen"
    assert s.summary[0].startswith("Bergen: ")


def test_bydel_for_an_indicator_without_bydeler_is_an_actionable_error(store) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(BadRequest) as caught:
        iv.series(store, BULLYING, ["030101"])
    assert "bydelsnivå" in caught.value.message
    assert "0301" in caught.value.hint


def test_a_period_without_data_says_which_exist(store) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(BadRequest) as caught:
        iv.series(store, BULLYING, ["4601"], periods=["1990"])
    assert "1990" in caught.value.message and "Perioder med tall" in caught.value.hint


def test_map_values_cover_every_kommune_in_the_county(store) -> None:  # type: ignore[no-untyped-def]
    m = maps.map_values(store, "barn-lavinntekt-eu60", county="46")
    expected = {c for c, r in store.regions.items() if r.level == "kommune" and c.startswith("46")}
    assert {r.code for r in m.rows} == expected
    row = next(r for r in m.rows if r.code == "4601")
    assert row.value == pytest.approx(_sql_value(store, "barn-lavinntekt-eu60", "4601", m.period))
    # Significance by the overlapping-interval rule, recomputed here.
    country = _sql_value(store, "barn-lavinntekt-eu60", "0", m.period)
    lo, hi = row.lower95, row.upper95
    assert lo is not None and hi is not None and country is not None
    if lo <= country <= hi:
        assert row.significance == "similar"
    else:
        assert row.significance != "similar"


def test_bydel_map_only_for_indicators_with_bydeler(store) -> None:  # type: ignore[no-untyped-def]
    assert len(maps.map_values(store, "barn-lavinntekt-eu60", level="bydel").rows) == 15
    with pytest.raises(BadRequest):
        maps.map_values(store, BULLYING, level="bydel")


def test_suggested_sets_and_similar_recipe(store, shared_data) -> None:  # type: ignore[no-untyped-def]
    from oppvekst.regions.boundaries import BoundaryStore

    boundaries = BoundaryStore(shared_data / "boundaries")
    sets = {
        s.kind: s for s in peers.suggested_sets(store, "4601", peers.DEFAULT_RECIPE, boundaries)
    }
    assert set(sets) == {"fylke", "kostra", "naboer", "lignende"}
    assert all(store.regions[c].parent == "46" for c in sets["fylke"].codes)
    assert "4624" in sets["naboer"].codes  # Bjørnafjorden borders Bergen
    assert all(
        store.regions[c].kostra_group == store.regions["4601"].kostra_group
        for c in sets["kostra"].codes
    )
    recipe = peers.parse_recipe("folketall:1")
    assert recipe.param.startswith("folketall:1,sentralitet:0")
    found = peers.similar_municipalities(store, "4601", recipe)
    # With population alone, the nearest is the kommune with the closest log population.
    pop = {
        r[0]: r[1]
        for r in store._fetch(
            "SELECT region, value FROM observations WHERE indicator_id = 'befolkning-totalt' AND period = ? "
            "AND region IN (SELECT code FROM regions WHERE level = 'kommune') AND sex = 'total' AND age = 'total' "
            "AND background = 'total' AND grade = 'total'",
            [store.latest_period("befolkning-totalt")],
        )
    }
    nearest = min(
        (c for c in pop if c != "4601"), key=lambda c: abs(np.log(pop[c]) - np.log(pop["4601"]))
    )
    assert found.neighbours[0].code == nearest
    with pytest.raises(BadRequest):
        peers.parse_recipe("hoyde:2")


def test_compare_table_cells_and_sorting(store) -> None:  # type: ignore[no-untyped-def]
    t = compare.compare_table(
        store, ["4601", "4624"], [BULLYING], colour_by="kvintil", sort="-" + BULLYING
    )
    cells = {c.region: c for c in t.cells}
    assert [a.code for a in t.areas] == sorted(
        ["4601", "4624"], key=lambda c: -(cells[c].value or 0)
    )
    period = cells["4601"].period
    assert period is not None
    assert cells["4601"].value == pytest.approx(_sql_value(store, BULLYING, "4601", period))
    values = np.array(
        [
            r[0]
            for r in store._fetch(
                "SELECT value FROM observations o JOIN regions r ON r.code = o.region WHERE r.level = 'kommune' "
                "AND indicator_id = ? AND period = ? AND sex = 'total' AND age = 'total' AND background = 'total' "
                "AND grade = 'total' AND value IS NOT NULL",
                [BULLYING, period],
            )
        ]
    )
    rank = 1 + int(np.sum(values < cells["4601"].value))  # ties share the lower rank
    assert cells["4601"].quintile == int(np.ceil(5 * rank / values.size))


def test_cross_matches_numpy(store) -> None:  # type: ignore[no-untyped-def]
    v = cross.cross_view(store, WELLBEING, BULLYING, own="4601", group=("4624",))
    x = np.array([p.x for p in v.points])
    y = np.array([p.y for p in v.points])
    assert v.result.n == len(v.points)
    assert v.result.pearson == pytest.approx(np.corrcoef(x, y)[0, 1], rel=1e-9)
    assert v.own_point is not None and v.own_point.code == "4601"
    own_period = v.period_y
    assert v.own_point.y == pytest.approx(_sql_value(store, BULLYING, "4601", own_period))
    assert {p.code for p in v.points if p.role == "gruppe"} == {"4624"}
    with pytest.raises(BadRequest):
        cross.cross_view(store, WELLBEING, BULLYING, year=1990)


def test_composite_zscore_index_matches_numpy(store) -> None:  # type: ignore[no-untyped-def]
    recipe = composite.parse_recipe(store, f"{BULLYING}:2,{WELLBEING}:1")
    assert recipe.params()["indikatorer"] == f"{BULLYING}:2,{WELLBEING}:1"
    view = composite.composite_view(store, recipe, ["4601"])
    codes = [c for c, r in store.regions.items() if r.level == "kommune"]
    cols = []
    for ind, period in zip((BULLYING, WELLBEING), view.periods, strict=True):
        got = {
            r[0]: r[1]
            for r in store._fetch(
                "SELECT region, value FROM observations WHERE indicator_id = ? AND period = ? AND sex = 'total' "
                "AND age = 'total' AND background = 'total' AND grade = 'total'",
                [ind, period],
            )
        }
        cols.append(np.array([got.get(c, np.nan) for c in codes], dtype=float))
    z_bully = -(cols[0] - np.nanmean(cols[0])) / np.nanstd(cols[0])  # lower is better: flipped
    z_well = (cols[1] - np.nanmean(cols[1])) / np.nanstd(cols[1])
    expected = (2 * z_bully + z_well) / 3
    bergen = next(r for r in view.rows if r.code == "4601")
    assert bergen.index == pytest.approx(expected[codes.index("4601")], rel=1e-9)
    assert bergen.rank == int((expected > expected[codes.index("4601")]).sum()) + 1
    assert "Mobbing" in view.recipe_text


def test_neutral_indicator_cannot_enter_an_index(store) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(BadRequest) as caught:
        composite.composite_view(
            store, composite.parse_recipe(store, "befolkning-totalt:1,mobbing-10-trinn:1")
        )
    assert "retning" in caught.value.message
