"""``/api/v1/compare``, ``/cross``, ``/index`` and ``/profile``: the computations behind those
pages, as data.

The same view functions as the pages (``views.compare``, ``views.cross``, ``views.composite``,
``views.profile``), so the numbers on the page and in the API can never disagree.
"""

from __future__ import annotations

import dataclasses
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from oppvekst.api.analysis_models import (
    CompareTableAnswer,
    CompositeViewAnswer,
    CrossViewAnswer,
    ProfileAnswer,
)
from oppvekst.api.parameters import (
    BENCHMARK,
    ID,
    MUNICIPALITY,
    REGION_CODE,
    REGION_LIST,
    YEAR,
    answerable,
    guard_query_length,
)
from oppvekst.api.problems import problems
from oppvekst.api.responses import json_response
from oppvekst.errors import Unprocessable
from oppvekst.language import N_, _
from oppvekst.views.benchmark import parse_benchmark
from oppvekst.views.compare import MAX_INDICATORS as MAX_COMPARED
from oppvekst.views.compare import compare_table
from oppvekst.views.composite import composite_view, parse_recipe
from oppvekst.views.cross import cross_view
from oppvekst.views.data import parse_regions
from oppvekst.views.profile import profile
from oppvekst.views.regions import unknown_region
from oppvekst.web.dependencies import StoreDep

router = APIRouter()
MAX_COMPARE_CELLS = 5_000
_ID = ID.strip("^$")
_WEIGHTED = rf"{_ID}(:[0-9]+(\.[0-9]+)?)?"


def most_indicators() -> str:
    """The ``indicator`` parameter's description, in the current language (``api.docs``)."""
    return _("Indikatorer (høyst {most})").format(most=MAX_COMPARED)


@router.get(
    "/compare",
    summary=N_("Områder × indikatorer, farget etter valgt sammenligning"),
    response_model=CompareTableAnswer,
    responses=problems(400, 404, 422),
)
def compare(
    request: Request,
    store: StoreDep,
    region: Annotated[
        str,
        Query(
            description=N_("Områder"),
            examples=["0301,4601,5001"],
            pattern=REGION_LIST,
            max_length=3000,
        ),
    ],
    indicator: Annotated[
        str,
        Query(
            description=most_indicators(),
            examples=["barn-0-17"],
            pattern=rf"^{_ID}(,{_ID}){{0,{MAX_COMPARED - 1}}}$",
            max_length=2000,
        ),
    ],
    benchmark: Annotated[
        Literal["land", "fylke", "kostra"], Query(description=N_("Sammenlign med"))
    ] = "land",
) -> Response:
    guard_query_length(request)
    with answerable():
        codes = parse_regions(store, region).codes
        ids = [i for i in indicator.split(",") if i]
        if len(codes) * len(ids) > MAX_COMPARE_CELLS:
            raise Unprocessable(
                _("For mange celler ({n}); høyst {limit}.").format(
                    n=len(codes) * len(ids), limit=MAX_COMPARE_CELLS
                ),
                hint=_("Velg færre områder eller indikatorer."),
            )
        table = compare_table(store, codes, ids, benchmark=benchmark)
    return json_response(request, store, dataclasses.asdict(table))


@router.get(
    "/cross",
    summary=N_("To indikatorer på tvers av kommunene: korrelasjon og regresjon"),
    response_model=CrossViewAnswer,
    responses=problems(400, 404, 422),
)
def cross(
    request: Request,
    store: StoreDep,
    x: Annotated[
        str,
        Query(
            description=N_("Indikator på x-aksen"),
            examples=["mobbing-10-trinn"],
            pattern=ID,
            max_length=100,
        ),
    ],
    y: Annotated[
        str,
        Query(
            description=N_("Indikator på y-aksen"),
            examples=["trivsel-skolen-10-trinn"],
            pattern=ID,
            max_length=100,
        ),
    ],
    year: Annotated[
        int | None, Query(ge=1900, le=2100, description=N_("År (standard: siste felles)"))
    ] = None,
    own: Annotated[str | None, Query(description=N_("Egen kommune"), pattern=MUNICIPALITY)] = None,
    weighting: Annotated[Literal["ingen", "folketall"], Query(description=N_("Vekting"))] = "ingen",
) -> Response:
    store.indicator(x)
    store.indicator(y)
    if own is not None and own not in store.regions:
        raise unknown_region(store, own)
    with answerable():
        view = cross_view(store, x, y, year=year, own=own, weighting=weighting)
    return json_response(request, store, dataclasses.asdict(view))


@router.get(
    "/index",
    summary=N_("Sammensatt indeks med usikkerhet og rangintervall"),
    response_model=CompositeViewAnswer,
    responses=problems(400, 404, 422),
)
def index(
    request: Request,
    store: StoreDep,  # the viewer's: own indicators of their organisation only (issue #15)
    indicators: Annotated[
        str,
        Query(
            description=N_("Indikatorer med vekt: id:vekt,id:vekt"),
            examples=["mobbing-10-trinn:1,trivsel-skolen-10-trinn:1"],
            pattern=rf"^{_WEIGHTED}(,{_WEIGHTED})*$",
            max_length=2000,
        ),
    ],
    year: Annotated[str | None, Query(pattern=YEAR, description=N_("År"))] = None,
    method: Annotated[
        Literal["zscore", "base_year"] | None, Query(description=N_("z-skår eller basisår-skala"))
    ] = None,
    base_year: Annotated[str | None, Query(pattern=YEAR, description=N_("Basisår"))] = None,
) -> Response:
    guard_query_length(request)
    with answerable():
        recipe = parse_recipe(store, indicators, year, method, base_year)
        view = composite_view(store, recipe)
    return json_response(request, store, dataclasses.asdict(view))


@router.get(
    "/profile/{code}",
    summary=N_("Barometeret bak kommuneprofilen"),
    response_model=ProfileAnswer,
    responses=problems(400, 404, 422),
)
def profile_data(
    request: Request,
    store: StoreDep,
    code: Annotated[
        str, Path(description=N_("Regionnummer"), examples=["0301"], pattern=REGION_CODE)
    ],
    sammenligning: Annotated[
        str | None,
        Query(
            description=N_("land, fylke, kostra eller gruppe:kode,kode"),
            pattern=BENCHMARK,
            max_length=3000,
        ),
    ] = None,
) -> Response:
    guard_query_length(request)
    if code not in store.regions:
        raise unknown_region(store, code)
    if sammenligning and sammenligning.startswith("gruppe:"):
        # A group of codes that are not regions is a 404 like any unknown code, with suggestions.
        for member in sammenligning.removeprefix("gruppe:").split(","):
            if member not in store.regions:
                raise unknown_region(store, member)
    with answerable():
        result = profile(store, code, parse_benchmark(store, sammenligning, code))
    return json_response(request, store, dataclasses.asdict(result))
