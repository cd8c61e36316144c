"""Alembic's entry: runs the revisions in ``versions/`` on the connection ``UserStore.migrate``
hands over (``config.attributes["connection"]``), or on ``sqlalchemy.url`` when run by hand."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine, text

# The workspace's tables live on the same Base: imported so that they are in its metadata.
import oppvekst.workspace.models  # noqa: F401
from oppvekst.accounts.models import Base

# Any constant shared by every replica: PostgreSQL's advisory lock serialises their migrations.
_MIGRATION_LOCK = 7_151_015


def _run(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        # SQLite cannot ALTER most things: batch mode copies the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def _main() -> None:
    given = context.config.attributes.get("connection")
    if given is not None:
        _run(given)
        return
    engine = create_engine(context.config.get_main_option("sqlalchemy.url") or "")
    with engine.begin() as connection:
        _run(connection)
    engine.dispose()


_main()
