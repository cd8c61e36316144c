"""The catalogue's texts in nynorsk and English (#16): required by the schema, complete, and in
the right language.

The records are the real catalogue (``src/oppvekst/catalog``). A record is shown in a language by
``in_language``; these tests read what a reader would see through it.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel, ValidationError

from oppvekst.catalog import CATALOG_DIR, Catalog, breakdown_dimensions, load_catalog
from oppvekst.catalog.schema import Indicator, Package, Topic
from oppvekst.catalog.texts import has_words
from oppvekst.errors import CatalogError
from oppvekst.language import Language, use

TRANSLATED = (Language.nn, Language.en)

# Place names kept as SSB publishes them in every language: the only words with æ, ø or å allowed
# in the English texts.
NAMES = {"Ålesund", "Hamarøy", "Hægebostad"}

# Words that exist in bokmål but not in nynorsk (nynorsk: ikkje, kor, korleis, kva, nokon, mykje,
# berre, frå, utan, kvar, tal, elevar, gutar, hushald, låginntekt, skule, kommunar …). Words spelt
# the same in both («barn», «mobbing», «prosent») are not evidence either way, so short nynorsk
# labels may equal the bokmål; the sentences may not.
BOKMAL_ONLY = [
    *("ikke", "hvor", "hvordan", "hva", "hvem", "hvilke", "hvilket", "hvis", "noen", "noe", "mye"),
    *("bare", "fra", "uten", "utenfor", "hver", "hvert", "ble", "blitt", "tall", "tallet"),
    *("tallene", "være", "deres", "elever", "elevene", "gutter", "antall", "antallet", "andelen"),
    *("andeler", "befolkningen", "husholdning", "husholdninger", "lavinntekt", "skole", "skolen"),
    *("skoler", "grunnskolen", "videregående", "kommuner", "kommunene", "egne", "egen", "regler"),
    *("sammen", "sammenlignet", "sammenligning", "senere", "lav", "høy", "høyere", "ennå"),
    *("finnes", "tjeneste", "tjenester", "tjenesten", "undersøkelse", "undersøkelser", "beregnet"),
    *(
        "brudd",
        "dager",
        "personer",
        "innbyggere",
        "de",
        "dem",
        "jeg",
        "nå",
        "kun",
        "hjem",
        "hjemme",
    ),
]
# An indicator id (``barn-vedvarende-lavinntekt``) is a code, not a word of the text.
WORD = r"(?<![\w-]){}(?![\w-])"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def _texts(model: BaseModel) -> Iterator[tuple[str, str]]:
    """(field, text) for every text of a translation block, list items one by one."""
    for name, value in model.model_dump().items():
        if isinstance(value, str):
            yield name, value
        elif isinstance(value, list):
            yield from ((f"{name}[{i}]", v) for i, v in enumerate(value))


def _bokmal_texts(record: Indicator | Topic | Package, lang: Language) -> dict[str, str]:
    """The bokmål text of each field the translation block has, by the same names."""
    shown = record.model_dump()
    if isinstance(record, Indicator):
        shown["disclosure_note"] = record.disclosure.note
        shown["comparability_breaks"] = [b.note for b in record.comparability_breaks]
        shown["source_title"] = record.source.title
        # Only a table reference in words has a translation; a code (07459) is the same everywhere.
        if record.translations and record.translations.of(lang).source_table:
            shown["source_table"] = record.source.table
        # A publisher or licence is a name, the same everywhere, unless a note in brackets has words.
        shown["publisher"] = record.source.publisher
        for name in ("publisher", "licence"):
            if not has_words(shown[name]):
                del shown[name]
    block = record.translations.of(lang)
    out: dict[str, str] = {}
    for name, value in block.model_dump().items():
        ours = shown.get(name)
        if isinstance(value, list):
            out.update({f"{name}[{i}]": v for i, v in enumerate(ours or [])})
        elif isinstance(ours, str):
            out[name] = ours
    return out


def _records(catalog: Catalog) -> list[Indicator | Topic | Package]:
    return [*catalog.indicators, *catalog.topics, *catalog.packages]


def test_every_record_has_both_languages_and_every_bokmal_text_a_counterpart(
    catalog: Catalog,
) -> None:
    records = _records(catalog)
    assert len(catalog.indicators) >= 59 and len(catalog.topics) == 23
    for record in records:
        for lang in TRANSLATED:
            block = record.translations.of(lang)
            texts = dict(_texts(block))
            missing = [name for name in _bokmal_texts(record, lang) if not texts.get(name)]
            assert not missing, f"{record.id} {lang}: no {missing}"
            assert all(text.strip() for text in texts.values()), f"{record.id} {lang}: empty"


def test_the_english_is_english(catalog: Catalog) -> None:
    """No English text is the bokmål one, and none has æ, ø or å outside a place name."""
    for indicator in catalog.indicators:
        table = indicator.in_language(Language.en).source.table or ""
        assert not re.search("[æøå]|tittelsøk", table), f"{indicator.id}: table {table}"
    for record in _records(catalog):
        bokmal = _bokmal_texts(record, Language.en)
        for name, text in _texts(record.translations.en):
            assert text != bokmal.get(name), f"{record.id} en.{name} is the bokmål text"
            words = set(re.findall(r"[\w-]*[æøåÆØÅ][\w-]*", text)) - NAMES
            assert not words, f"{record.id} en.{name}: Norwegian {sorted(words)}"


def test_the_nynorsk_is_nynorsk(catalog: Catalog) -> None:
    ids = [ind.id for ind in catalog.indicators]
    pattern = re.compile("|".join(WORD.format(w) for w in BOKMAL_ONLY), re.IGNORECASE)
    for record in _records(catalog):
        bokmal = _bokmal_texts(record, Language.nn)
        for name, text in _texts(record.translations.nn):
            # A source's title is its publisher's name for a table (SSB titles some in nynorsk).
            if len(text.split()) > 12 and name != "source_title":  # more than a label
                assert text != bokmal.get(name), f"{record.id} nn.{name} is the bokmål text"
            for code in ids:
                text = text.replace(code, "")
            hits = pattern.findall(text)
            assert not hits, f"{record.id} nn.{name}: bokmål words {hits}"


def test_breakdown_labels_in_every_language() -> None:
    with use(Language.nn):
        nn = breakdown_dimensions()
    with use(Language.en):
        en = breakdown_dimensions()
    nb = breakdown_dimensions()  # outside any request: bokmål
    assert nb["sex"].label_of("female") == "Jenter"
    assert nn["sex"].label_of("female") == "Jenter"  # the same word in nynorsk
    assert (nn["sex"].label_of("male"), en["sex"].label_of("male")) == ("Gutar", "Boys")
    assert en["sex"].label_of("female") == "Girls" and en["sex"].label == "Sex"
    for name, dimension in nb.items():
        # Codes and reading order are the same in every language; only the words change.
        assert [c.code for c in en[name].categories] == [c.code for c in dimension.categories]
        assert [c.code for c in nn[name].categories] == [c.code for c in dimension.categories]
        for category in en[name].categories:
            assert category.label != dimension.label_of(category.code) or category.code.isdigit()


def test_in_language_replaces_the_texts_and_keeps_everything_else(catalog: Catalog) -> None:
    record = catalog.indicator("mobbing-10-trinn")
    english = record.in_language(Language.en)
    assert english.title == record.translations.en.title
    assert english.disclosure.note == record.translations.en.disclosure_note
    assert [b.note for b in english.comparability_breaks] == (
        record.translations.en.comparability_breaks
    )
    assert [b.year for b in english.comparability_breaks] == [2016]
    assert english.attribution.startswith("Source:")
    unchanged = {"title", "short_title", "definition", "rationale", "numerator", "denominator"}
    unchanged |= {"unit", "comparability", "caveats", "disclosure", "comparability_breaks"}
    unchanged |= {"attribution", "source"}
    assert english.model_dump(exclude=unchanged) == record.model_dump(exclude=unchanged)
    assert english.source.title == record.translations.en.source_title
    assert english.source.model_dump(exclude={"title"}) == record.source.model_dump(
        exclude={"title"}
    )
    assert record.in_language(Language.nb) is record


def _raw(name: str) -> dict[str, Any]:
    raw = yaml.safe_load((CATALOG_DIR / "indicators" / name).read_text(encoding="utf-8"))
    assert isinstance(raw, dict)
    return raw


def test_a_record_without_a_language_or_a_text_fails_validation() -> None:
    raw = _raw("mobbing-10-trinn.yml")
    Indicator.model_validate(raw)  # the real record is valid

    without_english = copy.deepcopy(raw)
    del without_english["translations"]["en"]
    with pytest.raises(ValidationError, match="en"):
        Indicator.model_validate(without_english)

    empty_title = copy.deepcopy(raw)
    empty_title["translations"]["nn"]["title"] = ""
    with pytest.raises(ValidationError, match="title"):
        Indicator.model_validate(empty_title)

    # The bokmål record has a disclosure note and two caveats: nynorsk must have them too.
    no_note = copy.deepcopy(raw)
    del no_note["translations"]["nn"]["disclosure_note"]
    with pytest.raises(ValidationError, match="disclosure_note"):
        Indicator.model_validate(no_note)
    one_caveat = copy.deepcopy(raw)
    one_caveat["translations"]["en"]["caveats"] = one_caveat["translations"]["en"]["caveats"][:1]
    with pytest.raises(ValidationError, match="caveats"):
        Indicator.model_validate(one_caveat)


def _copy_of_catalogue(tmp_path: Path) -> Path:
    for path in CATALOG_DIR.glob("*.yml"):
        (tmp_path / path.name).write_bytes(path.read_bytes())
    (tmp_path / "indicators").mkdir()
    for path in (CATALOG_DIR / "indicators").glob("*.yml"):
        (tmp_path / "indicators" / path.name).write_bytes(path.read_bytes())
    load_catalog(tmp_path)  # the copy loads as the real one does
    return tmp_path


def test_the_catalogue_refuses_a_topic_without_translations(tmp_path: Path) -> None:
    directory = _copy_of_catalogue(tmp_path)
    topics = yaml.safe_load((directory / "topics.yml").read_text(encoding="utf-8"))
    del topics[3]["translations"]
    (directory / "topics.yml").write_text(yaml.safe_dump(topics, allow_unicode=True))
    with pytest.raises(CatalogError, match=r"topics.yml\[3\]"):
        load_catalog(directory)


def test_the_catalogue_refuses_an_indicator_without_translations(tmp_path: Path) -> None:
    """The model lets a record made at run time (own data) go without; the catalogue does not."""
    directory = _copy_of_catalogue(tmp_path)
    raw = _raw("cannabis.yml")
    del raw["translations"]
    assert Indicator.model_validate(raw).in_language(Language.en).title == raw["title"]
    (directory / "indicators" / "cannabis.yml").write_text(yaml.safe_dump(raw, allow_unicode=True))
    with pytest.raises(CatalogError, match="cannabis"):
        load_catalog(directory)
