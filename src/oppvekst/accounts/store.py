"""The user store: one SQLAlchemy engine on SQLite (default) or PostgreSQL, migrated by Alembic.

``UserStore`` is the one way in: ``transaction()`` yields an ORM session that commits when the block
ends and rolls back on an error. The schema is brought to the newest Alembic revision
(``upgrade head``) the first time the store is used in a process, so a fresh laptop needs nothing
but ``make serve``, and a new replica of a PostgreSQL deployment upgrades before it answers
(``alembic/env.py`` takes an advisory lock so that two replicas starting together do not race).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from oppvekst.errors import UserStoreUnavailable
from oppvekst.language import _
from oppvekst.settings import Settings

MIGRATIONS = Path(__file__).parent / "alembic"
SQLITE_FILE = "brukere.sqlite3"


def database_url(settings: Settings, data_dir: Path) -> str:
    """``OPPVEKST_USER_DATABASE_URL``, else a SQLite file in the data directory."""
    return settings.user_database_url or f"sqlite:///{(data_dir / SQLITE_FILE).resolve()}"


def _engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        # pre_ping: a replica survives a database restart without answering 500 to the first
        # request on each stale pooled connection.
        return create_engine(url, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 15})

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(connection: Any, _record: Any) -> None:
        # SQLite ignores foreign keys unless asked, per connection; WAL lets readers run while
        # one writer writes.
        cursor = connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    return engine


def _unreachable(exc: DBAPIError) -> bool:
    # The driver's "cannot connect / connection lost" class (psycopg's and sqlite3's
    # OperationalError), as opposed to a constraint or a bug in a query, which must stay loud.
    return type(exc.orig).__name__ == "OperationalError"


class UserStore:
    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = _engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._migrated = False
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings, data_dir: Path) -> UserStore:
        return cls(database_url(settings, data_dir))

    def migrate(self) -> None:
        """``alembic upgrade head`` on this store's database (idempotent)."""
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with self.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
        self._migrated = True

    def ready(self) -> None:
        """Migrated once per process, before the first transaction."""
        if self._migrated:
            return
        with self._lock:
            if not self._migrated:
                self.migrate()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A unit of work; a database that cannot be reached is ``UserStoreUnavailable`` (503 in
        Norwegian), not a bare driver error."""
        try:
            self.ready()
            with self._sessions.begin() as session:
                yield session
        except DBAPIError as exc:
            if not exc.connection_invalidated and not _unreachable(exc):
                raise
            raise UserStoreUnavailable(
                hint=_(
                    "Innlogging og lagrede visninger virker ikke akkurat nå. Prøv igjen om litt."
                )
            ) from exc

    def close(self) -> None:
        self.engine.dispose()
