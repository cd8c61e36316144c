"""The JSON-stat decoder on every recorded response and on deliberately broken ones."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pytest

from oppvekst.errors import MalformedResponse
from oppvekst.sources.jsonstat import decode

FIXTURES = "api_fixtures"


def _doc(shared_data: Path, rel: str) -> dict[str, Any]:
    doc: dict[str, Any] = orjson.loads((shared_data / FIXTURES / rel).read_bytes())
    return doc


def _small() -> dict[str, Any]:
    return {
        "version": "2.0",
        "class": "dataset",
        "id": ["GEO", "AAR"],
        "size": [2, 3],
        "dimension": {
            "GEO": {"category": {"index": ["03", "30"], "label": {"03": "Oslo"}}},
            "AAR": {"category": {"index": {"2020": 0, "2021": 1, "2022": 2}}},
        },
        "value": [1, 2, 3, 4, 5, 6],
    }


def test_05300_real_cells_and_symbols(shared_data: Path) -> None:
    ds = decode(
        (
            shared_data / FIXTURES / "ssb_pxwebapi_v0/table_05300_data_POST_jsonstat2.json"
        ).read_bytes()
    )
    assert ds.shape == (6, 8, 1, 9)
    assert ds.updated == "2022-05-24T06:00:00Z"
    assert ds.dimension("Tid").role == "time"
    assert ds.dimension("ContentsCode").unit["Avstand"]["base"] == "prosent"
    # Cell 0: Under 1 km, Kino, 1991 = 16; the last 2021 value of Avstand 01/Kulturtilbud 01 = 12.
    assert ds.cell(Avstand1="01", Kulturtilbud="01", ContentsCode="Avstand", Tid="1991") == (
        16.0,
        None,
    )
    assert ds.cell(Avstand1="01", Kulturtilbud="08", ContentsCode="Avstand", Tid="2021") == (
        None,
        ".",
    )
    # Flat 360 = Avstand 06, Kulturtilbud 01, 1991: ".." (tallgrunnlag mangler), value null.
    assert ds.cell(Avstand1="06", Kulturtilbud="01", ContentsCode="Avstand", Tid="1991") == (
        None,
        "..",
    )
    assert sorted(set(ds.status.values())) == [".", ".."]
    assert list(ds.status.values()).count(".") == 20
    assert list(ds.status.values()).count("..") == 8
    frame = ds.to_frame()
    assert list(frame.columns) == [
        "Avstand1",
        "Kulturtilbud",
        "ContentsCode",
        "Tid",
        "value",
        "status",
    ]
    assert len(frame) == 432
    missing = frame[frame["status"].notna()]
    assert missing["value"].isna().all()
    assert len(missing) == 28
    row = frame.iloc[360]
    assert (row["Avstand1"], row["Kulturtilbud"], row["Tid"], row["status"]) == (
        "06",
        "01",
        "1991",
        "..",
    )
    assert frame["status"].iloc[0] is None


def test_recorded_05300_copy_decodes_identically(shared_data: Path) -> None:
    a = decode((shared_data / FIXTURES / "recorded/ssb_jsonstat2_data_05300.json").read_bytes())
    b = decode(
        (
            shared_data / FIXTURES / "ssb_pxwebapi_v0/table_05300_data_POST_jsonstat2.json"
        ).read_bytes()
    )
    assert np.array_equal(a.array, b.array, equal_nan=True)
    assert a.status == b.status


def test_fhi_doc_example_array_index_and_empty_string_status(shared_data: Path) -> None:
    ds = decode(_doc(shared_data, "recorded/fhi_open_v1_data_jsonstat2_doc_example.json"))
    assert ds.dimension("GEO").codes == ("03", "30")
    assert ds.dimension("GEO").labels["30"] == "Viken"
    assert ds.dimension("MEASURE_TYPE").role == "metric"
    assert ds.dimension("GEO").role is None  # role.geo is null in FHI's example
    assert ds.source is None
    assert ds.status == {}
    assert ds.cell(
        GEO="30", AAR="2021_2021", KJONN="0", ALDER="0", MEASURE_TYPE="BEFVEKST_ANT"
    ) == (
        16846.0,
        None,
    )


def test_jsonstat_v1_bundle_is_converted(shared_data: Path) -> None:
    ds = decode(
        (shared_data / FIXTURES / "ssb_jsonstat_v1/dataset_1120_jsonstat_v1.json").read_bytes()
    )
    assert [d.id for d in ds.dimensions] == ["VareGrupper2", "Tid", "ContentsCode"]
    assert ds.dimension("Tid").role == "time"
    assert ds.cell(VareGrupper2="02", Tid="2014U31", ContentsCode="Kilopris") == (43.32, None)


def test_trimmed_14216_metadata_is_rejected_precisely(shared_data: Path) -> None:
    raw = (shared_data / FIXTURES / "recorded/ssb_pxwebapi_v2_metadata_14216.json").read_bytes()
    with pytest.raises(MalformedResponse, match=r"TettSted.*position 159.*size 2"):
        decode(raw, expect="metadata")


def test_14216_with_repaired_index_decodes_as_metadata(shared_data: Path) -> None:
    doc = _doc(shared_data, "recorded/ssb_pxwebapi_v2_metadata_14216.json")
    doc["dimension"]["TettSted"]["category"]["index"] = {"0801": 0, "0802": 1}
    ds = decode(doc, expect="metadata")
    assert ds.shape == (120, 2, 2, 25)
    assert ds.dimension("Region").role == "geo"
    assert ds.dimension("Region").extension["codelists"][0]["id"] == "agg_Valgdistrikt"
    assert len(ds.array) == 0
    assert ds.to_frame().empty
    with pytest.raises(MalformedResponse, match="value has 0 cells"):
        decode(doc)  # as data, an empty value is a truncation


@pytest.mark.parametrize(
    "rel",
    [
        "ssb_pxwebapi_v0/table_05300_metadata_GET.json",
        "ssb_pxwebapi_v2/table_05300_tableinfo_GET.json",
        "recorded/ssb_pxwebapi_v2_codelist_agg_Valgdistrikt.json",
        "atlas/udir_gsi/data_202510.json",
        "kartverket/kommuneinfo_fylkerkommuner_2020-2023.json",
    ],
)
def test_non_jsonstat_responses_are_refused_clearly(shared_data: Path, rel: str) -> None:
    with pytest.raises(MalformedResponse, match=r"not a JSON-stat dataset|expected an object"):
        decode((shared_data / FIXTURES / rel).read_bytes())


def test_every_recorded_json_is_decoded_or_refused(shared_data: Path) -> None:
    decoded, refused = [], []
    for path in sorted((shared_data / FIXTURES).rglob("*.json")):
        try:
            decode(path.read_bytes())
            decoded.append(path.name)
        except MalformedResponse as exc:
            refused.append(str(exc))
    assert len(decoded) == 4  # 05300 ×2, FHI example, JSON-stat 1.0 bundle
    assert len(refused) == 25  # Udir 20, Kartverket, v0 meta, v2 info, codelist, 14216
    assert all(message.startswith("JSON-stat:") for message in refused)


def test_truncated_json(shared_data: Path) -> None:
    raw = (
        shared_data / FIXTURES / "ssb_pxwebapi_v0/table_05300_data_POST_jsonstat2.json"
    ).read_bytes()
    with pytest.raises(MalformedResponse, match=r"not valid JSON.*truncated"):
        decode(raw[: len(raw) // 2])


def test_value_length_mismatch() -> None:
    doc = _small()
    doc["value"] = doc["value"][:5]
    with pytest.raises(MalformedResponse, match="value has 5 cells but the product of 'size' is 6"):
        decode(doc)


def test_wrong_dimension_size() -> None:
    doc = _small()
    doc["size"] = [3, 2]
    with pytest.raises(MalformedResponse, match=r"GEO.*2 categories but size says 3"):
        decode(doc)


def test_index_position_out_of_range() -> None:
    doc = _small()
    doc["dimension"]["AAR"]["category"]["index"] = {"2020": 0, "2021": 1, "2022": 7}
    with pytest.raises(MalformedResponse, match=r"'2022' has index position 7, outside 0..2"):
        decode(doc)


def test_unknown_status_shape() -> None:
    doc = _small()
    doc["status"] = 5
    with pytest.raises(MalformedResponse, match="unknown status shape int"):
        decode(doc)


def test_status_index_out_of_range() -> None:
    doc = _small()
    doc["status"] = {"6": ".."}
    with pytest.raises(MalformedResponse, match="status refers to cell 6"):
        decode(doc)


def test_markers_inside_value_become_status() -> None:
    doc = _small()
    doc["value"] = [1, "..", 3, ":", None, "4.5"]
    ds = decode(doc)
    assert ds.values == (1.0, None, 3.0, None, None, 4.5)
    assert ds.status == {1: "..", 3: ":"}


def test_sparse_value_object_and_status_array() -> None:
    doc = _small()
    doc["value"] = {"0": 10, "5": 60}
    doc["status"] = [None, "..", None, None, None, "*"]
    ds = decode(doc)
    assert ds.values == (10.0, None, None, None, None, 60.0)
    assert ds.status == {1: "..", 5: "*"}


def test_single_string_status_applies_to_all_cells() -> None:
    doc = _small()
    doc["status"] = "*"
    assert decode(doc).status == dict.fromkeys(range(6), "*")


def test_single_category_without_index() -> None:
    doc = _small()
    doc["id"].append("KJONN")
    doc["size"].append(1)
    doc["dimension"]["KJONN"] = {"label": "Kjønn", "category": {"label": {"0": "Begge"}}}
    ds = decode(doc)
    assert ds.dimension("KJONN").codes == ("0",)
    assert ds.to_frame()["KJONN"].tolist() == ["0"] * 6


def test_missing_index_with_many_labels_is_refused() -> None:
    doc = _small()
    del doc["dimension"]["GEO"]["category"]["index"]
    doc["dimension"]["GEO"]["category"]["label"] = {"03": "Oslo", "30": "Viken"}
    with pytest.raises(MalformedResponse, match=r"no category.index and 2 labels"):
        decode(doc)


def test_frame_columns_follow_row_major_order() -> None:
    frame = decode(_small()).to_frame()
    assert frame["GEO"].tolist() == ["03", "03", "03", "30", "30", "30"]
    assert frame["AAR"].tolist() == ["2020", "2021", "2022"] * 2
    assert frame["value"].tolist() == [1, 2, 3, 4, 5, 6]


def test_decoder_handles_a_million_cells() -> None:
    # Speed is measured in bench/bench_pipeline.py (decoder rows/s vs orjson.loads), not here.
    sizes = [400, 25, 10, 12]  # 1.2 M cells
    n = math.prod(sizes)
    rng = np.random.default_rng(1)
    values: list[float | None] = rng.integers(0, 1000, n).astype(float).tolist()
    for i in range(0, n, 97):
        values[i] = None
    doc = {
        "version": "2.0",
        "class": "dataset",
        "id": ["Region", "Alder", "Kjonn", "Tid"],
        "size": sizes,
        "dimension": {
            dim: {"category": {"index": {f"{dim}{i:04d}": i for i in range(size)}}}
            for dim, size in zip(["Region", "Alder", "Kjonn", "Tid"], sizes, strict=True)
        },
        "value": values,
        "status": {str(i): ".." for i in range(0, n, 97)},
    }
    frame = decode(orjson.dumps(doc)).to_frame()
    assert len(frame) == n
    assert frame["status"].notna().sum() == len(range(0, n, 97))
    assert frame["value"].isna().sum() == len(range(0, n, 97))
