"""KLASS: the real CSV exports in shared/data and JSON in the shape of SSB's API guide."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import httpx
import pytest

from oppvekst.errors import MalformedResponse
from oppvekst.sources.http import HttpClient
from oppvekst.sources.klass import (
    FYLKER,
    KOMMUNER,
    KlassClient,
    parse_changes_json,
    parse_codes_csv,
    parse_codes_json,
    parse_correspondence_csv,
)
from oppvekst.sources.mirror import Gateway, Mirror, MirrorMode

from .clock import FakeClock

HERE = Path(__file__).parent / "fixtures"


def test_klass131_2020_csv(shared_data: Path) -> None:
    codes = parse_codes_csv(
        (shared_data / "codes/klass131_kommuneinndeling_2020_version1160_latin1.csv").read_bytes()
    )
    assert len(codes) == 357  # 356 kommuner + 9999
    by_code = {c.code: c for c in codes}
    assert by_code["0301"].name == "Oslo"
    assert by_code["0301"].level == "1"
    assert by_code["0301"].parent_code is None
    assert any("ø" in c.name or "å" in c.name for c in codes)  # ISO-8859-1 decoded


def test_klass131_2019_csv(shared_data: Path) -> None:
    codes = parse_codes_csv(
        (shared_data / "codes/klass131_kommuneinndeling_2019_version1102_latin1.csv").read_bytes()
    )
    assert len(codes) == 423
    assert {"0104", "9999"} <= {c.code for c in codes}


@pytest.mark.parametrize(
    ("name", "count"),
    [
        ("klass104_fylkesinndeling_2020_version1158_latin1.csv", 12),
        ("klass104_fylkesinndeling_2018-2019_version401_latin1.csv", 19),
        ("klass103_bydelsinndeling_2020_version1168_latin1.csv", None),
        ("klass103_bydelsinndeling_2018-2019_version919_latin1.csv", None),
    ],
)
def test_klass104_and_103_csv(shared_data: Path, name: str, count: int | None) -> None:
    codes = parse_codes_csv((shared_data / "codes" / name).read_bytes())
    if count is not None:
        assert len(codes) == count
    else:  # bydeler: short rows without validFrom/validTo, 6-digit codes
        assert all(len(c.code) == 6 for c in codes)
        assert {c.name for c in codes} >= {"Grünerløkka", "Gamle Oslo"}
        assert all(c.valid_from is None for c in codes)


def test_correspondence_csv(shared_data: Path) -> None:
    rows = parse_correspondence_csv(
        (
            shared_data / "api_fixtures/klass/klass_correspondence_1236_orgnr_kommune_latin1.csv"
        ).read_bytes()
    )
    first = rows[0]
    assert (first.source_code, first.target_code, first.target_name) == (
        "817263992",
        "3811",
        "Færder",
    )


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
        "codesAt": HERE / "klass_131_codesAt_2024-01-01.json",
        "changes": HERE / "klass_131_changes_2019-2024.json",
        "correspondsAt": HERE / "klass_131_correspondsAt_104_2024-01-01.json",
    }

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(
            200, content=fixtures[request.url.path.rsplit("/", 1)[1]].read_bytes()
        )

    http = HttpClient(transport=httpx.MockTransport(handler), clock=FakeClock())
    client = KlassClient(Gateway(MirrorMode.LIVE, None, http))
    assert len(client.codes_at(KOMMUNER, date(2024, 1, 1)).value) == 3
    changes = client.changes(KOMMUNER, date(2019, 1, 1), date(2024, 1, 2))
    assert len(changes.value) == 3
    pair = client.corresponds_at(KOMMUNER, FYLKER, date(2024, 1, 1)).value[0]
    assert (pair.source_code, pair.target_code) == ("3903", "39")
    assert all(r.headers["accept"] == "application/json" for r in seen)
    assert seen[1].url.params["includeFuture"] == "true"
    assert seen[1].url.params["to"] == "2024-01-02"
    assert seen[2].url.params["targetClassificationId"] == "104"


def test_correspondence_table_csv_replays_from_shared_mirror(shared_data: Path) -> None:
    client = KlassClient(Gateway(MirrorMode.REPLAY, Mirror(shared_data), None))
    rows = client.correspondence_table_csv(1236)
    assert len(rows.value) == len({r.source_code for r in rows.value}) > 300
    assert rows.response.url.endswith("/correspondencetables/1236?csvSeparator=%3B")
