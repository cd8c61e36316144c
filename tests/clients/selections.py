"""The selections every client test opens: with and without symbols, breakdowns, many regions ×
periods with Sámi names and harmonised values, and a 20-row one to print."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

SELECTIONS = {
    # The source's "*" on Kvitsøy, and Moskenes 2025-26 with neither value nor symbol from it.
    "symboler": "indicator=nasjonale-prover-lesing-5,nasjonale-prover-lesing-8"
    "&region=0301,1144,1874&period=2025-26",
    "inndelinger": "indicator=barn-0-17&region=0301,1826&age=*&period=2023,2024",
    # Nordland's kommuner (Sámi names) and the county, whose 2013 value is harmonised.
    "mange": "indicator=andel-barn-0-17,barnehage-1-5&region=fylke:18,18"
    "&period=2013,2022,2023,2024",
    # 20 rows: printed, it must fit one page wide (it took ten pages).
    "utskrift": "indicator=andel-barn-0-17,barn-0-17&region=0301,1826,4601,5001,1103"
    "&period=2023,2024",
}


def url(name: str) -> str:
    return f"/api/v1/data?{SELECTIONS[name]}"


def json_rows(client: TestClient, name: str) -> list[dict[str, Any]]:
    answer = client.get(url(name) + "&limit=50000")
    assert answer.status_code == 200, answer.text
    rows: list[dict[str, Any]] = answer.json()["rows"]
    assert rows
    return rows


def download(client: TestClient, name: str, fmt: str) -> bytes:
    response = client.get(f"{url(name)}&format={fmt}")
    assert response.status_code == 200, response.text
    return response.content
