"""``Store.in_language`` on a snapshot written before the catalogue had translations (#16).

Such a snapshot's records have no ``translations`` and its ``topics`` table no ``record``: the
store takes the words from the catalogue, so a portal upgraded before its next ``update`` keeps
serving every language instead of failing to open its data.
"""

from __future__ import annotations

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
