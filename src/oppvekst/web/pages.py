"""The portal's main pages: front page, area profile, statistics bank, packages, status, search.

Every page is server-rendered and complete without JavaScript; its whole state is in the URL (query
parameters), so a view can be bookmarked, shared and reproduced and the back button works. The data
comes from the view functions in ``oppvekst.views``, which the API reuses.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from oppvekst import language
from oppvekst.errors import BadRequest
from oppvekst.exports.formats import TABLE_FILES
from oppvekst.exports.pivot import pivot_csv, pivot_xlsx
from oppvekst.language import _
from oppvekst.regions.registry import normalise_code
from oppvekst.snapshot.store import Store
from oppvekst.views import bank, packages, search, status
from oppvekst.views.benchmark import benchmark_from_query
from oppvekst.views.inequality import inequality_lines
from oppvekst.views.numbers import when
from oppvekst.views.profile import (
    BETTER,
    SIGNIFICANCE_MARKS,
    WORSE,
    BarometerRow,
    profile,
    trend_mark,
)
from oppvekst.views.regions import (
    former_code_targets,
    region_ref,
    resolve_input,
    unknown_region,
)
from oppvekst.web.accounts import saved_views_of
from oppvekst.web.dependencies import StoreDep, wants_json
from oppvekst.web.rendering import render

router = APIRouter(default_response_class=HTMLResponse)

SPINE_PAD, SPINE_SPAN = 8.0, 144.0  # the marker must fit inside the 160 px box at both ends


def spine(row: BarometerRow) -> dict[str, float] | None:
    """x positions (in a 160 px wide SVG) of the kommune range, middle half, country and area."""
    lo, hi = row.min_value, row.max_value
    if lo is None or hi is None or hi <= lo:
        return None

    def x(value: float | None) -> float:
        if value is None:
            return -1.0
        return round(SPINE_PAD + SPINE_SPAN * (min(max(value, lo), hi) - lo) / (hi - lo), 1)

    return {
        "min": x(lo),
        "max": x(hi),
        "q1": x(row.q1 if row.q1 is not None else lo),
        "q3": x(row.q3 if row.q3 is not None else hi),
        # A country total (a count) lies far outside the kommune range: no tick rather than a wrong one.
        "country": x(row.country_value)
        if row.country_value is not None and lo <= row.country_value <= hi
        else -1.0,
        "value": x(row.value),
    }


def by_topic(store: Store, rows: tuple[BarometerRow, ...]) -> list[tuple[str, list[BarometerRow]]]:
    """Barometer rows grouped under their topic, topics in the catalogue's order of importance."""
    grouped: dict[str, list[BarometerRow]] = {}
    for row in rows:
        grouped.setdefault(row.topic, []).append(row)
    return [
        (str(t["title"]), grouped[str(t["id"])]) for t in store.topics if str(t["id"]) in grouped
    ]


def _page(
    request: Request, template: str, store: Store | None, status_code: int = 200, **context: Any
) -> HTMLResponse:
    helpers = {
        "SIGNIFICANCE": SIGNIFICANCE_MARKS,
        "trend_marker": trend_mark,
        "spine": spine,
        "when": when,
        "category_label": bank.category_label,
        "level_names": bank.LEVEL_NAMES,
        "breakdown_names": bank.BREAKDOWN_NAMES,
        "breakdown_params": bank.BREAKDOWN_PARAMS,
    }
    return render(request, template, store, status_code, **helpers, **context)


# --- Front page and search ------------------------------------------------------------------------
@router.get("/")
def front(request: Request, store: StoreDep) -> HTMLResponse:
    topic_indicators: dict[str, list[Any]] = {}
    for ind in store.indicators.values():
        topic_indicators.setdefault(ind.topic, []).append(ind)
    return _page(
        request,
        "front.html",
        store,
        topics=store.topics,
        topic_indicators=topic_indicators,
        updates=status.latest_updates(store),
        packages=packages.packages(store),
        saved_views=saved_views_of(request),
    )


