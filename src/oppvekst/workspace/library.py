"""The workspace's persistence: the one API the web calls for own indicators, versions, shares
and upload drafts.

Every function takes the ``UserStore`` and the ``Viewer``, checks the viewer's role, touches only
the viewer's own organisation (another organisation's indicator is ``OwnIndicatorNotFound``, as if
it did not exist), writes an audit event, and runs in one transaction: a crash or ``kill -9`` in the
middle of ``add_version`` or ``restore`` leaves the previous version current, because nothing is
committed until the new one is complete (``tests/workspace/test_kill.py``).
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from oppvekst.accounts import audit
from oppvekst.accounts.models import Organisation, Role, utcnow
from oppvekst.accounts.store import UserStore
from oppvekst.accounts.viewer import Viewer
from oppvekst.errors import (
    DraftNotFound,
    Forbidden,
    InvalidOwnRows,
    OwnIndicatorNotFound,
    OwnVersionNotFound,
)
from oppvekst.language import _
from oppvekst.snapshot.table import BREAKDOWNS
from oppvekst.workspace.metadata import OwnMetadata
from oppvekst.workspace.models import OwnIndicator, OwnRow, OwnShare, OwnVersion, UploadDraft

# The columns a version keeps of the pipeline's tidy shape (sd, n and margins are not asked for).
STORED_COLUMNS = ("region", "period", *BREAKDOWNS, "value", "numerator", "denominator", "status")
DRAFT_LIFETIME = timedelta(hours=24)
DRAFTS_PER_USER = 5  # the newest kept: a preview step, not a file store
INDICATOR_PREFIX = "egne"


@dataclass(frozen=True, slots=True)
class OwnIndicatorInfo:
    id: int
    slug: str
    organisation_id: int
    organisation_name: str
    meta: OwnMetadata
    current_version: int | None
    shared_with: tuple[int, ...]
    public: bool

    @property
    def indicator_id(self) -> str:
        """Its id in the catalogue every view reads (never one of the national ids)."""
        return indicator_key(self.organisation_id, self.slug)


@dataclass(frozen=True, slots=True)
class VersionInfo:
    id: int
    number: int
    created: datetime
    who: str
    filename: str
    rows: int
    current: bool


@dataclass(frozen=True, slots=True)
class Draft:
    token: str
    filename: str
    data: bytes
    created: datetime


def indicator_key(organisation_id: int, slug: str) -> str:
    return f"{INDICATOR_PREFIX}-{organisation_id}-{slug}"


def slug_of(title: str) -> str:
    """«Andel 5-åringer med språkvansker» → ``andel-5-aringer-med-sprakvansker``."""
    text = title.lower().replace("æ", "ae").replace("ø", "o").replace("å", "a")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:60].strip("-")
    return slug or "indikator"


# --- indicators ---------------------------------------------------------------------------------
def create_indicator(store: UserStore, viewer: Viewer, meta: OwnMetadata) -> OwnIndicatorInfo:
    viewer.require(Role.EDITOR)
    with store.transaction() as db:
        taken = set(
            db.scalars(
                select(OwnIndicator.slug).where(
                    OwnIndicator.organisation_id == viewer.organisation_id
                )
            )
        )
        base = slug_of(meta.title)
        slug, n = base, 1
        while slug in taken:
            n += 1
            slug = f"{base}-{n}"
        row = OwnIndicator(
            organisation_id=viewer.organisation_id,
            slug=slug,
            meta=meta.model_dump_json(),
            public=False,
        )
        db.add(row)
        db.flush()
        audit.record(db, viewer.organisation_id, viewer.email, "opprettet-indikator", slug)
        return _info(db, row)


def update_metadata(
    store: UserStore, viewer: Viewer, indicator_id: int, meta: OwnMetadata
) -> OwnIndicatorInfo:
    viewer.require(Role.EDITOR)
    with store.transaction() as db:
        row = _own(db, viewer, indicator_id)
        row.meta = meta.model_dump_json()
        audit.record(db, viewer.organisation_id, viewer.email, "endret-metadata", row.slug)
        return _info(db, row)


def indicators_for(store: UserStore, viewer: Viewer) -> list[OwnIndicatorInfo]:
    """The viewer's organisation's own indicators (every role may read them), by title."""
    with store.transaction() as db:
        rows = db.scalars(
            select(OwnIndicator).where(
                OwnIndicator.organisation_id == viewer.organisation_id,
                OwnIndicator.deleted.is_(None),
            )
        ).all()
        infos = [_info(db, r) for r in rows]
    return sorted(infos, key=lambda i: (i.meta.title.lower(), i.id))


def indicator(store: UserStore, viewer: Viewer, indicator_id: int) -> OwnIndicatorInfo:
    with store.transaction() as db:
        return _info(db, _own(db, viewer, indicator_id))


def by_slug(store: UserStore, viewer: Viewer, slug: str) -> OwnIndicatorInfo:
    """The viewer's organisation's indicator with this slug (the workspace's URLs use slugs)."""
    with store.transaction() as db:
        row = db.scalar(
            select(OwnIndicator).where(
                OwnIndicator.organisation_id == viewer.organisation_id,
                OwnIndicator.slug == slug,
                OwnIndicator.deleted.is_(None),
            )
        )
        if row is None:
            raise _not_found()
        return _info(db, row)


def delete_indicator(store: UserStore, viewer: Viewer, indicator_id: int) -> None:
    """Gone from every view at once; its versions and rows are deleted, the record stays
    (marked deleted) so the audit log's slug still names something."""
    viewer.require(Role.EDITOR)
    with store.transaction() as db:
        row = _own(db, viewer, indicator_id)
        db.execute(delete(OwnVersion).where(OwnVersion.indicator_id == row.id))
        db.execute(delete(OwnShare).where(OwnShare.indicator_id == row.id))
        row.deleted = utcnow()
        row.current_version = None
        row.public = False
        audit.record(db, viewer.organisation_id, viewer.email, "slettet-indikator", row.slug)


def share(
    store: UserStore,
    viewer: Viewer,
    indicator_id: int,
    organisation_ids: tuple[int, ...] | list[int],
    public: bool,
) -> OwnIndicatorInfo:
    """Who else sees it: exactly these organisations (replacing the earlier list), and everyone
    signed in when ``public``. Admins only."""
    viewer.require(Role.ADMIN)
    wanted = sorted({int(o) for o in organisation_ids} - {viewer.organisation_id})
    with store.transaction() as db:
        row = _own(db, viewer, indicator_id)
        known = set(db.scalars(select(Organisation.id).where(Organisation.id.in_(wanted))))
        if known != set(wanted):
            raise Forbidden(
                _("Indikatoren kan bare deles med organisasjoner som finnes."),
                hint=_("Velg organisasjonene fra listen."),
            )
        db.execute(delete(OwnShare).where(OwnShare.indicator_id == row.id))
        for organisation_id in wanted:
            db.add(OwnShare(indicator_id=row.id, organisation_id=organisation_id))
        row.public = bool(public)
        db.flush()
        names = ", ".join(str(o) for o in wanted) or "ingen"
        detail = f"{row.slug}: organisasjoner {names}; offentlig: {'ja' if public else 'nei'}"
        audit.record(db, viewer.organisation_id, viewer.email, "delte-indikator", detail)
        return _info(db, row)


# --- versions -------------------------------------------------------------------------------------
def add_version(
    store: UserStore, viewer: Viewer, indicator_id: int, rows: pd.DataFrame, filename: str
) -> VersionInfo:
    """The checked rows (the tidy shape) as a new version, which becomes current — all in one
    transaction, so an interruption leaves the previous version current and complete."""
    viewer.require(Role.EDITOR)
    records = _stored_records(rows)
    with store.transaction() as db:
        row = _own(db, viewer, indicator_id)
        latest = db.scalar(
            select(func.max(OwnVersion.number)).where(OwnVersion.indicator_id == row.id)
        )
        version = OwnVersion(
            indicator_id=row.id,
            number=(latest or 0) + 1,
            who=viewer.email,
            filename=filename[:300],
            row_count=len(records),
        )
        db.add(version)
        db.flush()
        for record in records:
            record["version_id"] = version.id
        db.execute(insert(OwnRow), records)
        row.current_version = version.number
        detail = f"{row.slug} versjon {version.number}: {len(records)} rader fra {version.filename}"
        audit.record(db, viewer.organisation_id, viewer.email, "lastet-opp", detail)
        return _version_info(version, row.current_version)


def versions(store: UserStore, viewer: Viewer, indicator_id: int) -> list[VersionInfo]:
    """Every version, newest first."""
    with store.transaction() as db:
        row = _own(db, viewer, indicator_id)
        found = db.scalars(
            select(OwnVersion)
            .where(OwnVersion.indicator_id == row.id)
            .order_by(OwnVersion.number.desc())
        ).all()
        return [_version_info(v, row.current_version) for v in found]


def restore(store: UserStore, viewer: Viewer, indicator_id: int, version_id: int) -> VersionInfo:
    """Make an older version current again (its rows were never changed)."""
    viewer.require(Role.EDITOR)
    with store.transaction() as db:
        row = _own(db, viewer, indicator_id)
        version = db.scalar(
            select(OwnVersion).where(OwnVersion.id == version_id, OwnVersion.indicator_id == row.id)
        )
        if version is None:
            raise OwnVersionNotFound(hint=_("Velg en av versjonene i listen."))
        row.current_version = version.number
        db.flush()
        detail = f"{row.slug} versjon {version.number}"
        audit.record(db, viewer.organisation_id, viewer.email, "gjenopprettet-versjon", detail)
        return _version_info(version, row.current_version)


# --- drafts ---------------------------------------------------------------------------------------
def put_draft(store: UserStore, viewer: Viewer, filename: str, data: bytes) -> str:
    """Keep an upload for its preview; the token names it in the next request."""
    viewer.require(Role.EDITOR)
    token = secrets.token_urlsafe(32)
    with store.transaction() as db:
        _purge_drafts(db, viewer)
        db.add(UploadDraft(token=token, user_id=viewer.user_id, filename=filename[:300], data=data))
        db.flush()
        keep = db.scalars(
            select(UploadDraft.id)
            .where(UploadDraft.user_id == viewer.user_id)
            .order_by(UploadDraft.created.desc(), UploadDraft.id.desc())
            .limit(DRAFTS_PER_USER)
        ).all()
        db.execute(
            delete(UploadDraft).where(
                UploadDraft.user_id == viewer.user_id, UploadDraft.id.not_in(keep)
            )
        )
    return token


def get_draft(store: UserStore, viewer: Viewer, token: str) -> Draft:
    """The viewer's own draft, if it is younger than ``DRAFT_LIFETIME`` (else ``DraftNotFound``)."""
    viewer.require(Role.EDITOR)
    with store.transaction() as db:
        found = db.scalar(
            select(UploadDraft).where(
                UploadDraft.token == token,
                UploadDraft.user_id == viewer.user_id,
                UploadDraft.created > utcnow() - DRAFT_LIFETIME,
            )
        )
        if found is None:
            raise DraftNotFound(
                _("Opplastingen er utløpt eller finnes ikke."), hint=_("Last opp filen på nytt.")
            )
        return Draft(found.token, found.filename, bytes(found.data), found.created)


def drop_draft(store: UserStore, viewer: Viewer, token: str) -> None:
    with store.transaction() as db:
        db.execute(
            delete(UploadDraft).where(
                UploadDraft.token == token, UploadDraft.user_id == viewer.user_id
            )
        )


# --- helpers -------------------------------------------------------------------------------------
def _not_found() -> OwnIndicatorNotFound:
    return OwnIndicatorNotFound(hint=_("Se listen over organisasjonens egne indikatorer."))


def _own(db: Session, viewer: Viewer, indicator_id: int) -> OwnIndicator:
    """The indicator if it is the viewer's organisation's and not deleted; else not found (the
    same answer whether it belongs to someone else or does not exist)."""
    row = db.get(OwnIndicator, indicator_id)
    if row is None or row.organisation_id != viewer.organisation_id or row.deleted is not None:
        raise _not_found()
    return row


def _info(db: Session, row: OwnIndicator) -> OwnIndicatorInfo:
    name = db.scalar(select(Organisation.name).where(Organisation.id == row.organisation_id))
    shared = tuple(
        sorted(db.scalars(select(OwnShare.organisation_id).where(OwnShare.indicator_id == row.id)))
    )
    return OwnIndicatorInfo(
        row.id,
        row.slug,
        row.organisation_id,
        name or "",
        OwnMetadata.model_validate_json(row.meta),
        row.current_version,
        shared,
        row.public,
    )


def _version_info(version: OwnVersion, current: int | None) -> VersionInfo:
    return VersionInfo(
        version.id,
        version.number,
        version.created,
        version.who,
        version.filename,
        version.row_count,
        version.number == current,
    )


def _purge_drafts(db: Session, viewer: Viewer) -> None:
    db.execute(
        delete(UploadDraft).where(
            UploadDraft.user_id == viewer.user_id,
            UploadDraft.created <= utcnow() - DRAFT_LIFETIME,
        )
    )


def _stored_records(rows: pd.DataFrame) -> list[dict[str, Any]]:
    missing = [c for c in ("region", "period") if c not in rows.columns]
    if missing:
        raise InvalidOwnRows(
            _("Radene mangler kolonnene {columns}.").format(columns=", ".join(missing))
        )
    if rows.empty:
        raise InvalidOwnRows(hint=_("Rett feilene i filen og last den opp igjen."))
    frame = rows.reindex(columns=list(STORED_COLUMNS))
    for column in BREAKDOWNS:
        frame[column] = frame[column].fillna("total").astype(str)
    for column in ("value", "numerator", "denominator"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    frame["region"] = frame["region"].astype(str)
    frame["period"] = frame["period"].astype(str)
    records: list[dict[str, Any]] = []
    values = {c: frame[c].to_numpy() for c in STORED_COLUMNS}
    for i in range(len(frame)):
        record: dict[str, Any] = {}
        for column in STORED_COLUMNS:
            cell = values[column][i]
            if isinstance(cell, float | np.floating):
                record[column] = None if np.isnan(cell) else float(cell)
            elif cell is None or (isinstance(cell, float) and np.isnan(cell)):
                record[column] = None
            else:
                record[column] = cell if column != "status" else (str(cell) or None)
        records.append(record)
    return records
