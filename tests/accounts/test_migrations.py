"""The Alembic revisions build, from an empty database, exactly the schema the models declare —
on SQLite and PostgreSQL — and can be undone and redone."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import inspect

import oppvekst.workspace.models  # noqa: F401 (its tables are on the same Base)
from oppvekst.accounts.models import Base
from oppvekst.accounts.store import MIGRATIONS, UserStore

TABLES = {"organisations", "users", "sessions", "saved_views", "audit_events"} | {
    "own_indicators",
    "own_versions",
    "own_rows",
    "own_shares",
    "upload_drafts",
}


def _tables(store: UserStore) -> set[str]:
    return set(inspect(store.engine).get_table_names()) - {"alembic_version"}


def test_migrating_from_empty_gives_the_models_schema_and_is_reversible(database_url: str) -> None:
    store = UserStore(database_url)
    try:
        assert _tables(store) == set()
        store.migrate()
        store.migrate()  # a second start finds the schema at head and changes nothing
        assert _tables(store) == TABLES
        with store.engine.connect() as connection:
            context = MigrationContext.configure(connection)
            assert context.get_current_revision() == "0002"
            assert compare_metadata(context, Base.metadata) == []
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with store.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "base")
        assert _tables(store) == set()
    finally:
        store.close()
    # ``make serve`` needs nothing more: a new process's first transaction finds the tables.
    fresh = UserStore(database_url)
    try:
        with fresh.transaction() as db:
            assert db.connection().dialect.has_table(db.connection(), "users")
        assert _tables(fresh) == TABLES
    finally:
        fresh.close()
