"""The OpenAPI documents every answer: a schema for each 200, and the problems each operation
can give, as application/problem+json; FastAPI's 422 validation answer, which this app never
sends, is not in it."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

PROBLEM = "application/problem+json"
EVERY_OPERATION = {"413", "414", "429", "431", "503"}


@pytest.fixture(scope="module")
def operations(client: TestClient) -> dict[str, dict[str, Any]]:
    spec = client.get("/api/v1/openapi.json").json()
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    return {path: methods["get"] for path, methods in spec["paths"].items()}


def test_every_operation_documents_its_answer(operations: dict[str, dict[str, Any]]) -> None:
    assert len(operations) == 11
    for path, operation in operations.items():
        answer = operation["responses"]["200"]["content"]["application/json"]["schema"]
        assert answer, f"{path}: no schema for its JSON answer"
        declared = set(operation["responses"])
        assert declared >= EVERY_OPERATION, path
        for status in declared - {"200", "304"}:
            content = operation["responses"][status]["content"]
            assert set(content) == {PROBLEM}, (path, status)
            assert "code" in content[PROBLEM]["schema"]["properties"]
        if operation.get("parameters"):
            assert "400" in declared, f"{path} has parameters that can be invalid"


def test_data_documents_every_file_format(operations: dict[str, dict[str, Any]]) -> None:
    content = operations["/api/v1/data"]["responses"]["200"]["content"]
    assert set(content) == {
        "application/json",
        "text/csv",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.apache.parquet",
    }


@pytest.mark.parametrize(
    ("path", "parameter", "check"),
    [
        (
            "/api/v1/regions",
            "level",
            lambda s: s["anyOf"][0]["enum"] == ["land", "fylke", "kommune", "bydel"],
        ),
        ("/api/v1/data", "cursor", lambda s: s["anyOf"][0]["pattern"].startswith("^eyJ")),
        ("/api/v1/data", "compare", lambda s: s["anyOf"][0]["pattern"].startswith("^(land|fylke|")),
    ],
)
def test_fixed_values_are_declared(
    operations: dict[str, dict[str, Any]], path: str, parameter: str, check: Any
) -> None:
    schema = next(p for p in operations[path]["parameters"] if p["name"] == parameter)["schema"]
    assert check(schema), schema


def test_the_data_row_lists_the_declared_columns(client: TestClient) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    row = spec["components"]["schemas"]["DataRow"]
    body = client.get("/api/v1/data?indicator=barn-0-17&region=0301&period=2024").json()
    assert list(row["properties"])[: len(body["rows"][0])] == list(body["rows"][0])
    assert row["additionalProperties"] is False
