"""The answer cache (``oppvekst.cache``): public answers kept per snapshot on disk and replayed,
with ETag/304 and public Cache-Control; nothing private, failed, oversized or cookie-setting kept."""

from __future__ import annotations

import asyncio
import gzip
import shutil
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from oppvekst.cache.kept import KeptAnswer, KeptAnswers, directory_name
from oppvekst.cache.keys import answer_key, matches
from oppvekst.cache.middleware import CachePolicy, ResponseCacheMiddleware, kept_answers
from oppvekst.settings import Settings
from oppvekst.snapshot.current import StoreManager
from oppvekst.snapshot.files import DataDir
from oppvekst.web.app import create_app
from oppvekst.web.privacy import SESSION_COOKIE

PROFILE = "/kommune/0301"


@pytest.fixture
def data(tmp_path: Path, snapshot_dir: Path) -> DataDir:
    """A copy of the fixture data directory: each test starts with no kept answers."""
    copy = tmp_path / "data"
    shutil.copytree(snapshot_dir, copy, ignore=shutil.ignore_patterns("cache"))
    return DataDir(copy)


def client_on(data: DataDir, **settings: Any) -> TestClient:
    # Plain bodies unless a test asks for gzip: a kept file is then the bytes on the wire.
    app = create_app(data, Settings(rate_limit="off", **settings))
    return TestClient(app, headers={"Accept-Encoding": "identity"})


def kept_files(data: DataDir) -> list[Path]:
    root = data.root / "cache" / "svar"
    return sorted(p for p in root.glob("*/??/*") if not p.name.startswith(".tmp-"))


def test_a_public_page_is_kept_on_disk_and_replayed_by_a_restarted_replica(data: DataDir) -> None:
    first = client_on(data).get(PROFILE)
    assert first.status_code == 200
    snapshot = data.current_id()
    assert first.headers["x-oppvekst-snapshot"] == snapshot
    control = first.headers["cache-control"]
    assert control.startswith("public") and "max-age=" in control
    assert "stale-while-revalidate=" in control
    files = kept_files(data)
    assert len(files) == 1 and files[0].parent.parent.name == snapshot
    stored = KeptAnswer.decode(files[0].read_bytes())
    assert stored is not None and stored.body == first.content

    # Prove the next answer comes from the file, not a new render: a second process on the same
    # directory (a restart, another replica) replays whatever the file holds.
    marked = KeptAnswer(stored.status, stored.headers, stored.body.replace(b"Oslo", b"OSLO-KEPT"))
    files[0].write_bytes(marked.encode())
    again = client_on(data).get(PROFILE)
    assert b"OSLO-KEPT" in again.content
    assert again.headers["etag"] == first.headers["etag"]


def test_if_none_match_answers_304_before_and_after_the_answer_is_kept(data: DataDir) -> None:
    http = client_on(data)
    first = http.get(PROFILE)
    tag = first.headers["etag"]
    kept = http.get(PROFILE, headers={"If-None-Match": tag})
    assert kept.status_code == 304 and kept.content == b""
    assert kept.headers["etag"] == tag
    # A fresh process with nothing kept yet still knows the tag (it is made from the key).
    fresh = client_on(data.__class__(data.root))
    shutil.rmtree(data.root / "cache" / "svar")
    made = fresh.get(PROFILE, headers={"If-None-Match": f"W/{tag}"})
    assert made.status_code == 304
    assert kept_files(data), "the answer made for the 304 is kept all the same"
    assert http.get(PROFILE, headers={"If-None-Match": '"other"'}).status_code == 200


def test_a_session_cookie_never_reads_or_fills_the_cache(data: DataDir) -> None:
    http = client_on(data)
    http.cookies.set(SESSION_COOKIE, "not-a-live-session")
    answer = http.get(PROFILE)
    assert answer.status_code == 200
    assert "etag" not in answer.headers and "x-accel-expires" not in answer.headers
    assert not kept_files(data)


def test_failed_and_cookie_setting_answers_are_not_kept(data: DataDir) -> None:
    http = client_on(data)
    assert http.get("/kommune/9999").status_code == 404
    sign_in = http.get("/logg-inn")  # sets the anonymous CSRF cookie, private
    assert "set-cookie" in sign_in.headers
    assert not kept_files(data)


def test_each_content_coding_is_kept_once_and_replayed_without_new_compression(
    data: DataDir,
) -> None:
    http = client_on(data)
    plain = http.get(PROFILE, headers={"Accept-Encoding": "identity"})
    packed = http.get(PROFILE, headers={"Accept-Encoding": "gzip"})
    assert plain.headers["etag"] != packed.headers["etag"]
    files = kept_files(data)
    assert len(files) == 2
    bodies = {KeptAnswer.decode(f.read_bytes()).body for f in files}  # type: ignore[union-attr]
    assert plain.content in bodies
    zipped = next(b for b in bodies if b != plain.content)
    assert gzip.decompress(zipped) == plain.content


def test_head_is_answered_from_the_get_answer(data: DataDir) -> None:
    http = client_on(data)
    got = http.get(PROFILE)
    head = http.head(PROFILE)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["etag"] == got.headers["etag"]
    assert len(kept_files(data)) == 1


def test_an_answer_over_the_entry_bound_is_served_but_not_kept(data: DataDir) -> None:
    http = client_on(data, response_cache_entry_mb=0.001)  # about 1 KB
    answer = http.get(PROFILE)
    assert answer.status_code == 200 and len(answer.content) > 1024
    assert answer.headers["etag"]
    assert not kept_files(data)


def test_zero_bytes_turns_the_cache_off(data: DataDir) -> None:
    answer = client_on(data, response_cache_mb=0).get(PROFILE)
    assert answer.status_code == 200 and "etag" not in answer.headers
    assert not kept_files(data)


