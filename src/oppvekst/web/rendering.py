"""Rendering pages: the Jinja environment, number formatting and the context every page gets.

Every page shows the data status; wherever synthetic demo values are in the snapshot, a banner says
so (``demo_banner``). Numbers are formatted the reader's way (``views.numbers``, through
``oppvekst.language``): decimal comma and thin-space thousands in bokmål and nynorsk, point and comma
in English.

Templates are translated with Jinja's ``i18n`` extension bound to ``language._``/``ngettext``
(catalogue domain ``pages``); every page gets its language (``lang``), its addresses in the three
languages (``alternates``: the ``hreflang`` links and the language switcher) and ``link`` for
internal links that keep the language.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from oppvekst import language
from oppvekst.charts.options import drawable
from oppvekst.language import Language
from oppvekst.snapshot.store import Store
from oppvekst.snapshot.table import FLAG_BY_CODE, SYMBOL_LABELS, flag_codes
from oppvekst.views.numbers import interval, interval_decimals, number, observation, when
from oppvekst.views.regions import input_error, labelled
from oppvekst.web.inputs import WRONG_ENTRY, WRONG_FIELD, with_choice
from oppvekst.web.privacy import csrf_token, viewer_of

TEMPLATES = Path(__file__).parent / "templates"

SYMBOLS = SYMBOL_LABELS  # the declared table's symbols and their Norwegian labels


def url(request: Request, **changes: Any) -> str:
    """This page's URL with some parameters changed (None or "" removes one). A wrong-entry
    message (``web.inputs``) belongs to the answer it came with, never to a link from it."""
    params = {k: v for k, v in request.query_params.items() if k not in (WRONG_FIELD, WRONG_ENTRY)}
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = str(value)
    return here(request) + ("?" + urlencode(params) if params else "")


def here(request: Request, lang: Language | None = None) -> str:
    """This page's path in ``lang`` (default: the request's): ``/nn/kommune/3201``."""
    return language.url(request.url.path, lang)


def query(request: Request, **changes: Any) -> str:
    """``url`` as a link relative to this page: the query, or the path when there is none."""
    whole = url(request, **changes)
    return whole.removeprefix(here(request)) or here(request)


class CurrentPrefix:
    """Prints the current language's URL prefix ("", "/nn", "/en"): a template global rather than a
    context variable, so that macros imported without context (the partials) have it too."""

    def __str__(self) -> str:
        return language.prefix()

    def __html__(self) -> str:
        return language.prefix()


@dataclass(frozen=True, slots=True)
class Alternate:
    """This page in one of the languages: the switcher's link and a ``hreflang`` alternate."""

    lang: Language
    name: str  # the language's name in itself («Nynorsk»)
    href: str  # path and query, with the language's prefix
    current: bool


def alternates(request: Request) -> tuple[Alternate, ...]:
    """This page (same path, same parameters) in every language, bokmål first."""
    params = [
        (k, v) for k, v in request.query_params.multi_items() if k not in (WRONG_FIELD, WRONG_ENTRY)
    ]
    tail = "?" + urlencode(params) if params else ""
    now = language.current()
    return tuple(
        Alternate(lang, language.NATIVE_NAMES[lang], here(request, lang) + tail, lang is now)
        for lang in Language
    )


environment = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html", "xml", "svg"]),
    trim_blocks=True,
    lstrip_blocks=True,
    extensions=["jinja2.ext.i18n"],
)
environment.install_gettext_callables(  # type: ignore[attr-defined]
    gettext=language._, ngettext=language.ngettext, pgettext=language.pgettext, newstyle=True
)
# {% trans %} blocks are extracted and looked up with their whitespace collapsed (one line per message).
environment.policies["ext.i18n.trimmed"] = True
environment.globals["link"] = language.url  # an internal link in the page's language
environment.globals["prefix"] = CurrentPrefix()  # before every internal path in a template
environment.filters["number"] = number
environment.globals["interval"] = interval
environment.globals["when"] = when  # a moment in the reader's language (workspace versions, status)
environment.globals["interval_decimals"] = interval_decimals
environment.globals["observation"] = observation
environment.globals["SYMBOLS"] = SYMBOLS
environment.globals["FLAGS"] = FLAG_BY_CODE  # notes on shown values: mark and meaning
environment.globals["flag_codes"] = flag_codes
environment.globals["drawable"] = drawable


@dataclass(frozen=True, slots=True)
class InputProblem:
    """A wrong entry the page was reloaded without (``web.errors.kept_view``), and the choices."""

    message: str
    hint: str
    choices: tuple[tuple[str, str], ...]  # (label, URL of this view with the choice in)


def input_problem(request: Request, store: Store | None) -> InputProblem | None:
    """The message for a page shown without a wrong area entry (``web.inputs.kept_view``)."""
    field = request.query_params.get(WRONG_FIELD)
    entry = request.query_params.get(WRONG_ENTRY)
    if store is None or not field or entry is None:
        return None
    error = input_error(store, entry, field)
    choices = []
    for code in error.suggestions:
        changes = with_choice(request, field, code)
        if changes is not None:
            label = labelled(store.registry.get(code))
            choices.append((label, url(request, **changes)))
    return InputProblem(error.message, "" if choices else error.hint, tuple(choices))


def base_context(request: Request, store: Store | None) -> dict[str, Any]:
    synthetic = store is not None and store.synthetic_rows > 0
    viewer = viewer_of(request)
    return {
        # Signed in (``web.privacy``): the header's account links and the «Lagre visning» form.
        "viewer": viewer,
        "csrf_token": csrf_token(request) if viewer is not None else "",
        "input_problem": input_problem(request, store),
        "request": request,
        "lang": language.current().value,
        "here": here(request),  # this page's path in its language (forms' action)
        "alternates": alternates(request),
        "base_url": str(request.base_url).rstrip("/"),
        "store": store,
        "snapshot_id": store.snapshot_id if store else None,
        "built_at": when(store.meta.get("built_at")) if store else None,
        "data_mode": store.data_mode if store else None,
        "demo_banner": synthetic,
        "offline": bool(store and "offline" in store.data_mode),
        "query": lambda **changes: query(request, **changes),
    }


def render(
    request: Request, template: str, store: Store | None, status_code: int = 200, **context: Any
) -> HTMLResponse:
    page = environment.get_template(template)
    html = page.render(**base_context(request, store), **context)
    return HTMLResponse(html, status_code=status_code)
