"""Timing helpers shared by the benchmarks: medians and p99 of repeated calls, and result rows.

Every result is reported against a baseline measured in the same run (a ratio, not an absolute
number that depends on the machine's load).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Result:
    name: str
    median_s: float
    p99_s: float | None
    baseline: str
    baseline_median_s: float
    note: str = ""

    @property
    def ratio(self) -> float:
        return (
            self.median_s / self.baseline_median_s if self.baseline_median_s > 0 else float("nan")
        )

    def row(self) -> dict[str, Any]:
        return {**asdict(self), "ratio": self.ratio}


def measure(function: Callable[[], object], repeat: int, warmup: int = 1) -> list[float]:
    for _ in range(warmup):
        function()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return times


def median(times: list[float]) -> float:
    return statistics.median(times)


def p99(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
