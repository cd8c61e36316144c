"""Record/replay through the mirror, and replay of shared/data through the bundled manifest."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from oppvekst.errors import MalformedResponse, NotInMirror
from oppvekst.sources.http import HttpClient, Request
from oppvekst.sources.jsonstat import decode
from oppvekst.sources.mirror import Gateway, Mirror, MirrorMode, normalise_url, request_key
from oppvekst.sources.pxweb import parse_codelist
from oppvekst.sources.udir import parse_rapportside, parse_report

from .clock import FakeClock

URL = "https://data.ssb.no/api/pxwebapi/v2/tables/05300/data?lang=no&valueCodes[Tid]=2021"


def _live(body: bytes, seen: list[httpx.Request]) -> HttpClient:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=body, headers={"Content-Type": "application/json"})

    return HttpClient(transport=httpx.MockTransport(handler), clock=FakeClock())


def test_record_then_replay_gives_identical_bytes_and_provenance(tmp_path: Path) -> None:
    seen: list[httpx.Request] = []
    mirror = Mirror(tmp_path, manifest=None)
    request = Request.post_json(
        URL, {"selection": [{"variableCode": "Tid", "valueCodes": ["2021"]}]}
    )
    recorded = Gateway(MirrorMode.RECORD, mirror, _live(b'{"x": [1, 2]}', seen)).fetch(request)
    replayed = Gateway(MirrorMode.REPLAY, Mirror(tmp_path, manifest=None), None).fetch(request)
    assert len(seen) == 1  # replay never touched the network
    assert replayed == recorded
    assert replayed.content == b'{"x": [1, 2]}'
    assert replayed.provenance() == recorded.provenance()
    sidecars = list(tmp_path.rglob("*.json"))
    assert len(sidecars) == 1
    assert request_key(request.method, request.url, request.body) in sidecars[0].name


def test_replay_of_unknown_request_names_it(tmp_path: Path) -> None:
    gateway = Gateway(MirrorMode.REPLAY, Mirror(tmp_path, manifest=None), None)
    with pytest.raises(NotInMirror, match=r"GET https://data.ssb.no/.*valueCodes\[Tid\]=2021"):
        gateway.fetch(Request.get(URL))


def test_live_mode_writes_nothing(tmp_path: Path) -> None:
    seen: list[httpx.Request] = []
    Gateway(MirrorMode.LIVE, Mirror(tmp_path, manifest=None), _live(b"{}", seen)).fetch(
        Request.get(URL)
    )
    assert len(seen) == 1
    assert not any(tmp_path.iterdir())


def test_tampered_mirror_file_is_detected(tmp_path: Path) -> None:
    mirror = Mirror(tmp_path, manifest=None)
    Gateway(MirrorMode.RECORD, mirror, _live(b"[1]", [])).fetch(Request.get(URL))
    body = next(tmp_path.rglob("*.body"))
    body.write_bytes(b"[2]")
    with pytest.raises(MalformedResponse, match="checksum"):
        mirror.fetch(Request.get(URL))


def test_key_ignores_encoding_parameter_order_and_body_whitespace() -> None:
    a = "https://Data.SSB.no/api/x/data?b=2&valueCodes[Tid]=top(3)&a=1"
    b = "https://data.ssb.no/api/x/data?a=1&b=2&valueCodes%5BTid%5D=top%283%29"
    assert normalise_url(a) == normalise_url(b)
    assert request_key("POST", a, b'{"b": 1, "a": [1, 2]}') == request_key(
        "POST", b, b'{"a":[1,2],"b":1}'
    )
    assert request_key("POST", a, b'{"a":[2,1]}') != request_key("POST", a, b'{"a":[1,2]}')
    assert request_key("GET", a, None) != request_key("POST", a, None)


def test_manifest_entries_exist_and_decode(shared_data: Path) -> None:
    mirror = Mirror(shared_data)
    assert len(mirror.entries) >= 28
    assert len({e.key for e in mirror.entries}) == len(mirror.entries)  # one answer per request
    kinds: set[str] = set()
    for entry in mirror.entries:
        assert (shared_data / entry.file).is_file(), entry.file
        response = mirror.fetch(Request(entry.method, entry.url, entry.body))
        assert response.content == (shared_data / entry.file).read_bytes()
        kinds.add(entry.kind)
        if entry.kind == "jsonstat":
            assert decode(response.content).array.size > 0
        elif entry.kind == "jsonstat-metadata":
            assert entry.expect_error == "malformed"
            with pytest.raises(MalformedResponse):
                decode(response.content, expect="metadata")
        elif entry.kind == "udir-report":
            frame = parse_report(response.content)
            assert frame.empty == ("NPENG" in entry.file or "hagebostad" in entry.file)
        elif entry.kind == "udir-rapportside":
            assert parse_rapportside(response.content).endpoint.rapport_nr >= 1
        elif entry.kind == "ssb-v2-tableinfo":
            assert response.json()["id"] == "05300"
        elif entry.kind == "ssb-v2-codelist":
            assert parse_codelist(response.content).values
        elif entry.kind == "klass-correspondence-csv":
            lines = response.content.decode("iso-8859-1").splitlines()
            assert lines[0].startswith('"sourceCode"') or lines[0].startswith("sourceCode")
            assert len(lines) > 300
        else:
            assert entry.kind in ("json", "ssb-v0-metadata")
            assert response.json()
    assert {"jsonstat", "udir-report", "udir-rapportside", "klass-correspondence-csv"} <= kinds


def test_every_atlas_file_is_in_the_manifest(shared_data: Path) -> None:
    listed = {e.file for e in Mirror(shared_data).entries}
    atlas = {
        str(p.relative_to(shared_data))
        for p in (shared_data / "api_fixtures/atlas").rglob("*.json")
    }
    assert atlas <= listed


def test_shared_mirror_replays_documented_udir_request(shared_data: Path) -> None:
    # Exactly as REQUESTS.md writes it, but URL-encoded the way Udir's client sends it.
    url = (
        "https://statistikkportalen.udir.no/api/rapportering/rest/v1/Statistikk/GSK/GSI/1/8/data"
        "?filter=TidID%28202510%29_TrinnID%28-10%29_KjoennID%28-10%29_KommunalitetID%28-10%29"
        "&radSti=-12.*.*&inkluderKoder=true"
    )
    response = Gateway(MirrorMode.REPLAY, Mirror(shared_data), None).fetch(Request.get(url))
    assert response.status == 200
    assert response.received_at.year == 2026
