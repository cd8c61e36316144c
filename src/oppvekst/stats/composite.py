"""Composite index: chosen indicators and weights, one recipe for every area.

Recipe
------
1. Orient: indicators where lower is better get their sign flipped, so higher is always better.
   An indicator without polarity cannot enter an index (which way would it pull?).
2. Standardise, either
   * ``zscore``: (value − mean) / SD over the areas given (population SD: the areas are all the
     municipalities, not a sample), index = weighted mean of z; or
   * ``base_year``: the same with the mean and SD of a fixed base year, reported as
     500 + 100 × weighted mean of z, so the base year averages 500 (KIDS COUNT-style scale) and
     change over time stays visible.
3. Missing components follow an explicit :class:`MissingRule`, stated with the result.
4. Uncertainty: each component is drawn from a split normal matching its 95 % interval (the two
   halves use the lower and upper half-widths, so Wilson/Byar asymmetry is kept); the scaling
   constants stay fixed. The band is the central ``level`` range of the simulated index, and
   the rank interval the same range of the simulated ranks (rank 1 = best). Components without an
   interval are held fixed, which the recipe says. Draws are seeded per indicator *name*, and
   components are summed in name order, so the result does not depend on the order of the
   indicators.
"""

from __future__ import annotations

import warnings
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt
from scipy import stats as sps

from oppvekst.errors import StatisticsInputError
from oppvekst.language import _, format_number
from oppvekst.stats.comparison import Polarity, polarity_signs

FloatArray = npt.NDArray[np.float64]

BASE_CENTRE = 500.0
BASE_SPREAD = 100.0
Z95 = float(sps.norm.ppf(0.975))


class Standardisation(StrEnum):
    ZSCORE = "zscore"
    BASE_YEAR = "base_year"


class MissingRule(StrEnum):
    REWEIGHT = "reweight"  # scale up the other weights if enough of the weight is present
    EXCLUDE_AREA = "exclude_area"  # any missing component: no index for that area


@dataclass(frozen=True, slots=True)
class BaseYear:
    """Mean and SD of each indicator (same order as the columns) in the base year."""

    year: int
    mean: FloatArray
    sd: FloatArray


@dataclass(frozen=True, slots=True)
class CompositeResult:
    index: FloatArray  # per area; NaN where the missing rule gives no index
    lower: FloatArray  # uncertainty band
    upper: FloatArray
    rank: FloatArray  # 1 = best; NaN without index
    rank_lower: FloatArray  # best plausible rank
    rank_upper: FloatArray  # worst plausible rank
    components_used: npt.NDArray[np.int64]
    recipe: str  # Norwegian description shown with the result


def _seed_for(seed: int, name: str) -> np.random.Generator:
    # crc32 is stable across processes (unlike hash()), so the same recipe gives the same band.
    return np.random.default_rng([seed, zlib.crc32(name.encode("utf-8"))])


