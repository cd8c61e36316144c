"""Parse step: a decoded source table (one column per dimension) → tidy observations.

The input frame has one string column per source dimension, plus either a float ``value`` column
and a ``status`` column (JSON-stat, Udir) or plain string columns (files). A ``TableMapping`` from
the catalogue says which column is the region, the period, what each measure is and how breakdowns
translate. The output has the same columns for every source (see ``TIDY_COLUMNS``).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from oppvekst.catalog.schema import BreakdownMap, TableMapping
from oppvekst.errors import MalformedResponse
from oppvekst.snapshot.table import BREAKDOWNS

ROLES = ("value", "numerator", "denominator", "sd", "n", "margin95")
TIDY_COLUMNS = ("region", "period", *BREAKDOWNS, *ROLES, "status")
MISSING_MARKERS = frozenset({"..", ":", ".", "...", "*", "NULL", "", "-"})

_SPAN = re.compile(r"^(\d{4})\D+(\d{4})$")


def tidy(
    frame: pd.DataFrame, mapping: TableMapping, missing: frozenset[str] = MISSING_MARKERS
) -> pd.DataFrame:
    """Apply ``mapping`` to ``frame``; raises MalformedResponse naming a missing column."""
    _require_columns(frame, mapping)
    work = frame
    for column, keep in mapping.where.items():
        work = work[work[column].astype(str).isin(keep)]
    out = pd.DataFrame(index=work.index)
    out["region"] = _regions(work[mapping.region].astype(str), mapping)
    out["period"] = _periods(work, mapping)
    for name in BREAKDOWNS:
        out[name] = "total"
    grouped: list[BreakdownMap] = []
    for breakdown in mapping.breakdowns:
        source = work[breakdown.column or breakdown.name.value].astype(str)
        if breakdown.groups:
            # Keep the source codes beside the row until the groups are summed at the end.
            out[f"_g_{breakdown.name.value}"] = source
            grouped.append(breakdown)
        else:
            out[breakdown.name.value] = source.map(
                lambda code, b=breakdown: b.categories.get(code, code)
            )
    roles = _roles(work, mapping, missing)
    for column in mapping.sum_over:
        # Kept beside each cell until the sum, so the measure pivot never merges e.g. the two
        # sexes of a table into one cell before they are added up.
        out[f"_s_{column}"] = work[column].astype(str)
    if mapping.measure_column:
        pivoted = _pivot_measures(out, roles, work[mapping.measure_column].astype(str), mapping)
        return _finish(pivoted, mapping, grouped)
    for role, values in roles.items():
        out[role] = values
    return _finish(out, mapping, grouped)


def _require_columns(frame: pd.DataFrame, mapping: TableMapping) -> None:
    needed = {mapping.region, *mapping.where, *mapping.sum_over}
    if mapping.period:
        needed.add(mapping.period)
    if mapping.measure_column:
        needed.update((mapping.measure_column, mapping.value_column))
    else:
        needed.update(c for c in (mapping.value, mapping.numerator, mapping.denominator) if c)
    missing = sorted(c for c in needed if c not in frame.columns)
    if missing:
        raise MalformedResponse(
            f"Kildetabellen mangler kolonnene {missing}; den har {list(frame.columns)}.",
            hint="Kilden har endret format, eller katalogposten peker på feil kolonne.",
        )


def _regions(codes: pd.Series, mapping: TableMapping) -> pd.Series:
    if mapping.region_prefix:
        codes = codes.str.removeprefix(mapping.region_prefix)
    if mapping.region_codes:
        codes = codes.map(lambda c: mapping.region_codes.get(c, c))
    return codes.str.strip()


def _periods(frame: pd.DataFrame, mapping: TableMapping) -> pd.Series:
    if mapping.period is None:
        if mapping.period_value is None:
            raise MalformedResponse("Katalogposten mangler både period og period_value.")
        return pd.Series(mapping.period_value, index=frame.index)
    raw = frame[mapping.period].astype(str).str.strip()
    fmt = mapping.period_format
    if fmt == "year":
        return raw.str.slice(0, 4)
    if fmt in ("span", "fhi_span"):
        return raw.map(_span)
    if fmt == "school_year_tid":
        # Udir TidID 202510 = the count of 1 October 2025, school year 2025-26.
        return raw.map(lambda t: f"{t[:4]}-{int(t[2:4]) + 1:02d}" if t[:4].isdigit() else t)
    return raw


def _span(text: str) -> str:
    match = _SPAN.match(text)
    if not match:
        return text
    start, end = match.groups()
    return start if start == end else f"{start}-{end}"


def _parse_numbers(series: pd.Series, missing: frozenset[str]) -> tuple[pd.Series, pd.Series]:
    """Strings with decimal comma / space thousands → floats; markers → NaN + status."""
    if pd.api.types.is_numeric_dtype(series):
        return series.astype(float), pd.Series(None, index=series.index, dtype=object)
    text = series.astype(str).str.strip()
    status = text.where(text.isin(missing) & (text != ""), None)
    cleaned = (
        text.str.replace("\u00a0", "", regex=False)
        .str.replace("\u2009", "", regex=False)
        .str.replace(" ", "", regex=False)
        .str.replace("%", "", regex=False)
        .str.replace(",", ".", regex=False)
    )
    numbers = pd.to_numeric(cleaned.where(~text.isin(missing)), errors="coerce")
    return numbers.astype(float), status


def _roles(
    frame: pd.DataFrame, mapping: TableMapping, missing: frozenset[str]
) -> dict[str, pd.Series]:
    """Numeric columns per role, plus ``status``."""
    status = (
        frame["status"].astype(object).where(frame["status"].notna(), None)
        if "status" in frame.columns
        else pd.Series(None, index=frame.index, dtype=object)
    )
    if mapping.measure_column:
        values, parsed_status = _parse_numbers(frame[mapping.value_column], missing)
        return {"value": values * mapping.value_scale, "status": status.fillna(parsed_status)}
    result: dict[str, pd.Series] = {}
    for role in ROLES:
        column = getattr(mapping, role)
        if column:
            values, parsed_status = _parse_numbers(frame[column], missing)
            scale = mapping.value_scale if role == "value" else 1.0
            result[role] = values * scale
            if role in ("value", "numerator"):
                status = status.where(status.notna(), parsed_status)
    result["status"] = status
    return result


def _pivot_measures(
    out: pd.DataFrame, roles: dict[str, pd.Series], measure: pd.Series, mapping: TableMapping
) -> pd.DataFrame:
    wanted = {getattr(mapping, r): r for r in ROLES if getattr(mapping, r)}
    keep = measure.isin(wanted.keys())
    base = out[keep].copy()
    base["_role"] = measure[keep].map(wanted)
    base["_v"] = roles["value"][keep]
    base["_s"] = roles["status"][keep]
    index = [
        "region",
        "period",
        *BREAKDOWNS,
        *[c for c in base.columns if c.startswith(("_g_", "_s_"))],
    ]
    # groupby + unstack keeps exactly the cells the source has (a pivot_table with dropna=False
    # would build the full cartesian product of every index level).
    wide = base.groupby([*index, "_role"], sort=False)["_v"].first().unstack("_role")
    # The status describes the value: take it from the value cell where one is mapped (a source
    # may hide the count but publish the share), else from the numerator.
    status_role = "value" if mapping.value else "numerator"
    status = base[base["_role"] == status_role].groupby(index)["_s"].first()
    result = wide.reset_index()
    result.columns.name = None
    result = result.merge(status.rename("status").reset_index(), on=index, how="left")
    return result


def _finish(out: pd.DataFrame, mapping: TableMapping, grouped: list[BreakdownMap]) -> pd.DataFrame:
    for role in ROLES:
        if role not in out.columns:
            out[role] = np.nan
    if "status" not in out.columns:
        out["status"] = None
    if grouped:
        out = _apply_groups(out, grouped)
    elif mapping.sum_over:
        out = _sum(out)
    out = out[list(TIDY_COLUMNS)].reset_index(drop=True)
    return out


def _apply_groups(out: pd.DataFrame, grouped: list[BreakdownMap]) -> pd.DataFrame:
    """Sum source codes into declared groups, and everything into 'total' (counts only)."""
    frames = []
    for breakdown in grouped:
        name = breakdown.name.value
        lookup = {code: group for group, members in breakdown.groups.items() for code in members}
        labelled = out.copy()
        labelled[name] = out[f"_g_{name}"].map(lookup)
        frames.append(_sum(labelled.dropna(subset=[name])))
    frames.append(_sum(out))
    return pd.concat(frames, ignore_index=True)


def _sum(frame: pd.DataFrame) -> pd.DataFrame:
    keys = ["region", "period", *BREAKDOWNS]
    numeric = frame.groupby(keys, sort=False)[["value", "numerator", "denominator"]].sum(
        min_count=1
    )
    # A sum over cells of which one is suppressed is itself unknown: keep the marker.
    status = frame.groupby(keys, sort=False)["status"].first()
    any_missing = frame["value"].isna().groupby([frame[k] for k in keys], sort=False).any()
    numeric.loc[any_missing, ["value"]] = np.nan
    result = numeric.join(status).reset_index()
    result["sd"] = np.nan
    result["n"] = np.nan
    result["margin95"] = np.nan
    result.loc[~any_missing.to_numpy(), "status"] = None
    return result
