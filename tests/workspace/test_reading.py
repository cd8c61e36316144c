"""Reading uploads: CSV separators and encodings, XLSX values, and hostile files refused by the
declared limits before they cost much (each file is built here; nothing is a fixture file)."""

from __future__ import annotations

import codecs
import io
import re
import zipfile
from datetime import datetime

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oppvekst.errors import UploadRefused
from oppvekst.language import format_number
from oppvekst.workspace.reading import UploadLimits, clean_filename, read_upload

CSV = "kommunenummer;år;verdi\n3201;2024;12,5\n0301;2023;1 234\n"


def _xlsx(rows: list[list[object]], title: str = "Data") -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _refusal(data: bytes, filename: str = "tall.csv", **limits: int) -> UploadRefused:
    with pytest.raises(UploadRefused) as caught:
        read_upload(data, filename, UploadLimits(**limits))
    return caught.value


# --- CSV -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("separator", [";", ",", "\t"])
def test_each_separator_gives_the_same_table(separator: str) -> None:
    text = CSV.replace(";", separator).replace("12,5", '"12,5"' if separator == "," else "12,5")
    table = read_upload(text.encode(), "tall.csv")
    assert table.columns == ("kommunenummer", "år", "verdi")
    assert table.rows == (("3201", "2024", "12,5"), ("0301", "2023", "1 234"))


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (CSV.replace("år", "år ø").encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + CSV.replace("år", "år ø").encode("utf-8"), "utf-8"),
        (CSV.replace("år", "år ø").encode("utf-16"), "utf-16"),  # with its byte-order mark
        (CSV.replace("år", "år ø").encode("utf-16-le"), "utf-16"),  # without one
        (CSV.replace("år", "år ø").encode("latin-1"), "latin-1"),
        (CSV.replace("år", "år ø – «x»").encode("cp1252"), "cp1252"),  # – and « » need cp1252
    ],
)
def test_encodings_are_recognised(data: bytes, encoding: str) -> None:
    table = read_upload(data, "tall.csv")
    assert table.encoding == encoding
    assert table.columns[1].startswith("år ø")
    assert table.rows[0] == ("3201", "2024", "12,5")


def test_excels_separator_line() -> None:
    table = read_upload(b"sep=,\nregion,verdi\n3201,1\n", "t.csv")
    assert table.columns == ("region", "verdi")
    assert table.header_row == 1 and table.row_number(0) == 2


def test_cells_are_stripped_and_kept_as_written() -> None:
    table = read_upload(b"region ; verdi \n 3201 ;  12,50 \n", "t.csv")
    assert table.columns == ("region", "verdi")
    assert table.rows == (("3201", "12,50"),)


def test_notes_above_the_header_are_skipped_and_row_numbers_kept() -> None:
    text = (
        "# Mal for egne data\n\n# Radene under er eksempler\nregion;verdi\n3201;1\n\n\n0301;2\n\n"
    )
    table = read_upload(text.encode(), "t.csv")
    assert table.header_row == 4
    assert table.columns == ("region", "verdi")
    # The blank rows between stay (so 0301 is on row 8 as in a spreadsheet); the trailing ones go.
    assert [table.row_number(i) for i, row in enumerate(table.rows) if any(row)] == [5, 8]
    assert len(table.rows) == 4


def test_empty_and_repeated_header_names_become_unique() -> None:
    table = read_upload(b"verdi;;verdi\n1;2;3\n", "t.csv")
    assert table.columns == ("verdi", "kolonne 2", "verdi (2)")


def test_short_rows_are_padded() -> None:
    table = read_upload(b"a;b;c\n1;2\n", "t.csv")
    assert table.rows == (("1", "2", ""),)


def test_a_quoted_multi_line_cell_is_one_row() -> None:
    table = read_upload(b'a;b\n"to\nlinjer";1\n0301;2\n', "t.csv")
    assert table.rows[0] == ("to\nlinjer", "1")
    assert table.row_number(1) == 3


