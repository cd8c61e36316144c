"""The language of a request: the URL prefix for pages, ``Accept-Language`` for the API.

Bokmål pages have no prefix; ``/nn/…`` and ``/en/…`` are the same pages with the same parameters.
The middleware strips the prefix from ``scope["path"]`` before anything else sees it, so the routes,
the other middlewares (limits, security headers, printable queries) and the error handlers know
one set of paths; it sets ``oppvekst.language``'s current language and ``request.state.lang``, and
links put the prefix back with ``language.url`` (``web.rendering.url`` for "this page with other
parameters", the templates' ``link``), and the middleware puts it back on every redirect's
``Location`` to a portal page, so routes redirect with plain paths.

The API (``/api/…``) answers in the language of ``?lang=`` or else ``Accept-Language`` (problem
titles and labels; data values are the same in every language). A page asked for with ``?lang=nn``
is redirected to its ``/nn/`` address, so every page in a language has one URL.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from oppvekst import language
from oppvekst.language import Language
from oppvekst.web.vary import vary_with

LANG_PARAM = "lang"


def _query_lang(scope: Scope) -> tuple[Language | None, list[tuple[str, str]]]:
    """The ``?lang=`` choice (None when absent or unknown) and the query without it."""
    pairs = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
    chosen = next((language.parse(v) for k, v in pairs if k == LANG_PARAM), None)
    return chosen, [(k, v) for k, v in pairs if k != LANG_PARAM]


@dataclass(frozen=True, slots=True)
class Chosen:
    """A request's language and its path without the language prefix."""

    lang: Language
    path: str
    is_api: bool
    # A page asked for with ``?lang=``: its address in that language (the middleware redirects).
    redirect: str | None = None


def choose(scope: Scope) -> Chosen:
    """The language of a request: its path prefix, or for the API ``?lang=`` and else
    ``Accept-Language``. The one reading of a request's language: the middleware and the outermost
    error answer (``web.errors``, which Starlette runs outside every middleware) both call it."""
    lang, bare = language.split_path(scope["path"])
    asked, rest = _query_lang(scope)
    if bare == "/api" or bare.startswith("/api/"):
        if asked is None and bare == scope["path"]:
            asked = language.from_accept_language(Headers(scope=scope).get("accept-language"))
        return Chosen(asked or lang, bare, is_api=True)
    if asked is not None and scope["type"] == "http" and scope.get("method") == "GET":
        query = "?" + urlencode(rest) if rest else ""
        return Chosen(lang, bare, is_api=False, redirect=language.url(bare, asked) + query)
    return Chosen(lang, bare, is_api=False)


def without_prefix(scope: Scope, chosen: Chosen) -> Scope:
    """``scope`` as the routes see it: the path without its language prefix, the language on
    ``request.state``."""
    if chosen.path != scope["path"]:
        raw = scope.get("raw_path") or scope["path"].encode("utf-8")
        cut = len(language.prefix(chosen.lang))  # "/nn": the same bytes in the raw path
        scope = dict(scope, path=chosen.path, raw_path=raw[cut:] or b"/")
    scope.setdefault("state", {})["lang"] = chosen.lang
    return scope


class LanguageMiddleware:
    """Outermost middleware: one language per request, from the path prefix or the API's headers."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        chosen = choose(scope)
        if chosen.redirect is not None:
            await _redirect(chosen.redirect, send)
            return
        scope = without_prefix(scope, chosen)
        lang, is_api = chosen.lang, chosen.is_api

        async def send_with_language(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("Content-Language", lang.value)
                location = headers.get("location")
                if location is not None and not is_api:
                    # Every redirect to a page of the portal keeps the visitor's language.
                    headers["location"] = language.url(location, lang)
                if is_api:
                    vary_with(headers, "Accept-Language")
            await send(message)

        with language.use(lang):
            await self.app(scope, receive, send_with_language)


async def _redirect(location: str, send: Send) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 303,
            "headers": [
                (b"location", location.encode("utf-8")),
                (b"content-length", b"0"),
                (b"cache-control", b"no-store"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": b""})
