"""The workspace (``/arbeidsrom``): an organisation's own indicators, from a template or an upload
through the preview to a confirmed version, and their versions, metadata, sharing and deletion.

The workflow is upload → draft → preview → confirm. An upload is read (``workspace.reading``) and,
if it can be read at all, kept as a draft: a draft is not data, and nothing else is stored until the
person presses «Bekreft». The preview reads the draft again for every change of the column
mapping (a plain GET form: no script needed), so what is confirmed is exactly what was shown.

Every route is behind ``check_csrf`` (the router's dependency), every answer is
``private, no-store`` (only signed-in people get past the first line of each route, and the
privacy middleware marks their answers), and all authorisation is in ``workspace.library``: a
route passes the ``Viewer`` and never decides by itself who may see what. Another organisation's
indicator answers 404, as if it did not exist.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from oppvekst.accounts import members
from oppvekst.accounts.models import Role
from oppvekst.accounts.store import UserStore
from oppvekst.accounts.viewer import Viewer
from oppvekst.errors import InvalidOwnMetadata, OppvekstError, UnknownTemplate, UploadRefused
from oppvekst.snapshot.store import Store
from oppvekst.web import workspace_forms as forms
from oppvekst.web.dependencies import current_store
from oppvekst.web.privacy import PRIVATE, accounts_of, check_csrf, require_viewer, viewer_of
from oppvekst.web.rendering import render
from oppvekst.workspace import library
from oppvekst.workspace.library import OwnIndicatorInfo
from oppvekst.workspace.mapping import (
    IGNORE_LABEL,
    ROLE_LABELS,
    ColumnMapping,
    guess_mapping,
    mapping_from_form,
)
from oppvekst.workspace.metadata import parse_metadata
from oppvekst.workspace.reading import RawTable, UploadLimits, clean_filename, read_upload
from oppvekst.workspace.templates import TEMPLATES, template_file
from oppvekst.workspace.validation import Checked, validate

router = APIRouter(
    prefix="/arbeidsrom", default_response_class=HTMLResponse, dependencies=[Depends(check_csrf)]
)
FormText = Annotated[str, Form()]
LIMITS = UploadLimits()
FORMATS = ("csv", "xlsx")


# --- Who, and which indicator -------------------------------------------------------------------
def _users(request: Request) -> UserStore:
    return accounts_of(request).store


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303, headers={"Cache-Control": PRIVATE})


def _sign_in_first(request: Request) -> RedirectResponse:
    """Anonymous (or expired) on a workspace page: the sign-in form, which brings them back."""
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return _see_other(f"/logg-inn?neste={quote(target, safe='/')}")


def _store(request: Request) -> Store | None:
    try:
        return current_store(request)
    except OppvekstError:
        return None  # no snapshot yet: the lists and forms still work


def _page(
    request: Request, template: str, status_code: int = 200, **context: object
) -> HTMLResponse:
    page = render(request, template, _store(request), status_code, **context)
    page.headers["Cache-Control"] = PRIVATE
    return page


def _own(request: Request, viewer: Viewer, slug: str) -> OwnIndicatorInfo:
    """The viewer's organisation's indicator ``slug``; anything else (unknown, deleted, another
    organisation's) is ``OwnIndicatorNotFound`` (404), as if it did not exist."""
    return library.by_slug(_users(request), viewer, slug)


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
        return _sign_in_first(request)
    return _page(
        request,
        "workspace.html",
        own=library.indicators_for(_users(request), viewer),
        templates=TEMPLATES,
        formats=FORMATS,
        can_edit=_can(viewer, Role.EDITOR),
        can_share=_can(viewer, Role.ADMIN),
        limits=LIMITS,
    )


@router.get("/mal/{name}", response_model=None)
def template(request: Request, name: str) -> Response:
    viewer = viewer_of(request)
    if viewer is None:
        return _sign_in_first(request)
    kind, _, fmt = name.rpartition(".")
    if kind not in TEMPLATES or fmt not in FORMATS:
        raise UnknownTemplate(
            f"Det finnes ingen mal «{name}».", hint="Velg en av malene i arbeidsrommet."
        )
    region_code = members.organisation(_users(request), viewer.organisation_id).region_code
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
    return _page(
        request,
        "workspace_metadata.html",
        status_code,
        action=action,
        heading=heading,
        fields=fields,
        info=info,
        problem=problem,
    )


async def _form_fields(request: Request) -> dict[str, str]:
    form = await request.form()
    return {key: value for key, value in form.items() if isinstance(value, str)}


@router.get("/ny", response_model=None)
def new_form(request: Request) -> Response:
    viewer = viewer_of(request)
    if viewer is None:
        return _sign_in_first(request)
    viewer.require(Role.EDITOR)
    return _metadata_page(request, "/arbeidsrom/ny", "Ny egen indikator", forms.metadata_fields())


@router.post("/ny", response_model=None)
async def create(request: Request) -> Response:
    viewer = require_viewer(request)
    viewer.require(Role.EDITOR)
    sent = await _form_fields(request)
    try:
        meta = parse_metadata(sent)
    except InvalidOwnMetadata as exc:
        return _metadata_page(
            request,
            "/arbeidsrom/ny",
            "Ny egen indikator",
            forms.metadata_fields(sent, exc.problems),
            exc.http_status,
            problem="Noen felt må rettes før indikatoren kan opprettes.",
        )
    info = library.create_indicator(_users(request), viewer, meta)
    return _see_other(f"/arbeidsrom/{info.slug}/last-opp")


@router.get("/{slug}/rediger", response_model=None)
def edit_form(request: Request, slug: str) -> Response:
    viewer = viewer_of(request)
    if viewer is None:
        return _sign_in_first(request)
    info = _own(request, viewer, slug)
    viewer.require(Role.EDITOR)
    return _metadata_page(
        request,
        f"/arbeidsrom/{slug}/rediger",
        f"Rediger «{info.meta.title}»",
        forms.metadata_fields(info.meta),
        info=info,
    )


@router.post("/{slug}/rediger", response_model=None)
async def edit(request: Request, slug: str) -> Response:
    viewer = require_viewer(request)
    info = _own(request, viewer, slug)
    viewer.require(Role.EDITOR)
    sent = await _form_fields(request)
    try:
        meta = parse_metadata(sent)
    except InvalidOwnMetadata as exc:
        return _metadata_page(
            request,
            f"/arbeidsrom/{slug}/rediger",
            f"Rediger «{info.meta.title}»",
            forms.metadata_fields(sent, exc.problems),
            exc.http_status,
            info=info,
            problem="Noen felt må rettes før endringene kan lagres.",
        )
    library.update_metadata(_users(request), viewer, info.id, meta)
    return _see_other(f"/arbeidsrom/{slug}/versjoner")


# --- Upload, preview, confirm ------------------------------------------------------------------
def _upload_page(
    request: Request, info: OwnIndicatorInfo, status_code: int = 200, problem: object = None
) -> HTMLResponse:
    return _page(
        request,
        "workspace_upload.html",
        status_code,
        info=info,
        problem=problem,
        templates=TEMPLATES,
        formats=FORMATS,
        limits=LIMITS,
    )


@router.get("/{slug}/last-opp", response_model=None)
def upload_form(request: Request, slug: str) -> Response:
    viewer = viewer_of(request)
    if viewer is None:
        return _sign_in_first(request)
    info = _own(request, viewer, slug)
    viewer.require(Role.EDITOR)
    return _upload_page(request, info)


@router.post("/{slug}/last-opp", response_model=None)
async def upload(
    request: Request, slug: str, fil: Annotated[UploadFile | None, File()] = None
) -> Response:
    viewer = require_viewer(request)
    info = _own(request, viewer, slug)
    viewer.require(Role.EDITOR)
    if fil is None or not fil.filename:
        refused = UploadRefused("Velg en fil å laste opp.", hint="Bruk en CSV- eller XLSX-fil.")
        return _upload_page(request, info, refused.http_status, refused)
    # One byte past the limit is enough for read_upload to refuse it by size.
    data = await fil.read(LIMITS.max_bytes + 1)
    filename = clean_filename(fil.filename)
    try:
        read_upload(data, filename, LIMITS)  # a file that cannot be read is never kept
    except UploadRefused as exc:
        return _upload_page(request, info, exc.http_status, exc)
    token = library.put_draft(_users(request), viewer, filename, data)
    return _see_other(f"/arbeidsrom/{slug}/forhandsvisning/{token}")


def _checked(
    request: Request, raw: RawTable, sent: dict[str, str] | None
) -> tuple[ColumnMapping | None, Checked | None, OppvekstError | None]:
    """The mapping (sent, else guessed) and the checked rows, or the error that stopped them."""
    registry = current_store(request).registry
    try:
        mapping = guess_mapping(raw) if sent is None else mapping_from_form(raw, sent)
    except OppvekstError as exc:
        return None, None, exc
    try:
        return mapping, validate(raw, mapping, registry), None
    except OppvekstError as exc:
        return mapping, None, exc


def _draft_gone(request: Request, info: OwnIndicatorInfo, error: OppvekstError) -> HTMLResponse:
    """The draft expired, was confirmed already, or never was this person's: upload again."""
    return _page(request, "workspace_draft_gone.html", 404, info=info, error=error)


def _preview(
    request: Request,
    info: OwnIndicatorInfo,
    token: str,
    sent: dict[str, str] | None,
    status_code: int = 200,
) -> HTMLResponse:
    viewer = require_viewer(request)
    try:
        draft = library.get_draft(_users(request), viewer, token)
    except OppvekstError as exc:
        return _draft_gone(request, info, exc)
    try:
        raw = read_upload(draft.data, draft.filename, LIMITS)
    except UploadRefused as exc:  # limits tightened since the upload: say so, keep nothing
        library.drop_draft(_users(request), viewer, token)
        return _upload_page(request, info, exc.http_status, exc)
    mapping, checked, stopped = _checked(request, raw, sent)
    problems = checked.problems if checked is not None else ()
    return _page(
        request,
        "workspace_preview.html",
        status_code if stopped is None else max(status_code, stopped.http_status),
        info=info,
        token=token,
        draft=draft,
        raw=raw,
        selects=forms.column_selects(raw, mapping, sent),
        roles=ROLE_LABELS,
        ignore_label=IGNORE_LABEL,
        stopped=stopped,
        checked=checked,
        problems=problems,  # at most validation.MAX_PROBLEMS; problem_count has them all
        problem_count=checked.problem_count if checked is not None else 0,
        rows=forms.preview_rows(raw, problems),
        confirmable=checked is not None and checked.ok and len(checked.rows) > 0,
    )


@router.get("/{slug}/forhandsvisning/{token}", response_model=None)
def preview(request: Request, slug: str, token: str) -> Response:
    viewer = viewer_of(request)
    if viewer is None:
        return _sign_in_first(request)
    info = _own(request, viewer, slug)
    viewer.require(Role.EDITOR)
    return _preview(request, info, token, forms.sent_mapping(request.query_params))


@router.post("/{slug}/forhandsvisning/{token}/bekreft", response_model=None)
async def confirm(request: Request, slug: str, token: str) -> Response:
    viewer = require_viewer(request)
    info = _own(request, viewer, slug)
    viewer.require(Role.EDITOR)
    sent = forms.sent_mapping(await _form_fields(request))
    users = _users(request)
    try:
        draft = library.get_draft(users, viewer, token)
    except OppvekstError as exc:
        return _draft_gone(request, info, exc)
    # Read and check again: what is stored is what this request checked, never a stale preview.
    raw = read_upload(draft.data, draft.filename, LIMITS)
    _mapping, checked, stopped = _checked(request, raw, sent)
    if checked is None or stopped is not None or not checked.ok or len(checked.rows) == 0:
        return _preview(request, info, token, sent, 400)
    version = library.add_version(users, viewer, info.id, checked.rows, draft.filename)
    library.drop_draft(users, viewer, token)
    return _see_other(f"/arbeidsrom/{slug}/versjoner?{urlencode({'ny': version.number})}")


# --- Versions, sharing, deletion ----------------------------------------------------------------
@router.get("/{slug}", response_model=None)
def indicator(request: Request, slug: str) -> Response:
    if viewer_of(request) is None:
        return _sign_in_first(request)
    return _see_other(f"/arbeidsrom/{quote(slug)}/versjoner")


@router.get("/{slug}/versjoner", response_model=None)
def versions(request: Request, slug: str, ny: str = "") -> Response:
    viewer = viewer_of(request)
    if viewer is None:
        return _sign_in_first(request)
    info = _own(request, viewer, slug)
    return _page(
        request,
        "workspace_versions.html",
        info=info,
        versions=library.versions(_users(request), viewer, info.id),
        new_version=ny,
        can_edit=_can(viewer, Role.EDITOR),
        can_share=_can(viewer, Role.ADMIN),
    )


@router.post("/{slug}/versjoner/{version_id}/gjenopprett", response_model=None)
def restore(request: Request, slug: str, version_id: int) -> Response:
    viewer = require_viewer(request)
    info = _own(request, viewer, slug)
    viewer.require(Role.EDITOR)
    library.restore(_users(request), viewer, info.id, version_id)
    return _see_other(f"/arbeidsrom/{slug}/versjoner")


def _sharing_page(
    request: Request, viewer: Viewer, info: OwnIndicatorInfo, status_code: int = 200
) -> HTMLResponse:
    others = [o for o in members.organisations(_users(request)) if o.id != viewer.organisation_id]
    return _page(request, "workspace_sharing.html", status_code, info=info, others=others)


@router.get("/{slug}/deling", response_model=None)
def sharing_form(request: Request, slug: str) -> Response:
    viewer = viewer_of(request)
    if viewer is None:
        return _sign_in_first(request)
    info = _own(request, viewer, slug)
    viewer.require(Role.ADMIN)
    return _sharing_page(request, viewer, info)


@router.post("/{slug}/deling", response_model=None)
async def share(request: Request, slug: str) -> Response:
    viewer = require_viewer(request)
    info = _own(request, viewer, slug)
    viewer.require(Role.ADMIN)
    form = await request.form()
    known = {o.id for o in members.organisations(_users(request))}
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
    library.share(_users(request), viewer, info.id, chosen, public)
    return _see_other(f"/arbeidsrom/{slug}/versjoner")


@router.post("/{slug}/slett", response_model=None)
def delete(request: Request, slug: str, bekreft: FormText = "") -> Response:
    viewer = require_viewer(request)
    info = _own(request, viewer, slug)
    viewer.require(Role.EDITOR)
    if bekreft != "ja":
        return _see_other(f"/arbeidsrom/{slug}/versjoner")
    library.delete_indicator(_users(request), viewer, info.id)
    return _see_other("/arbeidsrom")
