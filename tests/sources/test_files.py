"""File source: Udir UTF-16 exports, Bufdir kommunemonitor XLSX (wide) and a plain long CSV."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import openpyxl
import pytest

from oppvekst.errors import MalformedResponse
from oppvekst.sources.files import FileSource, WideColumns, read

TIDY = ["region", "period"]
TAIL = ["value", "numerator", "denominator", "status"]


def test_population_long_csv(shared_data: Path) -> None:
    source = FileSource(
        shared_data / "stats/population_0-17_by_single_age_2024borders_2005-2026.csv",
        "csv",
        region="region_code",
        period="year",
        value="population_jan1",
        breakdowns=("age",),
    )
    frame = read(source)
    assert list(frame.columns) == [*TIDY, "age", *TAIL]
    assert len(frame) == 147672
    norway_2024 = frame[(frame["region"] == "0") & (frame["period"] == "2024")]
    assert norway_2024["value"].sum() == 1_112_853  # documented check in SOURCES.md
    assert frame["region"].str.len().isin([1, 2, 4]).all()  # leading zeros kept ("03")
    assert frame["status"].isna().all()


def test_udir_utf16_export_with_sep_line(shared_data: Path) -> None:
    source = FileSource(
        shared_data / "stats/samples_telemark/udir_barnehage_pedagognorm_2021_export_utf16.tsv",
        "csv",
        encoding="utf-16",
        separator=",",  # deliberately wrong: the file's "sep=" line must win
        region="Organisasjonsnummer",
        breakdowns=("BarnehageenhetNivaa",),
        keep_rows={"BarnehageenhetNivaa": ("2", "3")},
        wide=WideColumns(r"(?P<period>\d{4})\.(?P<eierform>[^.]+)\.(?P<measure>.+)"),
        decimal=",",
    )
    frame = read(source)
    assert list(frame.columns) == [*TIDY, "BarnehageenhetNivaa", "eierform", "measure", *TAIL]
    bamble = frame[
        (frame["region"] == "3813") & (frame["measure"] == "Oppfyller pedagognormen (andel)")
    ]
    assert bamble["value"].tolist() == [100.0]  # "100,0%"
    fylke = frame[(frame["region"] == "38") & (frame["measure"] == "Antall barnehager")]
    assert fylke["value"].tolist() == [375.0]
    assert set(frame["period"]) == {"2021"}


def test_udir_export_thousands_and_percent(shared_data: Path) -> None:
    source = FileSource(
        shared_data / "stats/samples_telemark/udir_barnehage_pedagognorm_2021_export_utf16.tsv",
        "csv",
        encoding="utf-16",
        separator="\t",
        region="Nasjonaltkode",
        keep_rows={"BarnehageenhetNivaa": ("1",)},
        wide=WideColumns(r"(?P<period>\d{4})\.[^.]+\.(?P<measure>.+)"),
        decimal=",",
        transform="percent_to_fraction",
    )
    frame = read(source).set_index("measure")
    assert frame.loc["Antall barnehager", "value"] == pytest.approx(55.25)  # "5 525" / 100
    assert frame.loc["Oppfyller pedagognormen (andel)", "value"] == pytest.approx(0.709)


def test_udir_mobbing_export_region_from_header(shared_data: Path) -> None:
    pattern = (
        r"(?P<period>[^.]+)\.(?P<land>[^.]+)\.(?P<region>[^.]+)\.(?P<skoler>[^.]+)\.(?P<program>[^.]+)"
        r"\.(?P<program2>[^.]+)\.(?P<eierform>[^.]+)\.(?P<kjonn>[^.]+)\.(?P<measure>[^.]+)"
    )
    source = FileSource(
        shared_data
        / "stats/samples_telemark/udir_elevundersokelsen_mobbing_2020-21_export_utf16.tsv",
        "csv",
        encoding="utf-16",
        breakdowns=("Indikatorkode",),
        wide=WideColumns(pattern),
        decimal=",",
    )
    frame = read(source)
    first = frame[(frame["Indikatorkode"] == "67.19.00.11") & (frame["kjonn"] == "Begge kjønn")]
    assert first["period"].iloc[0] == "2020-21"
    assert first["value"].iloc[0] == pytest.approx(3.3)


def _bufdir_xlsx(path: Path, *, with_enhet: bool) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Data" if with_enhet else "Sheet1"
    head = [
        "Region",
        "Regionnavn",
        *(["Enhet"] if with_enhet else []),
        "Tallformat",
        "2019",
        "2020",
        "2021",
    ]
    sheet.append(head)
    rows = [
        ["0301", "Oslo", "barn", "prosent", "9,2", "9,5", ".."],
        ["0301", "Oslo", "barn", "antall", "17689,64", None, "18 001"],
        ["030101", "Gamle Oslo", "barn", "prosent", ":", "12,1", "11,0"],
        ["3103", "Moss", "barn", "prosent", 7.5, "", "8,1"],
    ]
    for row in rows:
        sheet.append(row if with_enhet else [row[0], row[1], *row[3:]])
    workbook.save(path)


@pytest.mark.parametrize("with_enhet", [True, False])
def test_bufdir_kommunemonitor_xlsx_wide(tmp_path: Path, with_enhet: bool) -> None:
    path = tmp_path / ("Indikator_4_test.xlsx" if with_enhet else "1A_test.xlsx")
    _bufdir_xlsx(path, with_enhet=with_enhet)
    source = FileSource(
        path,
        "xlsx",
        sheet="Data" if with_enhet else "Sheet1",
        region="Region",
        breakdowns=("Tallformat",),
        wide=WideColumns(r"(?P<period>\d{4})"),
        decimal=",",
    )
    frame = read(source)
    assert list(frame.columns) == [*TIDY, "Tallformat", *TAIL]
    assert len(frame) == 12
    cell = frame.set_index(["region", "Tallformat", "period"])
    assert cell.loc[("0301", "prosent", "2019"), "value"] == pytest.approx(9.2)
    assert cell.loc[("0301", "antall", "2019"), "value"] == pytest.approx(17689.64)
    assert cell.loc[("0301", "antall", "2021"), "value"] == 18001.0
    assert cell.loc[("3103", "prosent", "2019"), "value"] == 7.5  # a real number cell
    assert cell.loc[("0301", "prosent", "2021"), "status"] == ".."
    assert cell.loc[("030101", "prosent", "2019"), "status"] == ":"
    assert cell.loc[("0301", "antall", "2020"), "status"] == ""  # blank kept as its own symbol
    assert np.isnan(cell.loc[("0301", "prosent", "2021"), "value"])


def test_numerator_and_denominator(tmp_path: Path) -> None:
    path = tmp_path / "rates.csv"
    path.write_text(
        "kommune;aar;teller;nevner;andel\n4001;2024;12;300;4,0\n4003;2024;NULL;50;..\n",
        encoding="utf-8",
    )
    source = FileSource(
        path, "csv", separator=";", decimal=",", region="kommune", period="aar",
        value="andel", numerator="teller", denominator="nevner",
    )  # fmt: skip
    frame = read(source)
    assert frame["numerator"].tolist()[0] == 12.0
    assert np.isnan(frame["numerator"].tolist()[1])
    assert frame["denominator"].tolist() == [300.0, 50.0]
    assert frame["value"].tolist()[0] == 4.0
    assert frame["status"].tolist() == [None, ".."]


def test_mapping_errors_are_clear(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(MalformedResponse, match="has no column 'region_code'"):
        read(FileSource(path, "csv", region="region_code", period="a", value="b"))
    with pytest.raises(MalformedResponse, match="no column header matches"):
        read(FileSource(path, "csv", region="a", wide=WideColumns(r"\d{4}")))
    with pytest.raises(MalformedResponse, match="not found"):
        read(FileSource(tmp_path / "missing.csv", "csv", region="a", value="b"))
