"""The «Ulikhet» page of an indicator: ``/indikator/{id}/ulikhet?omrade=0301[&inndeling=background]``.

The page, its table as CSV or Excel (``…/ulikhet.csv``, ``…/ulikhet.xlsx``) and its chart as an image (``…/ulikhet/bilde.png``)
read the same URL through ``_view``, so the file is the table and the figure on the screen.
Without an area the country is shown; a wrong area entry keeps the view without it
(``web.inputs.kept_view`` through the error handlers) and says what was wrong.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from oppvekst import charts
from oppvekst.charts.figure import Footer
from oppvekst.charts.inequality import inequality_chart
from oppvekst.errors import BadRequest
from oppvekst.exports import SYNTHETIC_WARNING
from oppvekst.exports.formats import TABLE_FILES
from oppvekst.exports.pivot import table_xlsx
from oppvekst.exports.tabular import CsvDialect, csv_bytes
from oppvekst.language import _
from oppvekst.snapshot.store import Store
from oppvekst.views import inequality as iq
from oppvekst.views.indicator import BREAKDOWN_LABELS
from oppvekst.views.regions import resolve_input
from oppvekst.web import assets
from oppvekst.web.dependencies import StoreDep
from oppvekst.web.rendering import render, url
from oppvekst.web.takeaway import render_figure

router = APIRouter(default_response_class=HTMLResponse)
COUNTRY = "0"


def _view(store: Store, request: Request, indicator_id: str) -> iq.InequalityView:
    params = request.query_params
    typed = params.get("omrade", "").split(",")[0].strip()
    area = resolve_input(store, typed, "omrade") if typed else COUNTRY
    dimension = params.get("inndeling") or None
    if dimension is not None and dimension not in BREAKDOWN_LABELS:
        raise BadRequest(
            _("Ukjent inndeling «{dimension}».").format(dimension=dimension),
            hint=_("Velg sex, age, background eller grade."),
        )
    return iq.inequality_view(store, indicator_id, area, dimension, params.get("periode") or None)


def _table(view: iq.InequalityView) -> dict[str, np.ndarray]:
    """The groups as the page's table: one row per group, the total first."""
    rows = (view.total, *view.groups)
    nothing = np.array([None] * len(rows), dtype=object)
    return {
        _("Område"): np.array([view.area.name] * len(rows), dtype=object),
        _("Periode"): np.array([view.period] * len(rows), dtype=object),
        view.dimension_label: np.array([g.label for g in rows], dtype=object),
        _("Verdi"): np.array([g.value if g.value is not None else np.nan for g in rows]),
        _("Nedre 95 %"): np.array([g.lower95 if g.lower95 is not None else np.nan for g in rows]),
        _("Øvre 95 %"): np.array([g.upper95 if g.upper95 is not None else np.nan for g in rows]),
        _("Symbol"): np.array([g.shown if g.value is None else None for g in rows], dtype=object),
        _("Forklaring"): np.array([g.reason or None for g in rows], dtype=object)
        if any(g.reason for g in rows)
        else nothing,
        _("Mot området totalt"): np.array(
            [g.versus_total_text or None for g in rows], dtype=object
        ),
    }


@router.get("/indikator/{indicator_id}/ulikhet", response_model=None)
def inequality_page(request: Request, store: StoreDep, indicator_id: str) -> Response:
    view = _view(store, request, indicator_id)
    options = charts.parse_options(dict(request.query_params))
    query = str(request.query_params)
    suffix = f"?{query}" if query else ""
    context: dict[str, Any] = {
        "view": view,
        "indicator": view.indicator,
        "spec": inequality_chart(view, options),
        "csv_url": f"/indikator/{indicator_id}/ulikhet.csv{suffix}",
        "xlsx_url": f"/indikator/{indicator_id}/ulikhet.xlsx{suffix}",
        "image_urls": [
            (label, f"/indikator/{indicator_id}/ulikhet/bilde.{fmt}{suffix}")
            for label, fmt in (("PNG", "png"), ("SVG", "svg"), ("PDF", "pdf"))
        ],
        "dimension_choices": [(d, BREAKDOWN_LABELS[d]) for d in view.dimensions],
        "url": lambda **changes: url(request, **changes),
        "vega_bundle": assets.versioned_bundle_url(request),
    }
    return render(request, "inequality.html", store, **context)


def _about(view: iq.InequalityView, address: str, synthetic: bool) -> list[tuple[str, str]]:
    """What the table is, line by line, for the workbook's sheet «Om tabellen»."""
    ind = view.indicator
    return [
        *([(_("ADVARSEL"), _(SYNTHETIC_WARNING))] if synthetic else []),
        (_("Indikator"), f"{ind.title} ({ind.id})"),
        (_("Enhet"), ind.unit),
        (_("Område"), f"{view.area.code} {view.area.name}"),
        (_("Periode"), view.period),
        (_("Inndeling"), view.dimension_label),
        (_("Kilde"), f"{ind.source.publisher}: {ind.source.title}"),
        (_("Lisens"), ind.licence),
        (_("Kreditering"), ind.attribution),
        (_("Adresse"), address),
    ]


@router.get("/indikator/{indicator_id}/ulikhet.{kind}", response_model=None)
def inequality_table(request: Request, store: StoreDep, indicator_id: str, kind: str) -> Response:
    """The page's table as CSV (Norwegian dialect) or Excel: the same columns and cells."""
    if kind not in TABLE_FILES:
        raise BadRequest(
            _("Ukjent filtype «{kind}».").format(kind=kind),
            hint=_("Velg ulikhet.csv eller ulikhet.xlsx."),
        )
    view = _view(store, request, indicator_id)
    table = _table(view)
    if kind == "csv":
        body = csv_bytes(table, CsvDialect.NORWEGIAN)
    else:
        about = _about(view, str(request.url), indicator_id in store.synthetic_indicators)
        body = table_xlsx(table, view.indicator.decimals, about, keys=3)
    name = f"oppvekststatus-ulikhet-{indicator_id}-{view.area.code}.{kind}"
    return Response(
        body,
        media_type=TABLE_FILES[kind].media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/indikator/{indicator_id}/ulikhet/bilde.{fmt}", response_model=None)
def inequality_image(
    request: Request, store: StoreDep, indicator_id: str, fmt: str, skala: int = 1
) -> Response:
    view = _view(store, request, indicator_id)
    options = charts.parse_options(dict(request.query_params))
    footer = Footer(source=view.indicator.attribution, definition=view.indicator.definition)
    rendered, image_format = render_figure(
        request, inequality_chart(view, options), footer, options.size, fmt, skala
    )
    name = f"oppvekststatus-ulikhet-{indicator_id}-{view.area.code}.{image_format.value}"
    return Response(
        rendered.data,
        media_type=rendered.media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
