"""Several uvicorn worker processes on one port (``oppvekst serve --workers N``).

uvicorn starts each worker as a fresh process from import strings, so the app factory
(``oppvekst.cli.worker_app``) and the protocol class are named at module level; each worker reads its settings (the data directory among
them, handed down by ``serve`` through ``settings.hand_to_workers``) like any process. The workers
share nothing but the snapshot directory: the snapshots, ``CURRENT`` and the kept answers
(``oppvekst.cache``), so an answer one worker made is replayed by the others.
"""

from __future__ import annotations

from oppvekst.settings import get_settings
from oppvekst.web.connections import HeadDeadlineProtocol

APP = "oppvekst.cli:worker_app"  # only the entry point imports the app factory
PROTOCOL = "oppvekst.web.workers:WorkerProtocol"


class WorkerProtocol(HeadDeadlineProtocol):
    """The request-head deadline of ``web.connections``, taken from the worker's settings."""

    head_timeout = get_settings().request_header_timeout_seconds