def composite_index(
    values: npt.ArrayLike,
    lower: npt.ArrayLike,
    upper: npt.ArrayLike,
    polarities: Sequence[Polarity | str],
    weights: npt.ArrayLike,
    *,
    names: Sequence[str],
    method: Standardisation | str = Standardisation.ZSCORE,
    base: BaseYear | None = None,
    missing_rule: MissingRule | str = MissingRule.REWEIGHT,
    min_weight_share: float = 0.5,
    simulations: int = 1000,
    seed: int = 2024,
    level: float = 0.95,
    year: int | None = None,
) -> CompositeResult:
    """Index for areas × indicators; ``lower``/``upper`` are 95 % limits (NaN allowed)."""
    v = np.asarray(values, dtype=np.float64)
    if v.ndim != 2:
        raise StatisticsInputError("values must be a 2-D array: areas × indicators.")
    n_areas, k = v.shape
    lo = np.broadcast_to(np.asarray(lower, dtype=np.float64), v.shape)
    up = np.broadcast_to(np.asarray(upper, dtype=np.float64), v.shape)
    w = np.asarray(weights, dtype=np.float64)
    signs = polarity_signs(np.asarray([str(p) for p in polarities]))
    std = Standardisation(method)
    rule = MissingRule(missing_rule)
    _validate(k, w, signs, names, simulations, min_weight_share)

    if std is Standardisation.BASE_YEAR:
        if base is None:
            raise StatisticsInputError("Base-year scaling needs the base year's mean and SD.")
        centre, spread = np.asarray(base.mean, float), np.asarray(base.sd, float)
        if centre.shape != (k,) or spread.shape != (k,):
            raise StatisticsInputError("The base year needs one mean and one SD per indicator.")
    else:
        with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN column: caught below
            centre, spread = np.nanmean(v, axis=0), np.nanstd(v, axis=0)
    if np.any(~(spread > 0)):
        raise StatisticsInputError(
            "An indicator has no spread (or no data) and cannot be standardised.",
            hint="Leave it out of the index.",
        )

    present = ~np.isnan(v)
    used_weight = present @ w
    has_index: npt.NDArray[np.bool_] = np.asarray(
        present.all(axis=1)
        if rule is MissingRule.EXCLUDE_AREA
        else used_weight >= min_weight_share * w.sum() - 1e-12,
        dtype=bool,
    )
    order = sorted(range(k), key=lambda j: names[j])

    point = np.zeros(n_areas)
    sims = np.zeros((simulations, n_areas))
    for j in order:
        col = np.where(present[:, j], v[:, j], 0.0)
        point += w[j] * signs[j] * (col - centre[j]) / spread[j]
        z = _seed_for(seed, names[j]).standard_normal((simulations, n_areas))
        half = np.where(z < 0, col - lo[:, j], up[:, j] - col) / Z95
        half = np.where(np.isfinite(half) & present[:, j], np.maximum(half, 0.0), 0.0)
        sims += w[j] * signs[j] * (col + z * half - centre[j]) / spread[j]
    with np.errstate(invalid="ignore", divide="ignore"):
        point = np.where(has_index, point / used_weight, np.nan)
        sims = np.where(has_index, sims / used_weight, np.nan)
    if std is Standardisation.BASE_YEAR:
        point = BASE_CENTRE + BASE_SPREAD * point
        sims = BASE_CENTRE + BASE_SPREAD * sims

    tail = (1.0 - level) / 2.0
    band_lo, band_hi = _quantiles(sims, tail, has_index, "linear")
    rank = np.full(n_areas, np.nan)
    rank[has_index] = sps.rankdata(-point[has_index], method="min")
    sim_rank = _sim_ranks(sims, has_index)
    rank_lo, _hi = _quantiles(sim_rank, tail, has_index, "lower")
    _lo, rank_hi = _quantiles(sim_rank, tail, has_index, "higher")
    fixed = [
        names[j] for j in range(k) if not np.any(np.isfinite(lo[:, j]) & np.isfinite(up[:, j]))
    ]
    return CompositeResult(
        index=point,
        lower=band_lo,
        upper=band_hi,
        rank=rank,
        rank_lower=rank_lo,
        rank_upper=rank_hi,
        components_used=present.sum(axis=1).astype(np.int64),
        recipe=_recipe(
            names,
            w,
            signs,
            std,
            base,
            rule,
            min_weight_share,
            simulations,
            seed,
            level,
            year,
            fixed,
        ),
    )


def _validate(
    k: int,
    w: FloatArray,
    signs: npt.NDArray[np.int8],
    names: Sequence[str],
    simulations: int,
    min_weight_share: float,
) -> None:
    if w.shape != (k,) or signs.shape != (k,) or len(names) != k:
        raise StatisticsInputError("Give one weight, polarity and name per indicator.")
    if len(set(names)) != k:
        raise StatisticsInputError("Indicator names in an index must be unique.")
    if np.any(~(w > 0)):
        raise StatisticsInputError("Weights must be positive; leave an indicator out instead.")
    if np.any(signs == 0):
        raise StatisticsInputError(
            "An indicator without polarity cannot enter an index.",
            hint="Choose indicators where higher or lower is better.",
        )
    if simulations < 1:
        raise StatisticsInputError("At least one simulation is needed.")
    if not 0.0 < min_weight_share <= 1.0:
        raise StatisticsInputError("min_weight_share must be in (0, 1].")


