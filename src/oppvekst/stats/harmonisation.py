"""Harmonising old regions to today's borders along a crosswalk.

* a merge (several old codes → one new, weight 1.0 each) sums counts;
* a split (one old code → several new) multiplies the old counts by the declared weights, which
  must add up to 1 per old code; an undeclared weight (NaN) makes the new regions a *break*;
* rates are recomputed from the summed numerators and denominators, never averaged;
* a series with only a ratio (no numerator/denominator) cannot be summed or split: any target
  that is not a plain one-to-one recoding becomes a *break*.

Every result carries a :class:`HarmonisationFlag`, and missing or confidential inputs carry their
status symbol through instead of being summed as zeros.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from oppvekst.errors import StatisticsInputError

FloatArray = npt.NDArray[np.float64]

# Which symbol wins when several inputs of one target are marked: confidential before missing.
STATUS_PRECEDENCE = (":", "*", "..", ".")


class HarmonisationFlag(StrEnum):
    ORIGINAL = "original"  # same code, same borders: untouched
    RECODED = "recoded"  # one-to-one, only the code changed
    HARMONISED = "harmonised"  # summed from a merge or scaled from a weighted split
    BREAK = "break"  # cannot be put on today's borders: show the break


@dataclass(frozen=True, slots=True)
class Crosswalk:
    """Rows ``codes_from[i] → codes_to[i]`` with the share ``weights[i]`` of the old counts."""

    codes_from: npt.NDArray[np.str_]
    codes_to: npt.NDArray[np.str_]
    weights: FloatArray

    @classmethod
    def of(
        cls,
        codes_from: Sequence[str] | npt.ArrayLike,
        codes_to: Sequence[str] | npt.ArrayLike,
        weights: npt.ArrayLike | None = None,
    ) -> Crosswalk:
        f = np.asarray(codes_from, dtype=str)
        t = np.asarray(codes_to, dtype=str)
        w = np.ones(f.shape) if weights is None else np.asarray(weights, dtype=np.float64)
        if not f.shape == t.shape == w.shape or f.ndim != 1:
            raise StatisticsInputError("A crosswalk needs equally long 1-D from, to and weights.")
        if np.any(w[~np.isnan(w)] <= 0) or np.any(w[~np.isnan(w)] > 1):
            raise StatisticsInputError("Crosswalk weights must lie in (0, 1] (NaN = undeclared).")
        for code in np.unique(f):
            ws = w[f == code]
            if ws.size > 1 and not np.isnan(ws).any() and abs(ws.sum() - 1.0) > 1e-9:
                raise StatisticsInputError(
                    f"The split weights of {code} add up to {ws.sum():g}, not 1.",
                    hint="Declare weights that share out the whole old region.",
                )
        return cls(codes_from=f, codes_to=t, weights=w)


@dataclass(frozen=True, slots=True)
class Harmonised:
    """One row per target code (sorted); arrays keep any extra trailing axis (e.g. years)."""

    codes: npt.NDArray[np.str_]
    numerator: FloatArray | None
    denominator: FloatArray | None
    value: FloatArray
    status: npt.NDArray[np.str_]
    flag: npt.NDArray[np.str_]


def aggregate(
    crosswalk: Crosswalk,
    codes: Sequence[str] | npt.ArrayLike,
    *,
    numerator: npt.ArrayLike | None = None,
    denominator: npt.ArrayLike | None = None,
    value: npt.ArrayLike | None = None,
    status: npt.ArrayLike | None = None,
    multiplier: float = 1.0,
) -> Harmonised:
    """Put data on old ``codes`` onto the crosswalk's target codes.

    Give numerator and denominator (the value is recomputed × multiplier), or only ``value`` for
    a ratio-only series. ``status`` holds source symbols ("" for a normal cell). Codes absent from
    the crosswalk map to themselves.
    """
    src = np.asarray(codes, dtype=str)
    if np.unique(src).size != src.size:
        raise StatisticsInputError("The data has a region code twice.")
    counts = numerator is not None and denominator is not None
    if not counts and value is None:
        raise StatisticsInputError("Give numerator and denominator, or a value.")
    if (numerator is None) != (denominator is None):
        raise StatisticsInputError("Numerator and denominator come together.")

    # Complete the crosswalk with identity rows for codes it does not mention.
    unmapped = src[~np.isin(src, crosswalk.codes_from)]
    f = np.concatenate([crosswalk.codes_from, unmapped])
    t = np.concatenate([crosswalk.codes_to, unmapped])
    w = np.concatenate([crosswalk.weights, np.ones(unmapped.size)])
    targets, row_target = np.unique(t, return_inverse=True)

    order = np.argsort(src)
    pos = np.searchsorted(src, f, sorter=order)
    found = (pos < src.size) & (src[order[np.minimum(pos, src.size - 1)]] == f)
    row_src = np.where(found, order[np.minimum(pos, src.size - 1)], -1)

    flag = _flags(f, t, w, targets, row_target)
    if not counts:
        # A ratio cannot be summed or shared out: only untouched or recoded targets survive.
        flag = np.where(
            flag == HarmonisationFlag.HARMONISED.value, HarmonisationFlag.BREAK.value, flag
        )
    first = numerator if numerator is not None else value
    shape_tail = np.asarray(first).shape[1:]
    n_t = targets.size

    st_in = (
        np.full(src.size, "", dtype=object) if status is None else np.asarray(status, dtype=object)
    )
    st_in = np.where(st_in == None, "", st_in).astype(str)  # noqa: E711
    row_status = np.where(found, st_in[np.maximum(row_src, 0)], "..")
    # A marked input is withheld or missing whatever number sits beside it: never summed.
    missing_row = ~found | np.isin(row_status, STATUS_PRECEDENCE)

    def gather(x: npt.ArrayLike) -> FloatArray:
        arr = np.asarray(x, dtype=np.float64)
        rows = arr[np.maximum(row_src, 0)]
        rows[missing_row] = np.nan
        return rows

    if counts:
        assert numerator is not None  # narrowed above
        assert denominator is not None
        wb = w.reshape((-1,) + (1,) * len(shape_tail))
        num = _sum_to(gather(numerator) * wb, row_target, n_t)
        den = _sum_to(gather(denominator) * wb, row_target, n_t)
        with np.errstate(invalid="ignore", divide="ignore"):
            val = np.where(den > 0, num / den * multiplier, np.nan)
        num_out: FloatArray | None = num
        den_out: FloatArray | None = den
    else:
        assert value is not None
        val = _sum_to(gather(value), row_target, n_t)  # only ever one row per kept target
        num_out = den_out = None

    is_break = flag == HarmonisationFlag.BREAK.value
    tail_break = is_break.reshape((-1,) + (1,) * len(shape_tail))
    val = np.where(tail_break, np.nan, val)
    if num_out is not None and den_out is not None:
        num_out = np.where(tail_break, np.nan, num_out)
        den_out = np.where(tail_break, np.nan, den_out)
    out_status = _status_to(row_status, row_target, n_t)
    if out_status.ndim == 1 and shape_tail:
        out_status = np.broadcast_to(out_status[:, None], val.shape).copy()
    # A value that came out missing without any source symbol is missing ("..") for the reader.
    gap = np.isnan(val) & (out_status == "") & ~tail_break
    out_status = np.where(gap, "..", out_status)
    return Harmonised(
        codes=targets,
        numerator=num_out,
        denominator=den_out,
        value=val,
        status=out_status,
        flag=flag,
    )


def _sum_to(rows: FloatArray, row_target: npt.NDArray[np.intp], n_t: int) -> FloatArray:
    """Sum rows into targets; one missing input makes the target missing (never summed as 0)."""
    out = np.zeros((n_t, *rows.shape[1:]))
    np.add.at(out, row_target, rows)  # NaN propagates through the sum, as intended
    return out


def _flags(
    f: npt.NDArray[np.str_],
    t: npt.NDArray[np.str_],
    w: FloatArray,
    targets: npt.NDArray[np.str_],
    row_target: npt.NDArray[np.intp],
) -> npt.NDArray[np.str_]:
    n_rows_to = np.bincount(row_target, minlength=targets.size)
    _, src_inv = np.unique(f, return_inverse=True)
    split_src = np.bincount(src_inv)[src_inv] > 1  # this row's old code goes to several targets
    split_into = np.bincount(row_target, weights=split_src, minlength=targets.size) > 0
    one_to_one = (n_rows_to == 1) & ~split_into
    same_code = np.zeros(targets.size, dtype=bool)
    same_code[row_target[f == t]] = True
    undeclared = np.bincount(row_target, weights=np.isnan(w), minlength=targets.size) > 0
    flag = np.where(
        one_to_one,
        np.where(same_code, HarmonisationFlag.ORIGINAL.value, HarmonisationFlag.RECODED.value),
        HarmonisationFlag.HARMONISED.value,
    )
    # An undeclared split weight cannot be guessed.
    return np.asarray(np.where(undeclared, HarmonisationFlag.BREAK.value, flag), dtype=str)


def _status_to(
    row_status: npt.NDArray[np.str_], row_target: npt.NDArray[np.intp], n_t: int
) -> npt.NDArray[np.str_]:
    out = np.full(n_t, "", dtype=object)
    rank = {s: i for i, s in enumerate(STATUS_PRECEDENCE)}
    for r, s in zip(row_target.tolist(), row_status.tolist(), strict=True):
        if not s:
            continue
        current = out[r]
        if not current or rank.get(s, len(rank)) < rank.get(current, len(rank)):
            out[r] = s
    return np.asarray(out, dtype=str)
