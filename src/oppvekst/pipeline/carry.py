"""Carry step: what an update could not refresh keeps the figures of the previous snapshot.

A source outage, a rate limit or ``--only X`` must never make the served data poorer: indicators
without new rows are copied unchanged (values, flags, provenance) from the snapshot being replaced,
and the update's summary says which were kept. Rows for regions that no longer exist are left out
(the region table comes from the new build).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import duckdb
import pandas as pd

from oppvekst.errors import NoSnapshot
from oppvekst.snapshot.files import HARMONISATION_COLUMNS, OBSERVATION_COLUMNS, DataDir


@dataclass(frozen=True)
class Carried:
    observations: pd.DataFrame
    provenance: pd.DataFrame
    harmonisation: pd.DataFrame  # the carried indicators' breaks (their reasons still hold)

    @property
    def indicator_ids(self) -> frozenset[str]:
        return frozenset(self.observations["indicator_id"].unique())


def previous_rows(data_dir: DataDir, indicator_ids: Sequence[str], regions: set[str]) -> Carried:
    no_breaks = pd.DataFrame(columns=HARMONISATION_COLUMNS)
    empty = Carried(pd.DataFrame(columns=OBSERVATION_COLUMNS), pd.DataFrame(), no_breaks)
    if not indicator_ids:
        return empty
    try:
        path = data_dir.current_path()
    except NoSnapshot:
        return empty
    con = duckdb.connect(str(path), read_only=True)
    try:
        columns = ", ".join(f'"{c}"' for c in OBSERVATION_COLUMNS)
        observations = con.execute(
            f"SELECT {columns} FROM observations WHERE indicator_id IN (SELECT unnest(?))",  # noqa: S608
            [list(indicator_ids)],
        ).df()
        provenance = con.execute(
            "SELECT * FROM provenance WHERE id IN (SELECT DISTINCT provenance_id FROM observations "
            "WHERE indicator_id IN (SELECT unnest(?)))",
            [list(indicator_ids)],
        ).df()
        try:
            columns = ", ".join(f'"{c}"' for c in HARMONISATION_COLUMNS)
            breaks = con.execute(
                f"SELECT {columns} FROM harmonisation WHERE indicator_id IN (SELECT unnest(?))",  # noqa: S608
                [list(indicator_ids)],
            ).df()
        except duckdb.CatalogException:  # a snapshot from before breaks were kept
            breaks = no_breaks
    finally:
        con.close()
    observations = observations[observations["region"].isin(regions)]
    return Carried(observations, provenance, breaks[breaks["region"].isin(regions)])
