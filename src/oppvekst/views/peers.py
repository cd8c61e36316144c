"""Suggested comparison areas: same county, KOSTRA group, neighbours and similar municipalities.

"Similar municipalities" is Kolada's method (``oppvekst.stats.similarity``): distance on
standardised structural variables with weights the reader sees and can change through the URL
(``?likhet=folketall:2,sentralitet:2,barn:1,lavinntekt:1,innvandrer:1``).

Neighbours come from the shared 2024 kommune boundaries: two kommuner are neighbours when their
outlines share at least two (rounded) boundary points, i.e. a stretch of border. Without the
boundary files the county stands in, and the page says so.
"""

from __future__ import annotations

import math
import threading
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from oppvekst.errors import BadRequest, OppvekstError, StatisticsInputError
from oppvekst.glossary import N_
from oppvekst.language import _
from oppvekst.regions.boundaries import BoundaryStore
from oppvekst.snapshot.store import Store
from oppvekst.stats import similarity
from oppvekst.views.regions import region_ref

SetKind = Literal["fylke", "kostra", "naboer", "lignende"]


@dataclass(frozen=True, slots=True)
class Variable:
    key: str
    label_nb: str  # marked for translation; read ``label``
    indicator_id: str | None  # None: the region's centrality class
    log: bool = False  # population spans 200 to 700 000: compare orders of magnitude

    @property
    def label(self) -> str:
        return _(self.label_nb)


VARIABLES: tuple[Variable, ...] = (
    Variable("folketall", N_("Folketall (log)"), "befolkning-totalt", log=True),
    Variable("sentralitet", N_("Sentralitet (SSBs klasse 1–6)"), None),
    Variable("barn", N_("Andel barn 0–17 år"), "andel-barn-0-17"),
    Variable("lavinntekt", N_("Barn i lavinntektsfamilier"), "barn-lavinntekt-eu60"),
    Variable(
        "innvandrer",
        N_("Barn 1–5 år med innvandrerbakgrunn"),
        "andel-barn-1-5-innvandrerbakgrunn",
    ),
)
DEFAULT_WEIGHTS: dict[str, float] = {
    "folketall": 2.0,
    "sentralitet": 2.0,
    "barn": 1.0,
    "lavinntekt": 1.0,
    "innvandrer": 1.0,
}


@dataclass(frozen=True, slots=True)
class SimilarityRecipe:
    weights: tuple[tuple[str, float], ...]
    count: int = 10

    @property
    def param(self) -> str:
        return ",".join(f"{k}:{_w(v)}" for k, v in self.weights)

    def weight(self, key: str) -> float:
        return dict(self.weights).get(key, 0.0)


def _w(x: float) -> str:
    return f"{x:g}"


DEFAULT_RECIPE = SimilarityRecipe(tuple(DEFAULT_WEIGHTS.items()))


def parse_recipe(text: str | None) -> SimilarityRecipe:
    if not text:
        return DEFAULT_RECIPE
    weights = dict.fromkeys(DEFAULT_WEIGHTS, 0.0)
    for part in text.split(","):
        key, _sep, raw = part.partition(":")
        key = key.strip()
        if key not in weights:
            raise BadRequest(
                _("Ukjent variabel «{key}» i oppskriften for lignende kommuner.").format(key=key),
                hint=_("Bruk {keys}, f.eks. folketall:2,barn:1.").format(
                    keys=", ".join(v.key for v in VARIABLES)
                ),
            )
        try:
            value = float(raw.replace(",", ".")) if raw else 1.0
        except ValueError:
            raise BadRequest(
                _("Vekten «{raw}» for {key} er ikke et tall.").format(raw=raw, key=key)
            ) from None
        if not 0 <= value <= 10 or math.isnan(value):
            raise BadRequest(_("Vektene må være mellom 0 og 10."))
        weights[key] = value
    if not any(weights.values()):
        raise BadRequest(_("Minst én variabel må ha vekt over 0."), hint=_("F.eks. folketall:1."))
    return SimilarityRecipe(tuple(weights.items()))


@dataclass(frozen=True, slots=True)
class Similar:
    code: str
    name: str
    distance: float
    reasons: tuple[tuple[str, float, float], ...]  # (variable label, difference in SD, share)


@dataclass(frozen=True, slots=True)
class SimilarResult:
    target: str
    recipe: SimilarityRecipe
    neighbours: tuple[Similar, ...]
    explanation: str


@dataclass(frozen=True, slots=True)
class AreaSet:
    kind: SetKind
    label: str
    codes: tuple[str, ...]
    note: str


def similar_municipalities(store: Store, code: str, recipe: SimilarityRecipe) -> SimilarResult:
    target = region_ref(store, code)
    if target.level != "kommune":
        raise BadRequest("Lignende kommuner finnes bare for kommuner.", hint="Velg en kommune.")
    codes = [c for c, r in store.regions.items() if r.level == "kommune"]
    features = np.column_stack([_feature(store, v, codes) for v in VARIABLES])
    weights = np.array([recipe.weight(v.key) for v in VARIABLES])
    try:
        found = similarity.similar(
            codes.index(code), features, weights, [v.label for v in VARIABLES], n=recipe.count
        )
    except StatisticsInputError as exc:
        raise BadRequest(
            _("{name} mangler tall for en av variablene i oppskriften.").format(name=target.name),
            hint=_("Sett vekten for den variabelen til 0."),
        ) from exc
    neighbours = tuple(
        Similar(
            codes[n.index],
            store.regions[codes[n.index]].name,
            n.distance,
            tuple((c.name, c.difference_sd, c.share) for c in n.contributions),
        )
        for n in found
    )
    used = ", ".join(
        _("{label} (vekt {weight})").format(label=v.label, weight=_w(recipe.weight(v.key)))
        for v in VARIABLES
        if recipe.weight(v.key) > 0
    )
    explanation = _(
        "De {n} kommunene som ligner mest på {name}, målt som vektet avstand mellom "
        "standardiserte verdier (z-skårer over alle kommuner) for: {used}. "
        "Jo mindre avstand, jo likere. "
        "Endre vektene for å legge mer eller mindre vekt på hver variabel."
    ).format(n=len(neighbours), name=target.name, used=used)
    return SimilarResult(code, recipe, neighbours, explanation)


