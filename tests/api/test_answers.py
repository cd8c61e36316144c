"""Kept answers: a repeated query is served from the cache, byte for byte what was computed, and
never across a snapshot change."""

from __future__ import annotations

from fastapi.testclient import TestClient

from oppvekst.api import answers
from oppvekst.api.answers import Answer, AnswerCache

QUERY = "/api/v1/data?indicator=barn-0-17&region=0301,4601&period=2024"
SAME_QUERY_REORDERED = "/api/v1/data?period=2024&region=0301,4601&indicator=barn-0-17"


def test_repeated_query_is_replayed_with_the_same_bytes_and_headers(client: TestClient) -> None:
    answers.ANSWERS._answers.clear()
    first = client.get(QUERY)
    assert first.status_code == 200
    assert len(answers.ANSWERS) == 1
    again = client.get(SAME_QUERY_REORDERED)
    assert len(answers.ANSWERS) == 1, "parameter order does not make a new answer"
    assert again.content == first.content
    for header in ("content-type", "x-oppvekst-snapshot", "cache-control"):
        assert again.headers[header] == first.headers[header]
    tagged = client.get(QUERY, headers={"If-None-Match": first.headers["etag"]})
    assert tagged.status_code == 304


def test_downloads_keep_their_file_name(client: TestClient) -> None:
    url = QUERY + "&format=csv"
    first = client.get(url)
    again = client.get(url)
    assert again.content == first.content
    assert again.headers["content-disposition"] == first.headers["content-disposition"]
    assert again.headers["content-disposition"].endswith('.csv"')


def test_errors_are_not_kept(client: TestClient) -> None:
    answers.ANSWERS._answers.clear()
    assert client.get("/api/v1/data?indicator=barn-0-17&region=9999").status_code == 404
    assert len(answers.ANSWERS) == 0


def test_a_new_snapshot_drops_the_old_answers() -> None:
    cache = AnswerCache(max_bytes=1000, max_entry_bytes=500)
    cache.put(("snap-1", "json", "q"), Answer(b"old", "application/json", None))
    assert cache.get(("snap-1", "json", "q")) is not None
    cache.put(("snap-2", "json", "q"), Answer(b"new", "application/json", None))
    assert cache.get(("snap-1", "json", "q")) is None
    found = cache.get(("snap-2", "json", "q"))
    assert found is not None and found.body == b"new"


def test_the_cache_stays_within_its_bounds() -> None:
    cache = AnswerCache(max_bytes=1000, max_entry_bytes=400)
    cache.put(("s", "json", "huge"), Answer(b"x" * 401, "application/json", None))
    assert cache.get(("s", "json", "huge")) is None, "over the entry limit: not kept"
    for n in range(10):
        cache.put(("s", "json", str(n)), Answer(b"x" * 300, "application/json", None))
    assert len(cache) == 3
    assert cache.get(("s", "json", "9")) is not None
    assert cache.get(("s", "json", "0")) is None, "the least recently used went first"
