"""The crawler's states: generated from the app's routes and the snapshot's catalogue.

Every GET route of the portal that answers HTML is visited. Its path parameters are filled from the
snapshot (every indicator's default page, every package, one area of each level), so a new page or
indicator is crawled without anyone adding it; a path parameter the crawler cannot fill fails the
run (``UnknownParameter``) rather than being skipped. Beyond the defaults, ``VARIANTS`` lists the
states that matter per page (tabs, levels, benchmarks, own municipality, several areas) and
``BAD_INPUT`` the ambiguous and unknown entries after which the view must be kept.

Every state is visited in bokmål, nynorsk and English (``/nn/…``, ``/en/…``), with axe-core on the
first state of each route in each language. At phone width the other languages repeat only those
first states: the states beyond them share the page's furniture, and the words' length is what
differs between the languages.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.routing import APIRoute

from oppvekst import language
from oppvekst.language import Language
from oppvekst.snapshot.store import Store

# One area of each level: land, fylke, kommune, bydel (Vestland and Bergen have data in every
# source of the offline mirror; Grünerløkka is an Oslo bydel).
AREAS = {"land": "0", "fylke": "46", "kommune": "4601", "bydel": "030102"}
OWN = "4601"
# Paths that are not pages a person browses: files, data and assets.
NOT_PAGES = (
    "/api/",
    "/static",
    "/bilde.",
    "/data.",
    "/rapport",
    "/pakke.",
    ".xlsx",
    ".zip",
    ".pdf",
    ".{kind}",  # a file whose type is in the path (tabell.csv, ulikhet.xlsx)
)


class UnknownParameter(Exception):
    """A route has a path parameter the crawler does not know how to fill: teach it."""


@dataclass(frozen=True, slots=True)
class State:
    name: str
    url: str
    # For bad input: the first heading the page must still show (the view is kept), else None.
    keeps: str | None = None
    axe: bool = False  # axe-core is slow: run it on the first state of each route
    phone: bool = True  # also at 390 px (every embed of every indicator only at 1 280 px)


def html_routes(app: FastAPI) -> list[APIRoute]:
    """The GET routes that answer a page (HTML), in the order the app declares them."""
    found: list[APIRoute] = []

    def walk(routes: Sequence[Any]) -> None:
        for route in routes:
            if isinstance(route, APIRoute):
                found.append(route)
            elif hasattr(route, "original_router"):  # FastAPI ≥ 0.16x wraps included routers
                walk(route.original_router.routes)
            elif hasattr(route, "routes") and not hasattr(route, "app"):
                walk(route.routes)

    walk(app.routes)
    pages = []
    for route in found:
        if "GET" not in route.methods or any(part in route.path for part in NOT_PAGES):
            continue
        answers_html = route.response_class is HTMLResponse or (
            route.endpoint.__module__.startswith("oppvekst.web.")
            and route.endpoint.__module__ not in ("oppvekst.web.assets",)
        )
        if answers_html:
            pages.append(route)
    return pages


def _fillings(store: Store, parameter: str) -> list[str]:
    if parameter == "indicator_id":
        return sorted(store.indicators_with_data)
    if parameter == "code":
        return list(AREAS.values())
    if parameter == "package_id":
        return [str(p["id"]) for p in store.packages]
    raise UnknownParameter(parameter)


def _filled(route: APIRoute, store: Store) -> Iterator[str]:
    names = [p.name for p in route.dependant.path_params]
    if not names:
        yield route.path
        return
    if len(names) > 1:
        raise UnknownParameter(", ".join(names))
    values = _fillings(store, names[0])
    if route.path.endswith("/ulikhet"):
        # Only indicators with groups have an «Ulikhet» page (the others answer a Norwegian 400,
        # tested in tests/web/test_inequality_page.py; no page links there).
        values = [v for v in values if _has_groups(store, v)]
    for value in values:
        yield route.path.replace("{" + names[0] + "}", value)


def _has_groups(store: Store, indicator_id: str) -> bool:
    return any(len(v) > 1 for v in store.breakdown_values(indicator_id).values())


def _variants(store: Store) -> dict[str, list[tuple[str, str]]]:
    """Per route path: (name, query) beyond the default. Indicators chosen from what has data."""
    key = _key_indicator(store)
    return {
        "/": [],
        "/sok": [("navn", "q=bergen"), ("nummer", "q=4601"), ("tidligere", "q=0219")],
        "/kommune/{code}": [
            ("fylke-benchmark", "sammenligning=fylke"),
            ("gruppe", "sammenligning=gruppe&gruppe=Bergen,%205001"),
            ("kostra", "sammenligning=kostra"),
        ],
        "/indikator/{indicator_id}": [
            *(
                (f"{key}-{level}", f"@{key}?omrade={code}")
                for level, code in AREAS.items()
                if level in {lv.value for lv in store.indicator(key).levels}
            ),
            *((f"{key}-{tab}", f"@{key}?omrade=4601,46&fane={tab}") for tab in ("kart", "tabell")),
            (f"{key}-flere", f"@{key}?omrade=4601,4624,46,0&egen={OWN}"),
            (f"{key}-kart-fylke", f"@{key}?fane=kart&niva=fylke"),
            (f"{key}-kart-i-fylke", f"@{key}?fane=kart&fylke=46&egen={OWN}"),
            (f"{key}-kart-fylke-i-farger", f"@{key}?fane=kart&fargefylke=46&egen={OWN}"),
            (f"{key}-stolpe", f"@{key}?omrade=4601,46,0&figur=stolpe"),
        ],
        "/sammenlign": [
            ("omrader", "omrade=4601,4624,46"),
            *(
                (f"mot-{b}", f"omrade=4601,4624&sammenligning={b}")
                for b in ("land", "fylke", "kostra")
            ),
            ("kvintil", "omrade=4601,4624&farge=kvintil"),
        ],
        "/krysse": [
            ("egen", f"egen={OWN}"),
            ("egen-vekt", f"egen={OWN}&vekt=folketall"),
            ("egen-navn", "egen=barum"),  # a name as the search spells it is accepted
        ],
        "/indeks": [("egen", f"egen={OWN}")],
        "/statistikkbank": [
            ("tema", "tema=barnevern"),
            ("pivot", f"indikator={key}&niva=kommune&fylke=46"),
        ],
    }


def _bad_inputs(store: Store, lang: Language) -> list[tuple[str, str, str]]:
    """(name, url, heading that must stay): ambiguous and unknown entries in every area input,
    the heading in ``lang`` (the page's own title, or the indicator's in that language)."""
    key = _key_indicator(store)
    in_language = getattr(store, "in_language", None)  # the catalogue's texts per language
    with language.use(lang):
        title = (in_language(lang) if in_language else store).indicator(key).title
        cross, index = language._("Krysse to indikatorer"), language._("Sammensatt indeks")
    return [
        ("leggtil-tvetydig", f"/indikator/{key}?omrade=3201,3203&leggtil=Oslo", title),
        ("leggtil-ukjent", f"/indikator/{key}?omrade=4601&leggtil=Xyzby", title),
        ("omrade-ukjent", f"/indikator/{key}?omrade=4601,9999", title),
        ("egen-tvetydig", "/krysse?egen=V%C3%A5ler", cross),
        ("egen-ukjent", "/indeks?egen=Xyzby", index),
        ("gruppe-skrivefeil", "/kommune/3203?sammenligning=gruppe&gruppe=Asker,Xyzby", "Asker"),
        ("fargefylke-ukjent", f"/indikator/{key}?fane=kart&fargefylke=Xyzby", title),
    ]


def _key_indicator(store: Store) -> str:
    """A key indicator with kommune values in the snapshot (real data when there is some)."""
    latest = store.latest_by_indicator_records
    real = [i for i in latest if i not in store.synthetic_indicators]
    keys = [i for i in (real or list(latest)) if store.indicators[i].key_indicator]
    return sorted(keys or real or latest)[0]


def states(app: FastAPI, store: Store) -> list[State]:
    """Every state in every language: bokmål first, then nynorsk and English."""
    bokmål = _states(app, store)
    out = list(bokmål)
    for lang in (Language.nn, Language.en):
        keeps = {name: heading for name, _url, heading in _bad_inputs(store, lang)}
        for state in bokmål:
            bad_input = state.name.removeprefix("feil: ")
            out.append(
                State(
                    f"{lang.value} {state.name}",
                    language.url(state.url, lang),
                    keeps=keeps[bad_input] if state.keeps is not None else None,
                    axe=state.axe,
                    phone=state.phone and state.axe,
                )
            )
    return out


def _states(app: FastAPI, store: Store) -> list[State]:
    """Every state in bokmål (no prefix)."""
    variants = _variants(store)
    out: list[State] = []
    for route in html_routes(app):
        first = True
        for path in _filled(route, store):
            phone = first or not route.path.startswith("/embed/")
            out.append(State(f"{path}", path, axe=first, phone=phone))
            first = False
        for name, query in variants.get(route.path, []):
            if query.startswith("@"):  # a query for one filled value of the path parameter
                value, _, rest = query[1:].partition("?")
                url = route.path.replace("{indicator_id}", value) + "?" + rest
            elif "{code}" in route.path:  # the states of an area page: for a kommune
                url = route.path.replace("{code}", AREAS["kommune"]) + f"?{query}"
            else:
                url = f"{route.path}?{query}"
            out.append(State(f"{route.path} {name}", url))
    for name, url, heading in _bad_inputs(store, Language.nb):
        out.append(State(f"feil: {name}", url, keeps=heading))
    return out
