"""HEAD answered as GET without its body (RFC 9110, 9.3.2: every general-purpose server supports
GET and HEAD).

FastAPI's routes answer only the methods they name, so ``curl -I``, link checkers and uptime
monitors got 405 from every page, profile, report and most of the API. Outermost of all layers:
every other layer and the route see a GET, so the status and headers (``Content-Length`` and
``ETag`` included) are the GET's, a kept answer serves it, and only the body is left out.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Any, Send], Awaitable[None]]


class HeadAsGetMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Any, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def without_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return  # a streamed body's parts: the GET is made, none of it is sent
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, without_body)
