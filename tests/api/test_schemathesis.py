"""schemathesis against the generated OpenAPI: no server errors, no responses outside the spec.

A bounded number of examples per operation keeps CI reasonable; the data come from the session's
real snapshot. (schemathesis' own pytest plugin does not run on this pytest, so the operations are
driven through hypothesis directly.)
"""

from __future__ import annotations

from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import positive_data_acceptance

from oppvekst.snapshot.files import DataDir
from oppvekst.web.app import create_app

EXAMPLES_PER_OPERATION = 25


def test_api_conforms_to_its_schema(snapshot_dir: Path) -> None:
    schema = schemathesis.openapi.from_asgi(
        "/api/v1/openapi.json", create_app(DataDir(snapshot_dir))
    )
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 8
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case: schemathesis.Case) -> None:
            response = case.call()
            assert response.status_code < 500, (
                f"{case.method} {case.formatted_path}: {response.text[:500]}"
            )
            # Every other check runs (status codes documented, content types, response schemas,
            # headers). Excluded: "positive data acceptance" — a well-formed request can still
            # be wrong in substance (a cursor from another query, a group of unknown codes), and
            # then a documented 400 with a message is the right answer.
            case.validate_response(response, excluded_checks=[positive_data_acceptance])

        check()
