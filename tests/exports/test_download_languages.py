"""The downloads people open speak the reader's language: headers, yes/no and the metadata sheet.

The Norwegian CSV and the workbook of ``/api/v1/data`` in nynorsk and English (asked by ``?lang=``
or ``Accept-Language``) carry the headers of that language and no bokmål-only header; bokmål keeps
the header it always had. The machine contract and the pages' routes: ``test_download_contract``.
"""

from __future__ import annotations

import io

import openpyxl
import pytest
from fastapi.testclient import TestClient

from oppvekst import language
from oppvekst.exports import COLUMNS, DOWNLOAD_COLUMNS, headers
from oppvekst.exports.pivot import GROUP, REGION
from oppvekst.exports.readable import yes_no
from oppvekst.language import PREFIXED, Language

from .asked import (
    COMPARED,
    IDENTIFIER,
    NB_HEADER,
    SAME_IN_ENGLISH,
    asked_in,
    bokmaal_only,
    csv_rows,
    fetch,
    headers_in,
    metadata_cells,
)

# --- The labels ---------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", list(Language))
def test_headers_are_unique_identifiers_in_every_language(lang: Language) -> None:
    """One word per column, ASCII as the bokmål ones (programs read the files too), and no two
    alike in a file: neither among the answer's columns nor among the bank table's keys."""
    named = list(headers_in(lang).values())
    assert len(named) == len(set(named)) == len(DOWNLOAD_COLUMNS)
    assert all(IDENTIFIER.match(h) for h in named), named
    with language.use(lang):
        keys = [language._(REGION), headers()["region_text"], language._(GROUP)]
    assert len(set(keys)) == 3
    assert all(IDENTIFIER.match(h) for h in keys), keys


def test_the_headers_are_translated() -> None:
    nb, nn, en = (headers_in(lang) for lang in Language)
    assert nb == COLUMNS
    assert [nb[name] for name in COLUMNS] == NB_HEADER
    assert nn["region_name"] == "regionnamn" and nn["source"] == "kjelde"
    assert nn["numerator"] == "teljar" and nn["benchmark_value"] == "samanlikning_verdi"
    assert en["region_name"] == "region_name" and en["flags"] == "note"
    assert en["sex"] == "sex" and en["lower95"] == "lower_95"
    # Every English header is English: only the words both languages share are the same.
    assert {h for h in en.values() if h in set(nb.values())} == SAME_IN_ENGLISH


def test_yes_and_no_in_every_language() -> None:
    said = {}
    for lang in Language:
        with language.use(lang):
            said[lang] = yes_no()
    assert said[Language.nb] == said[Language.nn] == {True: "ja", False: "nei"}
    assert said[Language.en] == {True: "yes", False: "no"}


def test_the_descriptions_are_translated() -> None:
    for column in DOWNLOAD_COLUMNS:
        with language.use(Language.en):
            english = column.described
        assert english and english != column.description, column.name


# --- The files people open ------------------------------------------------------------------------


@pytest.mark.parametrize("how", ["param", "accept-language"])
@pytest.mark.parametrize("lang", PREFIXED)
def test_the_csv_header_is_in_the_language(client: TestClient, lang: Language, how: str) -> None:
    rows = csv_rows(asked_in(client, COMPARED + "&format=csv", lang, how))
    assert rows[0] == list(headers_in(lang).values())
    assert not set(rows[0]) & bokmaal_only(lang)
    synthetic = rows[0].index(headers_in(lang)["synthetic"])
    with language.use(lang):
        assert {row[synthetic] for row in rows[1:]} <= set(yes_no().values())


@pytest.mark.parametrize("how", ["param", "accept-language"])
@pytest.mark.parametrize("lang", PREFIXED)
def test_the_workbook_is_in_the_language(client: TestClient, lang: Language, how: str) -> None:
    content = asked_in(client, COMPARED + "&format=xlsx", lang, how)
    book = openpyxl.load_workbook(io.BytesIO(content))
    header = [str(c.value) for c in book["Data"][1]]
    assert header == list(headers_in(lang).values())
    cells = metadata_cells(content)
    # The metadata sheet ends with the columns: each header and its meaning, in the language.
    with language.use(lang):
        described = {c.header: c.described for c in DOWNLOAD_COLUMNS}
        assert language._("Kolonner") in cells
    start = cells.index(next(h for h in header if h in cells))
    pairs = dict(zip(cells[start::2], cells[start + 1 :: 2], strict=False))
    assert pairs == described
    assert not set(cells) & bokmaal_only(lang)
    assert not set(cells) & {c.description for c in DOWNLOAD_COLUMNS} - set(described.values())


def test_bokmaal_is_unchanged(client: TestClient) -> None:
    """No language asked, or bokmål asked: the header the downloads always had."""
    plain = csv_rows(fetch(client, COMPARED + "&format=csv"))
    assert plain[0] == NB_HEADER
    assert fetch(client, COMPARED + "&format=csv&lang=nb") == fetch(
        client, COMPARED + "&format=csv"
    )
    book = openpyxl.load_workbook(io.BytesIO(fetch(client, COMPARED + "&format=xlsx")))
    assert [c.value for c in book["Data"][1]] == NB_HEADER
    synthetic = plain[0].index("syntetisk")
    assert {row[synthetic] for row in plain[1:]} <= {"ja", "nei"}