def _sim_ranks(sims: FloatArray, has_index: npt.NDArray[np.bool_]) -> FloatArray:
    """Rank each simulation descending (1 = best). Exact ties have probability zero here."""
    out = np.full(sims.shape, np.nan)
    order = np.argsort(-sims[:, has_index], axis=1)
    ranks = np.empty(order.shape)
    np.put_along_axis(ranks, order, np.arange(1, order.shape[1] + 1, dtype=float)[None, :], axis=1)
    out[:, has_index] = ranks
    return out


def _quantiles(
    sims: FloatArray, tail: float, has_index: npt.NDArray[np.bool_], how: str
) -> tuple[FloatArray, FloatArray]:
    lo = np.full(sims.shape[1], np.nan)
    hi = np.full(sims.shape[1], np.nan)
    if has_index.any():
        q = np.quantile(sims[:, has_index], [tail, 1.0 - tail], axis=0, method=how)  # type: ignore[call-overload]
        lo[has_index], hi[has_index] = q[0], q[1]
    return lo, hi


def _number(x: float) -> str:
    """As few decimals as the value needs, with the reader's decimal sign."""
    shortest = f"{x:g}"
    return format_number(x, len(shortest.partition(".")[2]))


def _recipe(
    names: Sequence[str],
    w: FloatArray,
    signs: npt.NDArray[np.int8],
    std: Standardisation,
    base: BaseYear | None,
    rule: MissingRule,
    min_weight_share: float,
    simulations: int,
    seed: int,
    level: float,
    year: int | None,
    fixed: Sequence[str],
) -> str:
    parts = ", ".join(
        (
            _("{name} (vekt {weight}, høyere er bedre)")
            if s > 0
            else _("{name} (vekt {weight}, lavere er bedre)")
        ).format(name=name, weight=_number(float(wj)))
        for name, wj, s in zip(names, w, signs, strict=True)
    )
    text = [
        _("Indeksen er et vektet gjennomsnitt av {n} indikatorer: {parts}.").format(
            n=len(names), parts=parts
        )
    ]
    if std is Standardisation.ZSCORE:
        text.append(
            _(
                "Hver indikator er snudd slik at høyere alltid er bedre, og standardisert som "
                "z-skår over kommunene i {year}."
            ).format(year=year)
            if year is not None
            else _(
                "Hver indikator er snudd slik at høyere alltid er bedre, og standardisert som "
                "z-skår over kommunene."
            )
        )
    else:
        assert base is not None
        text.append(
            _(
                "Hver indikator er snudd slik at høyere alltid er bedre, og målt mot basisåret "
                "{year}: der har indeksen gjennomsnitt 500 og standardavvik 100."
            ).format(year=base.year)
        )
    if rule is MissingRule.REWEIGHT:
        text.append(
            _(
                "Mangler en kommune en indikator, regnes indeksen av de andre med vektene skalert "
                "opp, så sant minst {share} % av vekten er med."
            ).format(share=_number(round(min_weight_share * 100, 1)))
        )
    else:
        text.append(_("Kommuner som mangler en av indikatorene, får ingen indeks."))
    text.append(
        _(
            "Usikkerhetsbåndet og rangintervallet ({level} %) bygger på {n} simuleringer fra "
            "indikatorenes 95 %-intervaller (frø {seed})."
        ).format(level=_number(round(level * 100, 1)), n=simulations, seed=seed)
    )
    if fixed:
        text.append(
            _(
                "{names} har ikke usikkerhetsintervall og holdes fast, så båndet er for smalt."
            ).format(names=", ".join(fixed))
        )
    return " ".join(text)
