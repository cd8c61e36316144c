"""The OpenAPI document and the Swagger page in bokmål, nynorsk and English (#16).

The code writes every summary and description in bokmål; ``api.docs`` translates the generated
document per language. What stays as written: titles (FastAPI makes them from field and model
names), and the catalogue record's structure notes, which are developers' documentation in English
(``catalog.schema``, the models behind ``/indicators/{id}``).
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.testclient import TestClient
from pydantic import BaseModel

from oppvekst import translations
from oppvekst.api import docs
from oppvekst.catalog import schema, texts
from oppvekst.exports import ALL_COLUMNS
from oppvekst.exports.formats import FORMATS
from oppvekst.language import Language, use

Path = tuple[str | int, ...]
TRANSLATED = (Language.nn, Language.en)
# Words of bokmål that nynorsk spells otherwise (nynorsk: ikkje, kva, kor, frå, berre, nokre, tal …).
BOKMAL_ONLY = re.compile(
    r"(?<![\w-])(ikke|hva|hvor|hvilke|hvorfor|fra|bare|noen|tall|ble|kommuner|regioner|perioder"
    r"|indikatorer|tidligere|sammenligning|sammenlign|hele|antall|forespørselen|gikk)(?![\w-])",
    re.IGNORECASE,
)


def _texts(node: Any, path: Path = ()) -> Iterator[tuple[Path, str]]:
    """(where, text) of every summary and description in a document."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in docs.READ_KEYS and isinstance(value, str):
                yield (*path, key), value
            else:
                yield from _texts(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _texts(value, (*path, index))


def _developer_notes() -> set[str]:
    """The English notes of the catalogue record's models (docstrings, field descriptions)."""
    notes: set[str] = set()
    for module in (schema, texts):
        for model in vars(module).values():
            if not (inspect.isclass(model) and issubclass(model, BaseModel)):
                continue
            if model.__doc__ and model.__module__ == module.__name__:
                notes.add(inspect.cleandoc(model.__doc__))
            notes |= {f.description for f in model.model_fields.values() if f.description}
    return notes


def _column_texts_left_to_downloads(lang: Language) -> set[str]:
    """The download columns' descriptions and the formats' labels (``exports``) that the catalogue
    of ``lang`` lacks: the downloads' own work (marked and translated with them). Once they are in
    the catalogue, the texts that hold them are checked here like every other text."""
    catalogue = translations.read(lang, "messages")
    owned = [*(c.description for c in ALL_COLUMNS), *(f.label for f in FORMATS)]
    return {text for text in owned if catalogue.get(text) is None}


def _document(client: TestClient, url: str, **headers: str) -> dict[str, Any]:
    response = client.get(url, headers=headers)
    assert response.status_code == 200
    document: dict[str, Any] = response.json()
    return document


@pytest.fixture(scope="module")
def bokmal(client: TestClient) -> dict[Path, str]:
    return dict(_texts(_document(client, "/api/v1/openapi.json")))


@pytest.fixture(scope="module")
def served(client: TestClient) -> dict[Language, dict[Path, str]]:
    return {
        Language.nn: dict(_texts(_document(client, "/api/v1/openapi.json?lang=nn"))),
        Language.en: dict(
            _texts(
                _document(
                    client, "/api/v1/openapi.json", **{"accept-language": "en-GB,en;q=0.9,nb;q=0.5"}
                )
            )
        ),
    }


def test_the_bokmal_document_is_fastapis_own(client: TestClient) -> None:
    """Bokmål is the document as the code writes it: FastAPI's, apart from its own English
    answer description."""
    app = client.app
    assert isinstance(app, FastAPI)
    reference = get_openapi(
        title=app.title,
        version=app.version,
        openapi_version=app.openapi_version,
        description=app.description,
        routes=app.routes,
    )
    served = _document(client, "/api/v1/openapi.json")
    expected = docs.translated(reference, lambda t: docs.FASTAPI_TEXTS.get(t, t))
    assert served == expected
    summaries = {served["paths"][p]["get"]["summary"] for p in served["paths"]}
    assert "Datasamlingen som serveres, og når hver kilde sist ble oppdatert" in summaries
    assert "Successful Response" not in str(served)


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_text_is_in_the_language(
    bokmal: dict[Path, str], served: dict[Language, dict[Path, str]], lang: Language
) -> None:
    theirs = served[lang]
    assert theirs.keys() == bokmal.keys()
    notes = _developer_notes()
    left = _column_texts_left_to_downloads(lang)
    same_in_nynorsk = {
        m.id for m in translations.read(Language.nn, "messages") if m.id and m.string == m.id
    }
    checked = 0
    for where, text in bokmal.items():
        if text in notes or any(column in text for column in left):
            continue
        checked += 1
        shown = theirs[where]
        if lang is Language.en:
            assert shown != text, f"{where}: still bokmål: {text!r}"
            assert not re.search("[æøå]", shown.replace("æ/ø/å", "")), (where, shown)
        else:
            # Nynorsk spells some texts as bokmål does («Regionnummer», «År»): the translator
            # says so in the catalogue, with the same text as its translation.
            assert shown != text or text in same_in_nynorsk, f"{where}: still bokmål: {text!r}"
            assert not BOKMAL_ONLY.search(shown), (where, shown)
    assert checked > 500  # the walker's paths: every operation's parameters, answers and models


def test_every_bokmal_text_is_extracted_for_the_catalogues(bokmal: dict[Path, str]) -> None:
    """A description written without ``N_`` would never reach the catalogues (nor the i18n test
    that fails on untranslated messages): every text is an extracted message or a composed one."""
    extracted = {m.id for m in translations.extract("messages") if m.id}
    with use(Language.nb):
        composed = {compose() for compose in docs.composed_descriptions()}
    notes = _developer_notes()
    columns = {c.description for c in ALL_COLUMNS}
    unmarked = {
        text for text in bokmal.values() if text not in extracted | composed | notes | columns
    }
    assert unmarked == set()
    assert "Indikatorene i katalogen" in extracted and "Svaret" in extracted


def test_the_composed_texts_follow_the_catalogue(
    served: dict[Language, dict[Path, str]],
) -> None:
    english = served[Language.en]
    sex = [v for v in english.values() if v.startswith("Sex: total (")]
    assert sex and all("female (Girls)" in text for text in sex), sex
    assert any(v == "Indicators (at most 25)" for v in english.values())


@pytest.mark.parametrize(
    ("url", "headers", "lang"),
    [
        ("/api/v1/openapi.json?lang=nn", {}, Language.nn),
        ("/nn/api/v1/openapi.json", {}, Language.nn),
        ("/api/v1/openapi.json", {"accept-language": "en"}, Language.en),
        ("/api/v1/openapi.json", {}, Language.nb),
    ],
)
def test_the_document_says_its_language(
    client: TestClient, url: str, headers: dict[str, str], lang: Language
) -> None:
    response = client.get(url, headers=headers)
    assert response.headers["content-language"] == lang.value
    assert "accept-language" in response.headers["vary"].lower()
    summary = response.json()["paths"]["/api/v1/indicators"]["get"]["summary"]
    expected = {
        Language.nb: "Indikatorene i katalogen",
        Language.nn: "Indikatorane i katalogen",
        Language.en: "The indicators in the catalogue",
    }
    assert summary == expected[lang]


@pytest.mark.parametrize(
    ("url", "headers", "lang", "words", "guide"),
    [
        ("/api/docs", {}, Language.nb, "Kom i gang med eksempler", "/api"),
        ("/api/docs?lang=en", {}, Language.en, "Get started with examples", "/en/api"),
        ("/api/docs", {"accept-language": "nn"}, Language.nn, "Kom i gang med døme", "/nn/api"),
        ("/nn/api/docs", {}, Language.nn, "Kom i gang med døme", "/nn/api"),
    ],
)
def test_the_swagger_page_is_in_the_language(
    client: TestClient, url: str, headers: dict[str, str], lang: Language, words: str, guide: str
) -> None:
    response = client.get(url, headers=headers)
    assert response.status_code == 200
    page = response.text
    assert f'<html lang="{lang.value}">' in page
    assert f'<a href="{guide}">{words}</a>' in page
    spec = "/api/v1/openapi.json" + ("" if lang is Language.nb else f"?lang={lang.value}")
    assert f'data-spec="{spec}"' in page


@pytest.mark.parametrize("lang", [Language.nb, *TRANSLATED])
def test_the_portal_links_to_the_api_docs_in_its_language(
    client: TestClient, lang: Language
) -> None:
    """The menu's «API» and the guide's links keep the page's language (not the browser's)."""
    prefix = "" if lang is Language.nb else f"/{lang.value}"
    front = client.get(prefix + "/", headers={"accept-language": "nb"}).text
    assert f'<a href="{prefix}/api/docs">API</a>' in front
    guide = client.get(prefix + "/api", headers={"accept-language": "nb"})
    assert guide.status_code == 200
    spec = "/api/v1/openapi.json" + ("" if lang is Language.nb else f"?lang={lang.value}")
    assert f'<a href="{prefix}/api/docs">' in guide.text
    assert f'<a href="{spec}">' in guide.text
    docs_page = client.get(f"{prefix}/api/docs", headers={"accept-language": "nb"}).text
    assert f'<html lang="{lang.value}">' in docs_page
