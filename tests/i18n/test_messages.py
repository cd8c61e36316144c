"""Text made in Python, in the reader's language: sentences, labels, problems and the PDF report.

The translations come from ``locale/{nn,en}/LC_MESSAGES/messages.po`` (``test_catalogues`` checks
that every message is there); these tests check that the code asks for them where a person meets
the text: a page's generated sentences, the API's problem titles (``Accept-Language``), labels read
from module-level tables at request time, and the PDF report, read back with pdftotext.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.reports.pdf_reading import pdf_text

from oppvekst import language
from oppvekst.language import Language
from oppvekst.snapshot.store import Store
from oppvekst.snapshot.table import FLAG_BY_CODE, SYMBOL_LABELS
from oppvekst.stats.sentences import benchmark_phrase
from oppvekst.views.regions import LEVEL_NAMES

# Bokmål words of the report's own frame (headings, labels, method texts): none may survive in the
# nynorsk or English report. Nynorsk spellings differ (ikkje, frå, samanlikna, tal, kjelde).
BOKMAL_FRAME = (
    "Sammenlignet med",
    "Tegn og metoder",
    "Kilder og lisenser",
    "Slik er tallene regnet",
    "Ingen signifikant forskjell",
    "Spredning blant kommunene",
    "landsgjennomsnittet",
)
# Common Norwegian words (both written standards) that an English text never contains as words.
NORWEGIAN_WORDS = {
    "og", "ikke", "ikkje", "er", "med", "fra", "frå", "som", "av", "til", "på", "eller", "enn",
    "det", "har", "kan", "mangler", "manglar", "tall", "tal", "kommune", "kommuner", "kommunar",
    "sammenlignet", "samanlikna", "kilde", "kjelde", "landet", "barn", "andel", "andelen",
}  # fmt: skip


def test_module_level_labels_are_read_in_the_current_language() -> None:
    """A table made at import (no request, bokmål) still answers in the reader's language."""
    assert LEVEL_NAMES["kommune"] == "Kommune"
    with language.use(Language.en):
        assert LEVEL_NAMES["kommune"] == "Municipality"
        assert SYMBOL_LABELS[":"].startswith("Hidden for privacy")
        assert FLAG_BY_CODE["harmonised"].mark == "h"
        assert FLAG_BY_CODE["harmonised"].label.startswith("Converted to today's")
        assert benchmark_phrase("country") == "the national average"
    with language.use(Language.nn):
        assert benchmark_phrase("county") == "fylkesgjennomsnittet"
        assert SYMBOL_LABELS[".."] == "Talgrunnlag manglar"
    assert SYMBOL_LABELS[".."] == "Tallgrunnlag mangler"  # back to bokmål outside the block


def test_profile_sentences_follow_the_url_language(client: TestClient) -> None:
    nb = client.get("/kommune/3201").text
    en = client.get("/en/kommune/3201").text
    nn = client.get("/nn/kommune/3201").text
    assert "landsgjennomsnittet" in nb
    assert "the national average" in en and "landsgjennomsnittet" not in en
    assert "landsgjennomsnittet" in nn  # the same word in nynorsk
    assert " ikke " not in nn and " ikkje " in nn


@pytest.mark.parametrize(
    ("accept", "title"),
    [
        ("en-GB,en;q=0.9", "Nothing found at this address"),
        ("nn", "Fann ingenting på denne adressa"),
        (None, "Fant ingenting på denne adressen"),
    ],
)
def test_api_problem_titles_follow_accept_language(
    client: TestClient, accept: str | None, title: str
) -> None:
    headers = {"Accept-Language": accept} if accept else {}
    answer = client.get("/api/v1/finnes-ikke", headers=headers)
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("application/problem+json")
    body = answer.json()
    assert body["title"] == title
    assert body["code"] == "not-found"  # codes never change with the language


def test_api_validation_message_in_english(client: TestClient) -> None:
    answer = client.get(
        "/api/v1/data?indicator=barn-0-17&region=fylke:99", headers={"Accept-Language": "en"}
    )
    assert answer.status_code == 422
    assert answer.json()["title"] == "“99” is not a county number."
    assert answer.json()["detail"] == "Use e.g. fylke:40."


def _words(text: str, store: Store) -> set[str]:
    """The words of ``text`` without names: the catalogue's fields that are names in every language
    (publisher, licence, source table, indicator ids), the snapshot's mode label and addresses."""
    text = text.replace("- ", "-")  # a word hyphenated at a line end
    names = [store.data_mode]
    for ind in store.indicators.values():
        names += [ind.source.publisher, ind.licence, ind.source.table or "", ind.id]
    for name in sorted(filter(None, names), key=len, reverse=True):
        text = text.replace(name, " ")
    text = re.sub(r"https?://\S+", " ", text)
    return {w.lower() for w in re.findall(r"[A-Za-zÆØÅæøå]+", text)}


def test_the_english_pdf_report_has_no_norwegian_words(
    client: TestClient, store: Store, tmp_path: Path
) -> None:
    answer = client.get("/en/kommune/3201/rapport.pdf")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/pdf"
    text = pdf_text(answer.content, tmp_path)
    for english in ("Summary", "Barometer", "Symbols and methods", "Sources and licences"):
        assert english in text
    assert "Bærum" in text  # names stay names
    assert not [w for w in BOKMAL_FRAME if w in text]
    assert sorted(_words(text, store) & NORWEGIAN_WORDS) == []
    assert "/en/kommune/3201/rapport.pdf" in text  # its own address keeps the language
    assert re.search(r"\d\.\d", text)  # decimal point in English


def test_the_nynorsk_pdf_report_is_nynorsk(
    client: TestClient, store: Store, tmp_path: Path
) -> None:
    answer = client.get("/nn/kommune/3201/rapport.pdf")
    assert answer.status_code == 200
    text = pdf_text(answer.content, tmp_path)
    assert "Teikn og metodar" in text and "Kjelder og lisensar" in text
    assert not [w for w in BOKMAL_FRAME[:6] if w in text]
    bokmal_only = {"ikke", "fra", "mangler", "sammenlignet", "kilde", "kommuner", "tall"}
    assert sorted(_words(text, store) & bokmal_only) == []
