"""Two indicators across kommuner for one year: the scatter, its statistics and its caveat.

The periods are matched on their end year (a three-year average 2021-2023 meets the annual 2023),
the latest common one by default. Correlations come from ``oppvekst.stats.crossing``; the line is
shown only when R² ≥ 0.15, and the page always says that a correlation between municipalities
says nothing about individual children.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from oppvekst.catalog.schema import Indicator
from oppvekst.errors import BadRequest
from oppvekst.language import _
from oppvekst.snapshot.store import Store
from oppvekst.stats import crossing, sentences
from oppvekst.views.indicator import num
from oppvekst.views.regions import RegionRef, region_ref

Role = Literal["egen", "gruppe", "andre"]
Weighting = Literal["ingen", "folketall"]
POPULATION = "befolkning-totalt"


@dataclass(frozen=True, slots=True)
class CrossPoint:
    code: str
    name: str
    x: float
    y: float
    role: Role
    weight: float | None


@dataclass(frozen=True, slots=True)
class CrossView:
    x: Indicator
    y: Indicator
    year: int
    period_x: str
    period_y: str
    years: tuple[int, ...]  # end years with data for both
    points: tuple[CrossPoint, ...]
    missing: int  # kommuner without both values
    result: crossing.Crossing
    own: RegionRef | None
    group: tuple[str, ...]
    group_label: str
    weighting: Weighting
    sentence: str
    ecological_note: str
    synthetic: bool

    @property
    def own_point(self) -> CrossPoint | None:
        return next((p for p in self.points if p.role == "egen"), None)

    @property
    def table_points(self) -> tuple[CrossPoint, ...]:
        """Every point of the chart for its table alternative: egen kommune, then the chosen
        group, then the rest, each part in Norwegian alphabetical order."""
        rank = {"egen": 0, "gruppe": 1, "andre": 2}
        return tuple(sorted(self.points, key=lambda p: (rank[p.role], norwegian_order(p.name))))


# Python orders Å before Æ and Ø by code point; the alphabet ends Æ, Ø, Å.
_LAST_LETTERS = str.maketrans({"æ": "{", "ø": "|", "å": "}"})


def norwegian_order(name: str) -> str:
    return name.casefold().translate(_LAST_LETTERS)


def _kommune_frame(store: Store, indicator_id: str) -> dict[int, tuple[str, dict[str, float]]]:
    """End year → (period, {kommune: value}) using the latest period ending that year."""
    codes = [c for c, r in store.regions.items() if r.level == "kommune"]
    obs = store.observations([indicator_id], codes)
    out: dict[int, tuple[str, dict[str, float]]] = {}
    for (end, period), rows in obs.sort_values(["period_end", "period"]).groupby(
        ["period_end", "period"]
    ):
        values = {
            str(c): float(v)
            for c, v in zip(rows["region"], rows["value"], strict=True)
            if num(v) is not None
        }
        if values:
            out[int(end)] = (str(period), values)  # type: ignore[call-overload]
    return out


# Wellbeing against bullying: the pair planners asked to see first, when the snapshot has both.
PREFERRED_PAIR = ("trivsel-skolen-10-trinn", "mobbing-10-trinn")


def default_pair(store: Store) -> tuple[str, str]:
    """The axes before anyone chooses: the preferred pair if both share a year of kommune figures,
    else the first two key indicators (catalogue order) that do. The page never opens on a 400."""
    years = store.kommune_years
    ranked = sorted(
        (i for i in years if i in store.indicators),
        key=lambda i: (not store.indicators[i].key_indicator, i),
    )
    for n, x in enumerate([PREFERRED_PAIR[0], *ranked]):
        for y in [PREFERRED_PAIR[1]] if n == 0 else ranked[n:]:
            if x != y and years.get(x, frozenset()) & years.get(y, frozenset()):
                return (x, y)
    return PREFERRED_PAIR  # nothing to cross: the page says so


def cross_view(
    store: Store,
    x_id: str,
    y_id: str,
    *,
    year: int | None = None,
    own: str | None = None,
    group: tuple[str, ...] = (),
    group_label: str = "",
    weighting: Weighting = "ingen",
) -> CrossView:
    if x_id == y_id:
        raise BadRequest(
            _("Velg to forskjellige indikatorer."), hint=_("Bytt indikatoren på den ene aksen.")
        )
    x, y = store.indicator(x_id), store.indicator(y_id)
    fx, fy = _kommune_frame(store, x_id), _kommune_frame(store, y_id)
    years = tuple(sorted(set(fx) & set(fy)))
    if not years:
        raise BadRequest(
            _("«{x}» og «{y}» har ingen år med tall for begge.").format(
                x=x.short_title, y=y.short_title
            ),
            hint=_("Velg en annen indikator."),
        )
    if year is None:
        year = years[-1]
    elif year not in years:
        raise BadRequest(
            _("Det finnes ikke tall for begge indikatorene i {year}.").format(year=year),
            hint=_("År med tall for begge: {years}.").format(
                years=", ".join(str(a) for a in years[-8:])
            ),
        )
    own_ref = region_ref(store, own) if own else None
    if own_ref is not None and own_ref.level != "kommune":
        raise BadRequest(
            _("Krysningen gjelder kommuner."), hint=_("Velg en kommune som egen kommune.")
        )
    (px, vx), (py, vy) = fx[year], fy[year]
    weights: dict[str, float] = {}
    if weighting == "folketall":
        pop = _kommune_frame(store, POPULATION)
        if not pop:
            raise BadRequest(
                _("Folketall mangler, så punktene kan ikke vektes."),
                hint=_("Velg uten vekting."),
            )
        weights = (
            pop[max(a for a in pop if a <= year)][1]
            if any(a <= year for a in pop)
            else pop[min(pop)][1]
        )
    codes = [c for c, r in store.regions.items() if r.level == "kommune"]
    both = [c for c in codes if c in vx and c in vy]
    group_set = set(group)
    points = tuple(
        CrossPoint(
            c,
            store.regions[c].name,
            vx[c],
            vy[c],
            "egen" if own_ref and c == own_ref.code else "gruppe" if c in group_set else "andre",
            weights.get(c),
        )
        for c in both
    )
    w = (
        np.array([p.weight if p.weight is not None else np.nan for p in points])
        if weighting == "folketall"
        else None
    )
    result = crossing.cross(
        [p.x for p in points], [p.y for p in points], w, [p.code for p in points]
    )
    synthetic = x_id in store.synthetic_indicators or y_id in store.synthetic_indicators
    return CrossView(
        x,
        y,
        year,
        px,
        py,
        years,
        points,
        len(codes) - len(both),
        result,
        own_ref,
        tuple(group),
        group_label,
        weighting,
        sentences.correlation_sentence(result),
        _(crossing.ECOLOGICAL_NOTE),
        synthetic,
    )
