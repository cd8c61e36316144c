"""``Store.in_language`` on a snapshot written before the catalogue had translations (#16).

Such a snapshot's records have no ``translations`` and its ``topics`` table no ``record``: the
store takes the words from the catalogue, so a portal upgraded before its next ``update`` keeps
serving every language instead of failing to open its data.
"""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import duckdb

from oppvekst.catalog import default_catalog
from oppvekst.language import Language
from oppvekst.snapshot.files import DataDir
from oppvekst.snapshot.store import Store


def _as_before_translations(snapshot_dir: Path, tmp_path: Path) -> Path:
    path = tmp_path / "old.duckdb"
    shutil.copy(DataDir(snapshot_dir).current_path(), path)
    con = duckdb.connect(str(path))
    try:
        for table in ("indicators", "packages"):
            con.execute(
                f"UPDATE {table} SET record = json_merge_patch(record, '{{\"translations\": null}}')"
            )
        con.execute("ALTER TABLE topics DROP COLUMN record")
        left = con.execute(
            "SELECT count(*) FROM indicators WHERE json_exists(record, '$.translations')"
        ).fetchone()
        assert left == (0,)
    finally:
        con.close()
    return path


def test_an_old_snapshot_serves_every_language(snapshot_dir: Path, tmp_path: Path) -> None:
    store = Store(_as_before_translations(snapshot_dir, tmp_path))
    try:
        catalog = default_catalog()
        english = store.in_language(Language.en)
        nynorsk = store.in_language(Language.nn)
        for indicator_id, record in store.indicators.items():
            expected = catalog.indicator(indicator_id).translations
            assert english.indicators[indicator_id].title == expected.en.title
            assert nynorsk.indicators[indicator_id].definition == expected.nn.definition
            assert record.title == catalog.indicator(indicator_id).title  # bokmål untouched
        topics = {t.id: t for t in catalog.topics}
        assert [t["title"] for t in english.topics] == [
            topics[t["id"]].translations.en.title for t in store.topics
        ]
        assert {p["id"]: p["purpose"] for p in nynorsk.packages} == {
            p.id: p.translations.nn.purpose for p in catalog.packages
        }
    finally:
        store.close()


def test_a_copy_of_a_store_makes_its_own_language_copies(store: Store) -> None:
    """An overlay (own data over the snapshot) is a copy of the store with more records: its
    language copies hold its records, and own texts, written in one language, stay as written."""
    national = store.in_language(Language.en)
    overlay = copy.copy(store)
    own = store.indicators["cannabis"].model_copy(
        update={"id": "eget-tall", "title": "Eget tall", "translations": None}
    )
    own_topic = {"id": "egne-data", "title": "Egne data", "description": "Våre tall.", "rank": 99}
    overlay.indicators = {**store.indicators, own.id: own}
    overlay.__dict__["topics"] = [*store.topics, own_topic]

    english = overlay.in_language(Language.en)
    assert english is not national and overlay.in_language(Language.en) is english
    assert english.indicators["eget-tall"].title == "Eget tall"
    assert english.indicators["cannabis"].title == national.indicators["cannabis"].title
    assert english.topics[-1] == own_topic
    assert [t["title"] for t in english.topics[:-1]] == [t["title"] for t in national.topics]
    assert store.in_language(Language.en) is national  # the base's copies are untouched
    assert "eget-tall" not in national.indicators


def test_a_snapshot_without_a_newer_translated_text_takes_it_from_the_catalogue(
    snapshot_dir: Path, tmp_path: Path
) -> None:
    """A snapshot written before the publisher and licence notes joined the translations (its
    ``translations`` have no such keys) still opens, with the catalogue's words; what it has
    (the titles it published) is kept, not replaced."""
    path = tmp_path / "before-publisher.duckdb"
    shutil.copy(DataDir(snapshot_dir).current_path(), path)
    con = duckdb.connect(str(path))
    try:
        worded = [
            row[0]
            for row in con.execute(
                "SELECT id FROM indicators WHERE json_exists(record, '$.translations.nn.publisher')"
                " AND record->>'$.translations.nn.publisher' IS NOT NULL"
            ).fetchall()
        ]
        assert worded, "the fixture has no indicator with a worded publisher"
        for lang in ("nn", "en"):
            patch = f'{{"translations": {{"{lang}": {{"publisher": null, "licence": null,'
            patch += f' "title": "Publisert tittel {lang}"}}}}}}'
            # json_merge_patch removes a key set to null: as the older code wrote it, without one.
            con.execute("UPDATE indicators SET record = json_merge_patch(record, ?)", [patch])
        assert con.execute(
            "SELECT count(*) FROM indicators WHERE json_exists(record, '$.translations.en.publisher')"
        ).fetchone() == (0,)
    finally:
        con.close()
    store = Store(path)
    try:
        catalog = default_catalog()
        english = store.in_language(Language.en)
        for indicator_id in worded:
            expected = catalog.indicator(indicator_id).translations
            assert english.indicators[indicator_id].source.publisher == expected.en.publisher
            assert english.indicators[indicator_id].title == "Publisert tittel en"
    finally:
        store.close()