@router.get("/sok", response_model=None)
def find(request: Request, store: StoreDep, q: str = "") -> Response:
    results = search.search(store, q)
    if wants_json(request):
        return JSONResponse(
            {
                "query": results.query,
                "close_spelling": results.close_spelling,
                "results": [
                    # The type-ahead follows the link: it keeps the page's language.
                    {
                        "kind": h.kind,
                        "id": h.id,
                        "label": h.label,
                        "detail": h.detail,
                        "url": language.url(h.url),
                    }
                    for h in results.hits
                ],
            }
        )
    exact = results.exact_region
    if exact is not None and not results.indicators:
        # Typing a full name or a number and pressing Enter goes straight to the area.
        return RedirectResponse(exact.url, status_code=303)
    return _page(request, "search.html", store, results=results)


# --- Area profile ---------------------------------------------------------------------------------
@router.get("/kommune/{code}", response_model=None)
def area_profile(request: Request, store: StoreDep, code: str) -> Response:
    wanted = normalise_code(code)
    if wanted not in store.regions:
        targets = former_code_targets(store, wanted)
        if len(targets) == 1:
            params = {**request.query_params, "tidligere": wanted}
            return RedirectResponse(
                f"/kommune/{targets[0][0]}?{urlencode(params)}", status_code=301
            )
        raise unknown_region(store, wanted)
    benchmark = benchmark_from_query(store, request.query_params, wanted)
    result = profile(store, wanted, benchmark)
    former = request.query_params.get("tidligere", "")
    note = None
    if former and any(c == wanted for c, _name in former_code_targets(store, former)):
        note = store.registry.former_note(former)
    show = request.query_params.get("vis", "alle")
    rows = result.rows
    if show == "avvik":
        rows = tuple(r for r in rows if r.significance not in ("similar", "not_compared"))
    return _page(
        request,
        "profile.html",
        store,
        profile=result,
        rows=rows,
        show=show,
        former_note=note,
        worse=[r for r in result.rows if r.significance in WORSE],
        better=[r for r in result.rows if r.significance in BETTER],
        other=[r for r in result.rows if r.significance in ("higher", "lower")],
        county_name=result.county.name if result.county else None,
        group_text=request.query_params.get("gruppe", ""),
        groups=by_topic(store, rows),
        children=[r for r in store.regions.values() if r.parent == wanted and r.code != wanted],
        inequalities=inequality_lines(store, wanted),
    )


# --- Statistics bank ------------------------------------------------------------------------------
def _year(text: str | None) -> int | None:
    if text is None or not text.strip():
        return None
    if not text.strip().isdigit() or not 1900 <= int(text) <= 2100:
        raise BadRequest(
            _("«{text}» er ikke et årstall.").format(text=text),
            hint=_("Skriv et årstall med fire sifre, f.eks. 2020."),
        )
    return int(text)


@router.get("/statistikkbank")
def statistics_bank(
    request: Request,
    store: StoreDep,
    tema: str = "",
    kilde: str = "",
    niva: str = "",
    fra: str = "",
    til: str = "",
    indikator: str = "",
    fylke: str = "",
) -> HTMLResponse:
    wanted = bank.BankFilter(
        topic=tema or None,
        source=kilde or None,
        level=niva or None,
        year_from=_year(fra),
        year_to=_year(til),
    )
    listing = bank.listing(store, wanted)
    table, problem, chosen = None, None, None
    if indikator:
        chosen = store.indicator(indikator)
        try:
            table = _bank_table(request, store, wanted, indikator, niva, fylke)
        except BadRequest as exc:
            problem = exc  # shown beside the form, so the person can change the choice right there
    return _page(
        request,
        "bank.html",
        store,
        status_code=problem.http_status if problem else 200,
        listing=listing,
        table=table,
        problem=problem,
        chosen=chosen,
        fylker=[r for r in store.regions.values() if r.level == "fylke"],
        download_url=_download_url(table) if table else None,
        table_downloads={
            kind: f"/statistikkbank/tabell.{kind}?{request.url.query}" for kind in ("csv", "xlsx")
        },
    )


