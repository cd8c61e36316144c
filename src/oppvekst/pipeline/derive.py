"""Derive step: indicators computed from other indicators, intervals and disclosure control.

``derive_indicator`` builds ratio and change indicators from frames already in the build.
``finalise`` is the last step before writing: periods parsed for sorting, intervals at 95 % and
99.8 % by the indicator's method, primary and secondary suppression by its disclosure rule, and the
columns of the snapshot's ``observations`` table.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import numpy as np
import pandas as pd

from oppvekst.catalog import breakdown_partitions
from oppvekst.catalog.schema import Indicator, IntervalMethod, Measure
from oppvekst.errors import CatalogError
from oppvekst.pipeline.flags import with_flag
from oppvekst.pipeline.regions_step import RegionTables
from oppvekst.snapshot.files import OBSERVATION_COLUMNS
from oppvekst.snapshot.table import BREAKDOWNS
from oppvekst.stats import intervals, suppression
from oppvekst.stats.breakdown_suppression import protect_breakdowns

SUPPRESSED = ":"
_YEAR = re.compile(r"(\d{4})")
TOTAL = {"sex": "total", "age": "total", "background": "total", "grade": "total"}


def _totals(frame: pd.DataFrame) -> pd.DataFrame:
    mask = np.ones(len(frame), dtype=bool)
    for column, value in TOTAL.items():
        mask &= (frame[column] == value).to_numpy()
    return frame[mask]


def complete_values(frame: pd.DataFrame, indicator: Indicator) -> pd.DataFrame:
    """Sources often give only counts: value = numerator / denominator × multiplier; a count is
    its own numerator. Published values are never overwritten."""
    out = frame.copy()
    if indicator.measure is Measure.COUNT:
        out["numerator"] = out["numerator"].fillna(out["value"])
        return out
    if indicator.measure in (Measure.PROPORTION, Measure.RATE):
        den = out["denominator"]
        computed = np.where(
            den > 0, out["numerator"] / den.where(den > 0) * indicator.multiplier, np.nan
        )
        out["value"] = out["value"].fillna(pd.Series(computed, index=out.index))
        # Some sources give the share and the count but not the population: the denominator follows
        # (rounded; the share itself is rounded at the source, so it is marked as reconstructed).
        rebuild = out["denominator"].isna() & out["numerator"].notna() & (out["value"] > 0)
        if rebuild.any():
            out.loc[rebuild, "denominator"] = (
                out.loc[rebuild, "numerator"] * indicator.multiplier / out.loc[rebuild, "value"]
            ).round()
            if "flags" not in out.columns:
                out["flags"] = None
            out.loc[rebuild, "flags"] = "denominator_reconstructed"
    return out


def derive_indicator(indicator: Indicator, frames: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    derivation = indicator.source.derive
    if derivation is None:
        raise CatalogError(f"{indicator.id} is not a derived indicator")
    inputs = [derivation.numerator, derivation.denominator, derivation.of]
    missing = [i for i in inputs if i is not None and i not in frames]
    if missing:
        raise CatalogError(
            f"{indicator.id} beregnes fra {missing}, som ikke har data i denne oppdateringen.",
            hint="Oppdater dem sammen (uten --only), eller kjør med --demo.",
        )
    if derivation.kind == "ratio":
        assert derivation.numerator
        assert derivation.denominator
        num = _totals(frames[derivation.numerator])
        den = _totals(frames[derivation.denominator])
        merged = num.merge(
            den[["region", "period", "value", "provenance_id", "synthetic"]],
            on=["region", "period"],
            suffixes=("", "_den"),
        )
        out = merged.assign(
            numerator=merged["value"],
            denominator=merged["value_den"],
            value=np.where(
                merged["value_den"] > 0,
                merged["value"] / merged["value_den"] * indicator.multiplier,
                np.nan,
            ),
            synthetic=merged["synthetic"] | merged["synthetic_den"],
        )
        return out.drop(columns=["value_den", "provenance_id_den", "synthetic_den"])
    assert derivation.of
    assert derivation.years
    base = _totals(frames[derivation.of])
    base = base[base["period"].str.fullmatch(r"\d{4}")]
    earlier = base.assign(period=(base["period"].astype(int) + derivation.years).astype(str))
    merged = base.merge(
        earlier[["region", "period", "value", "synthetic"]],
        on=["region", "period"],
        suffixes=("", "_then"),
    )
    ok = merged["value_then"] > 0
    return merged.assign(
        value=np.where(ok, (merged["value"] / merged["value_then"] - 1) * 100, np.nan),
        numerator=np.nan,
        denominator=np.nan,
        synthetic=merged["synthetic"] | merged["synthetic_then"],
    ).drop(columns=["value_then", "synthetic_then"])


def period_bounds(period: str) -> tuple[float, float]:
    """'2024' → (2024, 2024); '2021-2023' → (2021, 2023); school year '2024-25' → (2024, 2025)."""
    found = re.findall(r"\d{4}|(?<=-)\d{2}$", period)
    if not found:
        return np.nan, np.nan
    start = int(found[0])
    if len(found) == 1:
        return start, start
    end = found[-1]
    if len(end) == 4:
        return start, int(end)
    full = start - start % 100 + int(end)
    return start, full if full >= start else full + 100  # 1999-00 ends in 2000


def _period_bounds(period: pd.Series) -> tuple[pd.Series, pd.Series]:
    # A build has a few dozen distinct periods and millions of rows: parse each once.
    table = {p: period_bounds(p) for p in period.unique()}
    return period.map(lambda p: table[p][0]), period.map(lambda p: table[p][1])


def finalise(indicator: Indicator, frame: pd.DataFrame, regions: RegionTables) -> pd.DataFrame:
    out = frame.copy()
    for column in ("numerator", "denominator", "sd", "n", "margin95", "value"):
        if column not in out.columns:
            out[column] = np.nan
        out[column] = out[column].astype(float)
    for column, default in (("status", None), ("flags", None)):
        if column not in out.columns:
            out[column] = default
    # A cell the source marks confidential shows nothing that could give it back.
    confidential = (out["status"] == SUPPRESSED).to_numpy(dtype=bool)
    out.loc[confidential, ["value", "numerator", "denominator"]] = np.nan
    start, end = _period_bounds(out["period"].astype(str))
    out["period_start"], out["period_end"] = start.astype("Int64"), end.astype("Int64")
    _add_intervals(indicator, out)
    _suppress(indicator, out, regions)
    _suppress_across_breakdowns(out)
    out["indicator_id"] = indicator.id
    out["synthetic"] = out["synthetic"].fillna(False).astype(bool)
    return out[OBSERVATION_COLUMNS]


def _add_intervals(indicator: Indicator, out: pd.DataFrame) -> None:
    method = IntervalMethod(indicator.interval)
    numerator = out["numerator"].to_numpy()
    denominator = out["denominator"].to_numpy()
    usable = np.isfinite(out["value"].to_numpy())
    if method in (IntervalMethod.WILSON, IntervalMethod.BYAR, IntervalMethod.POISSON_EXACT):
        usable &= np.isfinite(numerator) & np.isfinite(denominator) & (denominator > 0)
        usable &= numerator >= 0
        if method is IntervalMethod.WILSON:
            usable &= numerator <= denominator
    elif method is IntervalMethod.T:
        usable &= np.isfinite(out["sd"].to_numpy()) & (out["n"].to_numpy() > 1)
    elif method is IntervalMethod.PUBLISHED:
        usable &= np.isfinite(out["margin95"].to_numpy())
    for level, suffix in ((intervals.LEVEL_95, "95"), (intervals.LEVEL_998, "998")):
        lower = np.full(len(out), np.nan)
        upper = np.full(len(out), np.nan)
        if method is not IntervalMethod.NONE and usable.any():
            result = intervals.interval(
                method.value,
                value=out["value"].to_numpy()[usable],
                numerator=numerator[usable],
                denominator=denominator[usable],
                sd=out["sd"].to_numpy()[usable],
                n=out["n"].to_numpy()[usable],
                margin95=out["margin95"].to_numpy()[usable],
                multiplier=indicator.multiplier,
                level=level,
            )
            lower[usable], upper[usable] = result.lower, result.upper
        out[f"lower{suffix}"], out[f"upper{suffix}"] = lower, upper


def _suppress_across_breakdowns(out: pd.DataFrame) -> None:
    """Hide more groups where a hidden one («:», the source's or ours) would come back as the
    total minus its siblings (``stats.breakdown_suppression``)."""
    hidden = (out["status"] == SUPPRESSED).to_numpy(dtype=bool)
    mask = protect_breakdowns(out, hidden, breakdown_partitions())
    extra = mask & ~hidden
    if not extra.any():
        return
    columns = ["value", "numerator", "denominator", "lower95", "upper95", "lower998", "upper998"]
    for column in columns:
        out[column] = suppression.withhold(extra, out[column].to_numpy(float))
    out.loc[extra, "status"] = SUPPRESSED
    if "flags" not in out.columns:
        out["flags"] = None
    out["flags"] = with_flag(out["flags"], extra, "secondary_suppression")


def _suppress(indicator: Indicator, out: pd.DataFrame, regions: RegionTables) -> None:
    rule = indicator.disclosure
    if rule.min_numerator is None and rule.min_denominator is None and rule.min_respondents is None:
        return
    disclosure = suppression.DisclosureRule(
        min_numerator=rule.min_numerator,
        min_denominator=rule.min_denominator,
        min_respondents=rule.min_respondents,
    )
    primary = suppression.primary(
        out["numerator"].to_numpy(),
        out["denominator"].to_numpy(),
        disclosure,
        respondents=out["n"].to_numpy(),
    )
    hidden = primary.copy()
    if indicator.additive or indicator.denominator:
        # Published totals only tie cells of the same period and breakdown together, so each such
        # slice is protected on its own (a few hundred cells, not the whole series at once).
        keys = ["period", *BREAKDOWNS]
        positions = np.arange(len(out))
        for _, group in out.groupby(keys, sort=False):
            local = positions[out.index.get_indexer(group.index)]
            if not primary[local].any():
                continue
            sub = out.iloc[local].reset_index(drop=True)
            constraints = regions.hierarchy_constraints(sub)
            hidden[local] = suppression.secondary(
                sub["numerator"].to_numpy(float), primary[local], constraints
            )
    columns = ["value", "numerator", "denominator", "lower95", "upper95", "lower998", "upper998"]
    for column in columns:
        out[column] = suppression.withhold(hidden, out[column].to_numpy(float))
    # A missing symbol can come through as NaN (a float) from a concat: that is no symbol.
    given = np.array([s if isinstance(s, str) and s else None for s in out["status"]], dtype=object)
    status = suppression.status_after(given, hidden)
    out["status"] = [s or None for s in status.tolist()]
    out.loc[hidden & ~primary, "flags"] = "secondary_suppression"
