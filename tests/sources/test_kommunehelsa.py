"""The FHI Kommunehelsa export (childhood vaccination, SOURCES.md §9) read as FHI writes it."""

from __future__ import annotations

import csv
import io
import re
from functools import cache
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from oppvekst.errors import MalformedResponse
from oppvekst.sources.cohorts import CHILDREN_2013, cohort_weights
from oppvekst.sources.kommunehelsa import CodeLists, read_export

EXPORT = "stats/fhi_vaksinasjonsdekning_2002-2018/fhi_kommunehelsa_vaksinasjonsdekning_5aar_snitt_export.xlsx"


@cache
def _export(root: Path) -> pd.DataFrame:
    return read_export((root / EXPORT).read_bytes(), CodeLists.from_mirror(root))


@pytest.fixture(scope="module")
def cells(shared_data: Path) -> pd.DataFrame:
    return _export(shared_data)


def _cell(cells: pd.DataFrame, region: str, age: str, vaccine: str, period: str) -> str:
    hit = cells[
        (cells["region"] == region)
        & (cells["alder"] == age)
        & (cells["kategori"] == vaccine)
        & (cells["periode"] == period)
    ]
    assert len(hit) == 1, (region, age, vaccine, period)
    return str(hit["verdi"].iloc[0])


def test_every_cell_of_the_real_export_with_a_2019_code(cells: pd.DataFrame) -> None:
    # 15 675 data rows × 13 periods; 475 blocks: land, 18 fylker, 422 kommuner, 34 bydeler.
    assert len(cells) == 15_675 * 13
    blocks = cells.drop_duplicates("region")
    assert len(blocks) == 475
    assert blocks["region"].str.len().value_counts().to_dict() == {4: 422, 6: 34, 2: 18, 1: 1}
    # The symbol counts SOURCES.md §9 gives for the file.
    assert (cells["verdi"] == ":").sum() == 11_532
    assert (cells["verdi"] == "..").sum() == 106_099
    assert (~cells["verdi"].isin([":", ".."])).sum() == 86_144
    assert sorted(cells["periode"].unique())[::12] == ["2002-2006", "2014-2018"]


def test_the_documented_national_figures(cells: pd.DataFrame) -> None:
    assert float(_cell(cells, "0", "9 år", "Meslinger", "2014-2018")) == 96.0
    assert float(_cell(cells, "0", "2 år", "Meslinger", "2014-2018")) == 95.7
    assert float(_cell(cells, "0", "16 år", "Meslinger", "2014-2018")) == 92.4


def test_sami_parallel_names_and_homonyms(cells: pd.DataFrame) -> None:
    names = cells.drop_duplicates("region").set_index("region")["navn"]
    # KLASS (Latin-1) writes "Kárá?johka - Karasjok"; the export "Kárásjohka Karasjok".
    assert names["2021"] == "Kárásjohka Karasjok"
    assert names["1850"] == "Divtasvuodna Tysfjord"  # the other order of KLASS's name
    assert names["1841"] == "Fauske Fuosko"  # KLASS: "Fauske - Fuossko"
    # Homonyms, told apart by the fylke block they stand in.
    assert names["1515"] == "Herøy (Møre og Romsdal)"
    assert names["1818"] == "Herøy (Nordland)"
    assert names["0137"] == "Våler (Østfold)"
    assert names["0426"] == "Våler (Hedmark)"
    assert _cell(cells, "1515", "9 år", "Meslinger", "2014-2018") == "92.1"
    assert _cell(cells, "1818", "9 år", "Meslinger", "2014-2018") == ":"
    # Oslo stands twice (fylke, then kommune); Rindal under Møre og Romsdal, its 2018 fylke.
    assert names["03"] == names["0301"] == "Oslo"
    assert names["5061"] == "Rindal"
    assert names["030104"] == "Bydel St.Hanshaugen"  # KLASS: "St. Hanshaugen"
    assert names["120101"] == "Arna bydel"


