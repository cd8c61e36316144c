"""A KOSTRA group's value as served equals what ``stats.comparison`` says about its members.

The members' numbers come from ``/api/v1/data`` (JSON and CSV, the rows anyone can download);
the group value shown on the compare and package pages and in ``/api/v1/compare`` and
``/api/v1/profile`` must be ``member_group_value`` of exactly those rows: absent, with the members
that lack numbers named, when the group is incomplete (EKG04, minority-language children in
kindergarten, 2013), and the pooled value when every member has its numerator and denominator.
"""

from __future__ import annotations

import csv
import html
import io
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from oppvekst.stats import comparison, sentences
from oppvekst.web.rendering import number

GROUP = "EKG04"
AREA = "1112"  # Lund, a member of EKG04
INCOMPLETE = "barnehage-minoritetssprak"
COMPLETE = "barnehage-1-5"
PERIOD = "2013"


def _json_rows(client: TestClient, indicator: str) -> list[dict[str, Any]]:
    params = {"region": f"kostra:{GROUP}", "indicator": indicator, "period": PERIOD}
    body = client.get("/api/v1/data", params=params).json()
    assert body["count"] == len(body["rows"])
    return [
        {
            "region": r["region"],
            "name": r["region_name"],
            "num": r["numerator"],
            "den": r["denominator"],
        }
        for r in body["rows"]
    ]


def _csv_rows(client: TestClient, indicator: str) -> list[dict[str, Any]]:
    params = {
        "region": f"kostra:{GROUP}",
        "indicator": indicator,
        "period": PERIOD,
        "format": "csv-plain",
    }
    response = client.get("/api/v1/data", params=params)
    assert response.status_code == 200
    return [
        {
            "region": r["region"],
            "name": r["regionnavn"],
            "num": float(r["teller"]) if r["teller"] else None,
            "den": float(r["nevner"]) if r["nevner"] else None,
        }
        for r in csv.DictReader(io.StringIO(response.text))
    ]


def _expected(
    client: TestClient, indicator: str, rows: list[dict[str, Any]]
) -> tuple[Any, str | None]:
    """(value, note) that stats gives for the downloaded member rows."""
    multiplier = client.get(f"/api/v1/indicators/{indicator}").json()["multiplier"]
    nan = float("nan")
    result = comparison.member_group_value(
        [r["region"] for r in rows],
        [nan if r["num"] is None else r["num"] for r in rows],
        [nan if r["den"] is None else r["den"] for r in rows],
        multiplier,
    )
    names = {r["region"]: r["name"] for r in rows}
    note = (
        None
        if result.value is not None
        else sentences.group_value_note(
            [f"{names[c]} {c}" for c in result.missing], result.members, "kommuner"
        )
    )
    return result.value, note


def _compare_cell(client: TestClient, indicator: str) -> dict[str, Any]:
    params = {"region": AREA, "indicator": indicator, "benchmark": "kostra"}
    cells = client.get("/api/v1/compare", params=params).json()["cells"]
    (cell,) = cells
    assert cell["period"] == PERIOD
    return dict(cell)


def _barometer_row(page: str, indicator: str) -> str:
    found = re.search(rf'<tr[^>]*data-indicator="{indicator}".*?</tr>', page, re.S)
    assert found, indicator
    return html.unescape(found.group(0))


@pytest.mark.parametrize("download", [_json_rows, _csv_rows], ids=["json", "csv"])
def test_incomplete_kostra_group_has_no_value_and_names_the_members(client, download) -> None:  # type: ignore[no-untyped-def]
    rows = download(client, INCOMPLETE)
    assert len(rows) == 39
    value, note = _expected(client, INCOMPLETE, rows)
    assert value is None
    # The case from the issue: 36 of 39 members have a numerator; a sum over them is not EKG04.
    assert note is not None and "3 av 39 kommuner mangler tall" in note
    assert "Sokndal 1111" in note and "Gjemnes 1557" in note and "Rindal 5061" in note

    cell = _compare_cell(client, INCOMPLETE)
    assert cell["benchmark_value"] is None
    assert cell["benchmark_note"] == note
    assert cell["significance"] == "not_compared"

    page = client.get(
        "/sammenlign",
        params={"omrade": AREA, "indikator": INCOMPLETE, "sammenligning": "kostra"},
    ).text
    assert note in html.unescape(page)

    package = client.get(
        "/pakker/barnehage-oversikt", params={"omrade": AREA, "sammenligning": "kostra"}
    ).text
    row = _barometer_row(package, INCOMPLETE)
    assert note in row


@pytest.mark.parametrize("download", [_json_rows, _csv_rows], ids=["json", "csv"])
def test_complete_kostra_group_is_the_pooled_value_of_its_members(client, download) -> None:  # type: ignore[no-untyped-def]
    rows = download(client, COMPLETE)
    value, note = _expected(client, COMPLETE, rows)
    assert note is None and value is not None
    pooled = sum(r["num"] for r in rows) / sum(r["den"] for r in rows) * 100
    assert value == pytest.approx(pooled)

    cell = _compare_cell(client, COMPLETE)
    assert cell["benchmark_value"] == pytest.approx(value)
    assert cell["benchmark_note"] is None

    profile = client.get(f"/api/v1/profile/{AREA}", params={"sammenligning": "kostra"}).json()
    (served,) = [r for r in profile["rows"] if r["indicator_id"] == COMPLETE]
    assert served["period"] == PERIOD
    assert served["benchmark_value"] == pytest.approx(value)

    page = client.get(f"/kommune/{AREA}", params={"sammenligning": "kostra", "vis": "alle"}).text
    row = _barometer_row(page, COMPLETE)
    assert f'<td class="num">{number(value, 1)}</td>' in row


def test_a_count_has_no_group_value_only_the_reason(client) -> None:  # type: ignore[no-untyped-def]
    # Before: the group's total stood in the column read as its average («snitt» 52 615).
    profile = client.get(f"/api/v1/profile/{AREA}", params={"sammenligning": "kostra"}).json()
    counts = [r for r in profile["rows"] if r["indicator_id"] == "barn-0-17"]
    assert counts, "barn-0-17 is a key indicator with a value for Lund"
    for row in counts:
        assert row["benchmark_value"] is None
        assert row["benchmark_note"] == "Et antall sammenlignes ikke med en gruppe; se andelen."
    page = client.get(f"/kommune/{AREA}", params={"sammenligning": "kostra", "vis": "alle"}).text
    assert "Et antall sammenlignes ikke med en gruppe" in page
