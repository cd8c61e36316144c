"""Map boundaries as GeoJSON FeatureCollections keyed by our region codes, ready for Vega-Lite.

The files are read from a directory laid out like ``shared/data/boundaries`` and are never copied
into the repository. Geometry is not simplified further (the source files are already simplified);
coordinates are rounded to 4 decimals (about 10 m) and repeated points dropped, which keeps the
2024 kommune layer small enough to serve.

Which file serves which layer, and why:

* 2024 kommuner/fylker: robhop's ``*_S.topojson`` (complete: 357 / 15); converted here.
* 2020 and 2019 structures: the csmaps GeoJSON. robhop's 2020 files store codes as integers (the
  leading zero of 0301 is lost) and lack Kvitsøy 1144 and Træna 1835.
* Oslo bydeler: the csmaps 2024 ward map (the 15 bydeler, no Marka).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from oppvekst.errors import UnknownRegion
from oppvekst.regions.history import Level

Position = list[float]
Ring = list[Position]
GeoJSON = dict[str, Any]

DECIMALS = 4


@dataclass(frozen=True, slots=True)
class BoundaryLayer:
    """One boundary file: where it is and which properties hold the code and the name."""

    path: str
    code_property: str
    name_property: str
    code_width: int


LAYERS: dict[tuple[Level, int], BoundaryLayer] = {
    (Level.KOMMUNE, 2024): BoundaryLayer(
        "2024/kommuner_2024_S.topojson", "kommunenummer", "kommunenavn", 4
    ),
    (Level.FYLKE, 2024): BoundaryLayer(
        "2024/fylker_2024_S.topojson", "fylkesnummer", "fylkesnavn", 2
    ),
    (Level.KOMMUNE, 2020): BoundaryLayer(
        "2020/kommuner_2020_csmaps.geojson", "kommunenummer", "navn", 4
    ),
    (Level.FYLKE, 2020): BoundaryLayer(
        "2020/fylker_2020_csmaps.geojson", "fylkesnummer", "navn", 2
    ),
    (Level.KOMMUNE, 2019): BoundaryLayer(
        "2019/kommuner_2019_csmaps.geojson", "kommunenummer", "navn", 4
    ),
    (Level.FYLKE, 2019): BoundaryLayer(
        "2019/fylker_2019_csmaps.geojson", "fylkesnummer", "navn", 2
    ),
    (Level.BYDEL, 2024): BoundaryLayer(
        "oslo_bydeler/oslo_bydeler_2024_csmaps.geojson", "bydelsnummer", "navn", 6
    ),
}


class BoundaryStore:
    """Boundary layers read from ``root`` (e.g. ``shared/data/boundaries``), cached per layer."""

    def __init__(self, root: Path) -> None:
        self._root = root
        self._cache: dict[tuple[Level, int], GeoJSON] = {}

    def structures(self) -> list[tuple[Level, int]]:
        """(level, structure year) pairs with a layer; 2020 covers 2020-23, 2019 covers 2018-19."""
        return sorted(LAYERS, key=lambda key: (key[1], key[0]))

    def layer(
        self,
        level: Level | str,
        year: int = 2024,
        *,
        county: str | None = None,
        codes: Collection[str] | None = None,
    ) -> GeoJSON:
        """FeatureCollection of ``level`` in the ``year`` structure (``properties.code``, ``name``).

        ``county`` keeps the features whose code starts with that fylke code (kommuner, bydeler);
        ``codes`` keeps exactly those codes.
        """
        key = (Level(level), year)
        if key not in LAYERS:
            known = ", ".join(f"{lvl} {yr}" for lvl, yr in self.structures())
            raise UnknownRegion(
                f"Ingen kartlag for {level} {year}.", hint=f"Tilgjengelige: {known}."
            )
        if key not in self._cache:
            self._cache[key] = _load(self._root / LAYERS[key].path, LAYERS[key])
        features = self._cache[key]["features"]
        if county is not None:
            features = [f for f in features if f["properties"]["code"].startswith(county)]
        if codes is not None:
            wanted = set(codes)
            features = [f for f in features if f["properties"]["code"] in wanted]
        return {"type": "FeatureCollection", "features": features}


def _load(path: Path, layer: BoundaryLayer) -> GeoJSON:
    data = json.loads(path.read_text(encoding="utf-8"))
    collection = topology_to_geojson(data) if data.get("type") == "Topology" else data
    features = []
    for feature in collection["features"]:
        props = feature.get("properties") or {}
        code = str(props[layer.code_property]).zfill(layer.code_width)
        features.append(
            {
                "type": "Feature",
                "id": code,
                "properties": {"code": code, "name": str(props.get(layer.name_property, ""))},
                "geometry": rounded_geometry(feature["geometry"]),
            }
        )
    features.sort(key=lambda f: str(f["id"]))
    return {"type": "FeatureCollection", "features": features}


# --- TopoJSON -> GeoJSON (pure Python) ---------------------------------------------------------
def topology_to_geojson(topology: GeoJSON, object_name: str | None = None) -> GeoJSON:
    """Convert one object of a TopoJSON topology (the first when unnamed) to a FeatureCollection.

    Handles quantised topologies (``transform``: arcs are delta-encoded integers) and plain ones,
    and reversed arc indices (``~i``, i.e. negative).
    """
    name = object_name or next(iter(topology["objects"]))
    arcs = _decoded_arcs(topology)
    obj = topology["objects"][name]
    geometries = obj["geometries"] if obj["type"] == "GeometryCollection" else [obj]
    features = []
    for geometry in geometries:
        features.append(
            {
                "type": "Feature",
                "properties": geometry.get("properties", {}),
                "geometry": _geometry(geometry, arcs, topology.get("transform")),
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _decoded_arcs(topology: GeoJSON) -> list[Ring]:
    transform = topology.get("transform")
    if transform is None:
        return [[[float(x), float(y)] for x, y, *_ in arc] for arc in topology["arcs"]]
    (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
    decoded = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy, *_ in arc:
            x, y = x + dx, y + dy
            points.append([x * sx + tx, y * sy + ty])
        decoded.append(points)
    return decoded


def _ring(indices: Sequence[int], arcs: Sequence[Ring]) -> Ring:
    points: Ring = []
    for index in indices:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        # Consecutive arcs share their joining point; keep it once.
        points.extend(arc[1:] if points else arc)
    return points


def _geometry(geometry: GeoJSON, arcs: Sequence[Ring], transform: GeoJSON | None) -> GeoJSON | None:
    kind = geometry.get("type")
    if kind == "Polygon":
        return {"type": kind, "coordinates": [_ring(r, arcs) for r in geometry["arcs"]]}
    if kind == "MultiPolygon":
        polygons = [[_ring(r, arcs) for r in polygon] for polygon in geometry["arcs"]]
        return {"type": kind, "coordinates": polygons}
    if kind == "LineString":
        return {"type": kind, "coordinates": _ring(geometry["arcs"], arcs)}
    if kind == "MultiLineString":
        return {"type": kind, "coordinates": [_ring(line, arcs) for line in geometry["arcs"]]}
    if kind in ("Point", "MultiPoint"):
        return {"type": kind, "coordinates": _points(geometry["coordinates"], transform)}
    return None


def _points(coordinates: Any, transform: GeoJSON | None) -> Any:
    # Points are quantised but not delta-encoded.
    if transform is None:
        return coordinates
    (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
    if coordinates and isinstance(coordinates[0], list):
        return [[x * sx + tx, y * sy + ty] for x, y, *_ in coordinates]
    x, y, *_ = coordinates
    return [x * sx + tx, y * sy + ty]


# --- Rounding ------------------------------------------------------------------------------------
def rounded_geometry(geometry: GeoJSON | None, decimals: int = DECIMALS) -> GeoJSON | None:
    """Round coordinates and drop points that became repeats; polygons keep closed rings of >= 4."""
    if geometry is None:
        return None
    kind = geometry["type"]
    coords = geometry["coordinates"]
    if kind == "Polygon":
        rounded: Any = _polygon(coords, decimals)
    elif kind == "MultiPolygon":
        rounded = [p for p in (_polygon(poly, decimals) for poly in coords) if p]
    elif kind in ("LineString", "MultiPoint"):
        rounded = _line(coords, decimals)
    elif kind == "MultiLineString":
        rounded = [_line(line, decimals) for line in coords]
    else:
        rounded = [round(c, decimals) for c in coords]
    return {"type": kind, "coordinates": rounded}


def _line(points: Iterable[Sequence[float]], decimals: int) -> Ring:
    out: Ring = []
    for point in points:
        rounded = [round(point[0], decimals), round(point[1], decimals)]
        if not out or rounded != out[-1]:
            out.append(rounded)
    return out


def _polygon(rings: Iterable[Iterable[Sequence[float]]], decimals: int) -> list[Ring]:
    kept = []
    for ring in rings:
        points = _line(ring, decimals)
        if points and points[0] != points[-1]:
            points.append(points[0])
        if len(points) >= 4:
            kept.append(points)
    return kept
