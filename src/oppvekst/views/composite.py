"""A composite index over kommuner: the recipe from the URL, the result with bands and ranks.

The recipe — indicators with weights, year, standardisation and base year — is parsed from and
written back to the URL (``?indikatorer=mobbing-10-trinn:2,trivsel-skolen-10-trinn:1&aar=2025``),
so an index can be shared and recomputed identically. The computation is
``oppvekst.stats.composite``; years are matched on the period's end year.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from oppvekst.catalog.schema import Indicator, Polarity
from oppvekst.errors import BadRequest, StatisticsInputError
from oppvekst.snapshot.store import Store
from oppvekst.stats import composite

MAX_COMPONENTS = 12
DEFAULT_COMPONENTS: tuple[tuple[str, float], ...] = (
    ("mobbing-10-trinn", 1.0),
    ("trivsel-skolen-10-trinn", 1.0),
    ("barn-lavinntekt-eu60", 1.0),
)
METHOD_LABELS = {
    composite.Standardisation.ZSCORE: "z-skår i valgt år",
    composite.Standardisation.BASE_YEAR: "målt mot et basisår (500 = snittet i basisåret)",
}


@dataclass(frozen=True, slots=True)
class Recipe:
    components: tuple[tuple[str, float], ...]
    year: int | None = None
    method: composite.Standardisation = composite.Standardisation.ZSCORE
    base_year: int | None = None

    def params(self) -> dict[str, str]:
        """The recipe as URL parameters (the inverse of :func:`parse_recipe`)."""
        out = {
            "indikatorer": ",".join(f"{i}:{w:g}" for i, w in self.components),
            "metode": self.method.value,
        }
        if self.year is not None:
            out["aar"] = str(self.year)
        if self.base_year is not None and self.method is composite.Standardisation.BASE_YEAR:
            out["basisaar"] = str(self.base_year)
        return out


def _int(text: str | None, what: str) -> int | None:
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        raise BadRequest(
            f"{what} «{text}» er ikke et årstall.", hint="Skriv f.eks. 2024."
        ) from None


def parse_recipe(
    store: Store,
    components: str | None,
    year: str | None = None,
    method: str | None = None,
    base_year: str | None = None,
) -> Recipe:
    parts: list[tuple[str, float]] = []
    for item in (components or "").split(","):
        if not item.strip():
            continue
        ind, _, raw = item.partition(":")
        store.indicator(ind.strip())  # unknown ids raise UnknownIndicator with a hint
        try:
            weight = float(raw.replace(",", ".")) if raw else 1.0
        except ValueError:
            raise BadRequest(
                f"Vekten «{raw}» for {ind} er ikke et tall.",
                hint="Skriv f.eks. mobbing-10-trinn:2.",
            ) from None
        if not 0 < weight <= 100:
            raise BadRequest(
                f"Vekten for {ind} må være over 0 og høyst 100.",
                hint="Fjern indikatoren i stedet for å gi vekt 0.",
            )
        parts.append((ind.strip(), weight))
    ids = [p[0] for p in parts]
    if len(set(ids)) != len(ids):
        raise BadRequest("En indikator står to ganger i oppskriften.")
    if len(parts) > MAX_COMPONENTS:
        raise BadRequest(f"En indeks kan ha høyst {MAX_COMPONENTS} indikatorer.")
    try:
        std = composite.Standardisation(method or "zscore")
    except ValueError:
        raise BadRequest(
            f"Ukjent standardisering «{method}».", hint="Bruk zscore eller base_year."
        ) from None
    return Recipe(
        tuple(parts) or default_components(store),
        _int(year, "Året"),
        std,
        _int(base_year, "Basisåret"),
    )


def default_components(store: Store) -> tuple[tuple[str, float], ...]:
    """The index before anyone chooses: bullying, wellbeing and low income when all three have
    kommune figures in a common year, else the first three key indicators with a direction that
    do (a page never opens on an index of nothing)."""
    ids = [i for i, _ in DEFAULT_COMPONENTS]
    if all(i in store.indicators for i in ids) and _common_year(store, ids):
        return DEFAULT_COMPONENTS
    candidates = sorted(
        (
            i
            for i in store.kommune_years
            if i in store.indicators and store.indicators[i].polarity is not Polarity.NONE
        ),
        key=lambda i: (not store.indicators[i].key_indicator, i),
    )
    chosen: list[str] = []
    for candidate in candidates:
        if _common_year(store, [*chosen, candidate]):
            chosen.append(candidate)
        if len(chosen) == len(DEFAULT_COMPONENTS):
            break
    return tuple((i, 1.0) for i in chosen) if len(chosen) >= 2 else DEFAULT_COMPONENTS


def _common_year(store: Store, ids: Sequence[str]) -> bool:
    years = [store.kommune_years.get(i, frozenset()) for i in ids]
    return bool(frozenset.intersection(*years)) if years else False


@dataclass(frozen=True, slots=True)
class IndexRow:
    code: str
    name: str
    index: float | None
    lower: float | None
    upper: float | None
    rank: int | None
    rank_lower: int | None
    rank_upper: int | None
    components_used: int


@dataclass(frozen=True, slots=True)
class CompositeView:
    recipe: Recipe
    indicators: tuple[Indicator, ...]
    periods: tuple[str, ...]  # the period used for each indicator (same order)
    year: int
    years: tuple[int, ...]  # end years every indicator has
    rows: tuple[IndexRow, ...]  # best rank first; areas without an index last
    recipe_text: str
    highlight: tuple[str, ...]
    synthetic: bool
    summary: tuple[str, ...]


def _by_year(
    store: Store, indicator_id: str, codes: Sequence[str]
) -> dict[int, tuple[str, dict[str, tuple[float, float, float]]]]:
    obs = store.observations([indicator_id], list(codes)).sort_values(["period_end", "period"])
    out: dict[int, tuple[str, dict[str, tuple[float, float, float]]]] = {}
    for r in obs.to_dict("records"):
        end, period = int(r["period_end"]), str(r["period"])
        if end in out and out[end][0] != period:
            out[end] = (period, {})  # a later period with the same end year wins
        out.setdefault(end, (period, {}))[1][str(r["region"])] = (
            float("nan") if r["value"] is None else float(r["value"]),
            float("nan") if r["lower95"] is None else float(r["lower95"]),
            float("nan") if r["upper95"] is None else float(r["upper95"]),
        )
    return out


def composite_view(store: Store, recipe: Recipe, highlight: Sequence[str] = ()) -> CompositeView:
    indicators = tuple(store.indicator(i) for i, _ in recipe.components)
    neutral = [i.short_title for i in indicators if i.polarity is Polarity.NONE]
    if neutral:
        raise BadRequest(
            f"{', '.join(neutral)} har ingen retning (verken høyere eller lavere er bedre) "
            "og kan ikke inngå i en indeks.",
            hint="Velg indikatorer der høyere eller lavere er bedre.",
        )
    codes = [c for c, r in store.regions.items() if r.level == "kommune"]
    data = [_by_year(store, i.id, codes) for i in indicators]
    years = tuple(sorted(set.intersection(*(set(d) for d in data))))
    if not years:
        raise BadRequest(
            "Indikatorene har ingen felles år med tall.", hint="Bytt ut en av indikatorene."
        )
    year = recipe.year if recipe.year is not None else years[-1]
    if year not in years:
        raise BadRequest(
            f"Ikke alle indikatorene har tall for {year}.",
            hint=f"År med tall for alle: {', '.join(str(y) for y in years[-8:])}.",
        )
    values, lower, upper = (
        np.array([[d[year][1].get(c, (np.nan,) * 3)[k] for d in data] for c in codes])
        for k in range(3)
    )
    base = None
    if recipe.method is composite.Standardisation.BASE_YEAR:
        base_year = recipe.base_year if recipe.base_year is not None else years[0]
        if base_year not in years:
            raise BadRequest(
                f"Basisåret {base_year} mangler tall.",
                hint=f"Mulige basisår: {', '.join(map(str, years))}.",
            )
        base_values = np.array(
            [[d[base_year][1].get(c, (np.nan,) * 3)[0] for d in data] for c in codes]
        )
        base = composite.BaseYear(
            base_year, np.nanmean(base_values, axis=0), np.nanstd(base_values, axis=0)
        )
        recipe = Recipe(recipe.components, recipe.year, recipe.method, base_year)
    try:
        result = composite.composite_index(
            values,
            lower,
            upper,
            [i.polarity.value for i in indicators],
            [w for _, w in recipe.components],
            names=[i.short_title for i in indicators],
            method=recipe.method,
            base=base,
            year=year,
        )
    except StatisticsInputError as exc:
        raise BadRequest(
            f"Indeksen kan ikke beregnes: {exc.message}",
            hint=exc.hint or "Bytt ut en av indikatorene.",
        ) from exc
    rows = [
        IndexRow(
            c,
            store.regions[c].name,
            _opt(result.index[k]),
            _opt(result.lower[k]),
            _opt(result.upper[k]),
            _rank(result.rank[k]),
            _rank(result.rank_lower[k]),
            _rank(result.rank_upper[k]),
            int(result.components_used[k]),
        )
        for k, c in enumerate(codes)
    ]
    rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.name))
    n = sum(r.index is not None for r in rows)
    summary = [f"{n} kommuner har indeks for {year}."]
    for code in highlight:
        row = next((r for r in rows if r.code == code), None)
        if row and row.rank is not None:
            summary.append(
                f"{row.name} er nummer {row.rank} av {n} "
                f"(trolig mellom {row.rank_lower} og {row.rank_upper})."
            )
    synthetic = any(i.id in store.synthetic_indicators for i in indicators)
    return CompositeView(
        recipe,
        indicators,
        tuple(d[year][0] for d in data),
        year,
        years,
        tuple(rows),
        result.recipe,
        tuple(highlight),
        synthetic,
        tuple(summary),
    )


def _opt(x: float) -> float | None:
    return None if np.isnan(x) else float(x)


def _rank(x: float) -> int | None:
    return None if np.isnan(x) else int(x)
