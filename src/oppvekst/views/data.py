"""The data selection behind downloads and ``/api/v1/data``: indicators × regions × periods.

Region selectors accept lists of codes, a level (``kommune``), a county's members (``fylke:40``),
a KOSTRA group (``kostra:EKG13``) and former codes, which are translated to the current ones with a
note (``0219`` → ``3201`` Bærum), so an old bookmark or script keeps working and says why.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from oppvekst.errors import BadRequest
from oppvekst.language import _
from oppvekst.snapshot.observations import ObservationQuery, as_records
from oppvekst.snapshot.store import Store
from oppvekst.snapshot.table import BREAKDOWNS
from oppvekst.views.regions import unknown_region

MAX_REGIONS = 1000
MAX_INDICATORS = 60
MAX_PERIODS = 60
LEVELS = ("land", "fylke", "kommune", "bydel")


@dataclass(frozen=True, slots=True)
class RegionSelection:
    codes: tuple[str, ...]
    notes: tuple[str, ...]  # e.g. former codes translated


@dataclass(frozen=True, slots=True)
class Selection:
    indicators: tuple[str, ...]
    regions: RegionSelection
    periods: tuple[str, ...] | None
    breakdown: dict[str, str] | None  # None: totals only; {"sex": "*"}: every category


def _split(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def parse_regions(store: Store, text: str | None) -> RegionSelection:
    tokens = _split(text)
    if not tokens:
        return RegionSelection(
            tuple(c for c, r in store.regions.items() if r.level == "kommune"), ()
        )
    codes: list[str] = []
    notes: list[str] = []
    for token in tokens:
        if token in LEVELS:
            codes.extend(c for c, r in store.regions.items() if r.level == token)
        elif token.startswith("fylke:"):
            county = token[6:]
            if county not in store.regions or store.regions[county].level != "fylke":
                raise BadRequest(
                    _("«{code}» er ikke et fylkesnummer.").format(code=county),
                    hint=_("Bruk f.eks. fylke:40."),
                )
            codes.extend(r.code for r in store.registry.members_of_county(county))
        elif token.startswith("kostra:"):
            group = token[7:].upper()
            members = [r.code for r in store.registry.members_of_kostra_group(group)]
            if not members:
                raise BadRequest(
                    _("Ukjent KOSTRA-gruppe «{group}».").format(group=group),
                    hint=_("Bruk EKG01–EKG17."),
                )
            codes.extend(members)
        elif token in store.regions:
            codes.append(token)
        else:
            former = store.registry.former(token)
            if former is None:
                raise unknown_region(store, token)
            codes.extend(r.code for r, _weight in former.current)
            notes.append(former.note)
        if len(codes) > MAX_REGIONS:
            raise BadRequest(
                _("For mange regioner (over {n}) i én forespørsel.").format(n=MAX_REGIONS),
                hint=_("Del opp forespørselen, eller bruk nivå (kommune) med færre indikatorer."),
            )
    return RegionSelection(tuple(dict.fromkeys(codes)), tuple(notes))


def parse_selection(
    store: Store,
    indicators: str | None,
    regions: str | None,
    periods: str | None,
    breakdowns: dict[str, str | None] | None = None,
) -> Selection:
    ids = _split(indicators)
    if not ids:
        raise BadRequest(
            _("Velg minst én indikator (indicator=ID)."), hint=_("Se /api/v1/indicators.")
        )
    if len(ids) > MAX_INDICATORS:
        raise BadRequest(_("Høyst {n} indikatorer per forespørsel.").format(n=MAX_INDICATORS))
    for indicator_id in ids:
        store.indicator(indicator_id)  # raises UnknownIndicator with a hint
    period_list = _split(periods)
    if len(period_list) > MAX_PERIODS:
        raise BadRequest(_("Høyst {n} perioder per forespørsel.").format(n=MAX_PERIODS))
    for period in period_list:
        if period != "siste" and not (period[:4].isdigit() and len(period) <= 9):
            raise BadRequest(
                _("«{period}» er ikke en periode.").format(period=period),
                hint=_(
                    "Bruk år (2024), skoleår (2024-25), treårsperiode (2021-2023) eller «siste»."
                ),
            )
    chosen = {k: v for k, v in (breakdowns or {}).items() if v}
    for key in chosen:
        if key not in BREAKDOWNS:
            raise BadRequest(f"Ukjent inndeling «{key}».", hint=f"Bruk {', '.join(BREAKDOWNS)}.")
    return Selection(
        tuple(ids),
        parse_regions(store, regions),
        tuple(period_list) if period_list else None,
        chosen or None,
    )


def select_positions(store: Store, selection: Selection) -> np.ndarray:
    """Row positions (in the store's observation table) of the selection, in display order:
    indicator, then regions as the region list orders them, then period."""
    table = store.observation_table
    periods = selection.periods
    latest_only = periods == ("siste",)
    positions = table.positions(
        ObservationQuery(
            selection.indicators,
            selection.regions.codes,
            None if latest_only else periods,
            selection.breakdown,
        )
    )
    indicators = table.text["indicator_id"].codes[positions]
    if latest_only and len(positions):
        ends = table.numbers["period_end"][positions]
        last = {code: ends[indicators == code].max() for code in np.unique(indicators)}
        keep = ends == np.array([last[code] for code in indicators])
        positions, indicators = positions[keep], indicators[keep]
    # The table is in (indicator, region code, period) order; a stable sort on the region's rank
    # within each indicator gives the region list's order and keeps the periods in theirs.
    ranks = labels(store).region_ranks[table.text["region"].codes[positions]]
    return positions[np.lexsort((ranks, indicators))]


@dataclass(frozen=True, slots=True)
class Labels:
    """Per region and provenance code of a store's table: display rank, name and source."""

    region_ranks: np.ndarray
    region_names: np.ndarray
    sources: np.ndarray


@functools.lru_cache(maxsize=4)  # a few stores: the current one and those retiring
def labels(store: Store) -> Labels:
    table = store.observation_table
    regions = store.regions
    order = {code: i for i, code in enumerate(regions)}
    codes = table.text["region"].values
    provenance = {k: v.get("source") for k, v in store.provenance.items()}
    return Labels(
        np.array([order.get(c, len(order)) for c in codes], dtype=np.int64),
        np.array([regions[c].name if c in regions else None for c in codes], dtype=object),
        np.array([provenance.get(p) for p in table.text["provenance_id"].values], dtype=object),
    )


def selected_column(store: Store, name: str, positions: np.ndarray) -> np.ndarray:
    """A column of the selection, including the two it gains: region name and source."""
    table = store.observation_table
    if name == "region_name":
        names: np.ndarray = labels(store).region_names[table.text["region"].codes[positions]]
        return names
    if name == "source":
        codes = table.text["provenance_id"].codes[positions]
        sources: np.ndarray = labels(store).sources[codes]
        return sources
    return table.column(name, positions)


def select(store: Store, selection: Selection) -> pd.DataFrame:
    """Observations for the selection, with region names and source names attached."""
    positions = select_positions(store, selection)
    frame = store.observation_table.frame(positions)
    frame["region_name"] = selected_column(store, "region_name", positions)
    frame["source"] = selected_column(store, "source", positions)
    return frame


def selected_records(
    store: Store, positions: np.ndarray, names: Sequence[str]
) -> list[dict[str, Any]]:
    """The selection's rows as plain dicts (missing numbers as None), built column by column."""
    return as_records(names, [selected_column(store, name, positions) for name in names])
