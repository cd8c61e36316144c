"""``/api/v1``: a documented, stable contract over the same view functions the pages use.

Every response is keyed by the snapshot it came from (``ETag``, ``Last-Modified``,
``X-Oppvekst-Snapshot``), so caches and clients can tell when the data changed. Errors are
``application/problem+json`` with a message a person can act on.
"""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from oppvekst.api.answers import ANSWERS, answer_key, keep, replay
from oppvekst.api.formats import Format, choose_format, render_csv, render_data
from oppvekst.api.paging import DATA_COLUMNS, Window, frame_rows, window
from oppvekst.api.responses import json_response
from oppvekst.errors import BadRequest
from oppvekst.snapshot.store import Store
from oppvekst.views.benchmark import parse_benchmark
from oppvekst.views.data import (
    Selection,
    parse_selection,
    select,
    select_positions,
    selected_records,
)
from oppvekst.views.profile import profile
from oppvekst.views.regions import (
    changes_of,
    former_code_targets,
    former_codes_of,
    former_note,
    region_ref,
    unknown_region,
)
from oppvekst.views.search import matching_regions
from oppvekst.web.dependencies import current_store

PROBLEM = {
    "description": "Feil, som application/problem+json med en melding om hva du kan gjøre",
    "content": {
        "application/problem+json": {
            "schema": {
                "type": "object",
                "required": ["title", "status"],
                "properties": {
                    "type": {"type": "string"},
                    "title": {"type": "string"},
                    "status": {"type": "integer"},
                    "detail": {"type": "string"},
                    "instance": {"type": "string"},
                    "code": {"type": "string"},
                    "suggestions": {"type": "array", "items": {"type": "string"}},
                },
            }
        }
    },
}
router = APIRouter(
    prefix="/api/v1",
    tags=["data"],
    responses={400: PROBLEM, 404: PROBLEM, 429: PROBLEM, 503: PROBLEM},
)
ID_LIST = r"^[a-z0-9][a-z0-9-]*(,[a-z0-9][a-z0-9-]*)*$"
REGION_LIST = r"^[A-Za-z0-9:]+(,[A-Za-z0-9:]+)*$"
PERIOD_LIST = r"^(siste|[0-9]{4}(-[0-9]{2}|-[0-9]{4})?)(,(siste|[0-9]{4}(-[0-9]{2}|-[0-9]{4})?))*$"
CATEGORY = r"^[A-Za-z0-9*_+-]{1,20}$"
StoreDep = Annotated[Store, Depends(current_store)]

MAX_QUERY_LENGTH = 4000


def _guard(request: Request) -> None:
    if len(str(request.url.query)) > MAX_QUERY_LENGTH:
        raise BadRequest(
            f"Spørringen er for lang (over {MAX_QUERY_LENGTH} tegn).",
            hint="Bruk nivå- og fylkesvelgere (kommune, fylke:40) i stedet for lange lister.",
        )


@router.get("/status", summary="Datasamlingen som serveres, og når hver kilde sist ble oppdatert")
def status(request: Request, store: StoreDep) -> Response:
    sources = store.source_status.to_dict("records")
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


@router.get("/regions", summary="Regioner: land, fylker, kommuner og Oslos bydeler")
def regions(
    request: Request,
    store: StoreDep,
    level: Annotated[
        str | None, Query(description="land, fylke, kommune eller bydel", examples=["kommune"])
    ] = None,
    parent: Annotated[
        str | None, Query(description="Overordnet region, f.eks. 40", examples=["40"])
    ] = None,
    q: Annotated[
        str | None, Query(description="Søk i navn (tåler manglende æ/ø/å)", max_length=100)
    ] = None,
) -> Response:
    _guard(request)
    rows = [
        dataclasses.asdict(r)
        for r in matching_regions(store, q)
        if (level is None or r.level == level) and (parent is None or r.parent == parent)
    ]
    if level is not None and level not in ("land", "fylke", "kommune", "bydel"):
        raise BadRequest(f"Ukjent nivå «{level}».", hint="Bruk land, fylke, kommune eller bydel.")
    for row in rows:
        row["former_codes"] = former_codes_of(store, row["code"])
    return json_response(request, store, {"regions": rows, "count": len(rows)})