def test_suppressed_and_not_available_cells_keep_their_symbols(cells: pd.DataFrame) -> None:
    assert _cell(cells, "0111", "9 år", "Meslinger", "2014-2018") == ":"  # Hvaler
    assert _cell(cells, "0", "9 år", "Hib", "2014-2018") == ".."  # not given at 9 år
    assert _cell(cells, "0", "16 år", "HPV-infeksjon (jenter)", "2012-2016") == ".."


def _workbook(names: list[str]) -> bytes:
    """A tiny export in FHI's layout: one block per name, one age, one vaccine, one period."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Vaksinasjonsdekning - barnevaksinasjonprogrammet, 5-årige gjennomsnitt (B)"])
    sheet.append(["andel (prosent)"])
    sheet.append(["År", None, None, "2014-2018"])
    sheet.append(["Geografi", "Alder", "Vaksine mot "])
    for n, name in enumerate(names):
        sheet.append([name, "9 år", "Meslinger", 90 + n])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_small_export_in_the_same_layout(shared_data: Path) -> None:
    codes = CodeLists.from_mirror(shared_data)
    content = _workbook(["Hele landet", "Østfold", "Våler (Østfold)", "Hedmark", "Våler"])
    frame = read_export(content, codes)
    assert frame["region"].tolist() == ["0", "01", "0137", "04", "0426"]
    assert frame["verdi"].tolist() == ["90", "91", "92", "93", "94"]


@pytest.mark.parametrize(
    ("names", "named"),
    [
        (["Østfold", "Atlantis"], "«Atlantis» finnes ikke blant 2019-kodene i Østfold"),
        (["Østfold", "Våler (Hedmark)"], "«Våler (Hedmark)» står i blokken for Østfold"),
        (["Halden"], "«Halden» står før første fylke"),
        (["Østfold", "Bydel Frogner"], "«Bydel Frogner» står ikke under en kommune"),
        (["Østfold", "Halden", "Halden"], "«Halden» gir samme kode (0101) som «Halden»"),
    ],
)
def test_a_name_that_cannot_be_matched_is_an_error_naming_it(
    shared_data: Path, names: list[str], named: str
) -> None:
    with pytest.raises(MalformedResponse, match=re.escape(named)):
        read_export(_workbook(names), CodeLists.from_mirror(shared_data))


def test_an_export_without_the_statistics_bank_headers_is_refused(shared_data: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Geografi", "År", "verdi"])
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(MalformedResponse, match="«År» og «Geografi»"):
        read_export(out.getvalue(), CodeLists.from_mirror(shared_data))


def _imdi_children(root: Path) -> dict[str, int]:
    with (root / CHILDREN_2013).open(encoding="utf-8", newline="") as handle:
        return {
            row["kommune_nr"]: int(row["tabellvariabel"])
            for row in csv.DictReader(handle)
            if row["barnikommune"] == "alle"
            and row["bhgalder"] == "1_5"
            and row["enhet"] == "personer"
            and row["kommune_nr"] != "NULL"
        }


def test_cohort_weights_follow_2013_codes_to_2019(shared_data: Path) -> None:
    weights = cohort_weights(shared_data)
    children = _imdi_children(shared_data)
    # Sandefjord 0710 (2017) = Sandefjord 0706 + Andebu 0719 + Stokke 0720 of 2013.
    assert weights["0710"] == children["0706"] + children["0719"] + children["0720"]
    # Indre Fosen 5054 (2018) = Rissa 1624 + Leksvik 1718; Trondheim 1601 → 5001.
    assert weights["5054"] == children["1624"] + children["1718"]
    assert weights["5001"] == children["1601"]
    # IMDi still writes Harstad as 1901 (the code until 2012); it is 1903 from 2013.
    assert weights["1903"] == children["1901"]
    assert weights["0627"] == children["0627"]  # unchanged 2013–2019
    # Every 2019 kommune has a weight; a fylke's is the sum of its kommuner's.
    kommuner = {p.code for p in CodeLists.from_mirror(shared_data).kommuner}
    assert kommuner <= set(weights)
    assert weights["50"] == sum(w for c, w in weights.items() if len(c) == 4 and c[:2] == "50")
    assert sum(weights[c] for c in kommuner) == sum(children.values())
