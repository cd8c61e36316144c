"""Security headers on every response.

The CSP allows no inline scripts (all JavaScript is served from /static) and no 'unsafe-eval':
charts.js draws with Vega's expression interpreter (static/js/vendor/vega-interpreter.js), not
with Vega's default code generator, which builds every chart expression with ``new Function``.
Only embed pages (``/embed/``) may be framed by other sites; everything else denies framing.

A plain ASGI middleware (not Starlette's BaseHTTPMiddleware): it only adds headers to the response
start message, so it costs nothing per request beyond that and never buffers a body.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

_BASE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'"
)
_COMMON = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
    (b"permissions-policy", b"geolocation=(), camera=(), microphone=()"),
]
_PAGE = [
    (b"content-security-policy", f"{_BASE_CSP}; frame-ancestors 'none'".encode()),
    (b"x-frame-options", b"DENY"),
    *_COMMON,
]
_EMBED = [(b"content-security-policy", f"{_BASE_CSP}; frame-ancestors *".encode()), *_COMMON]
_OURS = {name for name, _ in _PAGE} | {name for name, _ in _EMBED}


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = _EMBED if str(scope.get("path", "")).startswith("/embed/") else _PAGE

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in _OURS]
                message = {**message, "headers": [*headers, *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)
