"""The settings: every ``OPPVEKST_*`` environment variable, declared and read in this one module.

``get_settings()`` reads the environment once per process and keeps the result, so a setting means
the same thing for every request; modules take what they need from it (or are handed it) instead
of reading the environment on their own (``tests/quality/test_layout.py`` checks that). An empty
variable counts as unset. A value that cannot be parsed stops the program with the variable's name
(``InvalidSettings``) rather than being quietly replaced by the default.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from oppvekst.errors import InvalidSettings

PREFIX = "OPPVEKST_"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=PREFIX, env_ignore_empty=True, frozen=True)

    # Where things are. ``--data-dir`` and ``--mirror`` on the command line win over these.
    data_dir: Path = Path("data")
    mirror: Path | None = None  # else ../shared/data beside the checkout, when it exists
    boundaries: Path | None = None  # map boundaries, else the mirror's or ../shared/data's
    font_dir: Path | None = None  # else Debian's fonts-dejavu-core and fonts-liberation2
    figure_cache: Path | None = None  # else <data dir>/cache/figurer

    # Memory and disk budgets (MB); 0 turns the answer cache off.
    answer_cache_mb: float = 64.0
    figure_cache_mb: float = 256.0

    # Whole public answers kept per snapshot (``oppvekst.cache``, docs/deployment.md): on disk
    # beside the snapshots (``<data dir>/cache/svar/<snapshot id>``), 0 turns the cache off; the
    # hottest also in memory; none larger than the entry bound.
    response_cache_mb: Annotated[float, Field(ge=0)] = 1024.0
    response_cache_memory_mb: Annotated[float, Field(ge=0)] = 64.0
    response_cache_entry_mb: Annotated[float, Field(gt=0)] = 32.0
    # What a public answer tells browsers and CDNs (``Cache-Control``), and how long a reverse
    # proxy in front of the replicas may keep it before asking again with ``If-None-Match``
    # (``X-Accel-Expires``, which only nginx reads): short, so a publish shows at once.
    response_max_age_seconds: Annotated[int, Field(ge=0)] = 60
    response_stale_seconds: Annotated[int, Field(ge=0)] = 86_400
    response_proxy_seconds: Annotated[int, Field(ge=0)] = 1
    # Fill the cache in the background after a publish and at start (one request at a time).
    response_cache_warm: bool = True
    # The address the public reaches the portal at (``https://oppvekst.example.no``): the host
    # the warmed answers are made for; unset, the warmer waits for the first request's host.
    public_url: str | None = None

    # Abuse limits (``web.limits``): ``burst/per_minute``, or ``off``; empty means the default.
    rate_limit: str = ""
    render_slots: int = 2
    # Peers whose X-Forwarded-For is believed, comma-separated.
    trusted_proxies: Annotated[frozenset[str], NoDecode] = frozenset()
    # Seconds a connection may take to send a complete request head (``web.connections``).
    request_header_timeout_seconds: Annotated[float, Field(gt=0)] = 10.0

    # The official APIs, overridable so tests can point the real connectors at a fake server;
    # None is the official address (``pipeline.acquire.SourceBases``).
    ssb_base: str | None = None
    klass_base: str | None = None
    fhi_base: str | None = None
    udir_base: str | None = None
    # Back-off of the live HTTP client; None keeps ``sources.http.RetryPolicy``'s default.
    http_retry_attempts: int | None = None
    http_retry_base_delay: float | None = None
    http_retry_max_delay: float | None = None

    # Own data (``oppvekst.accounts``, docs/accounts.md): the user store and sign-in. The database
    # is SQLite in the data directory unless a URL is given (postgresql+psycopg://… for replicas).
    user_database_url: str | None = None  # else sqlite:///<data dir>/brukere.sqlite3
    session_hours: float = 12.0
    lockout_attempts: int = 5  # failed sign-ins in a row before the account is locked …
    lockout_minutes: int = 15  # … for this long
    # Secure on the session and CSRF cookies: None = on, except for plain http to a loopback host
    # (``make serve`` on http://127.0.0.1); true/false force it.
    cookie_secure: bool | None = None

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        if isinstance(value, str):
            return frozenset(part.strip() for part in value.split(",") if part.strip())
        return value


@cache
def get_settings() -> Settings:
    """The settings of this process, read from the environment on first use."""
    try:
        return Settings()
    except ValidationError as exc:
        wrong = ", ".join(
            f"{PREFIX}{'.'.join(str(p) for p in e['loc']).upper()} ({e['msg']})"
            for e in exc.errors()
        )
        raise InvalidSettings(
            f"Ugyldig verdi i miljøvariabel: {wrong}.",
            hint="Rett verdien eller fjern variabelen for å bruke standardverdien.",
        ) from exc


def hand_to_workers(**values: str) -> None:
    """Settings for the worker processes this process starts (``oppvekst serve --workers``),
    which read them from the environment like any process; this process reads them again too."""
    for name, value in values.items():
        os.environ[PREFIX + name.upper()] = value
    get_settings.cache_clear()


def child_environment(extra: Mapping[str, str]) -> dict[str, str]:
    """This process's environment plus ``extra``: what a child process (the portal started by
    the tests and benchmarks) is given, so the child reads its settings the same way."""
    return {**os.environ, **extra}
