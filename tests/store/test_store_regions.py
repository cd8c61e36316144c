"""The Store serves the build's own region registry, read back from the snapshot's region tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from oppvekst.regions.offline import registry_from_offline
from oppvekst.regions.registry import Registry
from oppvekst.regions.tree import from_frames, to_frames
from oppvekst.snapshot.store import RegionRow, Store


@pytest.fixture(scope="module")
def built(shared_data: Path) -> Registry:
    """The registry ``update --mirror ../shared/data`` builds (and wrote into the snapshot)."""
    return registry_from_offline(shared_data)


@pytest.fixture(scope="module")
def expected(built: Registry, store: Store) -> Registry:
    """The built registry through exactly the tables this snapshot holds."""
    tables = {r["table_name"] for r in store.records("SELECT table_name FROM duckdb_tables()")}
    return from_frames({k: v for k, v in to_frames(built).items() if k in tables})


def test_store_regions_are_the_registry_regions(store: Store, built: Registry) -> None:
    assert isinstance(store.registry, Registry)
    assert list(store.registry) == list(built)
    assert list(store.regions) == [r.code for r in built]
    assert list(store.regions.values()) == [RegionRow.of(r) for r in built]
    oslo = store.regions["0301"]
    assert (oslo.name, oslo.level, oslo.parent, oslo.kostra_group) == (
        "Oslo",
        "kommune",
        "03",
        "EKG13",
    )


def test_store_history_is_the_build_history(store: Store, built: Registry) -> None:
    assert store.registry.history.changes == built.history.changes


def test_store_answers_as_the_tables_say(store: Store, expected: Registry) -> None:
    history = store.registry.history
    for change in history.changes:
        for code in (change.old_code, change.new_code):
            assert history.current_codes(code) == expected.history.current_codes(code), code
            assert history.former_codes(code) == expected.history.former_codes(code), code
            assert store.registry.former_note(code) == expected.former_note(code), code


def test_store_counties(store: Store) -> None:
    def county(code: str) -> str | None:
        found = store.registry.county_of(code)
        return found.code if found else None

    assert county("030101") == "03"
    assert county("0301") == "03"
    assert county("4601") == "46"
    assert county("0") is None
