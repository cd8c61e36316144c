"""Downloads that take work to build: the area's PDF report and a package's Excel file and ZIP.

``/kommune/{code}/rapport.pdf`` takes ``sammenligning`` (and ``gruppe``) exactly like the profile
page, so the PDF is the page the reader was looking at. The routes are synchronous: FastAPI runs
them on its worker threads, and web/limits.py meters them per client as expensive requests. They are portal downloads, not part of the
open-data API, so they stay out of its OpenAPI schema.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import Response

from oppvekst.api.responses import cache_headers
from oppvekst.regions.registry import normalise_code
from oppvekst.reports import bundle, report
from oppvekst.snapshot.store import Store
from oppvekst.views.benchmark import benchmark_from_query
from oppvekst.views.packages import package
from oppvekst.views.regions import unknown_region
from oppvekst.web.dependencies import StoreDep
from oppvekst.web.rendering import here
from oppvekst.web.takeaway import renderer_for

router = APIRouter()

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP = "application/zip"


def _code(store: Store, code: str) -> str:
    wanted = normalise_code(code)
    if wanted not in store.regions:
        raise unknown_region(store, wanted)
    return wanted


def _file(request: Request, store: Store, content: bytes, media: str, filename: str) -> Response:
    headers = cache_headers(request, store, media)
    headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return Response(content, media_type=media, headers=headers)


@router.get("/kommune/{code}/rapport.pdf", response_model=None, include_in_schema=False)
def profile_report(request: Request, store: StoreDep, code: str) -> Response:
    wanted = _code(store, code)
    made = report.build(
        store,
        wanted,
        benchmark_from_query(store, request.query_params, wanted),
        url=_address(request),
    )
    return _file(request, store, made.pdf, PDF, made.filename)


def _address(request: Request) -> str:
    """The file's own address in the reader's language (the middleware took the prefix off)."""
    return str(request.url.replace(path=here(request)))


@router.get("/pakker/{package_id}/{code}.xlsx", response_model=None, include_in_schema=False)
def package_workbook(request: Request, store: StoreDep, package_id: str, code: str) -> Response:
    package(store, package_id)  # an unknown package is the first thing to say
    made = bundle.workbook(store, package_id, _code(store, code), url=str(request.url))
    return _file(request, store, made.content, XLSX, made.filename)


@router.get("/pakker/{package_id}/{code}.zip", response_model=None, include_in_schema=False)
def package_archive(request: Request, store: StoreDep, package_id: str, code: str) -> Response:
    package(store, package_id)
    wanted = _code(store, code)
    made = bundle.archive(
        store,
        package_id,
        wanted,
        benchmark_from_query(store, request.query_params, wanted),
        renderer_for(request),
        site=str(request.base_url),
    )
    return _file(request, store, made.content, ZIP, made.filename)
