"""Connections that never finish a request head are closed.

uvicorn closes an idle keep-alive connection after ``timeout_keep_alive``, but a fresh connection
that sends nothing, or half a request line, or one header byte every few seconds, stays open for
ever (its keep-alive timer is only armed after a response, and any byte received cancels it): a
few hundred of those (slowloris) hold every file descriptor the server has. The protocol below
gives every request head a deadline: armed when the connection opens and again when a response
is complete, it is not moved by data that trickles in; only a complete request head (h11's
``Request`` event, i.e. a new request cycle) defuses it. A request already being answered is
never cut: a slow answer (a PDF, a package ZIP) is the server's time, not the client's.

``oppvekst serve`` hands this class to uvicorn (``http=``); the deadline is the setting
``request_header_timeout_seconds`` (``OPPVEKST_REQUEST_HEADER_TIMEOUT_SECONDS``).
"""

from __future__ import annotations

import asyncio
import contextlib

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol


class HeadDeadlineProtocol(H11Protocol):
    """uvicorn's h11 protocol with a deadline for each request head (``head_timeout`` seconds)."""

    head_timeout: float = 10.0

    _head_deadline: asyncio.TimerHandle | None = None
    _cycle_when_armed: object = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_head_deadline()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm_head_deadline()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_head_deadline()
        super().connection_lost(exc)

    def _arm_head_deadline(self) -> None:
        self._disarm_head_deadline()
        # The cycle now in place: a later request head replaces it, which is what defuses the
        # deadline (h11 parses the head inside uvicorn's handle_events, which has no hook).
        self._cycle_when_armed = self.cycle
        self._head_deadline = self.loop.call_later(self.head_timeout, self._head_deadline_passed)

    def _disarm_head_deadline(self) -> None:
        if self._head_deadline is not None:
            self._head_deadline.cancel()
            self._head_deadline = None

    def _head_deadline_passed(self) -> None:
        self._head_deadline = None
        if self.transport.is_closing():
            return
        in_flight = self.cycle is not None and not self.cycle.response_complete
        if in_flight or self.cycle is not self._cycle_when_armed:
            return
        # Half a request read: h11 may refuse a clean close; the socket closes all the same.
        with contextlib.suppress(h11.LocalProtocolError):
            self.conn.send(h11.ConnectionClosed())
        self.transport.close()


def protocol_with_head_timeout(seconds: float) -> type[HeadDeadlineProtocol]:
    """The protocol class for uvicorn's ``http=`` with this deadline (uvicorn builds one instance
    per connection from the class alone, so the number travels on the class)."""
    return type("HeadDeadlineProtocol", (HeadDeadlineProtocol,), {"head_timeout": seconds})
