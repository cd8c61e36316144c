"""The real portal (uvicorn subprocess) under concurrent load on loopback: a short smoke test with
zero errors, and serving while new snapshots are published — every response comes wholly from the
old or the new snapshot, never a mix, and no request fails."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from oppvekst.snapshot.files import DataDir

from .portal_process import portal
from .publishing import (
    Seen,
    assert_one_snapshot_per_answer,
    hammer,
    newer_id,
    prepare_snapshot,
    publish,
)

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


@pytest.fixture(scope="module")
def served(
    tmp_path_factory: pytest.TempPathFactory, snapshot_dir: Path
) -> Iterator[tuple[DataDir, str]]:
    data = DataDir(tmp_path_factory.mktemp("served") / "data")
    shutil.copytree(snapshot_dir, data.root)
    # Rate limits off: this measures serving and switching, not the abuse limits.
    with portal(data.root, OPPVEKST_RATE_LIMIT="off") as base:
        yield data, base


def test_short_load_smoke_has_no_errors(served: tuple[DataDir, str]) -> None:
    _, base = served
    stop = threading.Event()
    timer = threading.Timer(4.0, stop.set)  # a few seconds
    timer.start()
    answers = hammer(base, URLS, stop)
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
    new_ids = [newer_id(old, n) for n in (1, 2)]
    for snapshot_id in new_ids:
        prepare_snapshot(data, snapshot_id)

    stop = threading.Event()
    collected: list[Seen] = []
    runner = threading.Thread(target=lambda: collected.extend(hammer(base, URLS, stop)))
    runner.start()
    stop.wait(1.5)
    publish(data, new_ids[0])  # an update finishes while requests are in flight …
    stop.wait(2.0)
    publish(data, new_ids[1])  # … and another one
    stop.wait(2.0)
    stop.set()
    runner.join()

    assert_one_snapshot_per_answer(collected, {old, *new_ids})
    seen = {a.header for a in collected if a.header} | {i for a in collected for i in a.body_ids}
    assert old in seen and new_ids[-1] in seen, f"the switch was not observed: {seen}"
    # After the last publish settles, everything serves the newest snapshot.
    status = httpx.get(f"{base}/api/v1/status", timeout=30)
    assert status.headers["x-oppvekst-snapshot"] == status.json()["snapshot"] == new_ids[-1]
