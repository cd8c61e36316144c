"""The workspace (``/arbeidsrom``): an organisation's own indicators — the list and the templates,
the metadata form, the versions with restore, sharing and deletion. The way in for figures
(upload → draft → preview → confirm) is ``web.workspace_uploads``, which shares the helpers here.

Every route is behind ``check_csrf`` (the router's dependency), every answer is
``private, no-store`` (only signed-in people get past the first line of each route, and the
privacy middleware marks their answers), and all authorisation is in ``workspace.library``: a
route passes the ``Viewer`` and never decides by itself who may see what. Another organisation's
indicator answers 404, as if it did not exist.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from oppvekst.accounts import members
from oppvekst.accounts.models import Role
from oppvekst.accounts.store import UserStore
from oppvekst.accounts.viewer import Viewer
from oppvekst.errors import InvalidOwnMetadata, OppvekstError, UnknownTemplate
from oppvekst.language import _
from oppvekst.snapshot.store import Store
from oppvekst.web import workspace_forms as forms
from oppvekst.web.dependencies import current_store
from oppvekst.web.privacy import (
    PRIVATE,
    accounts_of,
    check_csrf,
    require_viewer,
    see_other,
    sign_in_first,
    viewer_of,
)
from oppvekst.web.rendering import render
from oppvekst.workspace import library
from oppvekst.workspace.library import OwnIndicatorInfo
from oppvekst.workspace.metadata import parse_metadata
from oppvekst.workspace.reading import UploadLimits
from oppvekst.workspace.templates import TEMPLATES, template_file

router = APIRouter(
    prefix="/arbeidsrom", default_response_class=HTMLResponse, dependencies=[Depends(check_csrf)]
)
FormText = Annotated[str, Form()]
LIMITS = UploadLimits()
FORMATS = ("csv", "xlsx")


# --- Who, and which indicator -------------------------------------------------------------------
def users_of(request: Request) -> UserStore:
    return accounts_of(request).store


def _store(request: Request) -> Store | None:
    try:
        return current_store(request)
    except OppvekstError:
        return None  # no snapshot yet: the lists and forms still work


def page(
    request: Request, template: str, status_code: int = 200, **context: object
) -> HTMLResponse:
    page = render(request, template, _store(request), status_code, **context)
    page.headers["Cache-Control"] = PRIVATE
    return page


def own_indicator(request: Request, viewer: Viewer, slug: str) -> OwnIndicatorInfo:
    """The viewer's organisation's indicator ``slug``; anything else (unknown, deleted, another
    organisation's) is ``OwnIndicatorNotFound`` (404), as if it did not exist."""
    return library.by_slug(users_of(request), viewer, slug)


def _can(viewer: Viewer, role: Role) -> bool:
    try:
        viewer.require(role)
    except OppvekstError:
        return False
    return True


# --- The list and the templates -----------------------------------------------------------------
@router.get("", response_model=None)
def workspace(request: Request) -> Response:
    viewer = viewer_of(request)
    if viewer is None:
        return sign_in_first(request)
    return page(
        request,
        "workspace.html",
        own=library.indicators_for(users_of(request), viewer),
        templates=TEMPLATES,
        formats=FORMATS,
        can_edit=_can(viewer, Role.EDITOR),
        can_share=_can(viewer, Role.ADMIN),
        limits=LIMITS,
    )


@router.get("/mal/{kind}.{fmt}", response_model=None)
def template(request: Request, kind: str, fmt: str) -> Response:
    viewer = viewer_of(request)
    if viewer is None:
        return sign_in_first(request)
    if kind not in TEMPLATES or fmt not in FORMATS:
        raise UnknownTemplate(
            _("Det finnes ingen mal «{name}».").format(name=f"{kind}.{fmt}"),
            hint=_("Velg en av malene i arbeidsrommet."),
        )
    region_code = members.organisation(users_of(request), viewer.organisation_id).region_code
    store = current_store(request)
    body, media_type, filename = template_file(
        kind,
        "xlsx" if fmt == "xlsx" else "csv",
        store.registry,
        region_code=region_code,
    )
    return Response(
        body,
        media_type=media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": PRIVATE,
        },
    )


# --- A new indicator and its metadata ------------------------------------------------------------
def _metadata_page(
    request: Request,
    action: str,
    heading: str,
    fields: list[forms.FormField],
    status_code: int = 200,
    info: OwnIndicatorInfo | None = None,
    problem: str = "",
) -> HTMLResponse:
    return page(
        request,
        "workspace_metadata.html",
        status_code,
        action=action,
        heading=heading,
        fields=fields,
        info=info,
        problem=problem,
    )


async def form_fields(request: Request) -> dict[str, str]:
    form = await request.form()
    return {key: value for key, value in form.items() if isinstance(value, str)}


@router.get("/ny", response_model=None)
def new_form(request: Request) -> Response:
    viewer = viewer_of(request)
    if viewer is None:
        return sign_in_first(request)
    viewer.require(Role.EDITOR)
    return _metadata_page(
        request, "/arbeidsrom/ny", _("Ny egen indikator"), forms.metadata_fields()
    )


