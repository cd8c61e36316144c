"""The data selection behind downloads and ``/api/v1/data``: indicators × regions × periods.

Region selectors accept lists of codes, a level (``kommune``), a county's members (``fylke:40``),
a KOSTRA group (``kostra:EKG13``) and former codes, which are translated to the current ones with a
note (``0219`` → ``3201`` Bærum), so an old bookmark or script keeps working and says why.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from oppvekst.errors import BadRequest
from oppvekst.store import Store
from oppvekst.views.regions import former_code_targets, unknown_region

MAX_REGIONS = 1000
MAX_INDICATORS = 60
MAX_PERIODS = 60
LEVELS = ("land", "fylke", "kommune", "bydel")
BREAKDOWNS = ("sex", "age", "background", "grade")


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
                    f"«{county}» er ikke et fylkesnummer.", hint="Bruk f.eks. fylke:40."
                )
            codes.extend(
                c for c, r in store.regions.items() if r.parent == county and r.level == "kommune"
            )
        elif token.startswith("kostra:"):
            group = token[7:].upper()
            members = [c for c, r in store.regions.items() if r.kostra_group == group]
            if not members:
                raise BadRequest(f"Ukjent KOSTRA-gruppe «{group}».", hint="Bruk EKG01–EKG17.")
            codes.extend(members)
        elif token in store.regions:
            codes.append(token)
        else:
            targets = former_code_targets(store, token) if token.isdigit() else []
            if not targets:
                raise unknown_region(store, token)
            codes.extend(c for c, _ in targets)
            names = " og ".join(f"{n} ({c})" for c, n in targets)
            notes.append(f"{token} er et tidligere nummer; viser {names}.")
        if len(codes) > MAX_REGIONS:
            raise BadRequest(
                f"For mange regioner (over {MAX_REGIONS}) i én forespørsel.",
                hint="Del opp forespørselen, eller bruk nivå (kommune) med færre indikatorer.",
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
        raise BadRequest("Velg minst én indikator (indicator=ID).", hint="Se /api/v1/indicators.")
    if len(ids) > MAX_INDICATORS:
        raise BadRequest(f"Høyst {MAX_INDICATORS} indikatorer per forespørsel.")
    for indicator_id in ids:
        store.indicator(indicator_id)  # raises UnknownIndicator with a hint
    period_list = _split(periods)
    if len(period_list) > MAX_PERIODS:
        raise BadRequest(f"Høyst {MAX_PERIODS} perioder per forespørsel.")
    for period in period_list:
        if period != "siste" and not (period[:4].isdigit() and len(period) <= 9):
            raise BadRequest(
                f"«{period}» er ikke en periode.",
                hint="Bruk år (2024), skoleår (2024-25), treårsperiode (2021-2023) eller «siste».",
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


def select(store: Store, selection: Selection) -> pd.DataFrame:
    """Observations for the selection, with region names and source names attached."""
    periods = selection.periods
    latest_only = periods == ("siste",)
    breakdown = selection.breakdown
    wildcard = breakdown is not None and "*" in breakdown.values()
    frame = store.observations(
        list(selection.indicators),
        list(selection.regions.codes),
        None if latest_only else (list(periods) if periods else None),
        breakdown=None if wildcard else breakdown,
        all_breakdowns=wildcard,
    )
    if wildcard and breakdown is not None:
        for column in BREAKDOWNS:
            wanted = breakdown.get(column)
            if wanted is None:
                frame = frame[frame[column] == "total"]
            elif wanted != "*":
                frame = frame[frame[column] == wanted]
    if latest_only and len(frame):
        last = frame.groupby("indicator_id")["period_end"].transform("max")
        frame = frame[frame["period_end"] == last]
    frame = frame.copy()
    frame["region_name"] = frame["region"].map(lambda c: store.regions[c].name)
    sources = {k: v.get("source") for k, v in store.provenance.items()}
    frame["source"] = frame["provenance_id"].map(sources)
    order = {code: i for i, code in enumerate(store.regions)}
    frame["_order"] = frame["region"].map(order)
    return frame.sort_values(["indicator_id", "_order", "period_end", "period"]).drop(
        columns="_order"
    )
