from __future__ import annotations

import csv
from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest

from oppvekst.regions.history import ChangeKind, Level
from oppvekst.regions.registry import Registry


def chain(registry: Registry, code: str) -> list[str]:
    steps = registry.history.lineage(code)
    return [steps[0].old_code, *(s.new_code for s in steps)]


def test_holmestrand_chain(registry: Registry) -> None:
    assert chain(registry, "0702") == ["0702", "0715", "3802", "3903"]
    assert registry.history.current_codes("0702") == [("3903", 1.0)]
    assert registry.history.lineage("0715")[-1].kind is ChangeKind.RENUMBER


def test_moss_merge(registry: Registry) -> None:
    history = registry.history
    assert history.current_codes("0104") == [("3103", 1.0)]
    assert history.current_codes("0136") == [("3103", 1.0)]
    steps = [c for c in history.changes if c.new_code == "3002"]
    assert {(c.old_code, c.kind) for c in steps} == {
        ("0104", ChangeKind.MERGE),
        ("0136", ChangeKind.MERGE),
    }
    assert {c.changed_on for c in steps} == {date(2020, 1, 1)}
    assert chain(registry, "3002") == ["3002", "3103"]
    former = {c.old_code for c in history.former_codes("3103")}
    assert former == {"3002", "0104", "0136"}


def test_baerum_renumbering(registry: Registry) -> None:
    assert chain(registry, "0219") == ["0219", "3024", "3201"]
    kinds = [c.kind for c in registry.history.lineage("0219")]
    assert kinds == [ChangeKind.RENUMBER, ChangeKind.RENUMBER]
    assert registry.history.current_codes("3024") == [("3201", 1.0)]


def test_alesund_split_2024(registry: Registry) -> None:
    split = [c for c in registry.history.changes if c.old_code == "1507"]
    assert {c.new_code for c in split} == {"1508", "1580"}
    assert all(c.kind is ChangeKind.SPLIT for c in split)
    assert all(c.changed_on == date(2024, 1, 1) for c in split)
    assert sum(c.weight or 0 for c in split) == pytest.approx(1.0)
    # The data says how rough the weights are, and what SSB does instead.
    assert all("Grov tilnærming" in c.note and "SSB" in c.note for c in split)
    weights = dict(registry.history.current_codes("1507"))
    assert set(weights) == {"1508", "1580"}
    assert sum(weights.values()) == pytest.approx(1.0)


def test_pre_2020_alesund_kommuner_follow_ssb(registry: Registry) -> None:
    # csdata spreads these 50/50; SSB's harmonised grouping places them wholly.
    assert registry.history.current_codes("1534") == [("1580", 1.0)]
    for code in ("1504", "1523", "1529", "1546"):
        assert registry.history.current_codes(code) == [("1508", 1.0)]


def test_2026_changes(registry: Registry) -> None:
    renames = {
        (c.old_code, c.old_name, c.new_name)
        for c in registry.history.changes
        if c.kind is ChangeKind.RENAME and c.changed_on == date(2026, 1, 1)
    }
    assert renames == {
        ("5006", "Steinkjer", "Steinkjer - Stïentje"),
        ("5536", "Lyngen", "Lyngen - Ivgu - Yykeän"),
    }
    borders = [c for c in registry.history.changes if c.kind is ChangeKind.BORDER]
    assert {(c.old_code, c.new_code) for c in borders} == {("3118", "3207"), ("3118", "3216")}
    assert all(c.weight is None for c in borders)
    # A border adjustment does not move Indre Østfold's data anywhere.
    assert registry.history.current_codes("3118") == [("3118", 1.0)]
    rows = {r.original_code: r for r in registry.history.crosswalk(2025, Level.KOMMUNE)}
    assert rows["5006"].kind is ChangeKind.RENAME
    assert rows["5006"].original_name == "Steinkjer"
    assert rows["5006"].current_name == "Steinkjer - Stïentje"


def test_2019_crosswalk_covers_every_2019_kommune(registry: Registry, shared_data: Path) -> None:
    path = shared_data / "codes/klass131_kommuneinndeling_2019_version1102_latin1.csv"
    with path.open(encoding="latin-1") as handle:
        codes_2019 = {r["code"] for r in csv.DictReader(handle, delimiter=";")} - {"9999"}
    assert len(codes_2019) == 422
    rows = registry.history.crosswalk(2019, Level.KOMMUNE)
    totals: dict[str, float] = defaultdict(float)
    for row in rows:
        totals[row.original_code] += row.weight
        assert row.current_code in registry
    assert set(totals) == codes_2019
    assert all(total == pytest.approx(1.0) for total in totals.values())
    by_code = {(r.original_code, r.current_code): r for r in rows}
    assert by_code[("0219", "3201")].kind is ChangeKind.RENUMBER
    assert by_code[("0104", "3103")].kind is ChangeKind.MERGE
    assert by_code[("1850", "1806")].kind is ChangeKind.SPLIT
    assert by_code[("1850", "1806")].original_name == "Divtasvuodna - Tysfjord"


@pytest.mark.parametrize("year", [2005, 2013, 2017, 2018, 2020, 2023, 2024, 2026])
def test_every_year_sums_to_one(registry: Registry, year: int) -> None:
    for level in (Level.KOMMUNE, Level.FYLKE):
        totals: dict[str, float] = defaultdict(float)
        for row in registry.history.crosswalk(year, level):
            totals[row.original_code] += row.weight
        assert totals
        assert all(total == pytest.approx(1.0) for total in totals.values())


def test_2020_crosswalk(registry: Registry) -> None:
    rows = registry.history.crosswalk(2020, Level.KOMMUNE)
    assert len({r.original_code for r in rows}) == 356
    assert {r.current_code for r in rows} == {k.code for k in registry.kommuner()}


def test_fylke_history(registry: Registry) -> None:
    history = registry.history
    assert history.current_codes("16") == [("50", 1.0)]
    weights = dict(history.current_codes("30"))
    assert set(weights) == {"31", "32", "33"}
    assert sum(weights.values()) == pytest.approx(1.0)
    assert dict(history.current_codes("38")).keys() == {"39", "40"}
    merged = {c.old_code for c in history.changes if c.new_code == "46" and c.level is Level.FYLKE}
    assert merged == {"12", "14"}


def test_changes_agree_with_bufdir_2019_2020(registry: Registry, shared_data: Path) -> None:
    path = shared_data / "correspondence/bufdir_kommuner_2019_til_2020_latin1.csv"
    with path.open(encoding="latin-1") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    ours = {
        (c.old_code, c.new_code)
        for c in registry.history.changes
        if c.changed_on == date(2020, 1, 1) and c.level is Level.KOMMUNE
    }
    changed = {
        (r["kommunenummer_2019"], r["kommunenummer_2020"])
        for r in rows
        if r["kommunenummer_2019"] != r["kommunenummer_2020"]
    }
    assert changed <= ours
    splits = {r["kommunenummer_2019"] for r in rows if "splittet" in r["endringsmerknad_19_20"]}
    assert splits == {"1850", "5012"}
    assert all(
        c.kind is ChangeKind.SPLIT
        for c in registry.history.changes
        if c.old_code in splits and c.changed_on == date(2020, 1, 1)
    )


def test_unknown_code_has_no_history(registry: Registry) -> None:
    assert registry.history.current_codes("7777") == []
    assert registry.history.former_codes("7777") == []
