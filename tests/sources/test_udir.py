"""Udir report API: every recorded atlas response, URL building and the export API paging."""

from __future__ import annotations

import math
from pathlib import Path

import httpx
import pytest

from oppvekst.errors import MalformedResponse
from oppvekst.sources.http import HttpClient
from oppvekst.sources.mirror import Gateway, Mirror, MirrorMode
from oppvekst.sources.udir import (
    ALL,
    UdirClient,
    parse_number,
    parse_rapportside,
    parse_report,
    report_data_url,
    udir_filter,
)

from .clock import FakeClock

ATLAS = "api_fixtures/atlas"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4 277", (4277.0, None)),
        ("9,0", (9.0, None)),
        ("*", (None, "*")),
        ("", (None, None)),
        ("1\u00a0234,5", (1234.5, None)),
    ],
)
def test_parse_number(text: str, expected: tuple[float | None, str | None]) -> None:
    assert parse_number(text) == expected


def test_every_atlas_file_parses(shared_data: Path) -> None:
    files = sorted((shared_data / ATLAS).rglob("*.json"))
    assert len(files) == 20
    for path in files:
        if "rapportside" in path.name:
            page = parse_rapportside(path.read_bytes())
            assert page.endpoint.skjema == "GSK"
        elif "filterverdier" in path.name:
            continue  # filter lists, no statistics
        else:
            frame = parse_report(path.read_bytes())
            assert list(frame.columns)[:2] == ["region", "code"]
            assert frame["value"].dtype == "float64"
            assert (frame["status"].isin(["*"]) | frame["status"].isna()).all()
            assert frame.loc[frame["status"] == "*", "value"].isna().all()


def test_gsi_2025(shared_data: Path) -> None:
    frame = parse_report((shared_data / ATLAS / "udir_gsi/data_202510.json").read_bytes())
    assert frame["code"].nunique() == 373  # 15 fylker + 357 kommuner + Svalbard
    kommuner = frame[frame["level_name"] == "Kommune"]
    assert kommuner["region"].nunique() == 358
    assert "2100" in set(kommuner["region"])
    arendal = frame[(frame["region"] == "4203") & (frame["measure"] == "Antall elever")]
    assert arendal["value"].tolist() == [5266.0]
    assert arendal["period"].tolist() == ["2025-26"]
    agder = frame[(frame["region"] == "42") & (frame["measure"] == "Antall elever")]
    assert agder["level"].tolist() == [2]
    assert agder["value"].tolist() == [38101.0]
    # Kommune rows sum to the fylke row where nothing is suppressed (README check).
    sub = frame[(frame["measure"] == "Antall skoler") & frame["row_id"].str.startswith("1.49.")]
    assert (
        sub["value"].sum()
        == frame[(frame["code"] == "42") & (frame["measure"] == "Antall skoler")]["value"].iloc[0]
    )


def test_fravar_decimal_comma_and_suppression(shared_data: Path) -> None:
    frame = parse_report(
        (shared_data / ATLAS / "udir_fravar/data.202506.anchor12.json").read_bytes()
    )
    assert set(frame["measure"]) == {
        "Median dager",
        "Median timer",
        "Snitt dager",
        "Snitt timer",
        "Antall elever",
    }
    fully_suppressed = frame.groupby("code")["status"].apply(lambda s: (s == "*").all())
    assert fully_suppressed.sum() == 10
    assert not ({"1151", "4226"} & set(frame["code"]))  # Utsira and Hægebostad absent
    utlandet = parse_report(
        (shared_data / ATLAS / "udir_fravar/data.202506.anchor13.json").read_bytes()
    )
    row = utlandet[(utlandet["code"] == "2599") & (utlandet["measure"] == "Snitt dager")]
    assert row["value"].tolist() == [11.5]


def test_np_empty_string_is_missing_without_status(shared_data: Path) -> None:
    frame = parse_report(
        (
            shared_data
            / ATLAS
            / "udir_nasjonale_prover/data.ungdomstrinn.grade8.NPLES.anchor12.json"
        ).read_bytes()
    )
    moskenes = frame[frame["name"] == "Moskenes"]
    assert len(moskenes) == 3
    assert moskenes["value"].isna().any()
    blank = moskenes[moskenes["value"].isna() & moskenes["status"].isna()]
    assert len(blank) >= 1  # "" = no value, not suppression


