"""``/api/v1`` status, regions, topics and indicators: what there is to ask for."""

from __future__ import annotations

import dataclasses
import math
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from oppvekst.api.models import (
    FormerRegion,
    IndicatorList,
    IndicatorRecord,
    RegionAnswer,
    RegionList,
    Status,
    TopicList,
)
from oppvekst.api.parameters import ID, REGION_CODE, guard_query_length
from oppvekst.api.problems import problems
from oppvekst.api.responses import json_response
from oppvekst.catalog.schema import Indicator
from oppvekst.language import N_
from oppvekst.snapshot.store import Store
from oppvekst.views.indicator import category_label, category_rank
from oppvekst.views.regions import (
    changes_of,
    former_code_targets,
    former_codes_of,
    region_ref,
    unknown_region,
)
from oppvekst.views.search import matching_regions
from oppvekst.views.status import data_status
from oppvekst.web.dependencies import StoreDep

router = APIRouter()
Level = Literal["land", "fylke", "kommune", "bydel"]


def _present(value: Any) -> Any:
    """A cell of a DuckDB frame as JSON: missing (NaN, NaT) as None, timestamps as text."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if hasattr(value, "isoformat"):
        return None if str(value) == "NaT" else value.isoformat()
    return value


@router.get(
    "/status",
    summary=N_("Datasamlingen som serveres, og når hver kilde sist ble oppdatert"),
    response_model=Status,
    responses=problems(),
)
def status(request: Request, store: StoreDep) -> Response:
    # The source's own last update is kept per response in provenance (views.status reads it).
    updated = {r.indicator_id: r.source_updated for r in data_status(store).indicators}
    sources = [
        {k: _present(v) for k, v in row.items()} for row in store.source_status.to_dict("records")
    ]
    for row in sources:
        row["source_updated"] = row.get("source_updated") or updated.get(str(row["indicator_id"]))
    return json_response(
        request,
        store,
        {
            "snapshot": store.snapshot_id,
            "built_at": store.meta.get("built_at"),
            "data_mode": store.data_mode,
            "synthetic_rows": store.synthetic_rows,
            "total_rows": int(store.meta.get("total_rows", "0")),
            "indicators": sources,
        },
    )


@router.get(
    "/regions",
    summary=N_("Regioner: land, fylker, kommuner og Oslos bydeler"),
    response_model=RegionList,
    responses=problems(400),
)
def regions(
    request: Request,
    store: StoreDep,
    level: Annotated[Level | None, Query(description=N_("Nivå"), examples=["kommune"])] = None,
    parent: Annotated[
        str | None,
        Query(description=N_("Overordnet region, f.eks. 40"), examples=["40"], max_length=10),
    ] = None,
    q: Annotated[
        str | None, Query(description=N_("Søk i navn (tåler manglende æ/ø/å)"), max_length=100)
    ] = None,
) -> Response:
    guard_query_length(request)
    rows = [
        dataclasses.asdict(r)
        for r in matching_regions(store, q)
        if (level is None or r.level == level) and (parent is None or r.parent == parent)
    ]
    for row in rows:
        row["former_codes"] = former_codes_of(store, row["code"])
    return json_response(request, store, {"regions": rows, "count": len(rows)})


@router.get(
    "/regions/{code}",
    summary=N_("Én region, med tidligere koder (et tidligere nummer sier hva det ble til)"),
    response_model=RegionAnswer | FormerRegion,
    responses=problems(400, 404),
)
def region(
    request: Request,
    store: StoreDep,
    code: Annotated[
        str, Path(description=N_("Regionnummer"), examples=["0301"], pattern=REGION_CODE)
    ],
) -> Response:
    if code not in store.regions:
        targets = former_code_targets(store, code) if code.isdigit() and len(code) <= 6 else []
        if targets:
            return json_response(
                request,
                store,
                {
                    "requested": code,
                    "former": True,
                    "current": [{"code": c, "name": n} for c, n in targets],
                    "note": store.registry.former_note(code),
                },
            )
        raise unknown_region(store, code)
    ref = region_ref(store, code)
    return json_response(
        request,
        store,
        {**dataclasses.asdict(ref), "former": False, "changes": changes_of(store, code)},
    )


@router.get(
    "/topics",
    summary=N_("Temaene (de 22 områdene kommunene rangerte, og befolkning)"),
    response_model=TopicList,
    responses=problems(),
)
def topics(request: Request, store: StoreDep) -> Response:
    counts: dict[str, int] = {}
    for ind in store.indicators.values():
        counts[ind.topic] = counts.get(ind.topic, 0) + 1
    return json_response(
        request,
        store,
        {"topics": [{**t, "indicators": counts.get(t["id"], 0)} for t in store.topics]},
    )


def _summary(store: Store, ind: Indicator) -> dict[str, Any]:
    return {
        "id": ind.id,
        "title": ind.title,
        "short_title": ind.short_title,
        "topic": ind.topic,
        "measure": ind.measure.value,
        "unit": ind.unit,
        "polarity": ind.polarity.value,
        "key_indicator": ind.key_indicator,
        "publisher": ind.source.publisher,
        "table": ind.source.table,
        "verified": ind.source.verified,
        "synthetic": ind.id in store.synthetic_indicators,
        "has_data": ind.id in store.indicators_with_data,
        "periods": store.periods(ind.id)[-1:],
    }


@router.get(
    "/indicators",
    summary=N_("Indikatorene i katalogen"),
    response_model=IndicatorList,
    responses=problems(400),
)
def indicators(
    request: Request,
    store: StoreDep,
    topic: Annotated[str | None, Query(examples=["mobbing"], max_length=100)] = None,
    source: Annotated[
        str | None,
        Query(description=N_("Utgiver: SSB, FHI, Udir, IMDi"), examples=["SSB"], max_length=100),
    ] = None,
    key: Annotated[bool | None, Query(description=N_("Bare nøkkelindikatorer"))] = None,
    q: Annotated[
        str | None, Query(description=N_("Fritekst i tittel og definisjon"), max_length=100)
    ] = None,
) -> Response:
    guard_query_length(request)
    text = (q or "").casefold()
    rows = [
        _summary(store, ind)
        for ind in store.indicators.values()
        if (topic is None or ind.topic == topic)
        and (source is None or ind.source.publisher.casefold() == source.casefold())
        and (key is None or ind.key_indicator == key)
        and (not text or text in f"{ind.title} {ind.short_title} {ind.definition}".casefold())
    ]
    return json_response(request, store, {"indicators": rows, "count": len(rows)})


@router.get(
    "/indicators/{indicator_id}",
    summary=N_("Hele metadataposten for én indikator"),
    response_model=IndicatorRecord,
    responses=problems(400, 404),
)
def indicator(
    request: Request,
    store: StoreDep,
    indicator_id: Annotated[str, Path(examples=["barn-0-17"], pattern=ID, max_length=100)],
) -> Response:
    ind = store.indicator(indicator_id)
    record = ind.model_dump(mode="json")
    record["periods"] = store.periods(indicator_id)
    record["breakdowns_in_data"] = store.breakdown_values(indicator_id)
    record["breakdown_categories"] = _categories(record["breakdowns_in_data"])
    record["synthetic"] = indicator_id in store.synthetic_indicators
    return json_response(request, store, record)


def _categories(in_data: dict[str, list[str]]) -> dict[str, list[dict[str, str]]]:
    """The groups each breakdown has in the data, with the catalogue's words and reading order;
    a dimension with only «total» is left out (the indicator has no groups by it)."""
    out: dict[str, list[dict[str, str]]] = {}
    for name, codes in in_data.items():
        if not any(c != "total" for c in codes):
            continue
        ordered = sorted(codes, key=lambda c: category_rank(name, c))
        out[name] = [{"code": c, "label": category_label(name, c)} for c in ordered]
    return out
