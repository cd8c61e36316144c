"""Sessions: a random 32-byte token in the browser's cookie, only its SHA-256 in the store.

A session ends when it expires, when its owner signs out, or when they sign out everywhere (every
session of that user is revoked, e.g. after a lost laptop). ``find`` is the one check every
request's cookie goes through: a revoked or expired session is no session.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, delete, or_, select, update

from oppvekst.accounts import audit
from oppvekst.accounts.models import Organisation, Session, User, utcnow
from oppvekst.accounts.store import UserStore
from oppvekst.accounts.viewer import Viewer

TOKEN_BYTES = 32
KEPT = timedelta(days=30)  # ended sessions stay this long (when and how a person signed out)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(store: UserStore, user_id: int, lifetime: timedelta) -> str:
    """A new session for the user; the token (to put in the cookie) is returned, never stored."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    now = utcnow()
    with store.transaction() as db:
        user = db.get_one(User, user_id)
        # Housekeeping at the one moment sessions are added: this user's long-dead ones go.
        db.execute(
            delete(Session).where(
                Session.user_id == user.id,
                or_(Session.expires < now - KEPT, Session.revoked < now - KEPT),
            )
        )
        db.add(
            Session(
                token_hash=token_hash(token), user_id=user.id, created=now, expires=now + lifetime
            )
        )
        audit.record(db, user.organisation_id, user.email, "logget-inn")
    return token


def find(store: UserStore, token: str, now: datetime | None = None) -> Viewer | None:
    """The person whose live session this token is, else None."""
    if not token or len(token) > 100:
        return None
    moment = now or utcnow()
    with store.transaction() as db:
        row = db.execute(
            select(Session.id, User.id, User.email, User.role, Organisation.id, Organisation.name)
            .join(User, Session.user_id == User.id)
            .join(Organisation, User.organisation_id == Organisation.id)
            .where(
                Session.token_hash == token_hash(token),
                Session.revoked.is_(None),
                Session.expires > moment,
            )
        ).first()
    if row is None:
        return None
    session_id, user_id, email, role, organisation_id, organisation_name = row
    return Viewer(user_id, email, organisation_id, organisation_name, role, session_id)


def end(store: UserStore, token: str) -> None:
    """Sign out this browser (its session only)."""
    with store.transaction() as db:
        db.execute(
            update(Session)
            .where(Session.token_hash == token_hash(token), Session.revoked.is_(None))
            .values(revoked=utcnow())
        )


def end_everywhere(store: UserStore, viewer: Viewer) -> int:
    """Revoke every live session of the viewer's account; how many there were."""
    with store.transaction() as db:
        result = db.execute(
            update(Session)
            .where(Session.user_id == viewer.user_id, Session.revoked.is_(None))
            .values(revoked=utcnow())
        )
        # An UPDATE's result is a cursor result (it has a row count), which the stubs do not say.
        ended = cast(CursorResult[Any], result).rowcount
        audit.record(
            db, viewer.organisation_id, viewer.email, "logget-ut-overalt", f"{ended} økter"
        )
    return int(ended)