def test_the_key_sorts_parameters_but_keeps_the_order_of_repeated_ones() -> None:
    def scope(query: bytes, **extra: Any) -> dict[str, Any]:
        return {"path": "/indikator/x", "query_string": query, "headers": [], **extra}

    assert answer_key(scope(b"b=2&a=1"), "s") == answer_key(scope(b"a=1&b=2"), "s")
    assert answer_key(scope(b"omrade=1&omrade=2"), "s") != answer_key(
        scope(b"omrade=2&omrade=1"), "s"
    )
    assert answer_key(scope(b""), "s") != answer_key(scope(b""), "t")
    assert answer_key(scope(b"", state={"lang": "nn"}), "s") != answer_key(scope(b""), "s")
    raw = scope(b"", raw_path=b"/en/indikator/x")
    assert answer_key(raw, "s") != answer_key(scope(b""), "s")


def test_the_api_key_holds_the_language_and_accept_headers() -> None:
    def api(headers: list[tuple[bytes, bytes]]) -> str:
        return answer_key({"path": "/api/v1/status", "query_string": b"", "headers": headers}, "s")

    assert api([(b"accept-language", b"en")]) != api([(b"accept-language", b"nb")])
    assert api([(b"accept", b"text/csv")]) != api([(b"accept", b"application/json")])


def test_if_none_match_lists_and_weak_tags() -> None:
    assert matches('"a", W/"b"', '"b"') and matches("*", '"x"')
    assert not matches('"a"', '"b"')


def test_a_torn_file_is_a_miss_and_is_replaced(tmp_path: Path) -> None:
    kept = KeptAnswers(tmp_path, 1 << 20, 1 << 20, 1 << 20)
    answer = KeptAnswer(200, ((b"content-type", b"text/plain"),), b"x" * 100)
    assert kept.put("s", "ab" * 32, answer)
    path = tmp_path / "s" / "ab" / ("ab" * 32)
    path.write_bytes(path.read_bytes()[:-10])  # cut short, as a crash of the machine could
    fresh = KeptAnswers(tmp_path, 1 << 20, 1 << 20, 1 << 20)
    assert fresh.get("s", "ab" * 32) is None
    assert not path.exists()


def test_the_disk_bound_drops_the_least_recently_used(tmp_path: Path) -> None:
    kept = KeptAnswers(tmp_path, 2500, 0, 2000)
    body = KeptAnswer(200, (), b"y" * 1000)
    for n in range(3):
        kept.put("s", f"{n:02d}" + "0" * 62, body)
    assert kept.disk_used("s") <= 2500
    assert kept.get("s", "00" + "0" * 62) is None  # the oldest went
    assert kept.get("s", "02" + "0" * 62) is not None


def test_an_identity_that_is_not_a_snapshot_id_stays_inside_the_root() -> None:
    assert directory_name("20261207T010101Z") == "20261207T010101Z"
    assert "/" not in directory_name("../../etc") and directory_name("..") != ".."


def test_a_publish_drops_the_answers_of_snapshots_no_longer_on_disk(data: DataDir) -> None:
    settings = Settings()
    stores = StoreManager(data)
    kept = kept_answers(settings, stores)
    middleware = ResponseCacheMiddleware(_no_app, stores, kept, CachePolicy.from_settings(settings))
    current = stores.current()  # the first switch, with nothing kept yet
    gone = KeptAnswer(200, (), b"old")
    kept.put("20000101T000000000000Z", "cd" * 32, gone)  # a snapshot pruned long ago
    kept.put(current.cache_identity, "ef" * 32, KeptAnswer(200, (), b"now"))
    middleware._switched(current)
    assert middleware.dropping is not None
    middleware.dropping.join()
    assert kept.get("20000101T000000000000Z", "cd" * 32) is None
    assert not (kept.root / "20000101T000000000000Z").exists()
    assert kept.get(current.cache_identity, "ef" * 32) is not None
    assert current.cache_identity == current.snapshot_id


async def _no_app(scope: Any, receive: Any, send: Any) -> None:
    await asyncio.sleep(0)


def test_with_a_public_address_the_warmer_fills_the_cache_before_anyone_asks(
    data: DataDir,
) -> None:
    app = create_app(data, Settings(rate_limit="off", public_url="https://oppvekst.example.no"))
    with TestClient(app, base_url="https://oppvekst.example.no") as http:  # runs the lifespan
        first = next(iter(StoreManager(data).current().regions))
        for _ in range(600):  # a wait, not a timing: the first address is made within seconds
            if kept_files(data):
                break
            time.sleep(0.2)
        assert kept_files(data), "the warmer kept nothing"
        # The visitor's request for the first warmed page (same host, gzip as a browser asks)
        # has the key the warmer made it under: its tag is a kept file's tag.
        warmed = {_etag_of(f) for f in kept_files(data)}
        page = http.get(f"/kommune/{first}", headers={"Accept-Encoding": "gzip"})
        assert page.status_code == 200
        assert page.headers["etag"] in warmed


def _etag_of(path: Path) -> str:
    answer = KeptAnswer.decode(path.read_bytes())
    assert answer is not None
    return dict(answer.headers)[b"etag"].decode()


def test_a_session_in_any_cookie_header_is_a_session() -> None:
    from oppvekst.cache.keys import has_session

    split = {"headers": [(b"cookie", b"valgt=1"), (b"cookie", f"{SESSION_COOKIE}=t".encode())]}
    assert has_session(split)
    assert not has_session({"headers": [(b"cookie", b"valgt=1"), (b"cookie", b"annet=2")]})
