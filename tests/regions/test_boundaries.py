from __future__ import annotations

import json
from pathlib import Path

import pytest

from oppvekst.errors import UnknownRegion
from oppvekst.regions.boundaries import BoundaryStore, topology_to_geojson
from oppvekst.regions.registry import Registry


@pytest.fixture(scope="module")
def store(shared_data: Path) -> BoundaryStore:
    return BoundaryStore(shared_data / "boundaries")


def codes(collection: dict[str, object]) -> set[str]:
    features = collection["features"]
    assert isinstance(features, list)
    return {f["properties"]["code"] for f in features}


def test_2024_kommuner_match_registry(store: BoundaryStore, registry: Registry) -> None:
    layer = store.layer("kommune", 2024)
    assert len(layer["features"]) == 357
    assert codes(layer) == {k.code for k in registry.kommuner()}


def test_2024_fylker_and_bydeler_match_registry(store: BoundaryStore, registry: Registry) -> None:
    assert codes(store.layer("fylke", 2024)) == {f.code for f in registry.fylker()}
    bydeler = store.layer("bydel", 2024)
    assert len(bydeler["features"]) == 15
    assert codes(bydeler) == {b.code for b in registry.bydeler()}


def test_older_structures_are_complete(store: BoundaryStore, registry: Registry) -> None:
    layer_2020 = store.layer("kommune", 2020)
    assert len(layer_2020["features"]) == 356
    # Leading zero kept, and the kommuner robhop's 2020 file lost are there.
    assert {"0301", "1144", "1835"} <= codes(layer_2020)
    rows_2020 = registry.history.crosswalk(2020, "kommune")
    assert codes(layer_2020) == {r.original_code for r in rows_2020}
    assert len(store.layer("kommune", 2019)["features"]) == 422
    assert len(store.layer("fylke", 2019)["features"]) == 18


def test_restricting(store: BoundaryStore) -> None:
    troms = store.layer("kommune", 2024, county="55")
    assert len(troms["features"]) == 21
    assert all(code.startswith("55") for code in codes(troms))
    picked = store.layer("kommune", 2024, codes={"0301", "3201"})
    assert codes(picked) == {"0301", "3201"}


def test_features_ready_for_vega_lite(store: BoundaryStore) -> None:
    layer = store.layer("kommune", 2024, codes={"0301"})
    feature = layer["features"][0]
    assert feature["id"] == "0301"
    assert feature["properties"] == {"code": "0301", "name": "Oslo"}
    assert feature["geometry"]["type"] in {"Polygon", "MultiPolygon"}
    ring = (
        feature["geometry"]["coordinates"][0]
        if feature["geometry"]["type"] == "Polygon"
        else feature["geometry"]["coordinates"][0][0]
    )
    assert ring[0] == ring[-1]
    for x, y in ring:
        assert round(x, 4) == x
        assert round(y, 4) == y
        assert 10.4 < x < 11.0
        assert 59.7 < y < 60.2


def test_topojson_matches_robhop_geojson(store: BoundaryStore, shared_data: Path) -> None:
    geo = json.loads((shared_data / "boundaries/2024/kommuner_2024_S.geojson").read_text())
    original = {f["properties"]["kommunenummer"]: f["geometry"] for f in geo["features"]}
    converted = {f["id"]: f["geometry"] for f in store.layer("kommune", 2024)["features"]}
    for code in ("4216", "0301", "5610"):
        assert converted[code]["type"] == original[code]["type"]
        first = original[code]["coordinates"][0]
        if original[code]["type"] == "MultiPolygon":
            first = first[0]
        first_converted = converted[code]["coordinates"][0]
        if converted[code]["type"] == "MultiPolygon":
            first_converted = first_converted[0]
        assert first_converted[0] == pytest.approx(first[0], abs=1e-4)


def test_quantised_topology_decoding() -> None:
    # A unit square as two arcs, quantised and delta-encoded; the second used reversed.
    topology = {
        "type": "Topology",
        "transform": {"scale": [0.5, 0.25], "translate": [10.0, 60.0]},
        "objects": {
            "x": {
                "type": "GeometryCollection",
                "geometries": [
                    {"type": "Polygon", "arcs": [[0, ~1]], "properties": {"id": "a"}},
                    {"type": "Point", "coordinates": [2, 4], "properties": {"id": "p"}},
                ],
            }
        },
        "arcs": [[[0, 0], [2, 0], [0, 4]], [[0, 0], [0, 4], [2, 0]]],
    }
    collection = topology_to_geojson(topology)
    polygon = collection["features"][0]["geometry"]["coordinates"][0]
    assert polygon == [[10.0, 60.0], [11.0, 60.0], [11.0, 61.0], [10.0, 61.0], [10.0, 60.0]]
    assert collection["features"][1]["geometry"]["coordinates"] == [11.0, 61.0]


def test_unknown_layer(store: BoundaryStore) -> None:
    with pytest.raises(UnknownRegion, match="Ingen kartlag"):
        store.layer("bydel", 2019)