@router.post("/ny", response_model=None)
async def create(request: Request) -> Response:
    viewer = require_viewer(request)
    viewer.require(Role.EDITOR)
    sent = await form_fields(request)
    try:
        meta = parse_metadata(sent)
    except InvalidOwnMetadata as exc:
        return _metadata_page(
            request,
            "/arbeidsrom/ny",
            _("Ny egen indikator"),
            forms.metadata_fields(sent, exc.problems),
            exc.http_status,
            problem=_("Noen felt må rettes før indikatoren kan opprettes."),
        )
    info = library.create_indicator(users_of(request), viewer, meta)
    return see_other(f"/arbeidsrom/{info.slug}/last-opp")


@router.get("/{slug}/rediger", response_model=None)
def edit_form(request: Request, slug: str) -> Response:
    viewer = viewer_of(request)
    if viewer is None:
        return sign_in_first(request)
    info = own_indicator(request, viewer, slug)
    viewer.require(Role.EDITOR)
    return _metadata_page(
        request,
        f"/arbeidsrom/{slug}/rediger",
        _("Rediger «{title}»").format(title=info.meta.title),
        forms.metadata_fields(info.meta),
        info=info,
    )


@router.post("/{slug}/rediger", response_model=None)
async def edit(request: Request, slug: str) -> Response:
    viewer = require_viewer(request)
    info = own_indicator(request, viewer, slug)
    viewer.require(Role.EDITOR)
    sent = await form_fields(request)
    try:
        meta = parse_metadata(sent)
    except InvalidOwnMetadata as exc:
        return _metadata_page(
            request,
            f"/arbeidsrom/{slug}/rediger",
            _("Rediger «{title}»").format(title=info.meta.title),
            forms.metadata_fields(sent, exc.problems),
            exc.http_status,
            info=info,
            problem=_("Noen felt må rettes før endringene kan lagres."),
        )
    library.update_metadata(users_of(request), viewer, info.id, meta)
    return see_other(f"/arbeidsrom/{slug}/versjoner")


# --- Versions, sharing, deletion ----------------------------------------------------------------
@router.get("/{slug}", response_model=None)
def indicator(request: Request, slug: str) -> Response:
    if viewer_of(request) is None:
        return sign_in_first(request)
    return see_other(f"/arbeidsrom/{quote(slug)}/versjoner")


@router.get("/{slug}/versjoner", response_model=None)
def versions(request: Request, slug: str, ny: str = "") -> Response:
    viewer = viewer_of(request)
    if viewer is None:
        return sign_in_first(request)
    info = own_indicator(request, viewer, slug)
    return page(
        request,
        "workspace_versions.html",
        info=info,
        versions=library.versions(users_of(request), viewer, info.id),
        new_version=ny,
        can_edit=_can(viewer, Role.EDITOR),
        can_share=_can(viewer, Role.ADMIN),
    )


@router.post("/{slug}/versjoner/{version_id}/gjenopprett", response_model=None)
def restore(request: Request, slug: str, version_id: int) -> Response:
    viewer = require_viewer(request)
    info = own_indicator(request, viewer, slug)
    viewer.require(Role.EDITOR)
    library.restore(users_of(request), viewer, info.id, version_id)
    return see_other(f"/arbeidsrom/{slug}/versjoner")


def _sharing_page(
    request: Request, viewer: Viewer, info: OwnIndicatorInfo, status_code: int = 200
) -> HTMLResponse:
    others = [o for o in members.organisations(users_of(request)) if o.id != viewer.organisation_id]
    return page(request, "workspace_sharing.html", status_code, info=info, others=others)


@router.get("/{slug}/deling", response_model=None)
def sharing_form(request: Request, slug: str) -> Response:
    viewer = viewer_of(request)
    if viewer is None:
        return sign_in_first(request)
    info = own_indicator(request, viewer, slug)
    viewer.require(Role.ADMIN)
    return _sharing_page(request, viewer, info)


@router.post("/{slug}/deling", response_model=None)
async def share(request: Request, slug: str) -> Response:
    viewer = require_viewer(request)
    info = own_indicator(request, viewer, slug)
    viewer.require(Role.ADMIN)
    form = await request.form()
    known = {o.id for o in members.organisations(users_of(request))}
    chosen = tuple(
        sorted(
            {
                int(v)
                for v in form.getlist("organisasjon")
                if isinstance(v, str) and v.isdigit() and int(v) in known
            }
            - {viewer.organisation_id}
        )
    )
    public = form.get("offentlig") == "ja"
    library.share(users_of(request), viewer, info.id, chosen, public)
    return see_other(f"/arbeidsrom/{slug}/versjoner")


@router.post("/{slug}/slett", response_model=None)
def delete(request: Request, slug: str, bekreft: FormText = "") -> Response:
    viewer = require_viewer(request)
    info = own_indicator(request, viewer, slug)
    viewer.require(Role.EDITOR)
    if bekreft != "ja":
        return see_other(f"/arbeidsrom/{slug}/versjoner")
    library.delete_indicator(users_of(request), viewer, info.id)
    return see_other("/arbeidsrom")
