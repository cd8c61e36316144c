"""Write step: the update's results become the tables of a new snapshot file.

Separate from ``build.py`` because it is the one place that knows the snapshot's table layout
(which tables, in which column order and sort, with which meta keys), while ``build.py`` decides
what is fetched, derived, carried and filled. It takes what the update produced as plain values so
it needs nothing of the update's own state, and it runs the audits at publish on the finished
observations just before they are written, since an audit may withhold further cells.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

import pandas as pd

from oppvekst.catalog import Catalog
from oppvekst.pipeline.audits import audit_for_publish
from oppvekst.pipeline.carry import Carried
from oppvekst.pipeline.derive import finalise
from oppvekst.pipeline.findings import AuditCount
from oppvekst.pipeline.harmonise import Break
from oppvekst.pipeline.regions_step import RegionTables
from oppvekst.snapshot.files import HARMONISATION_COLUMNS, OBSERVATION_COLUMNS, SnapshotWriter


def write_snapshot(
    writer: SnapshotWriter,
    catalog: Catalog,
    regions: RegionTables,
    *,
    frames: Mapping[str, pd.DataFrame],
    carried: Carried | None,
    provenance: Sequence[dict[str, object]],
    status: Sequence[dict[str, object]],
    breaks: Sequence[tuple[str, Break]],
    data_mode: str,
    mirror: str,
) -> tuple[AuditCount, ...]:
    """Write every table of the snapshot; returns the audits' findings per audit and reason.

    ``frames`` are this update's new rows per indicator, ``carried`` the previous snapshot's rows
    for the rest, ``status`` one ``source_status`` row per indicator result.
    """
    writer.write_frame("regions", regions.regions)
    writer.write_frame("region_changes", regions.changes)
    # The published per-year crosswalks: the Store resolves a former code as the build did.
    writer.write_frame("region_crosswalk", regions.frames["region_crosswalk"])
    writer.write_frame(
        "topics",
        pd.DataFrame(
            [
                {**t.model_dump(exclude={"translations"}), "record": t.model_dump_json()}
                for t in catalog.topics
            ]
        ),
    )
    writer.write_frame("indicators", _indicator_rows(catalog))
    writer.write_frame(
        "packages",
        pd.DataFrame(
            [
                {"id": p.id, "title": p.title, "record": p.model_dump_json()}
                for p in catalog.packages
            ]
        ),
    )
    parts = []
    for indicator_id, frame in frames.items():
        parts.append(finalise(catalog.indicator(indicator_id), frame, regions))
    carried_provenance = pd.DataFrame()
    if carried is not None and len(carried.observations):
        # Only what this update did not produce anew (a demo fill replaces old demo rows).
        old = carried.observations
        parts.append(old[~old["indicator_id"].isin(frames.keys())])
        carried_provenance = carried.provenance
    observations = (
        pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=OBSERVATION_COLUMNS)
    )
    observations, audits = _audited(catalog, regions, breaks, frames, writer, observations)
    # Sorted so DuckDB's zone maps skip most row groups for one indicator or one region.
    observations = observations.sort_values(["indicator_id", "region", "period_end", "period"])
    writer.write_frame("observations", observations[OBSERVATION_COLUMNS])
    all_provenance = pd.concat(
        [pd.DataFrame(list(provenance)), carried_provenance], ignore_index=True
    ).drop_duplicates(subset="id")
    writer.write_frame("provenance", all_provenance)
    writer.write_frame("source_status", pd.DataFrame(list(status)))
    writer.write_frame("harmonisation", _harmonisation_rows(breaks, frames, carried))
    synthetic_rows = int(observations["synthetic"].sum()) if len(observations) else 0
    writer.set_meta(
        snapshot_id=writer.snapshot_id,
        built_at=datetime.now(UTC).isoformat(timespec="seconds"),
        data_mode=data_mode,
        mirror=mirror,
        synthetic_rows=str(synthetic_rows),
        total_rows=str(len(observations)),
        catalog_indicators=json.dumps([i.id for i in catalog.indicators]),
    )
    return audits


def _audited(
    catalog: Catalog,
    regions: RegionTables,
    breaks: Sequence[tuple[str, Break]],
    frames: Mapping[str, pd.DataFrame],
    writer: SnapshotWriter,
    observations: pd.DataFrame,
) -> tuple[pd.DataFrame, tuple[AuditCount, ...]]:
    """The audits at publish (pipeline/audits.py); refuses when a withheld count is derivable."""
    parents = (regions.kommune_to_fylke, regions.fylke_to_land)
    result = audit_for_publish(
        observations,
        catalog,
        parents,
        breaks,
        frames.keys(),
        regions.hierarchy_constraints,
    )
    writer.write_frame("audit_findings", result.frame())
    writer.write_frame("audit_summary", result.summary_frame())
    return result.observations, result.summary()


def _harmonisation_rows(
    breaks: Sequence[tuple[str, Break]],
    frames: Mapping[str, pd.DataFrame],
    carried: Carried | None,
) -> pd.DataFrame:
    fresh = pd.DataFrame(
        [(i, b.region, b.period, *b.breakdown, b.reason) for i, b in breaks],
        columns=HARMONISATION_COLUMNS,
    )
    previous = carried.harmonisation if carried is not None else fresh.iloc[0:0]
    previous = previous[~previous["indicator_id"].isin(frames.keys())]
    rows = pd.concat([fresh, previous], ignore_index=True)
    # Two source parts may both find the same break: one row per key.
    return rows.drop_duplicates(subset=HARMONISATION_COLUMNS[:-1])


def _indicator_rows(catalog: Catalog) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "id": i.id,
                "topic": i.topic,
                "title": i.title,
                "short_title": i.short_title,
                "measure": i.measure.value,
                "multiplier": i.multiplier,
                "unit": i.unit,
                "decimals": i.decimals,
                "polarity": i.polarity.value,
                "interval": i.interval.value,
                "key_indicator": i.key_indicator,
                "additive": i.additive,
                "record": i.model_dump_json(),
            }
            for i in catalog.indicators
        ]
    )
