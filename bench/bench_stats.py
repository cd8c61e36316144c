"""Benchmark of oppvekst.stats on clearly synthetic data (no real municipality figures).

Each case is timed against a straightforward pure-Python loop doing the same work in the same run,
so the ratio holds on a busy or slow machine too. Run: ``.venv/bin/python bench/bench_stats.py``.
Targets from issue #3: one municipality's profile statistics < 5 ms, the whole country's < 200 ms.
"""

from __future__ import annotations

import math
import random
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from oppvekst.stats.comparison import compare
from oppvekst.stats.composite import composite_index
from oppvekst.stats.intervals import wilson

AREAS, INDICATORS, BENCHMARKS = 357, 40, 3
COMPOSITE_INDICATORS, SIMULATIONS = 8, 1000
Z95, Z998 = 1.959963984540054, 3.090232306167813
POLARITIES = ["higher_better", "lower_better", "none", "higher_better"] * (INDICATORS // 4)


def _synthetic(seed: int = 20240101) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    den = rng.integers(20, 5000, (AREAS, INDICATORS)).astype(float)
    num = np.floor(den * rng.uniform(0.02, 0.6, (AREAS, INDICATORS)))
    bench = rng.uniform(0.02, 0.6, (AREAS, INDICATORS, BENCHMARKS))
    return {"num": num, "den": den, "bench": bench}


# --- vectorised ---------------------------------------------------------------------------------
def profile_vectorised(num: np.ndarray, den: np.ndarray, bench: np.ndarray) -> np.ndarray:
    """Wilson 95 % and 99.8 % limits, then the comparison with every benchmark."""
    i95 = wilson(num, den, 0.95)
    i998 = wilson(num, den, 0.998)
    pol = np.asarray(POLARITIES)
    return compare(
        (num / den)[..., None],
        i95.lower[..., None],
        i95.upper[..., None],
        i998.lower[..., None],
        i998.upper[..., None],
        bench,
        pol[None, :, None],
    )


# --- pure-Python baselines ----------------------------------------------------------------------
def _wilson_py(x: float, n: float, z: float) -> tuple[float, float]:
    p = x / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def _compare_py(
    v: float, l95: float, u95: float, l998: float, u998: float, b: float, pol: str
) -> str:
    if any(math.isnan(a) for a in (v, l95, u95, l998, u998, b)):
        return "not_compared"
    pos = (l95 > b) + (l998 > b) - (u95 < b) - (u998 < b)
    if pol == "none":
        return "higher" if pos > 0 else "lower" if pos < 0 else "similar"
    if pol == "lower_better":
        pos = -pos
    return ["much_worse", "worse", "similar", "better", "much_better"][pos + 2]


def profile_python(num: list[list[float]], den: list[list[float]], bench: list[Any]) -> list[Any]:
    out = []
    for a, row in enumerate(num):
        area = []
        for k, x in enumerate(row):
            n = den[a][k]
            l95, u95 = _wilson_py(x, n, Z95)
            l998, u998 = _wilson_py(x, n, Z998)
            area.append(
                [_compare_py(x / n, l95, u95, l998, u998, b, POLARITIES[k]) for b in bench[a][k]]
            )
        out.append(area)
    return out


def composite_python(
    v: list[list[float]], lo: list[list[float]], up: list[list[float]]
) -> list[float]:
    """Same recipe as composite_index: z-scores, split-normal draws, ranks, 95 % band."""
    k = len(v[0])
    signs = [1 if i % 2 == 0 else -1 for i in range(k)]
    cols = [[row[i] for row in v] for i in range(k)]
    mean = [statistics.fmean(c) for c in cols]
    sd = [statistics.pstdev(c) for c in cols]
    rnd = random.Random(1)
    sims = []
    ranks: list[list[int]] = [[] for _ in v]
    for _ in range(SIMULATIONS):
        idx = []
        for a, row in enumerate(v):
            s = 0.0
            for i in range(k):
                z = rnd.gauss(0.0, 1.0)
                half = (row[i] - lo[a][i]) if z < 0 else (up[a][i] - row[i])
                s += signs[i] * (row[i] + z * half / Z95 - mean[i]) / sd[i]
            idx.append(s / k)
        sims.append(idx)
        for r, a in enumerate(sorted(range(len(v)), key=lambda j: -idx[j]), start=1):
            ranks[a].append(r)
    band = []
    for a in range(len(v)):
        col = sorted(sim[a] for sim in sims)
        band.append(col[int(0.025 * SIMULATIONS)])
        sorted(ranks[a])
    return band


# --- timing -------------------------------------------------------------------------------------
def _times(fn: Callable[[], object], repeats: int) -> list[float]:
    out = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def _row(name: str, fast: list[float], slow: list[float], baseline: str) -> dict[str, Any]:
    median = statistics.median(fast)
    base = statistics.median(slow)
    p99 = float(np.percentile(fast, 99)) if len(fast) >= 20 else None
    return {
        "name": name,
        "median_s": median,
        "p99_s": p99,
        "baseline": baseline,
        "baseline_median_s": base,
        "ratio": base / median,
    }


def run() -> list[dict[str, Any]]:
    d = _synthetic()
    num, den, bench = d["num"], d["den"], d["bench"]
    one = (num[:1], den[:1], bench[:1])
    one_py = (num[:1].tolist(), den[:1].tolist(), bench[:1].tolist())
    all_py = (num.tolist(), den.tolist(), bench.tolist())
    results = [
        _row(
            "profile, 1 municipality (40 ind. × 3 benchmarks, 95+99.8 % Wilson + compare)",
            _times(lambda: profile_vectorised(*one), 200),
            _times(lambda: profile_python(*one_py), 50),
            "pure-Python loop",
        ),
        _row(
            "profile, all 357 municipalities (42 840 comparisons)",
            _times(lambda: profile_vectorised(num, den, bench), 30),
            _times(lambda: profile_python(*all_py), 5),
            "pure-Python loop",
        ),
    ]
    rng = np.random.default_rng(7)
    v = rng.normal(50, 10, (AREAS, COMPOSITE_INDICATORS))
    lo, up = v - rng.uniform(1, 6, v.shape), v + rng.uniform(1, 6, v.shape)
    pol = ["higher_better", "lower_better"] * (COMPOSITE_INDICATORS // 2)
    names = [f"synthetic-{i}" for i in range(COMPOSITE_INDICATORS)]
    results.append(
        _row(
            f"composite index, 357 × {COMPOSITE_INDICATORS} ind., {SIMULATIONS} simulations",
            _times(
                lambda: composite_index(
                    v,
                    lo,
                    up,
                    pol,
                    np.ones(COMPOSITE_INDICATORS),
                    names=names,
                    simulations=SIMULATIONS,
                ),
                5,
            ),
            _times(lambda: composite_python(v.tolist(), lo.tolist(), up.tolist()), 1),
            "pure-Python loop",
        )
    )
    return results


def main() -> None:
    print("oppvekst.stats benchmark — SYNTHETIC data (random counts, not real municipalities)")
    rows = run()
    print(f"{'benchmark':<78} {'median':>10} {'baseline':>10} {'ratio':>8}")
    for r in rows:
        print(
            f"{r['name']:<78} {r['median_s'] * 1e3:>8.2f}ms {r['baseline_median_s'] * 1e3:>8.1f}ms"
            f" {r['ratio']:>7.1f}x"
        )


if __name__ == "__main__":
    main()
