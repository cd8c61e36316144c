"""Connections that never finish a request head are closed (slowloris): a silent connection, half
a request line and a head dripped byte by byte are all closed once the head deadline passes; a
normal request, a head completed slowly within the deadline, and an answer slower than the
deadline all still work.

The real ``oppvekst serve`` process proves the wiring (setting → serve → uvicorn); the protocol's
finer cases run against a real uvicorn server in a thread with a small ASGI app, so an answer can
be made slower than the deadline without loading the shared machine.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from starlette.types import Receive, Scope, Send

from oppvekst.web.connections import protocol_with_head_timeout
from oppvekst.web.process import free_port

from .portal_process import portal

DEADLINE = 1.0
# Closed after the deadline, well before a test would give up (the machine is shared and slow).
CLOSED_WITHIN = 4.0


def _connect(base: str) -> socket.socket:
    host, port = base.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=10)
    sock.settimeout(CLOSED_WITHIN + 4)
    return sock


def _seconds_until_closed(sock: socket.socket) -> float:
    """Seconds until the server closes the connection (reads and discards anything it sends)."""
    start = time.monotonic()
    with contextlib.suppress(ConnectionResetError):
        while sock.recv(4096):
            pass
    return time.monotonic() - start


def _raw_get(sock: socket.socket, path: str, *, pause: float = 0.0) -> bytes:
    """A GET sent in two halves with ``pause`` seconds between; the whole answer."""
    head = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode()
    sock.sendall(head[:20])
    time.sleep(pause)
    sock.sendall(head[20:])
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


# --- The real portal --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def served(snapshot_dir: Path) -> Iterator[str]:
    with portal(snapshot_dir, OPPVEKST_REQUEST_HEADER_TIMEOUT_SECONDS=str(DEADLINE)) as base:
        yield base


def test_the_portal_closes_a_connection_that_sends_nothing(served: str) -> None:
    with _connect(served) as sock:
        waited = _seconds_until_closed(sock)
    assert DEADLINE * 0.8 <= waited < CLOSED_WITHIN


def test_the_portal_closes_half_a_request_line(served: str) -> None:
    with _connect(served) as sock:
        sock.sendall(b"GET /api/v1/sta")
        waited = _seconds_until_closed(sock)
    assert DEADLINE * 0.8 <= waited < CLOSED_WITHIN


def test_the_portal_still_answers_a_normal_and_a_slow_but_complete_request(served: str) -> None:
    assert httpx.get(f"{served}/api/v1/status", timeout=30).status_code == 200
    with _connect(served) as sock:
        answer = _raw_get(sock, "/api/v1/status", pause=DEADLINE * 0.4)
    assert answer.startswith(b"HTTP/1.1 200 ")
    assert b'"snapshot' in answer


# --- The protocol on its own -----------------------------------------------------------------

SLOW_ANSWER = 1.25  # seconds; longer than the deadline below (0.5 s)


async def _small_app(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] != "http":
        return
    if scope["path"] == "/slow":
        await asyncio.sleep(SLOW_ANSWER)
    await send(
        {"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"4")]}
    )
    await send({"type": "http.response.body", "body": b"svar"})


@pytest.fixture(scope="module")
def small_server() -> Iterator[str]:
    port = free_port()
    config = uvicorn.Config(
        _small_app,
        host="127.0.0.1",
        port=port,
        http=protocol_with_head_timeout(0.5),
        log_level="warning",
        lifespan="off",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def test_a_head_dripped_byte_by_byte_does_not_move_the_deadline(small_server: str) -> None:
    head = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 40
    with _connect(small_server) as sock:
        start = time.monotonic()
        closed_after = None
        for byte in head:
            try:
                sock.sendall(bytes([byte]))
            except (BrokenPipeError, ConnectionResetError):
                closed_after = time.monotonic() - start
                break
            time.sleep(0.1)  # 40+ bytes: over 4 s of dripping if nobody stops it
        if closed_after is None:
            closed_after = time.monotonic() - start + _seconds_until_closed(sock)
    assert closed_after < 0.5 + 1.5


def test_an_answer_slower_than_the_deadline_is_not_cut(small_server: str) -> None:
    with _connect(small_server) as sock:
        answer = _raw_get(sock, "/slow")
    assert answer.startswith(b"HTTP/1.1 200 ") and answer.endswith(b"svar")


def test_a_kept_alive_connection_gets_a_new_deadline_after_each_answer(small_server: str) -> None:
    with _connect(small_server) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        first = sock.recv(4096)
        assert first.startswith(b"HTTP/1.1 200 ")
        sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.")  # the next head, never finished
        waited = _seconds_until_closed(sock)
    # uvicorn's own keep-alive timer (5 s) is cancelled by the bytes above; the deadline is not.
    assert waited < 0.5 + 1.5
