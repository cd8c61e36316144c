"""The workspace's tables: own indicators, their versions and rows, shares and upload drafts.

On the accounts' ``Base``, so one Alembic history (``r0002_own_data``) and one test of the schema
cover them. A version's rows are never changed after it is written: a new upload is a new version
and a restore only moves ``OwnIndicator.current_version``, so the previous version stays intact
whatever happens in the middle of either (both are one transaction).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from oppvekst.accounts.models import Base, utcnow


class OwnIndicator(Base):
    __tablename__ = "own_indicators"
    __table_args__ = (UniqueConstraint("organisation_id", "slug", name="uq_own_indicators_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    slug: Mapped[str] = mapped_column(String(80))
    # The ``OwnMetadata`` record as JSON (validated on the way in and out).
    meta: Mapped[str] = mapped_column(Text)
    # The number of the version every view shows; None until the first upload is confirmed.
    current_version: Mapped[int | None] = mapped_column(Integer)
    public: Mapped[bool] = mapped_column(Boolean, default=False)
    created: Mapped[datetime] = mapped_column(default=utcnow)
    # Deleted indicators are hidden at once and everywhere; the rows go with them (see library).
    deleted: Mapped[datetime | None]


class OwnVersion(Base):
    __tablename__ = "own_versions"
    __table_args__ = (UniqueConstraint("indicator_id", "number", name="uq_own_versions_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("own_indicators.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    who: Mapped[str] = mapped_column(String(320))  # the e-mail as it was, like the audit log
    created: Mapped[datetime] = mapped_column(default=utcnow)
    filename: Mapped[str] = mapped_column(String(300))
    row_count: Mapped[int] = mapped_column(Integer)


class OwnRow(Base):
    """One cell of a version, in the pipeline's tidy shape (before intervals and suppression,
    which are computed when the overlay is built, by the same functions as national data)."""

    __tablename__ = "own_rows"
    __table_args__ = (Index("ix_own_rows_version", "version_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("own_versions.id", ondelete="CASCADE"))
    region: Mapped[str] = mapped_column(String(10))
    period: Mapped[str] = mapped_column(String(20))
    sex: Mapped[str] = mapped_column(String(40))
    age: Mapped[str] = mapped_column(String(40))
    background: Mapped[str] = mapped_column(String(40))
    grade: Mapped[str] = mapped_column(String(40))
    value: Mapped[float | None] = mapped_column(Float)
    numerator: Mapped[float | None] = mapped_column(Float)
    denominator: Mapped[float | None] = mapped_column(Float)
    status: Mapped[str | None] = mapped_column(String(4))


class OwnShare(Base):
    """An own indicator shared with another organisation (read only)."""

    __tablename__ = "own_shares"

    indicator_id: Mapped[int] = mapped_column(
        ForeignKey("own_indicators.id", ondelete="CASCADE"), primary_key=True
    )
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True
    )


class UploadDraft(Base):
    """A file between upload and «Bekreft»: not data, never shown anywhere but its preview."""

    __tablename__ = "upload_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(300))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created: Mapped[datetime] = mapped_column(default=utcnow)
