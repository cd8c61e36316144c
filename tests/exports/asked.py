"""Asking the API and the pages for a download in a language, and reading what comes back."""

from __future__ import annotations

import csv
import io
import re

import openpyxl
import pytest
from fastapi.testclient import TestClient

from oppvekst import language
from oppvekst.api import answers, data
from oppvekst.api.answers import AnswerCache
from oppvekst.exports import headers
from oppvekst.language import Language

URL = "/api/v1/data?indicator=spesialundervisning-andel,barn-0-17&region=4203,42,0&period=2024,2025-26"
COMPARED = URL + "&compare=land"
# The bokmål header of the compared answer, written out: the contract the downloads had before
# they spoke nynorsk and English, which bokmål keeps byte for byte.
NB_HEADER = [
    "indikator", "region", "omrade", "regionnavn", "periode", "kjonn", "alder", "bakgrunn",
    "trinn", "verdi", "teller", "nevner", "nedre_95", "ovre_95", "nedre_998", "ovre_998",
    "symbol", "merknad", "kilde", "syntetisk", "kildeopplysning", "sammenligning_region",
    "sammenligning_verdi", "sammenligning_merknad", "signifikans",
]  # fmt: skip
# Words that are the same in English (the rest of an English header differs from the bokmål).
SAME_IN_ENGLISH = {"region", "symbol"}
IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")


def use_answer_cache(monkeypatch: pytest.MonkeyPatch, cache: AnswerCache) -> None:
    """The API keeps its finished answers in ``cache`` for the rest of the test."""
    monkeypatch.setattr(answers, "ANSWERS", cache)
    monkeypatch.setattr(data, "ANSWERS", cache)


def headers_in(lang: Language) -> dict[str, str]:
    with language.use(lang):
        return headers()


def bokmaal_only(lang: Language) -> set[str]:
    """The bokmål headers that a reader of ``lang`` must not meet (nynorsk shares many words)."""
    return set(headers_in(Language.nb).values()) - set(headers_in(lang).values())


def fetch(client: TestClient, url: str, **request_headers: str) -> bytes:
    response = client.get(url, headers=request_headers)
    assert response.status_code == 200, (url, response.text[:300])
    return bytes(response.content)


def asked_in(client: TestClient, url: str, lang: Language, how: str) -> bytes:
    """``url`` asked in ``lang`` by ``?lang=`` or by ``Accept-Language`` (a browser's setting)."""
    if how == "param":
        return fetch(client, f"{url}&lang={lang.value}")
    return fetch(client, url, **{"Accept-Language": f"{lang.value},nb;q=0.5"})


def csv_rows(content: bytes, delimiter: str = ";") -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=delimiter))


def metadata_cells(content: bytes) -> list[str]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return [
        str(c.value) for row in book["Metadata"].iter_rows() for c in row if c.value is not None
    ]
