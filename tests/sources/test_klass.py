"""KLASS: the real CSV exports in shared/data and JSON in the shape of SSB's API guide."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import httpx
import pytest

from oppvekst.errors import MalformedResponse
from oppvekst.sources.http import HttpClient
from oppvekst.sources.klass import (
    KOMMUNER,
    KlassClient,
    parse_changes_json,
    parse_codes_json,
)
from oppvekst.sources.mirror import Gateway, MirrorMode

from .clock import FakeClock

HERE = Path(__file__).parent / "fixtures"


def test_codes_at_json() -> None:
    codes = parse_codes_json((HERE / "klass_131_codesAt_2024-01-01.json").read_bytes())
    assert [c.code for c in codes] == ["0301", "3903", "9999"]
    assert codes[1].valid_from == date(2024, 1, 1)
    assert codes[1].valid_to is None


def test_changes_json_new_unit_has_no_old_code() -> None:
    changes = parse_changes_json((HERE / "klass_131_changes_2019-2024.json").read_bytes())
    assert changes[0].old_code == "0104"
    assert changes[0].new_code == "3002"
    assert changes[0].changed_on == date(2020, 1, 1)
    assert changes[2].old_code is None
    assert changes[2].new_code == "1580"


def test_xml_answer_is_explained() -> None:
    with pytest.raises(MalformedResponse, match="XML"):
        parse_codes_json(b"<?xml version='1.0'?><codeList/>")


def test_client_sends_accept_json_and_parameters(tmp_path: Path) -> None:
    seen: list[httpx.Request] = []
    fixtures = {
        "changes": HERE / "klass_131_changes_2019-2024.json",
    }

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(
            200, content=fixtures[request.url.path.rsplit("/", 1)[1]].read_bytes()
        )

    http = HttpClient(transport=httpx.MockTransport(handler), clock=FakeClock())
    client = KlassClient(Gateway(MirrorMode.LIVE, None, http))
    changes = client.changes(KOMMUNER, date(2019, 1, 1), date(2024, 1, 2))
    assert len(changes.value) == 3
    assert all(r.headers["accept"] == "application/json" for r in seen)
    assert seen[0].url.params["includeFuture"] == "true"
    assert seen[0].url.params["to"] == "2024-01-02"
