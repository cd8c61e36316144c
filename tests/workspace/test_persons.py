"""Person-level uploads are refused with the reason (synthetic numbers built here by the rule)."""

from __future__ import annotations

import io

import openpyxl
import pytest

from oppvekst.errors import UploadRefused
from oppvekst.workspace.persons import PERSON_ROWS, is_fodselsnummer, refuse_person_level
from oppvekst.workspace.reading import RawTable, read_upload

_W1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_W2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def _with_controls(nine: str) -> str | None:
    """Append the two control digits by the published rule; None when the number has none."""
    digits = [int(c) for c in nine]
    k1 = (11 - sum(w * d for w, d in zip(_W1, digits, strict=True)) % 11) % 11
    if k1 == 10:
        return None
    k2 = (11 - sum(w * d for w, d in zip(_W2, [*digits, k1], strict=True)) % 11) % 11
    return None if k2 == 10 else f"{nine}{k1}{k2}"


def _valid(prefix: str) -> str:
    """The first valid number whose first nine digits start with ``prefix``."""
    for tail in range(1000):
        found = _with_controls(f"{prefix}{tail:03d}")
        if found:
            return found
    raise AssertionError(prefix)


def test_control_digits_and_dates() -> None:
    number = _valid("010190")  # 1 January 1990
    assert is_fodselsnummer(number)
    assert is_fodselsnummer(f"{number[:6]} {number[6:]}")
    wrong = number[:10] + str((int(number[10]) + 1) % 10)
    assert not is_fodselsnummer(wrong)
    assert is_fodselsnummer(_valid("410190"))  # D-nummer: day + 40
    assert is_fodselsnummer(_valid("014190"))  # H-nummer: month + 40
    assert is_fodselsnummer(_valid("018190"))  # synthetic: month + 80
    assert not is_fodselsnummer(_valid("321390"))  # day 32, month 13: no date
    # Stored as a number in a spreadsheet: the leading zero is lost.
    assert is_fodselsnummer(number.lstrip("0"))


def _raw(columns: tuple[str, ...], rows: list[tuple[str, ...]]) -> RawTable:
    return RawTable(columns, tuple(rows), "utf-8", None, "t.csv")


def test_a_fodselsnummer_in_any_cell_is_refused_with_its_place() -> None:
    number = _valid("150812")
    raw = _raw(("kommune", "år", "merknad"), [("3201", "2024", ""), ("0301", "2024", number)])
    with pytest.raises(UploadRefused) as caught:
        refuse_person_level(raw)
    assert "Rad 3, kolonne «merknad»" in caught.value.message
    assert "fødselsnummer" in caught.value.message
    assert number not in str(caught.value)  # the number itself is not repeated back


def test_eleven_digits_that_are_no_fodselsnummer_pass() -> None:
    raw = _raw(("kommune", "år", "beløp"), [("3201", "2024", "12345678901"), ("0301", "2024", "1")])
    assert not is_fodselsnummer("12345678901")
    refuse_person_level(raw)


@pytest.mark.parametrize(
    "header",
    ["Fødselsnummer", "fnr", "Personnummer", "Navn", "Fornavn", "etternavn", "Fødselsdato",
     "D-nummer", "barnets fødselsnummer", "Name"],
)  # fmt: skip
def test_person_headers_are_refused(header: str) -> None:
    raw = _raw(("kommune", "år", header), [("3201", "2024", "x")])
    with pytest.raises(UploadRefused) as caught:
        refuse_person_level(raw)
    assert f"«{header}»" in caught.value.message


@pytest.mark.parametrize("header", ["Kommunenavn", "Bydelsnavn", "skolenavn", "født i utlandet"])
def test_names_of_areas_are_allowed(header: str) -> None:
    refuse_person_level(_raw(("kommune", "år", header), [("3201", "2024", "Bærum")]))


def test_rows_of_individuals_are_refused() -> None:
    rows = [("3201", "2024", str(i % 2)) for i in range(PERSON_ROWS)]
    raw = _raw(("kommunenummer", "år", "vaksinert"), rows)
    with pytest.raises(UploadRefused) as caught:
        refuse_person_level(raw)
    assert (
        f"{PERSON_ROWS} rader har samme område («3201») og periode («2024»)" in caught.value.message
    )
    assert "Summer" in caught.value.hint


def test_a_few_repeats_are_left_to_validation_as_duplicates() -> None:
    rows = [("3201", "2024", "1")] * (PERSON_ROWS - 1)
    refuse_person_level(_raw(("kommunenummer", "år", "verdi"), rows))


def test_breakdowns_tell_rows_apart() -> None:
    rows = [("3201", "2024", sex, age, "5") for sex in ("Gutter", "Jenter", "Alle")
            for age in ("1", "2", "3", "4", "5")]  # fmt: skip
    refuse_person_level(_raw(("kommunenummer", "år", "kjønn", "alder", "antall"), rows))


def test_read_from_a_file_end_to_end() -> None:
    number = _valid("241299")
    data = f"kommunenummer;år;id\n3201;2024;{number[:6]} {number[6:]}\n".encode()
    with pytest.raises(UploadRefused):
        refuse_person_level(read_upload(data, "elever.csv"))


def test_a_fodselsnummer_stored_as_a_number_in_a_workbook() -> None:
    number = _valid("050505")  # the leading zero is lost when Excel stores it as a number
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["kommunenummer", "år", "elev"])
    sheet.append(["3201", 2024, int(number)])
    out = io.BytesIO()
    book.save(out)
    raw = read_upload(out.getvalue(), "elever.xlsx")
    assert raw.rows[0][2] == number.lstrip("0")
    with pytest.raises(UploadRefused) as caught:
        refuse_person_level(raw)
    assert "kolonne «elev»" in caught.value.message
