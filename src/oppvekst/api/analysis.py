"""``/api/v1/compare``, ``/cross`` and ``/index``: the computations behind those pages, as data.

The same view functions as the pages (``views.compare``, ``views.cross``, ``views.composite``), so
the numbers on the page and in the API can never disagree.
"""

from __future__ import annotations

import dataclasses
from typing import Annotated, Literal

from fastapi import Query, Request
from fastapi.responses import Response

from oppvekst.api.responses import json_response
from oppvekst.api.routes import ID_LIST, REGION_LIST, StoreDep, router
from oppvekst.errors import BadRequest
from oppvekst.views.compare import compare_table
from oppvekst.views.composite import composite_view, parse_recipe
from oppvekst.views.cross import cross_view
from oppvekst.views.data import parse_regions

MAX_COMPARE_CELLS = 5_000


@router.get("/compare", summary="Områder × indikatorer, farget etter valgt sammenligning")
def compare(
    request: Request,
    store: StoreDep,
    region: Annotated[
        str,
        Query(
            description="Områder", examples=["0301,4601,5001"], pattern=REGION_LIST, max_length=3000
        ),
    ],
    indicator: Annotated[
        str,
        Query(description="Indikatorer", examples=["barn-0-17"], pattern=ID_LIST, max_length=2000),
    ],
    benchmark: Annotated[
        Literal["land", "fylke", "kostra"], Query(description="Sammenlign med")
    ] = "land",
) -> Response:
    codes = parse_regions(store, region).codes
    ids = [i for i in indicator.split(",") if i]
    if len(codes) * len(ids) > MAX_COMPARE_CELLS:
        raise BadRequest(
            f"For mange celler ({len(codes) * len(ids)}); høyst {MAX_COMPARE_CELLS}.",
            hint="Velg færre områder eller indikatorer.",
        )
    table = compare_table(store, codes, ids, benchmark=benchmark)
    return json_response(request, store, dataclasses.asdict(table))


@router.get("/cross", summary="To indikatorer på tvers av kommunene: korrelasjon og regresjon")
def cross(
    request: Request,
    store: StoreDep,
    x: Annotated[
        str,
        Query(
            description="Indikator på x-aksen",
            examples=["mobbing-10-trinn"],
            pattern=ID_LIST,
            max_length=100,
        ),
    ],
    y: Annotated[
        str,
        Query(
            description="Indikator på y-aksen",
            examples=["trivsel-10-trinn"],
            pattern=ID_LIST,
            max_length=100,
        ),
    ],
    year: Annotated[
        int | None, Query(ge=1900, le=2100, description="År (standard: siste felles)")
    ] = None,
    own: Annotated[str | None, Query(description="Egen kommune", pattern=r"^[0-9]{4}$")] = None,
    weighting: Annotated[Literal["ingen", "folketall"], Query(description="Vekting")] = "ingen",
) -> Response:
    store.indicator(x)
    store.indicator(y)
    view = cross_view(store, x, y, year=year, own=own, weighting=weighting)
    return json_response(request, store, dataclasses.asdict(view))


@router.get("/index", summary="Sammensatt indeks med usikkerhet og rangintervall")
def index(
    request: Request,
    store: StoreDep,
    indicators: Annotated[
        str,
        Query(
            description="Indikatorer med vekt: id:vekt,id:vekt",
            examples=["mobbing-10-trinn:1,trivsel-10-trinn:1"],
            pattern=r"^[a-z0-9-]+(:[0-9]+(\.[0-9]+)?)?(,[a-z0-9-]+(:[0-9]+(\.[0-9]+)?)?)*$",
            max_length=2000,
        ),
    ],
    year: Annotated[str | None, Query(pattern=r"^[0-9]{4}$", description="År")] = None,
    method: Annotated[
        Literal["zscore", "base_year"] | None, Query(description="z-skår eller basisår-skala")
    ] = None,
    base_year: Annotated[str | None, Query(pattern=r"^[0-9]{4}$", description="Basisår")] = None,
) -> Response:
    recipe = parse_recipe(store, indicators, year, method, base_year)
    view = composite_view(store, recipe)
    return json_response(request, store, dataclasses.asdict(view))
