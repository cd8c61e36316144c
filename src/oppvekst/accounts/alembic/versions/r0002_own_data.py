"""Own data: own indicators, their versions and rows, shares and upload drafts.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision: str | None = "0001"
branch_labels = None
depends_on = None


def _cascade(target: str) -> sa.ForeignKey:
    return sa.ForeignKey(target, ondelete="CASCADE")


def upgrade() -> None:
    op.create_table(
        "own_indicators",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("organisation_id", sa.Integer(), _cascade("organisations.id"), nullable=False),
        sa.Column("slug", sa.String(80), nullable=False),
        sa.Column("meta", sa.Text(), nullable=False),
        sa.Column("current_version", sa.Integer(), nullable=True),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.Column("created", sa.DateTime(), nullable=False),
        sa.Column("deleted", sa.DateTime(), nullable=True),
        sa.UniqueConstraint("organisation_id", "slug", name="uq_own_indicators_slug"),
    )
    op.create_index("ix_own_indicators_organisation_id", "own_indicators", ["organisation_id"])
    op.create_table(
        "own_versions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("indicator_id", sa.Integer(), _cascade("own_indicators.id"), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("who", sa.String(320), nullable=False),
        sa.Column("created", sa.DateTime(), nullable=False),
        sa.Column("filename", sa.String(300), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.UniqueConstraint("indicator_id", "number", name="uq_own_versions_number"),
    )
    op.create_table(
        "own_rows",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("version_id", sa.Integer(), _cascade("own_versions.id"), nullable=False),
        sa.Column("region", sa.String(10), nullable=False),
        sa.Column("period", sa.String(20), nullable=False),
        sa.Column("sex", sa.String(40), nullable=False),
        sa.Column("age", sa.String(40), nullable=False),
        sa.Column("background", sa.String(40), nullable=False),
        sa.Column("grade", sa.String(40), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("numerator", sa.Float(), nullable=True),
        sa.Column("denominator", sa.Float(), nullable=True),
        sa.Column("status", sa.String(4), nullable=True),
    )
    op.create_index("ix_own_rows_version", "own_rows", ["version_id"])
    op.create_table(
        "own_shares",
        sa.Column(
            "indicator_id",
            sa.Integer(),
            _cascade("own_indicators.id"),
            primary_key=True,
        ),
        sa.Column(
            "organisation_id",
            sa.Integer(),
            _cascade("organisations.id"),
            primary_key=True,
        ),
    )
    op.create_table(
        "upload_drafts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("token", sa.String(64), nullable=False, unique=True),
        sa.Column("user_id", sa.Integer(), _cascade("users.id"), nullable=False),
        sa.Column("filename", sa.String(300), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_upload_drafts_user_id", "upload_drafts", ["user_id"])


def downgrade() -> None:
    for table in ("upload_drafts", "own_shares", "own_rows", "own_versions", "own_indicators"):
        op.drop_table(table)
