"""The way in for an own indicator's figures: upload → draft → preview → confirm
(``/arbeidsrom/{slug}/last-opp``, ``…/forhandsvisning/{token}``, ``…/bekreft``).

An upload is read (``workspace.reading``) and, if it can be read at all, kept as a draft: a draft
is not data, and nothing else is stored until the person presses «Bekreft». The preview reads the
draft again for every change of the column mapping (a plain GET form: no script needed), and the
confirm request reads and checks it once more with the mapping it carries, so what is stored is
exactly what that request checked. The rules of ``web.workspace`` hold here too (CSRF, private
answers, authorisation in ``workspace.library``, another organisation's slug is 404).
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from oppvekst.accounts.models import Role
from oppvekst.errors import OppvekstError, UploadRefused
from oppvekst.language import _
from oppvekst.web import workspace_forms as forms
from oppvekst.web.dependencies import current_store
from oppvekst.web.privacy import check_csrf, require_viewer, see_other, sign_in_first, viewer_of
from oppvekst.web.workspace import (
    FORMATS,
    LIMITS,
    form_fields,
    own_indicator,
    page,
    users_of,
)
from oppvekst.workspace import library
from oppvekst.workspace.library import OwnIndicatorInfo
from oppvekst.workspace.mapping import (
    IGNORE_LABEL,
    ROLE_LABELS,
    ColumnMapping,
    guess_mapping,
    mapping_from_form,
)
from oppvekst.workspace.reading import RawTable, clean_filename, read_upload
from oppvekst.workspace.templates import TEMPLATES
from oppvekst.workspace.validation import Checked, validate

router = APIRouter(
    prefix="/arbeidsrom", default_response_class=HTMLResponse, dependencies=[Depends(check_csrf)]
)


# --- Upload, preview, confirm ------------------------------------------------------------------
def _upload_page(
    request: Request, info: OwnIndicatorInfo, status_code: int = 200, problem: object = None
) -> HTMLResponse:
    return page(
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
        return sign_in_first(request)
    info = own_indicator(request, viewer, slug)
    viewer.require(Role.EDITOR)
    return _upload_page(request, info)


@router.post("/{slug}/last-opp", response_model=None)
async def upload(
    request: Request, slug: str, fil: Annotated[UploadFile | None, File()] = None
) -> Response:
    viewer = require_viewer(request)
    info = own_indicator(request, viewer, slug)
    viewer.require(Role.EDITOR)
    if fil is None or not fil.filename:
        refused = UploadRefused(
            _("Velg en fil å laste opp."), hint=_("Bruk en CSV- eller XLSX-fil.")
        )
        return _upload_page(request, info, refused.http_status, refused)
    # One byte past the limit is enough for read_upload to refuse it by size.
    data = await fil.read(LIMITS.max_bytes + 1)
    filename = clean_filename(fil.filename)
    try:
        read_upload(data, filename, LIMITS)  # a file that cannot be read is never kept
    except UploadRefused as exc:
        return _upload_page(request, info, exc.http_status, exc)
    token = library.put_draft(users_of(request), viewer, filename, data)
    return see_other(f"/arbeidsrom/{slug}/forhandsvisning/{token}")


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
    return page(request, "workspace_draft_gone.html", 404, info=info, error=error)


def _preview(
    request: Request,
    info: OwnIndicatorInfo,
    token: str,
    sent: dict[str, str] | None,
    status_code: int = 200,
) -> HTMLResponse:
    viewer = require_viewer(request)
    try:
        draft = library.get_draft(users_of(request), viewer, token)
    except OppvekstError as exc:
        return _draft_gone(request, info, exc)
    try:
        raw = read_upload(draft.data, draft.filename, LIMITS)
    except UploadRefused as exc:  # limits tightened since the upload: say so, keep nothing
        library.drop_draft(users_of(request), viewer, token)
        return _upload_page(request, info, exc.http_status, exc)
    mapping, checked, stopped = _checked(request, raw, sent)
    problems = checked.problems if checked is not None else ()
    return page(
        request,
        "workspace_preview.html",
        status_code if stopped is None else max(status_code, stopped.http_status),
        info=info,
        token=token,
        draft=draft,
        raw=raw,
        selects=forms.column_selects(raw, mapping, sent),
        roles=ROLE_LABELS,
        ignore_label=_(IGNORE_LABEL),
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
        return sign_in_first(request)
    info = own_indicator(request, viewer, slug)
    viewer.require(Role.EDITOR)
    return _preview(request, info, token, forms.sent_mapping(request.query_params))


@router.post("/{slug}/forhandsvisning/{token}/bekreft", response_model=None)
async def confirm(request: Request, slug: str, token: str) -> Response:
    viewer = require_viewer(request)
    info = own_indicator(request, viewer, slug)
    viewer.require(Role.EDITOR)
    sent = forms.sent_mapping(await form_fields(request))
    users = users_of(request)
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
    return see_other(f"/arbeidsrom/{slug}/versjoner?{urlencode({'ny': version.number})}")
