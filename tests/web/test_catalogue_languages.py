"""The catalogue's texts on pages and in the API, in bokmål, nynorsk and English (#16).

In process, on the fixture snapshot: what the `/nn/` and `/en/` pages show comes from the records'
``translations`` through ``Store.in_language``; region names are SSB's in every language.
"""

from __future__ import annotations

import html

import pytest
from fastapi.testclient import TestClient

from oppvekst.language import Language
from oppvekst.snapshot.store import Store

PREFIX = {Language.nb: "", Language.nn: "/nn", Language.en: "/en"}


def _page(client: TestClient, lang: Language, path: str) -> str:
    response = client.get(PREFIX[lang] + path)
    assert response.status_code == 200, (lang, path)
    assert f'<html lang="{lang.value}"' in response.text
    return html.unescape(response.text)


@pytest.mark.parametrize("lang", [Language.nn, Language.en])
def test_indicator_page_reads_the_record_in_the_language(
    client: TestClient, store: Store, lang: Language
) -> None:
    record = store.indicator("mobbing-10-trinn")
    text = record.translations.of(lang)
    page = _page(client, lang, "/indikator/mobbing-10-trinn")
    about = _page(client, lang, "/indikator/mobbing-10-trinn?fane=om")
    assert text.title in page and text.comparability_breaks[0] in page
    assert text.definition in about and text.rationale in about and text.source_title in about
    assert text.disclosure_note and text.disclosure_note in about
    assert all(caveat in about for caveat in text.caveats)
    # No bokmål text of the record is left on either.
    shown = (record.title, record.definition, record.disclosure.note, *record.caveats)
    for bokmal in (*shown, record.comparability_breaks[0].note):
        assert bokmal not in page and bokmal not in about


def test_bokmal_pages_keep_the_records_own_text(client: TestClient, store: Store) -> None:
    record = store.indicator("barn-0-17")
    page = _page(client, Language.nb, "/indikator/barn-0-17")
    assert record.title in page and record.translations.en.title not in page


@pytest.mark.parametrize("lang", [Language.nn, Language.en])
def test_topics_and_packages_in_the_language(
    client: TestClient, store: Store, lang: Language
) -> None:
    translated = store.in_language(lang)
    front = _page(client, lang, "/")
    for topic in translated.topics:
        assert topic["title"] in front
    packages = _page(client, lang, "/pakker")
    for record, ours in zip(translated.packages, store.packages, strict=True):
        assert record["id"] == ours["id"] and record["title"] in packages
        assert record["description"] != ours["description"]
    one = _page(client, lang, "/pakker/tilstandsrapport-barnevern")
    chosen = next(p for p in translated.packages if p["id"] == "tilstandsrapport-barnevern")
    assert chosen["purpose"] in one
    assert "kommunestyret hvert år får en rapport" not in one  # the bokmål purpose


def test_breakdown_labels_follow_the_page_language(client: TestClient) -> None:
    """The age groups of «Barn 0–17 år» in the selector: the catalogue's words per language."""
    assert ">6–12 år<" in _page(client, Language.nb, "/indikator/barn-0-17")
    assert ">6–12 år<" in _page(client, Language.nn, "/indikator/barn-0-17")
    english = _page(client, Language.en, "/indikator/barn-0-17")
    assert ">6–12 years<" in english and ">6–12 år<" not in english


@pytest.mark.parametrize("lang", list(Language))
@pytest.mark.parametrize(
    ("code", "name"),
    [("5610", "Kárášjohka - Karasjok"), ("5538", "Storfjord - Omasvuotna - Omasvuono")],
)
def test_region_names_as_ssb_publishes_them_in_every_language(
    client: TestClient, store: Store, lang: Language, code: str, name: str
) -> None:
    assert store.in_language(lang).regions[code].name == name
    assert f"<h1>{name}" in _page(client, lang, f"/kommune/{code}")


def test_api_answers_in_the_asked_language_with_the_same_data(client: TestClient) -> None:
    def titles(headers: dict[str, str]) -> dict[str, str]:
        answer = client.get("/api/v1/indicators", headers=headers)
        assert answer.status_code == 200
        return {row["id"]: row["title"] for row in answer.json()["indicators"]}

    nb, en = titles({}), titles({"Accept-Language": "en-GB,en;q=0.8"})
    assert nb["barn-0-17"] == "Antall barn 0–17 år per 1. januar"
    assert en["barn-0-17"] == "Number of children aged 0–17 on 1 January"
    assert titles({"Accept-Language": "nn"})["barn-0-17"] == "Talet på barn 0–17 år per 1. januar"
    assert set(nb) == set(en)

    params = {"indicator": "barn-0-17", "region": "3201"}
    data_nb = client.get("/api/v1/data", params=params)
    data_en = client.get("/api/v1/data", params=params, headers={"Accept-Language": "en"})
    assert data_nb.status_code == data_en.status_code == 200
    values = [(r["period"], r["value"]) for r in data_nb.json()["rows"]]
    assert values and values == [(r["period"], r["value"]) for r in data_en.json()["rows"]]


def test_the_language_copies_share_the_snapshot(store: Store) -> None:
    english = store.in_language(Language.en)
    assert store.in_language(Language.en) is english  # made once per language
    assert store.in_language(Language.nb) is store and english.in_language(Language.nb) is store
    assert english.in_language(Language.nn) is store.in_language(Language.nn)
    # The snapshot's indexes are read once for all languages, whichever asks first.
    assert english.observation_table is store.observation_table
    assert english.kommune_years is store.kommune_years
    assert english.regions is store.regions and english.snapshot_id == store.snapshot_id
    assert english.indicators["barn-0-17"].title != store.indicators["barn-0-17"].title
    assert english.indicators.keys() == store.indicators.keys()