@router.get("/regions/{code}", summary="Én region, med tidligere koder")
def region(request: Request, store: StoreDep, code: str) -> Response:
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
                    "note": former_note(store, code),
                },
            )
        raise unknown_region(store, code)
    ref = region_ref(store, code)
    return json_response(
        request,
        store,
        {**dataclasses.asdict(ref), "former": False, "changes": changes_of(store, code)},
    )


@router.get("/topics", summary="Temaene (de 22 områdene kommunene rangerte, og befolkning)")
def topics(request: Request, store: StoreDep) -> Response:
    counts: dict[str, int] = {}
    for ind in store.indicators.values():
        counts[ind.topic] = counts.get(ind.topic, 0) + 1
    return json_response(
        request,
        store,
        {"topics": [{**t, "indicators": counts.get(t["id"], 0)} for t in store.topics]},
    )


def _summary(store: Store, ind: Any) -> dict[str, Any]:
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


@router.get("/indicators", summary="Indikatorene i katalogen")
def indicators(
    request: Request,
    store: StoreDep,
    topic: Annotated[str | None, Query(examples=["mobbing"])] = None,
    source: Annotated[
        str | None, Query(description="Utgiver: SSB, FHI, Udir, IMDi", examples=["SSB"])
    ] = None,
    key: Annotated[bool | None, Query(description="Bare nøkkelindikatorer")] = None,
    q: Annotated[
        str | None, Query(description="Fritekst i tittel og definisjon", max_length=100)
    ] = None,
) -> Response:
    _guard(request)
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


@router.get("/indicators/{indicator_id}", summary="Hele metadataposten for én indikator")
def indicator(request: Request, store: StoreDep, indicator_id: str) -> Response:
    ind = store.indicator(indicator_id)
    record = ind.model_dump(mode="json")
    record["periods"] = store.periods(indicator_id)
    record["breakdowns_in_data"] = store.breakdown_values(indicator_id)
    record["synthetic"] = indicator_id in store.synthetic_indicators
    return json_response(request, store, record)


@router.get(
    "/data",
    summary="Observasjoner: indikatorer × regioner × perioder × inndelinger",
    responses={
        200: {
            "content": {
                "text/csv": {},
                "application/json": {},
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {},
                "application/vnd.apache.parquet": {},
            }
        }
    },
)
def data(
    request: Request,
    store: StoreDep,
    indicator: Annotated[
        str,
        Query(
            description="Én eller flere indikator-id-er, kommaseparert",
            examples=["barn-0-17"],
            pattern=ID_LIST,
            max_length=2000,
        ),
    ],
    region: Annotated[
        str | None,
        Query(
            description="Koder (0301,4601), nivå (kommune), fylkets kommuner (fylke:40), KOSTRA-gruppe "
            "(kostra:EKG13) eller tidligere koder (0219 → 3201). Standard: alle kommuner.",
            examples=["0301,4601"],
            pattern=REGION_LIST,
            max_length=3000,
        ),
    ] = None,
    period: Annotated[
        str | None,
        Query(
            description="Perioder, kommaseparert, eller «siste»",
            examples=["2024"],
            pattern=PERIOD_LIST,
            max_length=600,
        ),
    ] = None,
    sex: Annotated[
        str | None,
        Query(description="Kjønn: total, male, female eller * for alle", pattern=CATEGORY),
    ] = None,
    age: Annotated[
        str | None, Query(description="Aldersgruppe, eller * for alle", pattern=CATEGORY)
    ] = None,
    background: Annotated[
        str | None, Query(description="Bakgrunn, eller * for alle", pattern=CATEGORY)
    ] = None,
    grade: Annotated[
        str | None, Query(description="Trinn, eller * for alle", pattern=CATEGORY)
    ] = None,
    compare: Annotated[
        Literal["land", "fylke"] | None,
        Query(description="Legg ved sammenligning: land eller fylke"),
    ] = None,
    format: Annotated[
        Literal["json", "csv", "csv-plain", "xlsx", "jsonstat2", "parquet"] | None,
        Query(description="json, csv, csv-plain, xlsx, jsonstat2 eller parquet (eller Accept)"),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=50_000, description="Rader per side (json)")] = 5_000,
    cursor: Annotated[
        str | None,
        Query(description="Fra `next` i forrige svar", max_length=400, pattern=r"^[A-Za-z0-9_-]+$"),
    ] = None,
) -> Response:
    _guard(request)
    chosen = choose_format(format, request.headers.get("accept", ""))
    key = answer_key(store, request, chosen.value)
    answer = ANSWERS.get(key)
    if answer is not None:
        return replay(request, store, answer)
    selection = parse_selection(
        store,
        indicator,
        region,
        period,
        {"sex": sex, "age": age, "background": background, "grade": grade},
    )
    return keep(key, _answer(request, store, selection, chosen, compare, limit, cursor))


