"""The registry read back from its snapshot tables answers as the registry the build made.

``to_frames`` writes the tables, ``from_frames`` / ``registry_from_tables`` read them back (the
``Store`` does the latter on every snapshot): same regions, same former codes, same crosswalks.
"""

from __future__ import annotations

from typing import Any

import duckdb
import pytest

from oppvekst.regions.history import Level
from oppvekst.regions.registry import Registry
from oppvekst.regions.tree import from_frames, registry_from_tables, to_frames
from oppvekst.snapshot.files import SCHEMA


@pytest.fixture(scope="module")
def back(registry: Registry) -> Registry:
    return from_frames(to_frames(registry))


def every_code(registry: Registry) -> list[str]:
    """Current codes, and every code a change names (former codes and the steps between)."""
    changes = registry.history.changes
    named = {c.old_code for c in changes} | {c.new_code for c in changes}
    return sorted({r.code for r in registry} | named)


def test_same_regions_and_changes(registry: Registry, back: Registry) -> None:
    assert list(back) == list(registry)
    assert back.history.changes == registry.history.changes
    assert len(back.history.changes) > 500


def test_same_former_codes_and_lineage(registry: Registry, back: Registry) -> None:
    for code in every_code(registry):
        assert back.history.former_codes(code) == registry.history.former_codes(code), code
        assert back.history.lineage(code) == registry.history.lineage(code), code


def test_same_resolution_of_every_code(registry: Registry, back: Registry) -> None:
    for code in every_code(registry):
        assert back.history.current_codes(code) == registry.history.current_codes(code), code
        assert back.former(code) == registry.former(code), code
    assert back.former_note("0219") == (
        "0219 er et tidligere kommunenummer. Det heter nå Bærum (3201)."
    )


def test_same_crosswalks_for_every_published_year(registry: Registry, back: Registry) -> None:
    for level in Level:
        assert back.history.years(level) == registry.history.years(level)
        for year in registry.history.years(level):
            assert back.history.crosswalk(year, level) == registry.history.crosswalk(year, level)
    assert registry.history.years(Level.KOMMUNE) == list(range(2005, 2027))


def test_same_counties_and_search(registry: Registry, back: Registry) -> None:
    for region in registry:
        assert back.county_of(region.code) == registry.county_of(region.code)
    for fylke in registry.fylker():
        assert back.members_of_county(fylke.code) == registry.members_of_county(fylke.code)
    for query in ("baerum", "tromsoe", "karasjok", "gamle oslo", "56", "0219", "Bergn", "rum"):
        assert back.search(query) == registry.search(query), query


def test_read_back_through_duckdb(registry: Registry) -> None:
    """The Store's path: the tables in DuckDB, read back as plain rows (dates, NULLs)."""
    con = duckdb.connect()
    con.execute(SCHEMA)
    frames = to_frames(registry)
    for table, frame in frames.items():
        con.register("incoming", frame)
        con.execute(f"INSERT INTO {table} ({', '.join(frame.columns)}) SELECT * FROM incoming")
        con.unregister("incoming")

    def rows(table: str) -> list[dict[str, Any]]:
        result = con.execute(f"SELECT * FROM {table}")
        names = [d[0] for d in result.description]
        return [dict(zip(names, row, strict=True)) for row in result.fetchall()]

    read = registry_from_tables(rows("regions"), rows("region_changes"), rows("region_crosswalk"))
    assert list(read) == list(registry)
    assert read.history.changes == registry.history.changes
    for code in every_code(registry):
        assert read.history.current_codes(code) == registry.history.current_codes(code), code
    assert read.history.crosswalk(2019, Level.FYLKE) == registry.history.crosswalk(2019, "fylke")


def test_without_the_crosswalk_table_only_published_answers_differ(registry: Registry) -> None:
    """Snapshots without ``region_crosswalk`` follow former codes along the changes alone."""
    frames = to_frames(registry)
    two = from_frames({k: frames[k] for k in ("regions", "region_changes")})
    published = set(frames["region_crosswalk"]["original_code"])
    assert list(two) == list(registry)
    for code in every_code(registry):
        assert two.history.former_codes(code) == registry.history.former_codes(code), code
        if code not in published:
            assert two.history.current_codes(code) == registry.history.current_codes(code), code
    # Bærum's chain of renumberings is the same either way.
    assert two.former_note("0219") == registry.former_note("0219")
