"""What programs read stays the same in every language; the pages' downloads follow the page.

csv-plain's header and bytes, the JSON rows' and Parquet's names, the Parquet metadata's keys and
JSON-stat's dimension ids are one contract for nb, nn and en (their texts are translated). The
statistics bank's table at /nn/ and /en/ has the page's language; a page's download links carry
its language, and the API's kept answers are kept per language.
"""

from __future__ import annotations

import html
import io
import json
import re

import openpyxl
import pyarrow.parquet as pq  # type: ignore[import-untyped]
import pytest
from fastapi.testclient import TestClient

from oppvekst import language
from oppvekst.api.answers import AnswerCache
from oppvekst.exports import DOWNLOAD_COLUMNS, headers
from oppvekst.exports.pivot import REGION
from oppvekst.language import PREFIXED, Language

from .asked import (
    COMPARED,
    URL,
    asked_in,
    bokmaal_only,
    csv_rows,
    fetch,
    use_answer_cache,
)

# --- The machine contract -------------------------------------------------------------------------


@pytest.mark.parametrize("lang", PREFIXED)
def test_csv_plain_keeps_the_bokmaal_labels(client: TestClient, lang: Language) -> None:
    url = COMPARED + "&format=csv-plain"
    content = asked_in(client, url, lang, "param")
    bokmaal = fetch(client, url)
    assert csv_rows(content, ",")[0] == csv_rows(bokmaal, ",")[0]
    assert content == bokmaal  # ja/nei and all: the same bytes


@pytest.mark.parametrize("lang", PREFIXED)
def test_json_parquet_and_jsonstat_names_are_the_same(client: TestClient, lang: Language) -> None:
    def get(url: str, asked: Language) -> bytes:
        return asked_in(client, url, asked, "param")

    rows = {lang_: json.loads(get(COMPARED, lang_))["rows"][0].keys() for lang_ in Language}
    assert rows[lang] == rows[Language.nb]

    tables = {
        lang_: pq.read_table(io.BytesIO(get(COMPARED + "&format=parquet", lang_)))
        for lang_ in (Language.nb, lang)
    }
    assert tables[lang].column_names == tables[Language.nb].column_names
    meta = {k: json.loads(t.schema.metadata[b"oppvekst"]) for k, t in tables.items()}
    assert meta[lang].keys() == meta[Language.nb].keys()
    assert meta[lang]["kolonner"].keys() == meta[Language.nb]["kolonner"].keys()
    with language.use(lang):
        value = next(c for c in DOWNLOAD_COLUMNS if c.name == "value").described
    assert meta[lang]["kolonner"]["value"]["beskrivelse"] == value
    assert tables[lang].num_rows == tables[Language.nb].num_rows > 0

    docs = {lang_: json.loads(get(URL + "&format=jsonstat2", lang_)) for lang_ in Language}
    assert docs[lang]["id"] == docs[Language.nb]["id"]
    assert docs[lang]["role"] == docs[Language.nb]["role"]
    assert docs[lang]["extension"].keys() == docs[Language.nb]["extension"].keys()


def test_jsonstat_dimension_labels_are_in_the_language(client: TestClient) -> None:
    labels = {}
    for lang in (Language.nb, Language.en):
        doc = json.loads(asked_in(client, URL + "&format=jsonstat2", lang, "param"))
        labels[lang] = {d: v["label"] for d, v in doc["dimension"].items()}
    assert labels[Language.nb]["tid"] == "Tid"
    assert labels[Language.en]["tid"] != "Tid"
    assert labels[Language.en]["kjonn"] != labels[Language.nb]["kjonn"]


# --- The pages' download routes -------------------------------------------------------------------

BANK = "/statistikkbank/tabell.{kind}?indikator=barn-0-17&niva=fylke"


@pytest.mark.parametrize("lang", PREFIXED)
def test_the_statistics_bank_table_is_in_the_language(client: TestClient, lang: Language) -> None:
    prefix = language.prefix(lang)
    with language.use(lang):
        keys = [language._(REGION), headers()["region_text"]]
        about = language._("Om tabellen")
    csv_header = csv_rows(fetch(client, prefix + BANK.format(kind="csv")))[0]
    assert csv_header[:2] == keys
    assert not set(csv_header) & bokmaal_only(lang)
    book = openpyxl.load_workbook(io.BytesIO(fetch(client, prefix + BANK.format(kind="xlsx"))))
    sheets = book.sheetnames
    assert about in sheets
    assert [c.value for c in book[sheets[0]][1]] == csv_header
    nb_bank = csv_rows(fetch(client, BANK.format(kind="csv")))[0]
    assert nb_bank[:2] == ["region", "omrade"]


def test_the_download_links_of_an_english_page_give_english_files(client: TestClient) -> None:
    page = fetch(client, "/en/indikator/barn-0-17", **{"Accept-Language": "nb"}).decode()
    links = [
        html.unescape(h)
        for h in re.findall(r'href="(/api/v1/data\?[^"]*format=csv(?:&[^"]*)?)"', page)
    ]
    assert links
    for link in links:
        header = csv_rows(fetch(client, link, **{"Accept-Language": "nb"}))[0]
        assert not set(header) & bokmaal_only(Language.en), link


def test_a_kept_answer_is_not_served_in_another_language(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_answer_cache(monkeypatch, AnswerCache(64 * 1024 * 1024, 8 * 1024 * 1024))
    # A query no other test asks (``limit`` only pages JSON), so the portal's outer cache, which
    # lives for the process, has not kept it and both requests reach the API's own cache.
    url = URL + "&format=csv&limit=4321"
    assert csv_rows(fetch(client, url))[0][0] == "indikator"
    english = fetch(client, url, **{"Accept-Language": "en"})
    assert csv_rows(english)[0][0] == "indicator"
