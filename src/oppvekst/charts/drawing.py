"""Chart workers: a few long-lived processes running ``charts/drawing_worker.py``, drawing the
report's charts and the portal's image downloads.

vl-convert converts one chart at a time per process and holds the GIL for the whole conversion
(measured: a Python thread gets no turn during a 0.8 s conversion), so the thread pool this
replaces drew the 16 charts one after another and froze every other thread of the web server
meanwhile. Worker processes draw in parallel on every core, and the process asking waits on a
pipe with the GIL released.

The workers start on first use (about a second: vl-convert loads its engine) and stay; each
holds ~120 MB. One report uses all of them at a time (a lock), concurrent reports queue for the
charts but not for Typst. A worker that dies or hangs is killed and the batch tried once more in
fresh workers; if that fails too the request gets a ``ChartCrashed`` error. Nothing is ever drawn
in the server's own process: vl-convert aborts the process it runs in on some input.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import subprocess
import sys
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from oppvekst.charts import drawing_worker
from oppvekst.errors import ChartCrashed, ChartError
from oppvekst.settings import child_environment

WORKER_SCRIPT = Path(drawing_worker.__file__)
# Measured: vl-convert is several times slower measuring text in a system font than in its built-in
# one (DejaVu Sans named directly: 39 ms a chart against 11; and once Debian's Liberation fonts were
# installed beside DejaVu, every chart took 40–80 ms instead of 18), and the fonts a machine happens
# to have would change how a chart is laid out. The workers see no system
# fonts: every text is measured and drawn in vl-convert's own Liberation Sans on every machine.
WORKER_FONTS = Path(__file__).with_name("worker-fonts.conf")
# Two cores on the development machine and on CI; more workers than cores only add memory.
WORKERS = max(1, min(2, os.cpu_count() or 1))
TIMEOUT_S = 120.0  # a batch of a report's charts takes well under a second


@dataclass(frozen=True, slots=True)
class Job:
    kind: str  # one of drawing_worker.KINDS
    spec: str  # JSON text of the spec
    weight: float = 1.0  # relative drawing time, to share the work out evenly


class Worker:
    def __init__(self) -> None:
        self._process = subprocess.Popen(
            [sys.executable, str(WORKER_SCRIPT)],
            env=child_environment({"FONTCONFIG_FILE": str(WORKER_FONTS)}),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="ascii",
        )
        self._ready = False

    def run(self, jobs: Sequence[Job]) -> list[dict[str, str]]:
        stdin, stdout = self._process.stdin, self._process.stdout
        assert stdin is not None
        assert stdout is not None
        if not self._ready:
            if stdout.readline().strip() != "ready":
                raise OSError("chart worker did not start")
            self._ready = True
        lines = [json.dumps([j.kind, j.spec], ensure_ascii=True) for j in jobs]
        stdin.write(f"{len(jobs)}\n" + "".join(line + "\n" for line in lines))
        stdin.flush()
        replies = []
        for _ in jobs:
            line = stdout.readline()
            if not line:
                raise OSError("chart worker exited")
            replies.append(orjson.loads(line))
        return replies

    def close(self) -> None:
        self._process.kill()
        self._process.wait()
        for pipe in (self._process.stdin, self._process.stdout):
            if pipe is not None:
                with contextlib.suppress(OSError):  # unsent bytes to a dead process: dropped
                    pipe.close()


def share(jobs: Sequence[Job], parts: int) -> list[list[int]]:
    """Job indices in ``parts`` groups of about equal weight (heaviest first, to the lightest)."""
    groups: list[list[int]] = [[] for _ in range(max(1, parts))]
    loads = [0.0] * len(groups)
    for index in sorted(range(len(jobs)), key=lambda i: -jobs[i].weight):
        lightest = loads.index(min(loads))
        groups[lightest].append(index)
        loads[lightest] += jobs[index].weight
    return [g for g in groups if g]


class ChartPool:
    def __init__(self, size: int = WORKERS) -> None:
        self._size = size
        self._workers: list[Worker] = []
        self._pid = os.getpid()
        self._lock = threading.Lock()
        self._io = ThreadPoolExecutor(max_workers=size, thread_name_prefix="chart-io")

    def start(self) -> None:
        """Start the workers now: each loads vl-convert (a second or two) while nothing waits for
        it, so the server's first chart, report or package ZIP does not. Idempotent."""
        with self._lock:
            if self._pid != os.getpid():
                return  # a forked child starts its own on first use
            while len(self._workers) < self._size:
                self._workers.append(Worker())

    def one(self, kind: str, spec: Any) -> str:
        """A single conversion of ``spec`` (a JSON value) by a worker."""
        return self.run([Job(kind, json.dumps(spec, ensure_ascii=True))])[0]

    def run(self, jobs: Sequence[Job]) -> list[str]:
        """Each job's output, in order; raises ``ChartError`` for a spec vl-convert rejects."""
        if not jobs:
            return []
        with self._lock:
            replies = self._run(jobs)
        errors = [r["error"] for r in replies if "error" in r]
        if errors:
            raise ChartError(errors[0])
        return [r["out"] for r in replies]

    def _run(self, jobs: Sequence[Job]) -> list[dict[str, str]]:
        if self._pid != os.getpid():
            # A forked child must not share its parent's pipes, and has none of its I/O threads.
            self._workers, self._pid = [], os.getpid()
            self._io = ThreadPoolExecutor(max_workers=self._size, thread_name_prefix="chart-io")
        groups = share(jobs, self._size)
        try:
            answered = self._attempt(jobs, groups)
        except (OSError, TimeoutError, ValueError):
            # A dead, hung or garbled worker: start afresh and try once more (the worker may have
            # died of something else). Never draw here instead: what killed a worker (vl-convert
            # aborts the process on some input) would then end the web server.
            self.close()
            try:
                answered = self._attempt(jobs, groups)
            except (OSError, TimeoutError, ValueError) as exc:
                self.close()
                raise ChartCrashed() from exc
        replies: list[dict[str, str]] = [{}] * len(jobs)
        for group, answers in zip(groups, answered, strict=True):
            for index, reply in zip(group, answers, strict=True):
                replies[index] = reply
        return replies

    def _attempt(self, jobs: Sequence[Job], groups: list[list[int]]) -> list[list[dict[str, str]]]:
        while len(self._workers) < len(groups):
            self._workers.append(Worker())
        futures = [
            self._io.submit(worker.run, [jobs[i] for i in group])
            for worker, group in zip(self._workers, groups, strict=False)
        ]
        return [f.result(timeout=TIMEOUT_S) for f in futures]

    def close(self) -> None:
        for worker in self._workers:
            worker.close()
        self._workers = []


POOL = ChartPool()
atexit.register(POOL.close)
