"""Reports are slow to build (charts): each area's PDF is built once per session and shared."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from oppvekst.reports import report
from oppvekst.snapshot.store import Store
from oppvekst.views.benchmark import parse_benchmark


@pytest.fixture(scope="session")
def built(store: Store) -> Callable[[str], report.Report]:
    cache: dict[str, report.Report] = {}

    def get(code: str) -> report.Report:
        if code not in cache:
            cache[code] = report.build(store, code, parse_benchmark(store, None, code))
        return cache[code]

    return get
