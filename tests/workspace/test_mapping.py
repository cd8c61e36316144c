"""Guessing and choosing which column is which."""

from __future__ import annotations

import pytest

from oppvekst.errors import InvalidMapping
from oppvekst.workspace.mapping import (
    ColumnMapping,
    form_fields,
    guess_mapping,
    mapping_from_form,
)
from oppvekst.workspace.reading import RawTable


def _raw(*columns: str, rows: tuple[tuple[str, ...], ...] = ()) -> RawTable:
    return RawTable(columns, rows or (tuple("" for _ in columns),), "utf-8", None, "t.csv")


@pytest.mark.parametrize(
    ("columns", "expected"),
    [
        (
            ("Kommunenummer", "Kommunenavn", "År", "Verdi"),
            ColumnMapping("Kommunenummer", "År", value="Verdi"),
        ),
        (
            ("kommune", "aar", "teller", "nevner", "kjønn"),
            ColumnMapping(
                "kommune", "aar", numerator="teller", denominator="nevner",
                breakdowns=(("sex", "kjønn"),),
            ),
        ),
        (
            ("Municipality code", "Year", "Numerator", "Denominator", "Age", "Gender"),
            ColumnMapping(
                "Municipality code", "Year", numerator="Numerator", denominator="Denominator",
                breakdowns=(("sex", "Gender"), ("age", "Age")),
            ),
        ),
        (
            ("bydel", "skoleår", "antall", "antall elever"),
            ColumnMapping("bydel", "skoleår", numerator="antall", denominator="antall elever"),
        ),
        (("Region", "Periode", "Andel (prosent)"), ColumnMapping("Region", "Periode", value="Andel (prosent)")),
    ],
)  # fmt: skip
def test_header_names_are_recognised(columns: tuple[str, ...], expected: ColumnMapping) -> None:
    assert guess_mapping(_raw(*columns)) == expected


def test_cells_decide_when_the_names_say_nothing() -> None:
    raw = _raw("A", "B", "C", rows=(("3201", "2024", "12,5"), ("0301", "2023-24", "3")))
    guessed = guess_mapping(raw)
    assert (guessed.region, guessed.period) == ("A", "B")
    assert guessed.value is None  # a value column is not guessed from bare numbers


def test_nothing_found_leaves_roles_empty() -> None:
    guessed = guess_mapping(_raw("x", "y", rows=(("a", "b"),)))
    assert guessed == ColumnMapping("", "")


def test_form_fields_round_trip() -> None:
    raw = _raw("kommunenummer", "navn på kommunen", "år", "teller", "nevner", "kjønn")
    guessed = guess_mapping(raw)
    fields = form_fields(raw, guessed)
    assert fields == {
        "kolonne-0": "region", "kolonne-1": "", "kolonne-2": "period",
        "kolonne-3": "numerator", "kolonne-4": "denominator", "kolonne-5": "sex",
    }  # fmt: skip
    assert mapping_from_form(raw, {**fields, "csrf_token": "x"}) == guessed


def test_form_by_role() -> None:
    raw = _raw("a", "b", "c")
    chosen = mapping_from_form(raw, {"region": "a", "period": "b", "value": "c", "sex": ""})
    assert chosen == ColumnMapping("a", "b", value="c")


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"kolonne-0": "region", "kolonne-2": "value"}, "periode"),
        ({"kolonne-0": "region", "kolonne-1": "period"}, "verdi (eller teller og nevner)"),
        ({"kolonne-0": "region", "kolonne-1": "period", "kolonne-2": "numerator"}, "nevner"),
        ({"kolonne-0": "region", "kolonne-1": "region", "kolonne-2": "value"}, "«a» og «b»"),
        ({"kolonne-0": "gåte"}, "«gåte» er ikke et valg"),
        ({"region": "finnes-ikke"}, "ingen kolonne «finnes-ikke»"),
        ({"region": "a", "period": "a", "value": "c"}, "«a» er valgt for mer enn én rolle"),
    ],
)
def test_form_errors_say_what_to_choose(fields: dict[str, str], words: str) -> None:
    with pytest.raises(InvalidMapping) as caught:
        mapping_from_form(_raw("a", "b", "c"), fields)
    assert words in caught.value.message
    assert caught.value.http_status == 400
