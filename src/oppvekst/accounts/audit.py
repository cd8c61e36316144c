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
from oppvekst.glossary import N_
from oppvekst.language import _

SHOWN = 200  # the newest events the log page shows

# The stored codes of what happened. The database keeps the code (bokmål, stable); the log page
# shows it in the reader's language (the bokmål page shows the code itself).
ACTIONS = (
    N_("logget-inn"),
    N_("logget-ut-overalt"),
    N_("konto-låst"),
    N_("slettet-visning"),
    N_("opprettet-organisasjon"),
    N_("opprettet-bruker"),
    N_("opprettet-indikator"),
    N_("endret-metadata"),
    N_("slettet-indikator"),
    N_("delte-indikator"),
    N_("lastet-opp"),
    N_("gjenopprettet-versjon"),
)


def action_label(what: str) -> str:
    """``what`` as the log page shows it: the code translated, an unknown code as it is."""
    return _(what) if what in ACTIONS else what


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
        return [AuditEntry(e.who, action_label(e.what), e.at, e.detail) for e in events]
