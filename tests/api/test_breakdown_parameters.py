"""The API documents, per indicator, the breakdown groups its /data parameters take."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="module")
def real_client(real_snapshot_dir: Path):  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from oppvekst.snapshot.files import DataDir
    from oppvekst.web.app import create_app

    return TestClient(create_app(DataDir(real_snapshot_dir)))


def test_the_record_lists_the_groups_with_words_in_reading_order(real_client) -> None:  # type: ignore[no-untyped-def]
    record = real_client.get("/api/v1/indicators/unge-utenfor-arbeid-utdanning-2013").json()
    assert record["breakdown_categories"] == {
        "sex": [
            {"code": "total", "label": "Alle"},
            {"code": "male", "label": "Gutter"},
            {"code": "female", "label": "Jenter"},
        ],
        "background": [
            {"code": "total", "label": "Alle"},
            {"code": "innvandrere", "label": "Innvandrere"},
            {"code": "norskfodte", "label": "Norskfødte med innvandrerforeldre"},
            {"code": "uten-innvandrerbakgrunn", "label": "Uten innvandrerbakgrunn"},
            {"code": "ovrige", "label": "Befolkningen ellers"},
        ],
    }
    plain = real_client.get("/api/v1/indicators/befolkning-totalt").json()
    assert plain["breakdown_categories"] == {}


def test_the_data_parameters_name_their_codes(real_client) -> None:  # type: ignore[no-untyped-def]
    spec = real_client.get("/api/v1/openapi.json").json()
    params = {p["name"]: p for p in spec["paths"]["/api/v1/data"]["get"]["parameters"]}
    assert "innvandrere (Innvandrere)" in params["background"]["description"]
    assert "minoritetssprak (Minoritetsspråklige barn)" in params["background"]["description"]
    assert "female (Jenter)" in params["sex"]["description"]
    assert "breakdown_categories" in params["age"]["description"]


def test_data_serves_the_groups_the_page_shows(real_client) -> None:  # type: ignore[no-untyped-def]
    answer = real_client.get(
        "/api/v1/data",
        params={
            "indicator": "vedvarende-lavinntekt-alle-aldre",
            "region": "0301",
            "background": "*",
        },
    ).json()
    values = {r["background"]: r["value"] for r in answer["rows"]}
    assert values == {
        "total": 13.7,
        "innvandrere": 27.2,
        "innvandrere-landgruppe-1": 19.6,
        "innvandrere-landgruppe-2": 31.0,
        "ovrige": 10.0,
    }


def test_population_takes_the_sex_parameter(real_client) -> None:  # type: ignore[no-untyped-def]
    record = real_client.get("/api/v1/indicators/barn-0-17").json()
    assert [c["code"] for c in record["breakdown_categories"]["sex"]] == ["total", "male", "female"]
    answer = real_client.get(
        "/api/v1/data",
        params={"indicator": "barn-0-17", "region": "0", "period": "2024", "sex": "*"},
    ).json()
    values = {r["sex"]: r["value"] for r in answer["rows"] if r["age"] == "total"}
    # SSB, 1 January 2024: 1 112 853 children 0–17 in Norway, girls and boys from the by-sex file.
    assert values["total"] == 1_112_853
    assert values["female"] + values["male"] == values["total"]
    girls = real_client.get(
        "/api/v1/data",
        params={"indicator": "barn-0-17", "region": "0", "period": "2024", "sex": "female"},
    ).json()
    assert [r["value"] for r in girls["rows"] if r["age"] == "total"] == [values["female"]]
