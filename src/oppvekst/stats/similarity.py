"""Similar municipalities: weighted distance on standardised structural variables (Kolada-style).

Each variable is standardised to z-scores over all areas given, so a variable's weight — not
its unit — decides how much it counts. The distance between areas i and j is
√(Σᵥ wᵥ (zᵢᵥ − zⱼᵥ)²). For each neighbour we also return every variable's difference (in SDs)
and its share of the squared distance, so the page can say *why* two areas are alike.

A variable with weight 0 is ignored entirely (missing values in it do not matter). Areas with a
missing value in a weighted variable are left out; the target itself must have them all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from oppvekst.errors import StatisticsInputError


@dataclass(frozen=True, slots=True)
class Contribution:
    name: str
    difference_sd: float  # neighbour minus target, in standard deviations
    share: float  # share of the squared distance (sums to 1 over variables, 0 if distance 0)


@dataclass(frozen=True, slots=True)
class Neighbour:
    index: int
    distance: float
    contributions: tuple[Contribution, ...]


def similar(
    target_index: int,
    features: npt.ArrayLike,
    weights: npt.ArrayLike,
    names: Sequence[str],
    n: int = 10,
) -> list[Neighbour]:
    """The ``n`` nearest areas to the target, nearest first (ties by index)."""
    x = np.asarray(features, dtype=np.float64)
    w = np.asarray(weights, dtype=np.float64)
    if x.ndim != 2 or w.shape != (x.shape[1],) or len(names) != x.shape[1]:
        raise StatisticsInputError(
            "features must be areas × variables, with a weight and name each."
        )
    if not 0 <= target_index < x.shape[0]:
        raise StatisticsInputError(f"Target index {target_index} is not an area in the table.")
    if np.any(~(w >= 0)) or not np.any(w > 0):
        raise StatisticsInputError("Weights must be ≥ 0, and at least one must be positive.")
    if n < 1:
        raise StatisticsInputError("Ask for at least one neighbour.")
    used = w > 0
    xu, wu = x[:, used], w[used]
    if np.isnan(xu[target_index]).any():
        raise StatisticsInputError(
            "The chosen municipality lacks a value for a weighted variable.",
            hint="Set that variable's weight to 0.",
        )
    with np.errstate(invalid="ignore"):
        sd = np.nanstd(xu, axis=0)
        z = (xu - np.nanmean(xu, axis=0)) / np.where(sd > 0, sd, 1.0)
    # A variable on which every area is equal cannot separate anyone: its z is 0 everywhere.
    z = np.where(sd > 0, z, np.where(np.isnan(xu), np.nan, 0.0))
    diff = z - z[target_index]
    terms = wu * diff * diff
    ok = ~np.isnan(terms).any(axis=1)
    ok[target_index] = False
    dist2 = np.where(ok, terms.sum(axis=1), np.inf)
    candidates = np.flatnonzero(ok)
    nearest = candidates[np.lexsort((candidates, dist2[candidates]))][:n]
    used_names = [name for name, u in zip(names, used, strict=True) if u]
    out = []
    for i in nearest.tolist():
        total = dist2[i]
        contribs = tuple(
            Contribution(
                name=name,
                difference_sd=float(diff[i, v]),
                share=float(terms[i, v] / total) if total > 0 else 0.0,
            )
            for v, name in enumerate(used_names)
        )
        out.append(Neighbour(index=i, distance=float(np.sqrt(total)), contributions=contribs))
    return out
