"""``python -m bench``: run every benchmark, print one table, write bench/RESULTS.md.

Each benchmark reports its median (and p99 where it applies) and the ratio to a baseline measured in
the same run. RESULTS.md is written by this command (never edited by hand), with the machine and
the date.
"""

from __future__ import annotations

import importlib
import json
import os
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent


def machine() -> str:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem = next(
            line.split()[1]
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
        memory = f"{int(mem) / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration):
        memory = "?"
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (
        f"{cpu or platform.processor()}, {os.cpu_count()} cores, {memory}; Python "
        f"{platform.python_version()}; load average at start {load:.1f}"
    )


def _fmt(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    return f"{seconds * 1000:.2f} ms" if seconds < 1 else f"{seconds:.2f} s"


def main(names: list[str]) -> int:
    # `--update` (make bench-load, bench-scale): run only the named modules but still rewrite
    # RESULTS.md, keeping the other modules' rows from the last run (kept in RESULTS.json).
    update = "--update" in names
    names = [n for n in names if n != "--update"]
    modules = sorted(p.stem for p in HERE.glob("bench_*.py"))
    chosen = [m for m in modules if not names or any(n in m for n in names)]
    rows: list[dict[str, Any]] = []
    if update and (HERE / "RESULTS.json").is_file():
        kept = json.loads((HERE / "RESULTS.json").read_text(encoding="utf-8"))
        rows = [r for r in kept if r["module"] not in chosen]
    for name in chosen:
        print(f"… {name}", file=sys.stderr, flush=True)
        module = importlib.import_module(f"bench.{name}")
        for row in module.run():
            rows.append({"module": name, **row})
    rows.sort(key=lambda r: modules.index(r["module"]) if r["module"] in modules else 0)
    for r in rows:
        # One meaning for every row: how many times the baseline's time this benchmark takes
        # (below 1 = faster than the baseline), whatever a module reported itself.
        base = r["baseline_median_s"]
        r["ratio"] = r["median_s"] / base if base else float("nan")
    header = (
        "| benchmark | median | p99 | baseline (same run) | baseline median | "
        "ratio (median ÷ baseline) |"
    )
    lines = [header, "|---|---|---|---|---|---|"]
    for r in rows:
        note = f" ({r['note']})" if r.get("note") else ""
        lines.append(
            f"| {r['name']}{note} | {_fmt(r['median_s'])} | {_fmt(r.get('p99_s'))} | {r['baseline']} | "
            f"{_fmt(r['baseline_median_s'])} | {r['ratio']:.2f}× |"
        )
    table = "\n".join(lines)
    print(table)
    if not names or update:
        (HERE / "RESULTS.json").write_text(json.dumps(rows, indent=1), encoding="utf-8")
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        (HERE / "RESULTS.md").write_text(
            "# Benchmark results\n\nWritten by `make bench` (`python -m bench`); do not edit by hand.\n\n"
            f"- Date: {stamp}\n- Machine: {machine()}\n\n{table}\n",
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