def _bank_table(
    request: Request, store: Store, wanted: bank.BankFilter, indikator: str, niva: str, fylke: str
) -> bank.Pivot:
    """The table the statistics bank shows for the page's query (the page and its downloads)."""
    chosen = store.indicator(indikator)
    breakdown = {
        column: request.query_params.get(param, "")
        for column, param in bank.BREAKDOWN_PARAMS.items()
        if request.query_params.get(param)
    }
    # Ten periods unless the person chose years (then all of them), as the page shows.
    chose_years = wanted.year_from is not None or wanted.year_to is not None
    return bank.pivot(
        store,
        indikator,
        niva or _default_level(chosen.levels),
        within=fylke or None,
        breakdown=breakdown,
        year_from=wanted.year_from,
        year_to=wanted.year_to,
        max_periods=None if chose_years else 10,
        group_by=request.query_params.get("inndeling") or None,
        layout=request.query_params.get("grupper") or None,
    )


@router.get("/statistikkbank/tabell.{kind}")
def statistics_bank_table(
    request: Request,
    store: StoreDep,
    kind: str,
    indikator: str,
    niva: str = "",
    fra: str = "",
    til: str = "",
    fylke: str = "",
) -> Response:
    """The table as shown on the page, as CSV (Norwegian dialect) or Excel."""
    if kind not in TABLE_FILES:
        raise BadRequest(
            _("Ukjent filtype «{kind}».").format(kind=kind),
            hint=_("Velg tabell.csv eller tabell.xlsx."),
        )
    wanted = bank.BankFilter(year_from=_year(fra), year_to=_year(til))
    table = _bank_table(request, store, wanted, indikator, niva, fylke)
    if kind == "csv":
        content = pivot_csv(table)
    else:
        content = pivot_xlsx(table, store.indicator(indikator), str(request.url))
    name = f"statistikkbank-{table.indicator_id}-{table.level}.{kind}"
    return Response(
        content,
        media_type=TABLE_FILES[kind].media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _default_level(levels: list[Any]) -> str:
    names = [str(getattr(lv, "value", lv)) for lv in levels]
    return "kommune" if "kommune" in names or not names else names[-1]


def _download_url(table: bank.Pivot) -> str:
    """The open-data API query for exactly the table shown (same regions, periods, breakdown)."""
    region = f"fylke:{table.within}" if table.within and table.level == "kommune" else table.level
    params = {"indicator": table.indicator_id, "region": region, "period": ",".join(table.periods)}
    params.update(table.breakdown)
    if table.grouping is not None:
        params[table.grouping.column] = "*"  # every group, as the table shows them
    params["format"] = "csv"
    return "/api/v1/data?" + urlencode(params)


# --- Packages -------------------------------------------------------------------------------------
@router.get("/pakker")
def package_list(request: Request, store: StoreDep) -> HTMLResponse:
    return _page(request, "packages.html", store, packages=packages.packages(store))


@router.get("/pakker/{package_id}")
def package_page(
    request: Request, store: StoreDep, package_id: str, omrade: str = ""
) -> HTMLResponse:
    summary = packages.package(store, package_id)
    code = resolve_input(store, omrade, "omrade") if omrade.strip() else None
    bundle = None
    if code is not None:
        region_ref(store, code)
        bundle = packages.package_for_area(
            store, package_id, code, benchmark_from_query(store, request.query_params, code)
        )
    return _page(
        request,
        "package.html",
        store,
        package=summary,
        bundle=bundle,
        code=code,
        area_text=store.regions[code].name if code else omrade,
        groups=by_topic(store, bundle.profile.rows) if bundle else [],
    )


# --- Data status ----------------------------------------------------------------------------------
@router.get("/status")
def data_status_page(request: Request, store: StoreDep) -> HTMLResponse:
    return _page(request, "status.html", store, data=status.data_status(store))
