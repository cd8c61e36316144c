"""schemathesis against the served API, as a person runs it: ``schemathesis run
<base>/api/v1/openapi.json --checks all`` with 100 examples per operation.

Every check runs (no server errors; status codes, content types, headers and bodies as documented;
schema-valid requests accepted, schema-violating ones refused) in every phase (the OpenAPI's
examples, coverage of boundary values, fuzzing, stateful links). ``schemathesis.toml`` beside the
project says which refusals the OpenAPI cannot express (404, 414, 422) and why. The portal runs
with rate limiting off, so that requests reach the API instead of the limiter's 429.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from oppvekst.web.process import free_port, running, serve_command

REPO = Path(__file__).resolve().parents[2]
EXAMPLES_PER_OPERATION = 100
SEED = 20261202  # fixed, so a run is repeatable; the report names it with every failure


@pytest.mark.xdist_group("schemathesis")
def test_api_conforms_to_its_schema(snapshot_dir: Path, tmp_path: Path) -> None:
    port = free_port()
    with running(
        serve_command(snapshot_dir, port), port, environment={"OPPVEKST_RATE_LIMIT": "off"}
    ) as portal:
        result = subprocess.run(
            [
                *(sys.executable, "-m", "schemathesis.cli"),
                *("--config-file", str(REPO / "schemathesis.toml"), "--no-color"),
                *("run", f"{portal.base}/api/v1/openapi.json", "--checks", "all"),
                *("--max-examples", str(EXAMPLES_PER_OPERATION), "--seed", str(SEED)),
                *("--generation-database", "none"),
            ],
            cwd=tmp_path,  # its reports and caches stay out of the checkout
            capture_output=True,
            text=True,
            timeout=900,
        )
    report = result.stdout
    assert result.returncode == 0, report[-6000:]
    assert "Tested: 11" in report, "every operation of /api/v1 was tested"
    for phase in ("Examples", "Coverage", "Fuzzing", "Stateful"):
        assert f"✅ {phase}" in report, f"{phase}: {report[-3000:]}"