def test_scripts_in_text_are_kept_as_text() -> None:
    payload = "<script>alert(1)</script>"
    table = read_upload(f"region;merknad\n3201;{payload}\n".encode(), "t.csv")
    assert table.rows[0][1] == payload  # the pages escape it; reading must not change it


def test_filename_loses_folders_and_control_characters() -> None:
    assert clean_filename("C:\\Users\\ola\\tall.csv") == "tall.csv"
    assert clean_filename("../../etc/passwd") == "passwd"
    assert clean_filename("a\x00b\nc.csv") == "abc.csv"
    assert clean_filename("") == "opplastet fil"


# --- Refusals --------------------------------------------------------------------------------------
def test_empty_file() -> None:
    assert "tom" in _refusal(b"").message


def test_header_only() -> None:
    assert "bare overskriftsraden" in _refusal(b"kommunenummer;verdi\n\n\n").message


def test_only_notes_and_blank_lines() -> None:
    assert "overskriftsrad" in _refusal(b"# bare en merknad\n\n").message


def test_a_single_column() -> None:
    error = _refusal(b"kommunenummer\n3201\n")
    assert "én kolonne" in error.message
    assert "semikolon" in error.hint


def test_a_row_wider_than_the_header_is_named() -> None:
    # Decimal commas with comma separators and no quotes: the typical mistake.
    error = _refusal(b"region,verdi\n3201,12\n0301,12,5\n")
    assert "Rad 3 har 3 celler" in error.message
    assert "semikolon" in error.hint


def test_too_large_is_refused_before_reading() -> None:
    error = _refusal(b"a;b\n" + b"1;2\n" * 400, max_bytes=1000)
    assert "grensen er" in error.message


def test_a_million_rows_stop_at_the_row_limit() -> None:
    # 4 MB of rows, under the byte limit: the row limit stops the reading.
    data = b"a;b\n" + b"1;2\n" * 1_000_000
    error = _refusal(data)
    assert f"mer enn {format_number(200_000, 0)} rader" in error.message


def test_trailing_blank_rows_do_not_count_up_to_a_margin() -> None:
    table = read_upload(b"a;b\n1;2\n" + b";\n" * 800, "t.csv", UploadLimits(max_rows=100))
    assert table.rows == (("1", "2"),)
    # Millions of blank rows are refused: they cost memory while they are read.
    error = _refusal(b"a;b\n1;2\n" + b"\n" * 2_000_000, max_bytes=3_000_000)
    assert f"mer enn {format_number(200_000, 0)} rader" in error.message


def test_the_header_is_looked_for_near_the_top() -> None:
    error = _refusal(b"\n" * 1500 + b"a;b\n1;2\n")
    assert "første 1000 radene" in error.message


def test_too_many_columns() -> None:
    header = ";".join(f"k{i}" for i in range(51))
    assert "51 kolonner" in _refusal(f"{header}\n{header}\n".encode()).message


def test_a_cell_too_long_is_named() -> None:
    error = _refusal(b"a;b\n1;" + b"x" * 501 + b"\n")
    assert "rad 2, kolonne 2" in error.message and "501 tegn" in error.message


def test_a_giant_cell_beyond_the_csv_modules_limit() -> None:
    error = _refusal(b'a;b\n1;"' + b"x" * 200_000 + b'"\n', max_bytes=1_000_000)
    assert isinstance(error, UploadRefused)


def test_binary_data_is_not_text() -> None:
    noise = bytes(range(256)) * 40
    assert "tekstfil" in _refusal(noise, "bilde.csv").message


def test_broken_utf16_is_refused() -> None:
    assert "UTF-16" in _refusal(codecs.BOM_UTF16_LE + b"a\x00;\x00b\x00\x00\xd8").message


def test_old_excel_and_password_protected_workbooks() -> None:
    error = _refusal(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "gammel.xls")
    assert ".xls" in error.message


