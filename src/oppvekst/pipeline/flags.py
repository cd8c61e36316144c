"""The observations' ``flags`` cell: one or more declared flag names joined by FLAG_SEPARATOR.

Harmonise, aggregate and derive each set one flag; the audits at publish add theirs beside it, so
a value can say both "summed from the kommuner" and "built from fewer than all of them".
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from oppvekst.snapshot.table import FLAG_BY_CODE, FLAG_SEPARATOR, flag_codes


def with_flag(flags: pd.Series, where: npt.ArrayLike, flag: str) -> pd.Series:
    """``flags`` with ``flag`` added where ``where`` holds (once: a flag already there stays)."""
    if flag not in FLAG_BY_CODE:
        # Every flag must have its mark and words before it can reach a page or a file.
        raise ValueError(f"Flag {flag!r} is not declared in snapshot.table.FLAGS.")
    hit = np.asarray(where, dtype=bool)
    out = flags.astype(object).copy()
    for position in np.flatnonzero(hit).tolist():
        current = out.iat[position]
        names = flag_codes(current)
        if flag not in names:
            out.iat[position] = FLAG_SEPARATOR.join([*names, flag])
    return out
