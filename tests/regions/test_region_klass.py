"""The live path: the registry from KLASS records as the connector parses them."""

from __future__ import annotations

import math
from datetime import date

import pytest

from oppvekst.regions.codes import ClassificationCode, CodeChange
from oppvekst.regions.history import EQUAL_SPLIT, ChangeKind, Level
from oppvekst.regions.klass import registry_from_klass
from oppvekst.regions.registry import Registry
from oppvekst.regions.tree import KommuneClassification

Y2018, Y2020, Y2024, Y2026 = (date(y, 1, 1) for y in (2018, 2020, 2024, 2026))
TODAY = date(2026, 6, 1)


def code(
    c: str, name: str, level: str, start: date | None, end: date | None = None
) -> ClassificationCode:
    return ClassificationCode(c, name, level, valid_from=start, valid_to=end)


KOMMUNER = [
    code("0301", "Oslo", "1", None),
    code("0702", "Holmestrand", "1", None, Y2018),
    code("0714", "Hof", "1", None, Y2018),
    code("0715", "Holmestrand", "1", Y2018, Y2020),
    code("0713", "Sande", "1", None, Y2020),
    code("3802", "Holmestrand", "1", Y2020, Y2024),
    code("3903", "Holmestrand", "1", Y2024),
    code("0104", "Moss", "1", None, Y2020),
    code("0136", "Rygge", "1", None, Y2020),
    code("3002", "Moss", "1", Y2020, Y2024),
    code("3103", "Moss", "1", Y2024),
    code("1103", "Stavanger", "1", None),
    code("1141", "Finnøy", "1", None, Y2020),
    code("1507", "Ålesund", "1", Y2020, Y2024),
    code("1508", "Ålesund", "1", Y2024),
    code("1580", "Haram", "1", Y2024),
    code("5006", "Steinkjer - Stïentje", "1", Y2020),
    code("3118", "Indre Østfold", "1", Y2024),
    code("3207", "Nordre Follo", "1", Y2024),
    code("3216", "Vestby", "1", Y2024),
    code("9999", "Uoppgitt", "1", None),
]
FYLKER = [
    code("03", "Oslo", "1", None),
    code("07", "Vestfold", "1", None, Y2020),
    code("38", "Vestfold og Telemark", "1", Y2020, Y2024),
    code("39", "Vestfold", "1", Y2024),
    code("31", "Østfold", "1", Y2024),
    code("32", "Akershus", "1", Y2024),
    code("11", "Rogaland", "1", None),
    code("15", "Møre og Romsdal", "1", None),
    code("50", "Trøndelag - Trööndelage", "1", Y2018),
    code("99", "Uoppgitt", "1", None),
]
BYDELER = [code(f"0301{n:02d}", f"Bydel {n}", "1", None) for n in (*range(1, 18), 99)] + [
    code("460101", "Arna", "1", None)
]


def change(old: str | None, old_name: str, new: str | None, new_name: str, on: date) -> CodeChange:
    return CodeChange(old, old_name, new, new_name, on)


CHANGES = [
    change("0702", "Holmestrand", "0715", "Holmestrand", Y2018),
    change("0714", "Hof", "0715", "Holmestrand", Y2018),
    change("0715", "Holmestrand", "3802", "Holmestrand", Y2020),
    change("0713", "Sande", "3802", "Holmestrand", Y2020),
    change("3802", "Holmestrand", "3903", "Holmestrand", Y2024),
    change("0104", "Moss", "3002", "Moss", Y2020),
    change("0136", "Rygge", "3002", "Moss", Y2020),
    change("3002", "Moss", "3103", "Moss", Y2024),
    # KLASS lists the absorbing kommune of a merger as old and new code.
    change("1103", "Stavanger", "1103", "Stavanger", Y2020),
    change("1141", "Finnøy", "1103", "Stavanger", Y2020),
    change("1507", "Ålesund", "1508", "Ålesund", Y2024),
    change("1507", "Ålesund", "1580", "Haram", Y2024),
    change("5006", "Steinkjer", "5006", "Steinkjer - Stïentje", Y2026),
    change("3118", "Indre Østfold", "3207", "Nordre Follo", Y2026),
    change("3118", "Indre Østfold", "3216", "Vestby", Y2026),
    change(None, "", "1580", "Haram", Y2024),  # a new unit: no data to move
]
FYLKE_CHANGES = [
    change("07", "Vestfold", "38", "Vestfold og Telemark", Y2020),
    change("38", "Vestfold og Telemark", "39", "Vestfold", Y2024),
]


