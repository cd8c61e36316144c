"""The deployment of docs/deployment.md on loopback: nginx (``deploy/nginx.conf``, run as the
current user) with its proxy cache in front of two portal replicas on one data directory. Under
load a new snapshot is published the way ``oppvekst update`` does (a finished file in
``snapshots/``, then ``CURRENT`` replaced): no request fails, no answer mixes two snapshots, and
right after the switch nginx's cache serves the new snapshot."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from oppvekst.snapshot.files import DataDir
from oppvekst.web.privacy import SESSION_COOKIE
from oppvekst.web.proxy import Deployment, deployment, nginx_binary

from .publishing import (
    Seen,
    assert_one_snapshot_per_answer,
    hammer,
    newer_id,
    prepare_snapshot,
    publish,
    seen,
)

pytestmark = pytest.mark.slow

URLS = [
    "/kommune/0301",
    "/indikator/barn-0-17",
    "/api/v1/status",
    "/api/v1/data?indicator=barn-0-17&region=0301,4601&period=2024",
    "/kommune/4601",
    "/",
    "/static/css/portal.css",
]
SETTLE_TRIES = 60  # how many times (0.25 s apart) to look for the new snapshot at the front


@pytest.fixture(scope="module")
def served(
    tmp_path_factory: pytest.TempPathFactory, snapshot_dir: Path
) -> Iterator[tuple[DataDir, Deployment]]:
    if nginx_binary() is None:
        pytest.fail("nginx is missing: run `make system` (apt-get install nginx-light).")
    root = tmp_path_factory.mktemp("replicas")
    data = DataDir(root / "data")
    shutil.copytree(snapshot_dir, data.root, ignore=shutil.ignore_patterns("cache"))
    # Rate limits off: this measures serving and switching, not the abuse limits.
    with deployment(
        data.root, root / "nginx", replicas=2, environment={"OPPVEKST_RATE_LIMIT": "off"}
    ) as running:
        yield data, running


def test_the_proxy_cache_serves_public_pages_and_bypasses_a_session(
    served: tuple[DataDir, Deployment],
) -> None:
    _, running = served
    with httpx.Client(base_url=running.base, timeout=60) as http:
        http.get("/kommune/0301").raise_for_status()
        again = http.get("/kommune/0301")
        assert again.headers["x-cache"] in ("HIT", "REVALIDATED", "UPDATING", "STALE")
        assert again.headers["cache-control"].startswith("public")
        assert "x-accel-expires" not in again.headers  # nginx keeps that one to itself
        http.cookies.set(SESSION_COOKIE, "no-such-session")
        signed = http.get("/kommune/0301")
        assert signed.status_code == 200 and signed.headers["x-cache"] == "BYPASS"


def test_publishing_under_load_behind_nginx_never_fails_or_mixes_snapshots(
    served: tuple[DataDir, Deployment],
) -> None:
    data, running = served
    old = data.current_id()
    assert old is not None
    new = newer_id(old, 1)
    prepare_snapshot(data, new)
    # The replicas have made (and kept) answers from the old snapshot before the switch.
    for replica in running.replicas:
        for url in URLS:
            httpx.get(replica + url, timeout=60).raise_for_status()

    stop = threading.Event()
    collected: list[Seen] = []
    runner = threading.Thread(target=lambda: collected.extend(hammer(running.base, URLS, stop)))
    runner.start()
    stop.wait(1.5)
    publish(data, new)  # an update finishes while requests are in flight
    stop.wait(3.0)
    stop.set()
    runner.join()

    assert_one_snapshot_per_answer(collected, {old, new})
    assert old in {a.header for a in collected}, "the old snapshot was never served"
    assert {a.cache for a in collected} & {"HIT", "STALE", "UPDATING"}, "nginx never answered"

    # Right after the switch the front serves the new snapshot for every page, from its cache.
    pages = [u for u in URLS if not u.startswith("/static/")]
    with httpx.Client(base_url=running.base, timeout=60) as http:
        for url in pages:
            for _ in range(SETTLE_TRIES):
                latest = seen(url, http.get(url))
                if latest.header == new:
                    break
                time.sleep(0.25)
            assert latest.header == new and latest.body_ids <= {new}, latest
            cached = seen(url, http.get(url))
            assert cached.header == new and cached.cache in ("HIT", "REVALIDATED"), cached
    # Both replicas read and fill the one set of kept answers beside the new snapshot.
    kept = data.root / "cache" / "svar" / new
    assert any(kept.glob("??/*")), "nothing of the new snapshot was kept on disk"
    for replica in running.replicas:
        answer = httpx.get(replica + "/kommune/0301", timeout=60)
        assert answer.headers["x-oppvekst-snapshot"] == new
