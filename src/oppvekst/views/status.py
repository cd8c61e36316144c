"""Data status: which snapshot is served, when each source was last updated, what is synthetic.

People only trust a number when they can see how fresh it is and where it came from; the status
page and the front page's "latest updates" both read this.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from oppvekst.glossary import N_, Glossary
from oppvekst.snapshot.store import Store

OUTCOME_NAMES: Mapping[str, str] = Glossary(
    {
        "oppdatert": N_("Oppdatert"),
        "demotall": N_("Syntetiske demotall"),
        "feilet": N_("Kunne ikke hentes"),
        "ingen data": N_("Ingen tall"),
    }
)


@dataclass(frozen=True, slots=True)
class IndicatorStatus:
    indicator_id: str
    title: str
    outcome: str  # as the pipeline recorded it, e.g. "oppdatert", "demotall"
    outcome_text: str
    rows: int
    source: str  # where the numbers came from in this build (live, offline mirror, derived …)
    publisher: str
    table: str | None
    message: str
    source_updated: str | None  # the source's own "last updated", when it says
    fetched_at: datetime | None
    last_period: str | None
    synthetic: bool


@dataclass(frozen=True, slots=True)
class PublisherStatus:
    publisher: str
    indicators: int
    latest_fetch: datetime | None
    latest_source_update: str | None
    synthetic: int


@dataclass(frozen=True, slots=True)
class DataStatus:
    snapshot_id: str
    built_at: str | None
    data_mode: str
    total_rows: int
    synthetic_rows: int
    indicators: tuple[IndicatorStatus, ...]
    publishers: tuple[PublisherStatus, ...]
    without_data: tuple[str, ...]  # catalogue indicators with no numbers in this snapshot

    @property
    def built(self) -> datetime | None:
        """The build time as a moment, so the page shows it as a date and not the stored ISO text."""
        try:
            return datetime.fromisoformat(self.built_at) if self.built_at else None
        except ValueError:
            return None


def _text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = str(value).strip()
    return text or None


def _time(value: Any) -> datetime | None:
    if value is None or value != value:  # NaT and NaN are not equal to themselves
        return None
    if isinstance(value, datetime):
        return value
    to_pydatetime = getattr(value, "to_pydatetime", None)
    return to_pydatetime() if callable(to_pydatetime) else None


def data_status(store: Store) -> DataStatus:
    last = dict(
        store.frame(
            "SELECT indicator_id, arg_max(period, period_end) AS p FROM observations GROUP BY 1"
        ).itertuples(index=False, name=None)
    )
    # The build records when each indicator's source responses were received in `provenance`;
    # source_status may leave fetched_at empty (e.g. for files in the offline mirror).
    fetched = dict(
        store.frame(
            "SELECT indicator_id, max(fetched_at) AS t FROM provenance GROUP BY 1"
        ).itertuples(index=False, name=None)
    )
    # The source's own "last updated" (SSB's `updated`, FHI's, a file's declared date) is kept
    # per response in `provenance`; source_status has no such column filled by the build.
    updated = dict(
        store.frame(
            "SELECT indicator_id, max(source_updated) AS u FROM provenance "
            "WHERE source_updated IS NOT NULL AND source_updated <> '' GROUP BY 1"
        ).itertuples(index=False, name=None)
    )
    rows: list[IndicatorStatus] = []
    for record in store.source_status.to_dict("records"):
        indicator_id = str(record["indicator_id"])
        ind = store.indicators.get(indicator_id)
        outcome = str(record.get("outcome") or "")
        rows.append(
            IndicatorStatus(
                indicator_id=indicator_id,
                title=ind.title if ind else indicator_id,
                outcome=outcome,
                outcome_text=OUTCOME_NAMES.get(outcome, outcome.capitalize()),
                rows=int(record.get("rows") or 0),
                source=_text(record.get("source")) or "",
                publisher=ind.source.publisher if ind else "",
                table=ind.source.table if ind else None,
                message=_text(record.get("message")) or "",
                source_updated=_text(record.get("source_updated"))
                or _text(updated.get(indicator_id)),
                fetched_at=_time(record.get("fetched_at")) or _time(fetched.get(indicator_id)),
                last_period=_text(last.get(indicator_id)),
                synthetic=indicator_id in store.synthetic_indicators,
            )
        )
    rows.sort(key=lambda r: (r.publisher, r.title))
    reported = {r.indicator_id for r in rows}
    return DataStatus(
        snapshot_id=store.snapshot_id,
        built_at=store.meta.get("built_at"),
        data_mode=store.data_mode,
        total_rows=int(store.meta.get("total_rows", "0") or 0),
        synthetic_rows=store.synthetic_rows,
        indicators=tuple(rows),
        publishers=_publishers(rows),
        without_data=tuple(
            ind.title
            for ind in store.indicators.values()
            if ind.id not in store.indicators_with_data and ind.id not in reported
        ),
    )


def _publishers(rows: list[IndicatorStatus]) -> tuple[PublisherStatus, ...]:
    grouped: dict[str, list[IndicatorStatus]] = {}
    for row in rows:
        grouped.setdefault(row.publisher or "Ukjent", []).append(row)
    result = []
    for publisher, members in sorted(grouped.items()):
        fetched = [m.fetched_at for m in members if m.fetched_at is not None]
        updated = [m.source_updated for m in members if m.source_updated]
        result.append(
            PublisherStatus(
                publisher=publisher,
                indicators=len(members),
                latest_fetch=max(fetched) if fetched else None,
                latest_source_update=max(updated) if updated else None,
                synthetic=sum(m.synthetic for m in members),
            )
        )
    return tuple(result)


def latest_updates(store: Store, limit: int = 6) -> tuple[IndicatorStatus, ...]:
    """The indicators with real numbers that were updated most recently (the front page list)."""
    real = [r for r in data_status(store).indicators if not r.synthetic and r.rows > 0]
    real.sort(
        key=lambda r: (r.source_updated or "", r.fetched_at or datetime.min, r.last_period or ""),
        reverse=True,
    )
    return tuple(real[:limit])
