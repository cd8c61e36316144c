"""A composite index over kommuner: the recipe from the URL, the result with bands and ranks.

The recipe — indicators with weights, year, standardisation and base year — is parsed from and
written back to the URL (``?indikatorer=mobbing-10-trinn:2,trivsel-skolen-10-trinn:1&aar=2025``),
so an index can be shared and recomputed identically. The computation is
``oppvekst.stats.composite``; years are matched on the period's end year.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from oppvekst.catalog.schema import Indicator, Polarity
from oppvekst.errors import BadRequest, StatisticsInputError
from oppvekst.glossary import N_, Glossary
from oppvekst.language import _
from oppvekst.snapshot.store import Store
from oppvekst.stats import composite

MAX_COMPONENTS = 12
DEFAULT_COMPONENTS: tuple[tuple[str, float], ...] = (
    ("mobbing-10-trinn", 1.0),
    ("trivsel-skolen-10-trinn", 1.0),
    ("barn-lavinntekt-eu60", 1.0),
)
METHOD_LABELS: Mapping[str, str] = Glossary(
    {
        composite.Standardisation.ZSCORE: N_("z-skår i valgt år"),
        composite.Standardisation.BASE_YEAR: N_("målt mot et basisår (500 = snittet i basisåret)"),
    }
)


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
            _("{what} «{text}» er ikke et årstall.").format(what=what, text=text),
            hint=_("Skriv f.eks. 2024."),
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
        ind, _sep, raw = item.partition(":")
        store.indicator(ind.strip())  # unknown ids raise UnknownIndicator with a hint
        try:
            weight = float(raw.replace(",", ".")) if raw else 1.0
        except ValueError:
            raise BadRequest(
                _("Vekten «{raw}» for {key} er ikke et tall.").format(raw=raw, key=ind),
                hint=_("Skriv f.eks. mobbing-10-trinn:2."),
            ) from None
        if not 0 < weight <= 100:
            raise BadRequest(
                _("Vekten for {key} må være over 0 og høyst 100.").format(key=ind),
                hint=_("Fjern indikatoren i stedet for å gi vekt 0."),
            )
        parts.append((ind.strip(), weight))
    ids = [p[0] for p in parts]
    if len(set(ids)) != len(ids):
        raise BadRequest(_("En indikator står to ganger i oppskriften."))
    if len(parts) > MAX_COMPONENTS:
        raise BadRequest(_("En indeks kan ha høyst {n} indikatorer.").format(n=MAX_COMPONENTS))
    try:
        std = composite.Standardisation(method or "zscore")
    except ValueError:
        raise BadRequest(
            _("Ukjent standardisering «{method}».").format(method=method),
            hint=_("Bruk zscore eller base_year."),
        ) from None
    return Recipe(
        tuple(parts) or default_components(store),
        _int(year, _("Året")),
        std,
        _int(base_year, _("Basisåret")),
    )


def default_components(store: Store) -> tuple[tuple[str, float], ...]:
    """The index before anyone chooses: bullying, wellbeing and low income when all three have
    kommune figures in a common year, else the first three key indicators with a direction that
    do (a page never opens on an index of nothing)."""
    ids = [i for i, _w in DEFAULT_COMPONENTS]
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
    indicators = tuple(store.indicator(i) for i, _w in recipe.components)
    neutral = [i.short_title for i in indicators if i.polarity is Polarity.NONE]
    if neutral:
        raise BadRequest(
            _(
                "{names} har ingen retning (verken høyere eller lavere er bedre) og kan ikke "
                "inngå i en indeks."
            ).format(names=", ".join(neutral)),
            hint=_("Velg indikatorer der høyere eller lavere er bedre."),
        )
    codes = [c for c, r in store.regions.items() if r.level == "kommune"]
    data = [_by_year(store, i.id, codes) for i in indicators]
    years = tuple(sorted(set.intersection(*(set(d) for d in data))))
    if not years:
        raise BadRequest(
            _("Indikatorene har ingen felles år med tall."),
            hint=_("Bytt ut en av indikatorene."),
        )
    year = recipe.year if recipe.year is not None else years[-1]
    if year not in years:
        raise BadRequest(
            _("Ikke alle indikatorene har tall for {year}.").format(year=year),
            hint=_("År med tall for alle: {years}.").format(
                years=", ".join(str(y) for y in years[-8:])
            ),
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
                _("Basisåret {year} mangler tall.").format(year=base_year),
                hint=_("Mulige basisår: {years}.").format(years=", ".join(map(str, years))),
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
            [w for _i, w in recipe.components],
            names=[i.short_title for i in indicators],
            method=recipe.method,
            base=base,
            year=year,
        )
    except StatisticsInputError as exc:
        raise BadRequest(
            _("Indeksen kan ikke beregnes: {reason}").format(reason=exc.message),
            hint=exc.hint or _("Bytt ut en av indikatorene."),
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
    summary = [_("{n} kommuner har indeks for {year}.").format(n=n, year=year)]
    for code in highlight:
        row = next((r for r in rows if r.code == code), None)
        if row and row.rank is not None:
            summary.append(
                _("{name} er nummer {rank} av {n} (trolig mellom {lower} og {upper}).").format(
                    name=row.name, rank=row.rank, n=n, lower=row.rank_lower, upper=row.rank_upper
                )
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
