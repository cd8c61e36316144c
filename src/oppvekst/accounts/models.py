"""The user store's tables, as SQLAlchemy 2 typed ORM classes.

The schema itself is created and changed only by the Alembic revisions in ``alembic/versions``; a
test checks that a database migrated from empty matches these classes, so the two cannot drift.
Times are stored as naive UTC (SQLite has no time zones, and one convention for both databases keeps
comparisons honest); ``utcnow`` is the one clock.
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime

from sqlalchemy import Enum, ForeignKey, Index, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    """Now, as the naive UTC time every column holds."""
    return datetime.now(UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


class OrganisationKind(enum.StrEnum):
    KOMMUNE = "kommune"
    BYDEL = "bydel"
    FYLKESKOMMUNE = "fylkeskommune"
    DIREKTORAT = "direktorat"


class Role(enum.StrEnum):
    """What a member may do in their organisation's workspace; ordered by power."""

    READER = "reader"
    EDITOR = "editor"
    ADMIN = "admin"


def _values(kind: type[enum.StrEnum]) -> Enum:
    # Stored as the value (what people type and read), checked by a constraint, not a native enum:
    # the same on SQLite and PostgreSQL, and a new member needs no ALTER TYPE.
    return Enum(
        kind,
        values_callable=lambda members: [m.value for m in members],
        native_enum=False,
        create_constraint=True,
        length=20,
        name=f"{kind.__name__.lower()}_values",
    )


class Organisation(Base):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[OrganisationKind] = mapped_column(_values(OrganisationKind))
    # The kommune/bydel/fylke number the organisation speaks for; the directorate has none.
    region_code: Mapped[str | None] = mapped_column(String(10))
    created: Mapped[datetime] = mapped_column(default=utcnow)

    members: Mapped[list[User]] = relationship(back_populates="organisation")


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased (``identity.normalised_email``), so uniqueness is case-insensitive.
    email: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    role: Mapped[Role] = mapped_column(_values(Role))
    failed_attempts: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    created: Mapped[datetime] = mapped_column(default=utcnow)

    organisation: Mapped[Organisation] = relationship(back_populates="members")


class Session(Base):
    """A signed-in browser. Only the SHA-256 of the cookie's token is kept: a leaked database
    cannot be replayed as cookies."""

    __tablename__ = "sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created: Mapped[datetime] = mapped_column(default=utcnow)
    expires: Mapped[datetime]
    revoked: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class SavedView(Base):
    __tablename__ = "saved_views"
    __table_args__ = (Index("ix_saved_views_user_created", "user_id", "created"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(2000))
    created: Mapped[datetime] = mapped_column(default=utcnow)


class AuditEvent(Base):
    """Who did what, when: kept when the user is gone (``who`` is the e-mail as it was)."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_org_when", "organisation_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL")
    )
    who: Mapped[str] = mapped_column(String(320))
    what: Mapped[str] = mapped_column(String(60))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    detail: Mapped[str] = mapped_column(Text, default="")
