"""A record's publisher and licence in nynorsk and English when they carry words (#16).

Publishers and licences are names (SSB, CC BY 4.0), the same in every language, except where a
note in brackets says something: «Oppvekststatus (beregnet fra SSB)» on the indicators the portal
computes, and the licence note of the two series with IMDi's figures for early years. Those are
translated in the records' ``translations`` block, and every place a person reads them (the
indicator page, the API's metadata, a download's metadata) shows the reader's language.
"""

from __future__ import annotations

import copy
import html
import json
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient
from pydantic import ValidationError

from oppvekst.catalog import CATALOG_DIR, Catalog, load_catalog
from oppvekst.catalog.schema import Indicator
from oppvekst.catalog.texts import has_words
from oppvekst.language import Language

TRANSLATED = (Language.nn, Language.en)
COMPUTED = "Oppvekststatus (beregnet fra SSB)"
PREFIX = {Language.nb: "", Language.nn: "/nn", Language.en: "/en"}


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def test_the_notes_are_found(catalog: Catalog) -> None:
    """The rule (a bracket means words) finds the texts this test is about, and no bare name."""
    publishers = {i.source.publisher for i in catalog.indicators if has_words(i.source.publisher)}
    licences = {i.licence for i in catalog.indicators if has_words(i.licence)}
    assert publishers == {COMPUTED}
    assert len(licences) == 2 and all("IMDi, tall for" in lic for lic in licences)
    assert not has_words("SSB") and not has_words("NLOD 2.0")


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_worded_publisher_and_licence_is_translated(catalog: Catalog, lang: Language) -> None:
    worded = [
        i for i in catalog.indicators if has_words(i.source.publisher) or has_words(i.licence)
    ]
    assert len(worded) == 7
    for record in worded:
        shown = record.in_language(lang)
        for bokmal, theirs in (
            (record.source.publisher, shown.source.publisher),
            (record.licence, shown.licence),
        ):
            if has_words(bokmal):
                assert theirs != bokmal, (record.id, lang, theirs)
                assert "beregnet" not in theirs and "tall for" not in theirs, (record.id, theirs)
            else:  # a name stays as published
                assert theirs == bokmal, (record.id, lang)


def test_names_stay_and_bokmal_is_unchanged(catalog: Catalog) -> None:
    ssb = catalog.indicator("barn-0-17")
    assert ssb.in_language(Language.en).source.publisher == ssb.source.publisher == "SSB"
    computed = catalog.indicator("andel-barn-0-17")
    assert computed.in_language(Language.nb).source.publisher == COMPUTED
    assert computed.in_language(Language.en).source.publisher == (
        "Oppvekststatus (calculated from SSB figures)"
    )
    assert computed.in_language(Language.nn).source.publisher == "Oppvekststatus (rekna ut frå SSB)"


def _raw(name: str) -> dict[str, Any]:
    raw = yaml.safe_load((CATALOG_DIR / "indicators" / name).read_text(encoding="utf-8"))
    assert isinstance(raw, dict)
    return raw


@pytest.mark.parametrize(
    ("record", "field"),
    [("andel-barn-0-17.yml", "publisher"), ("barnehage-1-5.yml", "licence")],
)
def test_a_worded_name_without_its_translation_fails_validation(record: str, field: str) -> None:
    raw = _raw(record)
    Indicator.model_validate(raw)
    for lang in ("nn", "en"):
        without = copy.deepcopy(raw)
        del without["translations"][lang][field]
        with pytest.raises(ValidationError, match=f"translations.{lang}: missing {field}"):
            Indicator.model_validate(without)


@pytest.mark.parametrize("lang", TRANSLATED)
def test_page_api_and_download_show_the_translation(client: TestClient, lang: Language) -> None:
    page = client.get(f"{PREFIX[lang]}/indikator/andel-barn-0-17?fane=om")
    assert page.status_code == 200
    licence_page = client.get(f"{PREFIX[lang]}/indikator/barnehage-1-5?fane=om")
    record = client.get(f"/api/v1/indicators/andel-barn-0-17?lang={lang.value}").json()
    listed = client.get(f"/api/v1/indicators?lang={lang.value}").json()["indicators"]
    download = client.get(
        f"/api/v1/data?indicator=andel-barn-0-17&region=0301&format=jsonstat2&lang={lang.value}"
    )
    assert download.status_code == 200
    shown = {
        "page": html.unescape(page.text),
        "licence page": html.unescape(licence_page.text),
        "record": json.dumps(record, ensure_ascii=False),
        "list": json.dumps(listed, ensure_ascii=False),
        "download": json.dumps(download.json(), ensure_ascii=False),
    }
    for where, text in shown.items():
        assert "beregnet fra SSB" not in text, (lang, where)
        assert "IMDi, tall for" not in text, (lang, where)
    publisher = "rekna ut frå SSB" if lang is Language.nn else "calculated from SSB figures"
    assert publisher in shown["page"] and publisher in shown["download"]
    assert record["source"]["publisher"] == f"Oppvekststatus ({publisher})"
    licence = "IMDi, tal for 2013" if lang is Language.nn else "IMDi, figures for 2013"
    assert licence in shown["licence page"]


def test_bokmal_shows_the_records_own_words(client: TestClient) -> None:
    page = html.unescape(client.get("/indikator/andel-barn-0-17?fane=om").text)
    record = client.get("/api/v1/indicators/andel-barn-0-17").json()
    assert COMPUTED in page and record["source"]["publisher"] == COMPUTED
