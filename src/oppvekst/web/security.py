"""Security headers on every response.

The CSP allows no inline scripts (all JavaScript is served from /static); Vega compiles chart
expressions with ``new Function``, hence 'unsafe-eval' for scripts. Only embed pages (``/embed/``)
may be framed by other sites; everything else denies framing.
"""

from __future__ import annotations

from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import Response

_BASE_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'"
)


class SecurityHeadersMiddleware(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        response = await call_next(request)
        embed = request.url.path.startswith("/embed/")
        frame_rule = "frame-ancestors *" if embed else "frame-ancestors 'none'"
        response.headers["Content-Security-Policy"] = f"{_BASE_CSP}; {frame_rule}"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
        if not embed:
            response.headers["X-Frame-Options"] = "DENY"
        response.headers["Permissions-Policy"] = "geolocation=(), camera=(), microphone=()"
        return response
