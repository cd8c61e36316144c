"""Templates: every kind in both formats reads back through read_upload + guess_mapping + validate
without a problem, for several kinds of organisation (real registry)."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest
from tests.regions.conftest import registry

from oppvekst.errors import UnknownTemplate
from oppvekst.exports.formats import CSV, XLSX
from oppvekst.regions.history import Level
from oppvekst.regions.registry import Registry
from oppvekst.workspace.mapping import guess_mapping
from oppvekst.workspace.reading import read_upload
from oppvekst.workspace.templates import TEMPLATES, template_file
from oppvekst.workspace.validation import validate

# A kommune, a bydel, a fylke, a kommune without bydeler asking for the bydel template, nobody.
REGIONS = ["3201", "030105", "46", "5001", None]

__all__ = ["registry"]  # the session's offline registry (tests/regions), as a fixture here


@pytest.mark.parametrize("kind", sorted(TEMPLATES))
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("region", REGIONS)
def test_a_template_validates_as_it_stands(
    registry: Registry, kind: str, fmt: str, region: str | None
) -> None:
    data, media_type, filename = template_file(kind, fmt, registry, region)  # type: ignore[arg-type]
    assert filename == f"mal-{kind}.{fmt}"
    assert media_type == (CSV if fmt == "csv" else XLSX).media_type
    raw = read_upload(data, filename)
    mapping = guess_mapping(raw)
    template = TEMPLATES[kind]
    assert mapping.region == template.header[0]  # the number, not the name beside it
    assert mapping.period == template.header[2]  # «år»
    assert (mapping.value is None) == ("value" not in template.figures)
    assert [name for name, _ in mapping.breakdowns] == list(template.breakdowns)
    checked = validate(raw, mapping, registry)
    assert checked.ok, [p.text for p in checked.problems]
    assert checked.source_rows == len(raw.rows) == len(checked.rows) > 0
    levels = {registry.get(code).level for code in checked.rows["region"]}
    assert levels == {template.level}


def test_the_organisations_own_area_comes_first(registry: Registry) -> None:
    for region, kind in [("3201", "kommune-verdi"), ("030105", "bydel-teller-nevner")]:
        raw = read_upload(template_file(kind, "csv", registry, region)[0], "t.csv")
        assert raw.rows[0][0] == region
        assert raw.rows[0][1] == registry.get(region).name
    # A fylkeskommune gets kommuner of its own county.
    raw = read_upload(template_file("kommune-verdi", "csv", registry, "46")[0], "t.csv")
    assert {registry.county_of(row[0]).code for row in raw.rows} == {"46"}  # type: ignore[union-attr]
    # A bydel asking for a kommune template gets its kommune.
    raw = read_upload(template_file("kommune-verdi", "csv", registry, "030105")[0], "t.csv")
    assert {row[0] for row in raw.rows} == {"0301"}


def test_csv_is_the_norwegian_excel_dialect_with_instructions(registry: Registry) -> None:
    data = template_file("kommune-kjonn-teller-nevner", "csv", registry, "3201")[0]
    assert data.startswith("\ufeff".encode())
    text = data.decode("utf-8-sig")
    lines = text.split("\r\n")
    notes = [line for line in lines if line.startswith("#")]
    assert lines[: len(notes)] == notes  # all instructions above the header
    assert any("EKSEMPLER" in line for line in notes)
    assert any("Jenter" in line for line in notes)  # the words to use for the groups
    assert lines[len(notes)] == "kommunenummer;kommunenavn;år;kjønn;teller;nevner"
    assert all(";" not in line for line in notes)


def test_sex_rows_add_up(registry: Registry) -> None:
    raw = read_upload(template_file("kommune-kjonn-teller-nevner", "csv", registry)[0], "t.csv")
    checked = validate(raw, guess_mapping(raw), registry)
    rows = checked.rows.set_index(["region", "period", "sex"])
    for region, period in {(r, p) for r, p, _ in rows.index}:
        for role in ("numerator", "denominator"):
            parts = (
                rows.loc[(region, period, "female"), role]
                + rows.loc[(region, period, "male"), role]
            )
            assert rows.loc[(region, period, "total"), role] == parts


def test_xlsx_has_a_data_sheet_and_a_guide(registry: Registry) -> None:
    data = template_file("kommune-verdi", "xlsx", registry)[0]
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Data", "Veiledning"]
    sheet = book["Data"]
    assert str(sheet["A1"].value).startswith("# ") and "EKSEMPLER" in str(sheet["A1"].value)
    assert [c.value for c in sheet[2]] == ["kommunenummer", "kommunenavn", "år", "verdi"]
    assert sheet["A3"].value == "0301"  # text, with its leading zero
    assert isinstance(sheet["D3"].value, float)
    guide = [row[0] for row in book["Veiledning"].iter_rows(values_only=True)]
    assert any("desimalkomma" in str(line) for line in guide)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")


@pytest.mark.parametrize(("kind", "fmt"), [("finnes-ikke", "csv"), ("kommune-verdi", "pdf")])
def test_unknown_templates(registry: Registry, kind: str, fmt: str) -> None:
    with pytest.raises(UnknownTemplate) as caught:
        template_file(kind, fmt, registry)  # type: ignore[arg-type]
    assert caught.value.http_status == 404
    assert kind in caught.value.message


def test_unknown_region_code_falls_back_to_the_example_kommune(registry: Registry) -> None:
    raw = read_upload(template_file("kommune-verdi", "csv", registry, "9999")[0], "t.csv")
    assert {row[0] for row in raw.rows} == {"0301"}
    assert registry.get("0301").level is Level.KOMMUNE