def test_empty_reports_mean_no_data(shared_data: Path) -> None:
    for rel in (
        "udir_nasjonale_prover/data.ungdomstrinn.grade9.NPENG.anchor12.json",
        "udir_elevundersokelsen_mobbing/data.hagebostad.10.json",
    ):
        assert parse_report((shared_data / ATLAS / rel).read_bytes()).empty


def test_mobbing_rows_are_questions(shared_data: Path) -> None:
    frame = parse_report(
        (shared_data / ATLAS / "udir_elevundersokelsen_mobbing/data.bykle.10.json").read_bytes()
    )
    assert frame["region"].isna().all()  # rows are indicators, the unit is in the header
    assert frame["level_name"].tolist() == ["Indikator", "Spørsmål", "Spørsmål", "Spørsmål"]
    assert "Bykle" in frame["header"].iloc[0]
    assert frame["status"].tolist() == ["*", "*", None, None]
    assert frame["value"].iloc[2] == 0.0


def test_malformed_report_is_refused() -> None:
    bad = (
        b'{"metadata":{"rowHierarchy":["Nasjonalt"],"columns":[[{"name":"A","columnCount":2}]]},'
        b'"rows":[{"kode":"0","id":"1","data":["1"]}]}'
    )
    with pytest.raises(MalformedResponse, match="1 cells, 2 columns"):
        parse_report(bad)


def test_data_url_from_rapportside(shared_data: Path) -> None:
    page = parse_rapportside((shared_data / ATLAS / "udir_gsi/rapportside.json").read_bytes())
    assert (page.endpoint.tabell, page.endpoint.rapport_nr, page.endpoint.versjon) == ("GSI", 1, 8)
    assert page.default_filters["TidID"] == (202510,)
    filters = {"TidID": [202510], "TrinnID": [ALL], "KjoennID": [ALL], "KommunalitetID": [ALL]}
    assert udir_filter(filters) == "TidID(202510)_TrinnID(-10)_KjoennID(-10)_KommunalitetID(-10)"
    url = report_data_url(page.endpoint, filters, "-12.*.*")
    assert url == (
        "https://statistikkportalen.udir.no/api/rapportering/rest/v1/Statistikk/GSK/GSI/1/8/data"
        "?filter=TidID%28202510%29_TrinnID%28-10%29_KjoennID%28-10%29_KommunalitetID%28-10%29"
        "&radSti=-12.*.*&inkluderKoder=true"
    )


def test_client_resolves_report_then_replays_data(shared_data: Path) -> None:
    client = UdirClient(Gateway(MirrorMode.REPLAY, Mirror(shared_data), None))
    page = client.rapportside("GSK_fravaer").value
    filters = {
        "TidID": [202506],
        "EierformID": [ALL],
        "KjoennID": [ALL],
        "VisAntallPersoner": [1],
        "VisMaaltall": [1],
    }
    frame = client.report(page, filters, "-12.*.*").value
    assert frame["code"].nunique() == 371


def test_export_api_pages() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path.endswith("/sideData"):
            return httpx.Response(200, json={"JSONSider": 2})
        page = int(request.url.params["sideNummer"])
        return httpx.Response(
            200, json=[{"Kommunekode": "4203", "AndelMobbet": 5.1, "Sidenummer": page}]
        )

    http = HttpClient(transport=httpx.MockTransport(handler), clock=FakeClock())
    client = UdirClient(Gateway(MirrorMode.LIVE, None, http))
    filters = {
        "TidID": [202112],
        "EierformID": [ALL],
        "KjoennID": [ALL],
        "SpoersmaalID": [334],
        "TrinnID": [6, 9],
    }
    pages = client.export_rows(154, filters)
    assert [p.value[0]["Sidenummer"] for p in pages] == [1, 2]
    assert (
        seen[0].url.params["filter"]
        == "TidID(202112)_EierformID(-10)_KjoennID(-10)_SpoersmaalID(334)_TrinnID(6_9)"
    )
    assert seen[0].url.path == "/api/rest/v2/Eksport/154/sideData"
    assert not math.isnan(pages[0].value[0]["AndelMobbet"])