def _feature(
    store: Store, variable: Variable, codes: list[str]
) -> np.ndarray[Any, np.dtype[np.float64]]:
    if variable.indicator_id is None:
        return np.array(
            [
                float(centrality) if (centrality := store.regions[c].centrality) else np.nan
                for c in codes
            ]
        )
    period = store.latest_period(variable.indicator_id)
    if period is None:
        return np.full(len(codes), np.nan)
    obs = store.observations([variable.indicator_id], codes, [period])
    values = dict(zip(obs["region"], obs["value"], strict=True))
    out = np.array([float(values.get(c, np.nan)) for c in codes])
    if variable.log:
        with np.errstate(divide="ignore", invalid="ignore"):
            out = np.where(out > 0, np.log(out), np.nan)
    return out


# --- Neighbours from the boundary files ------------------------------------------------------
_ADJACENCY: dict[int, dict[str, frozenset[str]]] = {}
_LOCK = threading.Lock()


def neighbours(boundaries: BoundaryStore | None, code: str) -> tuple[str, ...] | None:
    """Kommuner sharing a border with ``code``; None when no boundary files can be read."""
    if boundaries is None:
        return None
    with _LOCK:
        key = id(boundaries)
        if key not in _ADJACENCY:
            try:
                layer = boundaries.layer("kommune", 2024)
            except (OSError, OppvekstError):
                return None
            _ADJACENCY[key] = _adjacency(layer["features"])
    return tuple(sorted(_ADJACENCY[key].get(code, frozenset())))


def _adjacency(features: Iterable[dict[str, Any]]) -> dict[str, frozenset[str]]:
    owners: dict[tuple[float, float], set[str]] = defaultdict(set)
    for feature in features:
        code = feature["properties"]["code"]
        for point in _points(feature.get("geometry")):
            owners[point].add(code)
    shared: dict[tuple[str, str], int] = defaultdict(int)
    for codes in owners.values():
        if 1 < len(codes) < 5:
            ordered = sorted(codes)
            for i, a in enumerate(ordered):
                for b in ordered[i + 1 :]:
                    shared[(a, b)] += 1
    result: dict[str, set[str]] = defaultdict(set)
    for (a, b), count in shared.items():
        if count >= 2:
            result[a].add(b)
            result[b].add(a)
    return {k: frozenset(v) for k, v in result.items()}


def _points(geometry: dict[str, Any] | None) -> Iterable[tuple[float, float]]:
    if not geometry:
        return
    polygons = (
        geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    )
    for polygon in polygons:
        for ring in polygon:
            yield from ((x, y) for x, y in ring)


def suggested_sets(
    store: Store,
    code: str,
    recipe: SimilarityRecipe,
    boundaries: BoundaryStore | None,
) -> tuple[AreaSet, ...]:
    """Area sets a planner typically compares with, each with a line saying how it was chosen."""
    area = region_ref(store, code)
    if area.level != "kommune":
        return ()
    sets: list[AreaSet] = []
    if area.county:
        county = store.regions[area.county]
        members = tuple(r.code for r in store.registry.members_of_county(area.county))
        sets.append(
            AreaSet(
                "fylke",
                _("Kommunene i {name}").format(name=county.name),
                members,
                _("Alle kommuner i fylket."),
            )
        )
    if area.kostra_group:
        members = tuple(c for c, r in store.regions.items() if r.kostra_group == area.kostra_group)
        sets.append(
            AreaSet(
                "kostra",
                f"{area.kostra_name or area.kostra_group}",
                members,
                _("SSBs KOSTRA-gruppe: kommuner med lignende folketall og økonomiske rammer."),
            )
        )
    near = neighbours(boundaries, code)
    if near:
        sets.append(
            AreaSet(
                "naboer",
                _("Nabokommuner"),
                near,
                _("Kommuner som grenser til {name}.").format(name=area.name),
            )
        )
    elif area.county:
        members = tuple(r.code for r in store.registry.members_of_county(area.county))
        sets.append(
            AreaSet(
                "naboer",
                _("Nabokommuner (fylket)"),
                members,
                _("Kartgrensene mangler, så fylket brukes i stedet."),
            )
        )
    try:
        similar = similar_municipalities(store, code, recipe)
        sets.append(
            AreaSet(
                "lignende",
                _("Lignende kommuner"),
                tuple(n.code for n in similar.neighbours),
                _(
                    "Kommuner med lignende folketall, sentralitet og befolkning; "
                    "se oppskriften under."
                ),
            )
        )
    except BadRequest:
        pass  # the similar-municipalities panel shows the reason
    return tuple(sets)
