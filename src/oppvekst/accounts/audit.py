"""The audit log: who did what, when, in which organisation. Only an organisation's admins read
its log, and only its own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from oppvekst.accounts.models import AuditEvent, Role
from oppvekst.accounts.store import UserStore
from oppvekst.accounts.viewer import Viewer

SHOWN = 200  # the newest events the log page shows


@dataclass(frozen=True, slots=True)
class AuditEntry:
    who: str
    what: str
    at: datetime
    detail: str


def record(db: Session, organisation_id: int | None, who: str, what: str, detail: str = "") -> None:
    db.add(AuditEvent(organisation_id=organisation_id, who=who, what=what, detail=detail))


def for_organisation(store: UserStore, viewer: Viewer) -> list[AuditEntry]:
    """The newest events of the viewer's own organisation; admins only."""
    viewer.require(Role.ADMIN)
    with store.transaction() as db:
        events = db.scalars(
            select(AuditEvent)
            .where(AuditEvent.organisation_id == viewer.organisation_id)
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
            .limit(SHOWN)
        )
        return [AuditEntry(e.who, e.what, e.at, e.detail) for e in events]