@pytest.fixture(scope="module")
def live() -> Registry:
    return registry_from_klass(
        KOMMUNER,
        FYLKER,
        BYDELER,
        CHANGES,
        on=TODAY,
        fylke_changes=FYLKE_CHANGES,
        classification={"0301": KommuneClassification("EKG13", "KOSTRA-gruppe 13", 1)},
        split_weights={("1507", "1508"): 0.86, ("1507", "1580"): 0.14},
    )


def test_current_regions(live: Registry) -> None:
    assert {k.code for k in live.kommuner()} == {
        "0301", "3903", "3103", "1103", "1508", "1580", "5006", "3118", "3207", "3216",
    }  # fmt: skip
    assert "9999" not in live
    assert "99" not in live
    assert len(live.bydeler()) == 15
    assert live.get("3903").parent == "39"
    assert live.get("3903").valid_from == Y2024
    assert live.get("0301").kostra_group == "EKG13"
    assert live.get("3903").kostra_group is None


def test_chains(live: Registry) -> None:
    history = live.history
    assert history.current_codes("0702") == [("3903", 1.0)]
    assert history.current_codes("0713") == [("3903", 1.0)]
    assert history.current_codes("0136") == [("3103", 1.0)]
    assert history.current_codes("1141") == [("1103", 1.0)]
    kinds = {(c.old_code, c.new_code): c.kind for c in history.changes}
    assert kinds[("1141", "1103")] is ChangeKind.MERGE
    assert kinds[("1103", "1103")] is ChangeKind.MERGE
    assert kinds[("3802", "3903")] is ChangeKind.RENUMBER
    assert kinds[("5006", "5006")] is ChangeKind.RENAME
    assert kinds[("3118", "3207")] is ChangeKind.BORDER
    assert history.current_codes("3118") == [("3118", 1.0)]
    assert history.current_codes("07") == [("39", 1.0)]


def test_split_weights(live: Registry) -> None:
    assert live.history.current_codes("1507") == [("1508", 0.86), ("1580", 0.14)]
    equal = registry_from_klass(KOMMUNER, FYLKER, BYDELER, CHANGES, on=TODAY)
    # Without declared weights the share is unknown (NaN), never an equal split.
    unknown = equal.history.current_codes("1507")
    assert [c for c, _ in unknown] == ["1508", "1580"]
    assert all(math.isnan(w) for _, w in unknown)
    notes = {c.note for c in equal.history.changes if c.old_code == "1507"}
    assert notes == {EQUAL_SPLIT}


def test_derived_crosswalk(live: Registry) -> None:
    rows = live.history.crosswalk(2019, Level.KOMMUNE)
    mapped = {(r.original_code, r.current_code, r.weight, r.kind) for r in rows}
    assert ("0715", "3903", 1.0, ChangeKind.MERGE) in mapped
    assert ("0713", "3903", 1.0, ChangeKind.MERGE) in mapped
    assert ("0104", "3103", 1.0, ChangeKind.MERGE) in mapped
    assert ("0301", "0301", 1.0, ChangeKind.UNCHANGED) in mapped
    assert "0702" not in {r.original_code for r in rows}  # ended in 2018
    rows_2023 = {r.original_code: r for r in live.history.crosswalk(2023, Level.KOMMUNE)}
    assert rows_2023["1507"].kind is ChangeKind.SPLIT
    assert rows_2023["3802"].kind is ChangeKind.RENUMBER
    rows_2025 = {r.original_code: r for r in live.history.crosswalk(2025, Level.KOMMUNE)}
    assert rows_2025["5006"].original_name == "Steinkjer"
    assert rows_2025["5006"].kind is ChangeKind.RENAME


def test_former_code_message(live: Registry) -> None:
    resolution = live.resolve("0715")
    assert resolution.note == (
        "0715 er et tidligere kommunenummer. Det heter nå Holmestrand (3903)."
    )
