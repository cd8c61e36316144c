"""Several uvicorn worker processes on one port (``oppvekst serve --workers N``).

uvicorn starts each worker as a fresh process from import strings, so the app and the protocol
class are named here at module level; each worker reads its settings (the data directory among
them, handed down by ``serve`` through ``settings.hand_to_workers``) like any process. The workers
share nothing but the snapshot directory: the snapshots, ``CURRENT`` and the kept answers
(``oppvekst.cache``), so an answer one worker made is replayed by the others.
"""

from __future__ import annotations

from fastapi import FastAPI

from oppvekst.settings import get_settings
from oppvekst.snapshot.files import DataDir
from oppvekst.web.connections import HeadDeadlineProtocol

APP = "oppvekst.web.workers:worker_app"
PROTOCOL = "oppvekst.web.workers:WorkerProtocol"


class WorkerProtocol(HeadDeadlineProtocol):
    """The request-head deadline of ``web.connections``, taken from the worker's settings."""

    head_timeout = get_settings().request_header_timeout_seconds


def worker_app() -> FastAPI:
    from oppvekst.web.app import create_app

    return create_app(DataDir(get_settings().data_dir.resolve()))
