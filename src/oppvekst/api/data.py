"""``/api/v1/data``: observations in any format, every format with the columns of the JSON rows.

One path whatever the format: the selection becomes ``Rows`` (straight from the in-memory table,
or from a frame when a comparison is attached), and JSON pages, CSV and the files are written from
those rows' declared columns.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from oppvekst.api.answers import ANSWERS, answer_key, keep, replay
from oppvekst.api.comparisons import AGAINST, attach_comparison
from oppvekst.api.formats import (
    CSV_FORMATS,
    Rows,
    choose_format,
    frame_rows,
    render_csv,
    render_file,
    table_rows,
)
from oppvekst.api.models import DataPage, JsonStatDataset, breakdown_description
from oppvekst.api.paging import CURSOR_PATTERN, window
from oppvekst.api.parameters import (
    CATEGORY,
    ID_LIST,
    PERIOD_LIST,
    REGION_LIST,
    answerable,
    guard_query_length,
)
from oppvekst.api.problems import problems
from oppvekst.api.responses import json_response
from oppvekst.exports.formats import FORMATS, JSON, DataFormat
from oppvekst.language import N_, _
from oppvekst.snapshot.observations import as_records
from oppvekst.snapshot.store import Store
from oppvekst.views.data import Selection, parse_selection, select, select_positions
from oppvekst.web.dependencies import StoreDep

router = APIRouter()
FORMAT_PATTERN = "^(" + "|".join(f.key for f in FORMATS) + ")$"
_BINARY = {"schema": {"type": "string", "format": "binary"}}
# The 200 answer in every format: JSON pages (or a JSON-stat document), and the files.
DATA_CONTENT: dict[str, Any] = {
    f.media_type.split(";")[0]: _BINARY for f in FORMATS if f.media_type != JSON.media_type
}


def format_description() -> str:
    """The ``format`` parameter's description, in the current language (``api.docs``)."""
    formats = "; ".join(f"{f.key} = {_(f.label)}" for f in FORMATS)
    return _("Format: {formats}. Uten format: etter Accept, ellers json.").format(formats=formats)


@router.get(
    "/data",
    summary=N_("Observasjoner: indikatorer × regioner × perioder × inndelinger"),
    response_model=DataPage | JsonStatDataset,
    responses={
        200: {
            "description": N_(
                "Rader som JSON-sider (eller JSON-stat med format=jsonstat2), eller en "
                "fil i valgt format; alle formater har de samme kolonnene."
            ),
            "content": DATA_CONTENT,
        },
        **problems(400, 404, 422),
    },
)
def data(
    request: Request,
    store: StoreDep,
    indicator: Annotated[
        str,
        Query(
            description=N_("Én eller flere indikator-id-er, kommaseparert"),
            examples=["barn-0-17"],
            pattern=ID_LIST,
            max_length=2000,
        ),
    ],
    region: Annotated[
        str | None,
        Query(
            description=N_(
                "Koder (0301,4601), nivå (kommune), fylkets kommuner (fylke:40), KOSTRA-gruppe "
                "(kostra:EKG13) eller tidligere koder (0219 → 3201). Standard: alle kommuner."
            ),
            examples=["0301,4601"],
            pattern=REGION_LIST,
            max_length=3000,
        ),
    ] = None,
    period: Annotated[
        str | None,
        Query(
            description=N_("Perioder, kommaseparert, eller «siste»"),
            examples=["2024"],
            pattern=PERIOD_LIST,
            max_length=600,
        ),
    ] = None,
    sex: Annotated[
        str | None, Query(description=breakdown_description("sex"), pattern=CATEGORY)
    ] = None,
    age: Annotated[
        str | None, Query(description=breakdown_description("age"), pattern=CATEGORY)
    ] = None,
    background: Annotated[
        str | None, Query(description=breakdown_description("background"), pattern=CATEGORY)
    ] = None,
    grade: Annotated[
        str | None, Query(description=breakdown_description("grade"), pattern=CATEGORY)
    ] = None,
    compare: Annotated[
        str | None,
        Query(
            description=N_(
                "Legg ved sammenligning (tre kolonner til): land, fylke (radens eget) "
                "eller en gruppe som én befolkning, gruppe:kode,kode (bare totaler)"
            ),
            examples=["land"],
            pattern=AGAINST,
            max_length=3000,
        ),
    ] = None,
    format: Annotated[
        str | None,
        Query(
            description=format_description(),
            pattern=FORMAT_PATTERN,
        ),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=50_000, description=N_("Rader per side (json)"))] = 5_000,
    cursor: Annotated[
        str | None,
        Query(description=N_("Fra `next` i forrige svar"), pattern=CURSOR_PATTERN),
    ] = None,
) -> Response:
    guard_query_length(request)
    chosen = choose_format(format, request.headers.get("accept", ""))
    key = answer_key(store, request, chosen.key)
    answer = ANSWERS.get(key)
    if answer is not None:
        return replay(request, store, answer)
    breakdown = {"sex": sex, "age": age, "background": background, "grade": grade}
    with answerable():
        selection = parse_selection(store, indicator, region, period, breakdown)
        response = _answer(request, store, selection, chosen, compare, limit, cursor)
    return keep(key, response)


def _answer(
    request: Request,
    store: Store,
    selection: Selection,
    chosen: DataFormat,
    compare: str | None,
    limit: int,
    cursor: str | None,
) -> Response:
    compared = attach_comparison(store, select(store, selection), compare) if compare else None
    if chosen is JSON or chosen in CSV_FORMATS:
        # Without a comparison the rows are read straight from the in-memory table: no DataFrame,
        # and a JSON page turns only its own rows into Python values.
        rows = (
            frame_rows(compared)
            if compared is not None
            else table_rows(store, select_positions(store, selection))
        )
        if chosen is JSON:
            return _page(request, store, selection, rows, limit, cursor)
        return render_csv(request, store, rows, chosen, selection)
    frame = compared if compared is not None else select(store, selection)
    return render_file(request, store, frame, chosen, selection)


def _page(
    request: Request, store: Store, selection: Selection, rows: Rows, limit: int, cursor: str | None
) -> Response:
    # cache_identity: a cursor stops working when the own data in the answer change, too.
    part = window(request, store.cache_identity, rows.count, limit, cursor)
    shown = rows.columns(slice(part.start, part.stop))
    body = {
        "snapshot": store.snapshot_id,
        "notes": list(selection.regions.notes),
        "synthetic": bool(rows.take("synthetic", slice(None)).any()),
        "count": rows.count,
        "rows": as_records(list(shown), list(shown.values())),
        "next": part.next,
    }
    return json_response(request, store, body)