def _answer(
    request: Request,
    store: Store,
    selection: Selection,
    chosen: Format,
    compare: str | None,
    limit: int,
    cursor: str | None,
) -> Response:
    if chosen is Format.JSON and not compare:
        # The common case reads columns straight from the in-memory table: no DataFrame, and
        # only the rows of the requested page are turned into Python values.
        positions = select_positions(store, selection)
        part = window(request, store.snapshot_id, len(positions), limit, cursor)
        shown = positions[part.start : part.stop]
        rows = selected_records(store, shown, DATA_COLUMNS)
        synthetic = bool(store.observation_table.numbers["synthetic"][positions].any())
        return _data_body(request, store, selection, len(positions), synthetic, rows, part)
    if chosen in (Format.CSV, Format.CSV_PLAIN) and not compare:
        return render_csv(request, store, select_positions(store, selection), chosen, selection)
    frame = select(store, selection)
    if compare:
        from oppvekst.api.comparisons import attach_comparison

        frame = attach_comparison(store, frame, compare)
    if chosen is Format.JSON:
        part = window(request, store.snapshot_id, len(frame), limit, cursor)
        synthetic = bool(frame["synthetic"].any()) if len(frame) else False
        rows = frame_rows(frame, part)
        return _data_body(request, store, selection, len(frame), synthetic, rows, part)
    return render_data(request, store, frame, chosen, selection)


def _data_body(
    request: Request,
    store: Store,
    selection: Selection,
    count: int,
    synthetic: bool,
    rows: list[dict[str, Any]],
    part: Window,
) -> Response:
    body = {
        "snapshot": store.snapshot_id,
        "notes": list(selection.regions.notes),
        "synthetic": synthetic,
        "count": count,
        "rows": rows,
        "next": part.next,
    }
    return json_response(request, store, body)


@router.get("/profile/{code}", summary="Barometeret bak kommuneprofilen")
def profile_data(
    request: Request,
    store: StoreDep,
    code: str,
    sammenligning: Annotated[
        str | None,
        Query(
            description="land, fylke, kostra eller gruppe:kode,kode",
            pattern=r"^(land|fylke|kostra|gruppe:[0-9]{1,6}(,[0-9]{1,6})*)$",
            max_length=3000,
        ),
    ] = None,
) -> Response:
    if code not in store.regions:
        raise unknown_region(store, code)
    result = profile(store, code, parse_benchmark(store, sammenligning, code))
    body = dataclasses.asdict(result)
    return json_response(request, store, body)


# The compare / cross / index endpoints live in their own module on the same router.
import oppvekst.api.analysis  # noqa: E402, F401