# --- XLSX ------------------------------------------------------------------------------------------
def test_xlsx_values_as_plain_text() -> None:
    data = _xlsx(
        [
            ["# Eksempel"],
            ["kommunenummer", "år", "verdi", "dato", "sann"],
            ["0301", 2024, 12.5, datetime(2024, 1, 1), True],
            [301, 2024.0, 0.000012, None, False],
            [],
            [3201, 2023, 123456789.25],
        ]
    )
    table = read_upload(data, "tall.xlsx")
    assert table.encoding == "xlsx"
    assert table.sheet == "Data"
    assert table.header_row == 2
    assert table.rows[0] == ("0301", "2024", "12.5", "2024-01-01", "SANN")
    assert table.rows[1] == ("301", "2024", "0.000012", "", "USANN")
    assert table.rows[2] == ("", "", "", "", "")
    assert table.rows[3] == ("3201", "2023", "123456789.25", "", "")
    assert table.row_number(3) == 6


def test_xlsx_percent_cells_read_as_shown() -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["region", "andel"])
    sheet.append(["3201", 0.125])
    sheet.append(["0301", 0.07])
    for row in (2, 3):
        sheet.cell(row, 2).number_format = "0.0%"
    out = io.BytesIO()
    book.save(out)
    table = read_upload(out.getvalue(), "t.xlsx")
    assert table.rows == (("3201", "12.5 %"), ("0301", "7 %"))


def test_xlsx_formula_is_refused_with_its_cell() -> None:
    data = _xlsx([["region", "verdi"], ["3201", 4], ["0301", "=B2*2"]])
    error = _refusal(data, "tall.xlsx")
    assert "B3" in error.message and "formel" in error.message and "«Data»" in error.message
    assert "verdier" in error.hint


def test_xlsx_only_the_first_visible_sheet_is_read() -> None:
    book = openpyxl.Workbook()
    hidden = book.active
    hidden.title = "Skjult"
    hidden.append(["x", "y"])
    hidden.append(["1", "2"])
    hidden.sheet_state = "hidden"
    shown = book.create_sheet("Tall")
    shown.append(["region", "verdi"])
    shown.append(["3201", 7])
    out = io.BytesIO()
    book.save(out)
    table = read_upload(out.getvalue(), "t.xlsx")
    assert table.sheet == "Tall"
    assert table.rows == (("3201", "7"),)


def test_xlsx_cells_beyond_the_column_limit_are_refused() -> None:
    # Only one column past the limit is looked at (a stray cell at column XFD must not make every
    # row 16 384 cells wide); a cell there is refused, cells further right are not read.
    data = _xlsx([["region", "verdi"], ["3201", 1, None, None, None, "skjult"]])
    error = _refusal(data, "t.xlsx", max_columns=5)
    assert "6 kolonner" in error.message


def test_a_cell_far_down_the_sheet() -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["region", "verdi"])
    sheet.append(["3201", 1])
    sheet["A1000000"] = "langt nede"
    out = io.BytesIO()
    book.save(out)
    # Counted as a row with content after 999 997 blank ones: beyond the row limit.
    assert (
        f"mer enn {format_number(200_000, 0)} rader" in _refusal(out.getvalue(), "t.xlsx").message
    )


def test_a_line_of_millions_of_separators() -> None:
    error = _refusal(b"a" + b";" * 3_000_000 + b"b\n1;2\n")
    assert "kolonner" in error.message


def test_xlsx_row_limit() -> None:
    data = _xlsx([["region", "verdi"], *[["3201", i] for i in range(30)]])
    assert "mer enn 20 rader" in _refusal(data, "t.xlsx", max_rows=20).message


def test_a_lying_dimension_does_not_hide_rows() -> None:
    data = _xlsx([["region", "verdi"], ["3201", 1], ["0301", 2]])
    # Rewrite the sheet's stored dimension to claim one row; reading must still reach row 3.
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = re.sub(
                    rb"<dimension ref=\"[^\"]+\" ?/>", b'<dimension ref="A1:A1"/>', content
                )
                assert b"A1:A1" in content
            target.writestr(item, content)
    table = read_upload(out.getvalue(), "t.xlsx")
    assert table.rows == (("3201", "1"), ("0301", "2"))


