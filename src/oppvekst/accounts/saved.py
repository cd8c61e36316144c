"""Saved views: a signed-in person's named links to portal views (a page and its URL state).

Each view belongs to one user; every query here is filtered by the viewer's own user id, so another
person's view is indistinguishable from one that does not exist. A view's address must be a path
on this site: an absolute URL, a scheme (``javascript:``) or a protocol-relative ``//host`` would
turn the list into an open redirect or a script link.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import delete, func, select

from oppvekst.accounts import audit
from oppvekst.accounts.models import SavedView
from oppvekst.accounts.store import UserStore
from oppvekst.accounts.viewer import Viewer
from oppvekst.errors import InvalidSavedView, SavedViewNotFound
from oppvekst.language import _

MAX_NAME = 200
MAX_URL = 2000
MAX_VIEWS = 500  # per person: a list, not a storage service


@dataclass(frozen=True, slots=True)
class View:
    id: int
    name: str
    url: str
    created: datetime


def checked_url(text: str) -> str:
    """The address if it is a path on this site, else ``InvalidSavedView`` saying why."""
    url = text.strip()
    refused = InvalidSavedView(
        _("Bare adresser på denne nettsiden kan lagres."),
        hint=_("Adressen må begynne med «/», f.eks. /kommune/3201."),
    )
    if not url.startswith("/") or url.startswith(("//", "/\\")):
        raise refused
    if any(ord(c) < 32 or ord(c) == 127 or c == "\\" for c in url):
        raise refused
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        raise refused
    if len(url) > MAX_URL:
        raise InvalidSavedView(
            _("Adressen er for lang (høyst {limit} tegn).").format(limit=MAX_URL)
        )
    return url


def checked_name(text: str) -> str:
    name = " ".join(text.split())
    if not name:
        raise InvalidSavedView(_("Gi visningen et navn."))
    if len(name) > MAX_NAME:
        raise InvalidSavedView(
            _("Navnet er for langt (høyst {limit} tegn).").format(limit=MAX_NAME)
        )
    return name


def save(store: UserStore, viewer: Viewer, name: str, url: str) -> View:
    name, url = checked_name(name), checked_url(url)
    with store.transaction() as db:
        count = db.scalar(
            select(func.count()).select_from(SavedView).where(SavedView.user_id == viewer.user_id)
        )
        if (count or 0) >= MAX_VIEWS:
            raise InvalidSavedView(
                _("Du har {count} lagrede visninger, som er det meste.").format(count=MAX_VIEWS),
                hint=_("Slett noen før du lagrer flere."),
            )
        view = SavedView(user_id=viewer.user_id, name=name, url=url)
        db.add(view)
        db.flush()
        return View(view.id, view.name, view.url, view.created)


def of(store: UserStore, viewer: Viewer) -> list[View]:
    """The viewer's own views, newest first."""
    with store.transaction() as db:
        rows = db.scalars(
            select(SavedView)
            .where(SavedView.user_id == viewer.user_id)
            .order_by(SavedView.created.desc(), SavedView.id.desc())
        )
        return [View(v.id, v.name, v.url, v.created) for v in rows]


def remove(store: UserStore, viewer: Viewer, view_id: int) -> None:
    """Delete one of the viewer's own views; anyone else's is ``SavedViewNotFound``."""
    with store.transaction() as db:
        name = db.scalar(
            select(SavedView.name).where(
                SavedView.id == view_id, SavedView.user_id == viewer.user_id
            )
        )
        if name is None:
            raise SavedViewNotFound(hint=_("Den kan allerede være slettet."))
        db.execute(
            delete(SavedView).where(SavedView.id == view_id, SavedView.user_id == viewer.user_id)
        )
        audit.record(db, viewer.organisation_id, viewer.email, "slettet-visning", name)
