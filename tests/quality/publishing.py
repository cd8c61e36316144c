"""Load while a snapshot is published, shared by the one-server test (``test_serving``) and the
nginx + replicas test (``test_replicas``): a few threads asking a fixed list of URLs, what each
answer says about its snapshot, and a publish done the way ``oppvekst update`` does it.

The load is bounded by time and paced, not by a request count: with the answer cache a count
could be used up before the publish lands (it was, on a fast CI machine), and the switch would
never be observed.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
import time
from dataclasses import dataclass

import duckdb
import httpx

from oppvekst.snapshot.files import DataDir

VERSION = re.compile(r"Versjon ([0-9TZ]+)")
THREADS = 4
PAUSE = 0.005  # seconds between one thread's requests: at most ~800 requests/s in all
MAX_SECONDS = 15.0  # an upper bound if a test never sets its stop event


@dataclass(frozen=True, slots=True)
class Seen:
    url: str
    status: int
    header: str | None  # X-Oppvekst-Snapshot
    body_ids: frozenset[str]  # what the body names: "Versjon …" on a page, "snapshot" in JSON
    cache: str = ""  # nginx's X-Cache, where there is a proxy
    error: str = ""


def seen(url: str, response: httpx.Response) -> Seen:
    media = response.headers.get("content-type", "")
    ids: frozenset[str] = frozenset()
    if media.startswith("text/html"):
        ids = frozenset(VERSION.findall(response.text))
    elif media.startswith("application/json"):
        body = response.json()
        if isinstance(body, dict) and "snapshot" in body:
            ids = frozenset({str(body["snapshot"])})
    return Seen(
        url,
        response.status_code,
        response.headers.get("x-oppvekst-snapshot"),
        ids,
        response.headers.get("x-cache", ""),
    )


def hammer(base: str, urls: list[str], stop: threading.Event) -> list[Seen]:
    """Ask ``urls`` in turn from ``THREADS`` threads until ``stop`` is set."""
    answers: list[Seen] = []
    lock = threading.Lock()
    deadline = time.monotonic() + MAX_SECONDS

    def worker(offset: int) -> None:
        with httpx.Client(base_url=base, timeout=60) as http:
            n = offset
            while not stop.is_set() and time.monotonic() < deadline:
                url = urls[n % len(urls)]
                n += 1
                try:
                    answer = seen(url, http.get(url))
                except httpx.HTTPError as exc:
                    answer = Seen(url, 0, None, frozenset(), error=f"{type(exc).__name__}: {exc}")
                with lock:
                    answers.append(answer)
                stop.wait(PAUSE)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return answers


def newer_id(snapshot_id: str, n: int) -> str:
    """A snapshot id that sorts after ``snapshot_id`` the way a later build's would (ids are
    ``YYYYMMDDTHHMMSS…Z``; appending a digit before the ``Z`` would sort *before* it)."""
    return f"{int(snapshot_id[:4]) + n}{snapshot_id[4:]}"


def prepare_snapshot(data: DataDir, snapshot_id: str) -> None:
    """A finished snapshot under a new id (a copy with its meta changed), not yet current."""
    target = data.snapshots / f"{snapshot_id}.duckdb"
    shutil.copyfile(data.current_path(), target)
    con = duckdb.connect(str(target))
    try:
        con.execute("UPDATE meta SET value = ? WHERE key = 'snapshot_id'", [snapshot_id])
        con.execute("CHECKPOINT")
    finally:
        con.close()


def publish(data: DataDir, snapshot_id: str) -> None:
    """Switch ``CURRENT`` the way the pipeline does: write a temporary file, fsync, rename."""
    tmp = data.pointer.with_name("CURRENT.tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        handle.write(snapshot_id + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, data.pointer)


def assert_one_snapshot_per_answer(answers: list[Seen], allowed: set[str]) -> None:
    """No failure, no unknown snapshot, and no answer whose header and body name two."""
    assert answers, "no requests were made"
    failures = [a for a in answers if a.status != 200 or a.error]
    assert not failures, failures[:5]
    for answer in answers:
        if answer.header is not None:
            assert answer.header in allowed, answer
        assert answer.body_ids <= allowed, answer
        assert len(answer.body_ids) <= 1, f"two snapshots in one body: {answer}"
        if answer.header is not None and answer.body_ids:
            assert answer.body_ids == {answer.header}, f"header and body disagree: {answer}"
