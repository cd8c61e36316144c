"""The real portal (uvicorn subprocess) under concurrent load on loopback: a short smoke test with
zero errors, and serving while new snapshots are published — every response comes wholly from the
old or the new snapshot, never a mix, and no request fails."""

from __future__ import annotations

import os
import re
import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import httpx
import pytest

from oppvekst.snapshot.files import DataDir

from .portal_process import portal

pytestmark = pytest.mark.slow

URLS = [
    "/api/v1/status",
    "/api/v1/data?indicator=barn-0-17&region=0301,4601&period=2024",
    "/api/v1/profile/0301",
    "/kommune/0301",
    "/indikator/barn-0-17",
    "/",
    "/static/css/portal.css",
]
VERSION = re.compile(r"Versjon ([0-9TZ]+)")
THREADS = 4
MAX_REQUESTS = 600  # bounded count …
MAX_SECONDS = 12.0  # … and time (the machine is shared)


@dataclass(frozen=True, slots=True)
class Answer:
    url: str
    status: int
    header: str | None  # X-Oppvekst-Snapshot
    body_ids: frozenset[str]  # snapshot ids the body names ("snapshot" field, "Versjon …")
    error: str = ""


@pytest.fixture(scope="module")
def served(
    tmp_path_factory: pytest.TempPathFactory, snapshot_dir: Path
) -> Iterator[tuple[DataDir, str]]:
    data = DataDir(tmp_path_factory.mktemp("served") / "data")
    shutil.copytree(snapshot_dir, data.root)
    # Rate limits off: this measures serving and switching, not the abuse limits.
    with portal(data.root, OPPVEKST_RATE_LIMIT="off") as base:
        yield data, base


def _ids(response: httpx.Response) -> frozenset[str]:
    media = response.headers.get("content-type", "")
    if media.startswith("application/json"):
        body = response.json()
        if isinstance(body, dict) and "snapshot" in body:
            return frozenset({str(body["snapshot"])})
        return frozenset()
    if media.startswith("text/html"):
        return frozenset(VERSION.findall(response.text))
    return frozenset()


def hammer(base: str, stop: threading.Event) -> list[Answer]:
    answers: list[Answer] = []
    lock = threading.Lock()
    deadline = time.monotonic() + MAX_SECONDS

    def worker(offset: int) -> None:
        with httpx.Client(base_url=base, timeout=30) as http:
            n = offset
            while not stop.is_set() and time.monotonic() < deadline:
                with lock:
                    if len(answers) >= MAX_REQUESTS:
                        return
                url = URLS[n % len(URLS)]
                n += 1
                try:
                    r = http.get(url)
                    answer = Answer(
                        url, r.status_code, r.headers.get("x-oppvekst-snapshot"), _ids(r)
                    )
                except httpx.HTTPError as exc:
                    answer = Answer(url, 0, None, frozenset(), f"{type(exc).__name__}: {exc}")
                with lock:
                    answers.append(answer)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return answers


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


def test_short_load_smoke_has_no_errors(served: tuple[DataDir, str]) -> None:
    _, base = served
    stop = threading.Event()
    timer = threading.Timer(4.0, stop.set)  # a few seconds
    timer.start()
    answers = hammer(base, stop)
    timer.cancel()
    assert len(answers) >= len(URLS)
    failures = [a for a in answers if a.status != 200]
    assert not failures, failures[:5]


def test_serving_while_snapshots_are_published_never_mixes_them(
    served: tuple[DataDir, str],
) -> None:
    data, base = served
    old = data.current_id()
    assert old is not None
    new_ids = [f"{old[:-1]}{n}Z" for n in (7, 8)]  # sort after the old id, like real ids
    for snapshot_id in new_ids:
        prepare_snapshot(data, snapshot_id)

    stop = threading.Event()
    collected: list[Answer] = []
    runner = threading.Thread(target=lambda: collected.extend(hammer(base, stop)))
    runner.start()
    time.sleep(1.5)
    publish(data, new_ids[0])  # an update finishes while requests are in flight …
    time.sleep(2.0)
    publish(data, new_ids[1])  # … and another one
    time.sleep(2.0)
    stop.set()
    runner.join()

    allowed = {old, *new_ids}
    assert collected, "no requests were made"
    failures = [a for a in collected if a.status != 200 or a.error]
    assert not failures, failures[:5]
    for answer in collected:
        if answer.header is not None:
            assert answer.header in allowed, answer
        assert answer.body_ids <= allowed, answer
        assert len(answer.body_ids) <= 1, f"two snapshots in one body: {answer}"
        if answer.header is not None and answer.body_ids:
            assert answer.body_ids == {answer.header}, f"header and body disagree: {answer}"
    seen = {a.header for a in collected if a.header} | {i for a in collected for i in a.body_ids}
    assert old in seen and new_ids[-1] in seen, f"the switch was not observed: {seen}"
    # After the last publish settles, everything serves the newest snapshot.
    status = httpx.get(f"{base}/api/v1/status", timeout=30)
    assert status.headers["x-oppvekst-snapshot"] == status.json()["snapshot"] == new_ids[-1]
