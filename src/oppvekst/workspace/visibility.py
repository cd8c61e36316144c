"""Which own indicators a viewer may see, and the rows of their current versions.

The rule, in one query: the viewer's own organisation's indicators, those shared with it, and
those its owners made public (every signed-in organisation). Deleted indicators and indicators
without a confirmed version are never visible. Anonymous visitors see none (``visible`` is not
even asked: their answers never touch the user store and stay publicly cacheable).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import and_, or_, select

from oppvekst.accounts.models import Organisation
from oppvekst.accounts.store import UserStore
from oppvekst.accounts.viewer import Viewer
from oppvekst.workspace.library import STORED_COLUMNS, indicator_key
from oppvekst.workspace.models import OwnIndicator, OwnRow, OwnShare, OwnVersion


@dataclass(frozen=True, slots=True)
class Visible:
    """One own indicator a viewer may see, at its current version."""

    id: int
    organisation_id: int
    organisation_name: str
    slug: str
    meta: str  # the OwnMetadata JSON
    version_id: int

    @property
    def indicator_id(self) -> str:
        return indicator_key(self.organisation_id, self.slug)


def visible(store: UserStore, viewer: Viewer) -> tuple[Visible, ...]:
    shared_with_viewer = select(OwnShare.indicator_id).where(
        OwnShare.organisation_id == viewer.organisation_id
    )
    query = (
        select(
            OwnIndicator.id,
            OwnIndicator.organisation_id,
            Organisation.name,
            OwnIndicator.slug,
            OwnIndicator.meta,
            OwnVersion.id,
        )
        .join(Organisation, Organisation.id == OwnIndicator.organisation_id)
        .join(
            OwnVersion,
            and_(
                OwnVersion.indicator_id == OwnIndicator.id,
                OwnVersion.number == OwnIndicator.current_version,
            ),
        )
        .where(
            OwnIndicator.deleted.is_(None),
            or_(
                OwnIndicator.organisation_id == viewer.organisation_id,
                OwnIndicator.public.is_(True),
                OwnIndicator.id.in_(shared_with_viewer),
            ),
        )
        .order_by(OwnIndicator.id)
    )
    with store.transaction() as db:
        return tuple(Visible(*row) for row in db.execute(query).all())


def identity(seen: Sequence[Visible]) -> str:
    """A short hash of what is visible (indicator, version, metadata, owner's name): two viewers
    with the same hash see exactly the same own data, so they may share one overlay."""
    digest = hashlib.sha256()
    for v in seen:
        digest.update(f"{v.id}|{v.version_id}|{v.organisation_name}|{v.meta}\n".encode())
    return digest.hexdigest()[:16]


def version_rows(store: UserStore, version_ids: Sequence[int]) -> pd.DataFrame:
    """The stored rows of these versions (``version_id`` + the tidy columns kept)."""
    columns = [OwnRow.version_id, *(getattr(OwnRow, c) for c in STORED_COLUMNS)]
    with store.transaction() as db:
        found = db.execute(select(*columns).where(OwnRow.version_id.in_(list(version_ids)))).all()
    return pd.DataFrame([tuple(r) for r in found], columns=["version_id", *STORED_COLUMNS])