def _zip(entries: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return out.getvalue()


def test_zip_bomb_is_refused_from_the_directory() -> None:
    # 50 MB of zeros compress to about 50 KB: refused by the ratio, read from the directory.
    bomb = _zip(
        {"xl/workbook.xml": b"<workbook/>", "xl/worksheets/sheet1.xml": b"\0" * 50 * 1024 * 1024}
    )
    assert len(bomb) < 100 * 1024
    error = _refusal(bomb, "bombe.xlsx")
    assert "«xl/worksheets/sheet1.xml»" in error.message and "ganger" in error.message


def test_a_bomb_under_the_ratio_is_caught_by_the_total() -> None:
    # Many parts, each under the ratio floor, that together inflate past the total.
    parts = {f"xl/media/{i}.bin": b"\0" * (1024 * 1024) for i in range(120)}
    bomb = _zip({"xl/workbook.xml": b"<workbook/>", **parts})
    assert len(bomb) < 1024 * 1024
    assert "utpakket" in _refusal(bomb, "bombe.xlsx").message


def test_uncompressed_total_is_limited() -> None:
    # Random-ish text compresses badly, so only the total catches it.
    import random

    noise = random.Random(1).randbytes(3 * 1024 * 1024)
    data = _zip({"xl/workbook.xml": b"<workbook/>", "xl/media/a.bin": noise})
    error = _refusal(data, "t.xlsx", max_uncompressed_xlsx_bytes=2 * 1024 * 1024)
    assert "utpakket" in error.message


def test_a_zip_that_is_no_workbook() -> None:
    data = _zip({"word/document.xml": b"<w/>"})
    assert "ikke en Excel-arbeidsbok" in _refusal(data, "brev.xlsx").message


def test_methods_excel_never_uses_are_refused() -> None:
    data = _zip({"xl/workbook.xml": b"<workbook/>"}, zipfile.ZIP_BZIP2)
    assert "pakket" in _refusal(data, "t.xlsx").message


@pytest.mark.parametrize(
    "data",
    [
        b"PK\x03\x04" + b"\x00" * 200,  # a ZIP header and nothing
        _zip({"xl/workbook.xml": b"<workbook><sheets><sheet"}),  # broken XML
        _zip({"xl/workbook.xml": b"<workbook/>", "[Content_Types].xml": b"<Types/>"}),
    ],
    ids=["truncated", "broken-xml", "no-sheets"],
)
def test_malformed_workbooks_get_a_message(data: bytes) -> None:
    error = _refusal(data, "t.xlsx")
    assert error.http_status == 400
    assert "xlsx" in error.hint


def test_truncated_real_workbook() -> None:
    data = _xlsx([["region", "verdi"], ["3201", 1]])
    error = _refusal(data[: len(data) // 2], "t.xlsx")
    assert error.http_status == 400


def test_xml_entity_expansion_is_not_expanded() -> None:
    # A billion-laughs sheet: a part that declares a DTD is refused before it is parsed.
    data = _xlsx([["region", "verdi"], ["3201", 1]])
    source = zipfile.ZipFile(io.BytesIO(data))
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = laughs + content.split(b"?>", 1)[-1]
            target.writestr(item, content)
    error = _refusal(out.getvalue(), "t.xlsx")
    assert "DTD" in error.message


def test_a_workbook_named_csv_is_still_read_as_a_workbook() -> None:
    data = _xlsx([["region", "verdi"], ["3201", 1]])
    assert read_upload(data, "tall.csv").encoding == "xlsx"


def test_a_text_file_named_xlsx_is_refused() -> None:
    assert "ikke et Excel-regneark" in _refusal(CSV.encode(), "tall.xlsx").message


# --- Anything at all -------------------------------------------------------------------------------
@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=3000), name=st.sampled_from(["t.csv", "t.xlsx", "t.txt", ""]))
def test_any_bytes_give_a_table_or_a_refusal(data: bytes, name: str) -> None:
    _table_or_refusal(data, name)


def _table_or_refusal(data: bytes, name: str) -> None:
    refusal: UploadRefused | None = None
    try:
        table = read_upload(data, name)
    except UploadRefused as refused:
        refusal = refused
    if refusal is not None:
        assert refusal.message and refusal.http_status == 400
        return
    assert len(table.columns) >= 2 and table.rows
    assert all(len(row) == len(table.columns) for row in table.rows)


WORKBOOK = _xlsx([["kommunenummer", "år", "verdi"], ["3201", 2024, 12.5], ["0301", 2024, 3]])


@settings(max_examples=300, deadline=None)
@given(
    changes=st.lists(
        st.tuples(st.integers(0, len(WORKBOOK) - 1), st.integers(0, 255)), min_size=1, max_size=8
    ),
    cut=st.integers(100, len(WORKBOOK)),
)
def test_a_damaged_workbook_gives_a_table_or_a_refusal(
    changes: list[tuple[int, int]], cut: int
) -> None:
    damaged = bytearray(WORKBOOK[:cut])
    for position, value in changes:
        if position < len(damaged):
            damaged[position] = value
    _table_or_refusal(bytes(damaged), "t.xlsx")


@settings(max_examples=200, deadline=None)
@given(
    cells=st.lists(
        st.lists(st.text(alphabet="0123456789;,\t\"'=+-@.# \nabcæøå", max_size=12), max_size=6),
        max_size=12,
    )
)
def test_any_text_table_gives_a_table_or_a_refusal(cells: list[list[str]]) -> None:
    text = "\n".join(";".join(row) for row in cells)
    for encoding in ("utf-8", "utf-16", "cp1252"):
        try:
            table = read_upload(text.encode(encoding), "t.csv")
        except UploadRefused:
            continue
        assert all(len(row) == len(table.columns) for row in table.rows)
        assert len(set(table.columns)) == len(table.columns)


# --- The workbook reader's own cases (hand-written parts, as other programs than Excel write them) -
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _book(
    sheet: str,
    strings: str = "",
    styles: str = "",
    pr: str = "",
    method: int = zipfile.ZIP_DEFLATED,
) -> bytes:
    return _zip(
        {
            "xl/workbook.xml": (
                f'<x:workbook xmlns:x="{MAIN}" xmlns:r="{RELS}">{pr}<x:sheets>'
                '<x:sheet name="Skjult" sheetId="1" state="hidden" r:id="rId1"/>'
                '<x:sheet name="Tall" sheetId="2" r:id="rId2"/></x:sheets></x:workbook>'
            ).encode(),
            "xl/_rels/workbook.xml.rels": (
                b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                b'<Relationship Id="rId1" Target="worksheets/sheet1.xml"/>'
                b'<Relationship Id="rId2" Target="/xl/worksheets/sheet2.xml"/></Relationships>'
            ),
            "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{MAIN}"/>'.encode(),
            "xl/worksheets/sheet2.xml": f'<x:worksheet xmlns:x="{MAIN}"><x:sheetData>{sheet}'
            "</x:sheetData></x:worksheet>".encode(),
            **({"xl/sharedStrings.xml": f'<sst xmlns="{MAIN}">{strings}</sst>'.encode()} if strings else {}),
            **({"xl/styles.xml": f'<styleSheet xmlns="{MAIN}">{styles}</styleSheet>'.encode()} if styles else {}),
        },
        method,
    )  # fmt: skip


def test_prefixed_parts_addressless_cells_and_every_value_type() -> None:
    sheet = (
        '<x:row r="1"><x:c t="s"><x:v>0</x:v></x:c><x:c t="inlineStr"><x:is><x:t>verdi</x:t>'
        '</x:is></x:c><x:c t="s"><x:v>1</x:v></x:c></x:row>'
        '<x:row r="3"><x:c r="A3" t="str"><x:v>3201</x:v></x:c><x:c r="B3"><x:v>1.25E1</x:v></x:c>'
        '<x:c r="C3" t="b"><x:v>1</x:v></x:c></x:row>'
        '<x:row r="4"><x:c r="A4" t="inlineStr"><x:is><x:r><x:t>03</x:t></x:r><x:r><x:t>01</x:t>'
        '</x:r></x:is></x:c><x:c r="B4" s="1"><x:v>45292</x:v></x:c><x:c r="C4" t="e">'
        "<x:v>#DIV/0!</x:v></x:c></x:row>"
    )
    strings = (
        "<si><t>region</t></si>"
        "<si><r><t>merk</t></r><r><t>nad</t></r><rPh><t>fonetisk</t></rPh></si>"
    )
    styles = '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs>'
    table = read_upload(_book(sheet, strings, styles), "t.xlsx")
    assert table.sheet == "Tall"  # the hidden first sheet is passed over
    assert table.columns == ("region", "verdi", "merknad")
    assert table.rows == (("", "", ""), ("3201", "12.5", "SANN"), ("0301", "2024-01-01", "#DIV/0!"))
    assert table.row_number(1) == 3


def test_the_1904_date_system() -> None:
    sheet = (
        '<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>a</x:t></x:is></x:c>'
        '<x:c r="B1" t="inlineStr"><x:is><x:t>b</x:t></x:is></x:c></x:row>'
        '<x:row r="2"><x:c r="A2" s="1"><x:v>0</x:v></x:c><x:c r="B2"><x:v>1</x:v></x:c></x:row>'
    )
    styles = '<numFmts><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts><cellXfs><xf numFmtId="0"/><xf numFmtId="164"/></cellXfs>'
    data = _book(sheet, styles=styles, pr='<x:workbookPr date1904="1"/>')
    assert read_upload(data, "t.xlsx").rows == (("1904-01-01", "1"),)


def test_a_missing_shared_string_is_refused() -> None:
    sheet = '<x:row r="1"><x:c r="A1" t="s"><x:v>7</x:v></x:c><x:c r="B1" t="s"><x:v>0</x:v></x:c></x:row>'
    error = _refusal(_book(sheet, "<si><t>a</t></si>"), "t.xlsx")
    assert "A1" in error.message


def test_a_dtd_hidden_behind_a_long_comment_is_refused() -> None:
    padding = "<!--" + "x" * 100_000 + "-->"
    sheet = '<x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c></x:row>'
    data = _book(sheet)
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet2.xml":
                content = (padding + '<!DOCTYPE x [<!ENTITY a "b">]>').encode() + content
            target.writestr(item, content)
    assert "DTD" in _refusal(out.getvalue(), "t.xlsx").message


def test_a_utf16_part_is_refused() -> None:
    data = _zip(
        {
            "xl/workbook.xml": f'<workbook xmlns="{MAIN}"/>'.encode("utf-16"),
        }
    )
    assert "tegnkoding" in _refusal(data, "t.xlsx").message


def test_a_row_of_millions_of_cells_is_refused_while_it_is_read() -> None:
    sheet = '<x:row r="1">' + "<x:c><x:v>1</x:v></x:c>" * 60_000 + "</x:row>"
    # Stored without compression, so the ratio guard lets it through to the reader.
    data = _book(sheet, method=zipfile.ZIP_STORED)
    assert "flere celler enn et regneark" in _refusal(data, "t.xlsx").message


def test_a_bad_cell_address_is_refused() -> None:
    sheet = '<x:row r="1"><x:c r="a1"><x:v>1</x:v></x:c></x:row>'
    assert "ugyldig adresse" in _refusal(_book(sheet), "t.xlsx").message
