"""Crossing two indicators across municipalities: correlation, line and outliers.

* Pearson r (optionally weighted by population) with a Fisher-z interval, SE = 1/√(n − 3);
* Spearman ρ (unweighted ranks) with the Bonett–Wright Fisher-z interval, SE = √(1 + ρ²/2)/√(n − 3);
* least-squares line y = a + b·x (weighted when weights are given) and R² = r²; the line is
  shown only when R² ≥ 0.15 (Fingertips' rule);
* outliers: |externally studentised residual| > 3 from that line.

With weights, n in the Fisher-z interval is still the number of municipalities: the interval is
an approximation there. A correlation between municipalities says nothing about individual
children (ecological fallacy); :data:`ECOLOGICAL_NOTE` says so on the page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import stats as sps

from oppvekst.errors import StatisticsInputError
from oppvekst.glossary import N_

FloatArray = npt.NDArray[np.float64]

LINE_MIN_R2 = 0.15
OUTLIER_LIMIT = 3.0
ECOLOGICAL_NOTE = N_(  # translated at use
    "Sammenhengen gjelder kommunene, ikke enkeltbarn: at to tall henger sammen mellom kommuner, "
    "betyr ikke at det samme gjelder for barna i dem."
)


@dataclass(frozen=True, slots=True)
class Crossing:
    n: int
    pearson: float
    pearson_lower: float
    pearson_upper: float
    spearman: float
    spearman_lower: float
    spearman_upper: float
    slope: float
    intercept: float
    r2: float
    show_line: bool
    outliers: tuple[str, ...]  # labels (or indices as text) of points far off the line
    outlier_indices: tuple[int, ...]  # positions in the input arrays


def _fisher(r: float, se: float, level: float) -> tuple[float, float]:
    if not np.isfinite(se) or not np.isfinite(r):
        return float("nan"), float("nan")
    z = float(sps.norm.ppf(0.5 + level / 2.0))
    centre = float(np.arctanh(np.clip(r, -1.0 + 1e-15, 1.0 - 1e-15)))
    return float(np.tanh(centre - z * se)), float(np.tanh(centre + z * se))


def _weighted_pearson(x: FloatArray, y: FloatArray, w: FloatArray) -> tuple[float, float, float]:
    """(r, slope, intercept) of the weighted least-squares line."""
    mx, my = np.average(x, weights=w), np.average(y, weights=w)
    dx, dy = x - mx, y - my
    sxx, syy, sxy = np.sum(w * dx * dx), np.sum(w * dy * dy), np.sum(w * dx * dy)
    if sxx <= 0 or syy <= 0:
        return float("nan"), float("nan"), float("nan")
    slope = sxy / sxx
    return float(sxy / np.sqrt(sxx * syy)), float(slope), float(my - slope * mx)


def cross(
    x: npt.ArrayLike,
    y: npt.ArrayLike,
    weights: npt.ArrayLike | None = None,
    labels: Sequence[str] | None = None,
    *,
    level: float = 0.95,
) -> Crossing:
    """Correlate x and y over areas; pairs with a missing x, y or weight are left out."""
    xa = np.asarray(x, dtype=np.float64)
    ya = np.asarray(y, dtype=np.float64)
    wa = np.ones_like(xa) if weights is None else np.asarray(weights, dtype=np.float64)
    if not xa.shape == ya.shape == wa.shape or xa.ndim != 1:
        raise StatisticsInputError("x, y and weights must be 1-D arrays of the same length.")
    if labels is not None and len(labels) != xa.size:
        raise StatisticsInputError("There must be one label per area.")
    if np.any(wa < 0):
        raise StatisticsInputError("Weights cannot be negative.")
    keep = np.isfinite(xa) & np.isfinite(ya) & np.isfinite(wa) & (wa > 0)
    idx = np.flatnonzero(keep)
    xs, ys, ws = xa[keep], ya[keep], wa[keep]
    n = int(idx.size)
    nan = float("nan")
    if n < 3:
        return Crossing(n, nan, nan, nan, nan, nan, nan, nan, nan, nan, False, (), ())

    r, slope, intercept = _weighted_pearson(xs, ys, ws)
    rx, ry = sps.rankdata(xs), sps.rankdata(ys)
    rho, _, _ = _weighted_pearson(rx, ry, np.ones(n))
    se_r = 1.0 / np.sqrt(n - 3) if n > 3 else nan
    se_rho = np.sqrt(1.0 + rho * rho / 2.0) / np.sqrt(n - 3) if n > 3 else nan
    r_lo, r_hi = _fisher(r, se_r, level)
    rho_lo, rho_hi = _fisher(rho, se_rho, level)
    r2 = r * r if np.isfinite(r) else nan

    out_idx: tuple[int, ...] = ()
    if np.isfinite(slope) and n > 3:
        t = _studentised(xs, ys, ws, slope, intercept)
        out_idx = tuple(int(i) for i in idx[np.abs(t) > OUTLIER_LIMIT])
    names = tuple(labels[i] if labels is not None else str(i) for i in out_idx)
    return Crossing(
        n=n,
        pearson=r,
        pearson_lower=r_lo,
        pearson_upper=r_hi,
        spearman=rho,
        spearman_lower=rho_lo,
        spearman_upper=rho_hi,
        slope=slope,
        intercept=intercept,
        r2=r2,
        show_line=bool(np.isfinite(r2) and r2 >= LINE_MIN_R2),
        outliers=names,
        outlier_indices=out_idx,
    )


def _studentised(
    x: FloatArray, y: FloatArray, w: FloatArray, slope: float, intercept: float
) -> FloatArray:
    """Externally studentised residuals of the (weighted) line, as in regression diagnostics."""
    n = x.size
    e = np.sqrt(w) * (y - intercept - slope * x)
    mx = np.average(x, weights=w)
    h = w / w.sum() + w * (x - mx) ** 2 / np.sum(w * (x - mx) ** 2)
    s2 = np.sum(e * e) / (n - 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        s2_without = ((n - 2) * s2 - e * e / (1.0 - h)) / (n - 3)
        t = e / np.sqrt(s2_without * (1.0 - h))
    return np.where(np.isfinite(t), t, 0.0)
