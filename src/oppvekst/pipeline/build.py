"""The update: fetch → parse → harmonise → aggregate → derive → write → validate → publish.

Each indicator goes through the same small steps; one indicator failing (bad response, rate limit,
unknown code) is reported and does not stop the others. The snapshot is written to a new file
(``write.py``) and published only after validation, so an interrupted or failed update leaves the
previous one serving.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

import pandas as pd

from oppvekst.catalog import Catalog
from oppvekst.catalog.schema import Indicator
from oppvekst.errors import OppvekstError
from oppvekst.pipeline import demo
from oppvekst.pipeline.acquire import Acquired, SourceContext, acquire
from oppvekst.pipeline.aggregate import aggregate_up
from oppvekst.pipeline.carry import Carried, previous_rows
from oppvekst.pipeline.derive import complete_values, derive_indicator
from oppvekst.pipeline.findings import AuditCount
from oppvekst.pipeline.harmonise import (
    KEYS,
    Break,
    check_current_codes,
    split_breaks,
    to_current_borders,
    unfilled,
)
from oppvekst.pipeline.regions_step import RegionTables
from oppvekst.pipeline.write import write_snapshot
from oppvekst.snapshot.files import OBSERVATION_COLUMNS, DataDir, SnapshotWriter, clear_leftovers


class Outcome(StrEnum):
    UPDATED = "oppdatert"
    KEPT = "beholdt"
    DEMO = "demotall"
    FAILED = "feilet"
    EMPTY = "ingen data"


@dataclass(frozen=True, slots=True)
class IndicatorResult:
    indicator_id: str
    outcome: Outcome
    rows: int
    source: str
    message: str = ""


@dataclass(frozen=True, slots=True)
class UpdateSummary:
    snapshot_id: str | None  # the snapshot now served (the previous one when nothing was new)
    path: Path | None
    data_mode: str
    results: tuple[IndicatorResult, ...]
    published: bool = True
    audits: tuple[AuditCount, ...] = ()  # the audits at publish: findings per audit and reason

    def count(self, outcome: Outcome) -> int:
        return sum(1 for r in self.results if r.outcome is outcome)


@dataclass
class Progress:
    """Callbacks for the CLI's progress bar; the default does nothing (tests, library use)."""

    start: Callable[[int], None] = lambda total: None
    step: Callable[[str], None] = lambda label: None


@dataclass
class _State:
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    provenance: list[dict[str, object]] = field(default_factory=list)
    results: list[IndicatorResult] = field(default_factory=list)
    carried: Carried | None = None
    # (indicator, break): what could not be put on today's borders, shown on the indicator page.
    breaks: list[tuple[str, Break]] = field(default_factory=list)
    audits: tuple[AuditCount, ...] = ()

    def updated(self) -> set[str]:
        return {r.indicator_id for r in self.results if r.outcome is Outcome.UPDATED}


def run_update(
    catalog: Catalog,
    regions: RegionTables,
    context: SourceContext,
    data_dir: DataDir,
    *,
    fill_with_demo: bool,
    only: frozenset[str] = frozenset(),
    progress: Progress | None = None,
) -> UpdateSummary:
    progress = progress or Progress()
    chosen = [ind for ind in catalog if not only or ind.id in only]
    with data_dir.update_lock():
        clear_leftovers(data_dir)  # a killed update's files never pile up
        writer = SnapshotWriter(data_dir)
        try:
            state = _State()
            plain = [i for i in chosen if i.source.derive is None]
            derived = [i for i in chosen if i.source.derive is not None]
            progress.start(len(chosen))
            for indicator in plain:
                progress.step(indicator.id)
                _one_indicator(indicator, regions, context, state)
            for indicator in derived:
                progress.step(indicator.id)
                _one_derived(indicator, regions, state)
            if not state.updated() and not fill_with_demo:
                # Nothing new: publishing would only risk the data being served.
                writer.abandon()
                previous = data_dir.current_id()
                mode = context.mode_label
                kept = tuple(_kept_note(r) for r in state.results)
                path = data_dir.current_path() if previous else None
                return UpdateSummary(previous, path, mode, kept, published=False)
            _carry_forward(catalog, data_dir, regions, state)
            if fill_with_demo:
                _fill_demo(chosen, regions, state)
            state.audits = write_snapshot(
                writer,
                catalog,
                regions,
                frames=state.frames,
                carried=state.carried,
                provenance=state.provenance,
                status=[_status_row(r) for r in state.results],
                breaks=state.breaks,
                data_mode=context.mode_label + (" + demo" if fill_with_demo else ""),
                mirror=str(context.mirror_dir or ""),
            )
            path = writer.publish()
        except BaseException:
            writer.abandon()
            raise
    mode = context.mode_label + (" + demo" if fill_with_demo else "")
    return UpdateSummary(writer.snapshot_id, path, mode, tuple(state.results), audits=state.audits)


def _kept_note(result: IndicatorResult) -> IndicatorResult:
    if result.outcome is Outcome.UPDATED:
        return result
    note = " Forrige tall beholdes." if result.message else "Forrige tall beholdes."
    return dataclasses.replace(result, message=result.message + note)


def _status_row(result: IndicatorResult) -> dict[str, object]:
    """One ``source_status`` row: what the update did with one indicator, shown on its page."""
    return {
        "indicator_id": result.indicator_id,
        "outcome": result.outcome.value,
        "rows": result.rows,
        "source": result.source,
        "message": result.message,
    }


def _carry_forward(
    catalog: Catalog, data_dir: DataDir, regions: RegionTables, state: _State
) -> None:
    """Indicators without new rows keep the previous snapshot's rows (see pipeline/carry.py)."""
    missing = [i.id for i in catalog if i.id not in state.frames]
    state.carried = previous_rows(data_dir, missing, regions.codes)
    kept = state.carried.indicator_ids
    state.results = [_kept_note(r) if r.indicator_id in kept else r for r in state.results]


def _one_indicator(
    indicator: Indicator, regions: RegionTables, context: SourceContext, state: _State
) -> None:
    try:
        acquired = acquire(indicator, context)
        frame, breaks = _harmonised(indicator, acquired, regions)
    except OppvekstError as exc:
        state.results.append(
            IndicatorResult(indicator.id, Outcome.FAILED, 0, context.mode_label, str(exc))
        )
        return
    except Exception as exc:
        message = f"intern feil ({type(exc).__name__}: {exc}); meld fra om dette"
        state.results.append(
            IndicatorResult(indicator.id, Outcome.FAILED, 0, context.mode_label, message)
        )
        return
    if frame.empty:
        state.results.append(IndicatorResult(indicator.id, Outcome.EMPTY, 0, acquired.label))
        return
    state.frames[indicator.id] = frame
    state.breaks += [(indicator.id, b) for b in breaks]
    state.provenance.extend(acquired.provenance)
    state.results.append(IndicatorResult(indicator.id, Outcome.UPDATED, len(frame), acquired.label))


def _harmonised(
    indicator: Indicator, acquired: Acquired, regions: RegionTables
) -> tuple[pd.DataFrame, list[Break]]:
    parts, held = [], []
    breaks: list[Break] = []
    for part in acquired.parts:
        frame = complete_values(part.frame, indicator)
        if part.geography_year is None:
            frame, _ = check_current_codes(frame, regions.codes)
            placed = split_breaks(frame, regions.undeclared_splits)
        else:
            crosswalk = regions.crosswalk(part.geography_year)
            placed = to_current_borders(frame, indicator, crosswalk)
        breaks += placed.report.breaks
        parts.append(placed.frame.assign(provenance_id=part.provenance_id, synthetic=False))
        held.append(placed.held.assign(provenance_id=part.provenance_id, synthetic=False))
    if not parts:
        return pd.DataFrame(columns=OBSERVATION_COLUMNS), breaks
    combined = pd.concat(parts, ignore_index=True)
    kept_back = pd.concat(held, ignore_index=True)
    # Parents are summed with the held break rows (exact within one fylke), which then go again.
    full = _with_parents(pd.concat([combined, kept_back], ignore_index=True), indicator, regions)
    keys = ["region", *KEYS]
    gone = full[keys].merge(kept_back[keys].drop_duplicates(), on=keys, how="left", indicator=True)
    full = full[(gone["_merge"] == "left_only").to_numpy()].reset_index(drop=True)
    return full, unfilled(breaks, full)


def _with_parents(frame: pd.DataFrame, indicator: Indicator, regions: RegionTables) -> pd.DataFrame:
    """Add fylke and land rows the source does not give (two passes: kommune→fylke→land)."""
    if "flags" not in frame.columns:
        frame["flags"] = None
    for parent_of in (regions.kommune_to_fylke, regions.fylke_to_land):
        extra = aggregate_up(frame, indicator, parent_of)
        if not extra.empty:
            provenance = frame["provenance_id"].iloc[0]
            extra = extra.assign(provenance_id=provenance, synthetic=bool(frame["synthetic"].any()))
            frame = pd.concat([frame, extra], ignore_index=True)
    return frame


def _one_derived(indicator: Indicator, regions: RegionTables, state: _State) -> None:
    try:
        frame = derive_indicator(indicator, state.frames)
    except OppvekstError as exc:
        state.results.append(IndicatorResult(indicator.id, Outcome.FAILED, 0, "beregnet", str(exc)))
        return
    if frame.empty:
        state.results.append(IndicatorResult(indicator.id, Outcome.EMPTY, 0, "beregnet"))
        return
    state.frames[indicator.id] = frame
    state.breaks += [(indicator.id, b) for b in _inherited_breaks(indicator, frame, state)]
    state.results.append(IndicatorResult(indicator.id, Outcome.UPDATED, len(frame), "beregnet"))


def _inherited_breaks(indicator: Indicator, frame: pd.DataFrame, state: _State) -> list[Break]:
    """An input's break is the derived indicator's too where it left the derived value missing."""
    derivation = indicator.source.derive
    inputs = {derivation.numerator, derivation.denominator, derivation.of} if derivation else set()
    inherited = [b for i, b in state.breaks if i in inputs]
    if (
        derivation is not None
        and derivation.of
        and derivation.kind == "change"
        and derivation.years
    ):
        periods = set(state.frames[derivation.of]["period"].astype(str))
        # A change reaches back ``years``: the first years after a break compare with it, so they
        # are breaks too (Ålesund 2024–2028 against the source's 50/50 split of 2019–2023).
        inherited += [
            dataclasses.replace(
                b,
                period=str(int(b.period) + derivation.years),
                reason=f"Endringen regnes fra {b.period}, som er et brudd: {b.reason}",
            )
            for b in inherited
            if b.period.isdigit() and str(int(b.period) + derivation.years) in periods
        ]
    return unfilled(inherited, frame)


def _fill_demo(chosen: list[Indicator], regions: RegionTables, state: _State) -> None:
    carried = state.carried.observations if state.carried is not None else pd.DataFrame()
    children = state.frames.get(demo.POPULATION_INDICATOR)
    if children is None and len(carried):
        children = carried[carried["indicator_id"] == demo.POPULATION_INDICATOR]
    population = regions.demo_population(children)
    real_carried = (
        set(carried.loc[~carried["synthetic"].astype(bool), "indicator_id"])
        if len(carried)
        else set()
    )
    done = state.updated() | real_carried
    why = {r.indicator_id: r.message for r in state.results if r.outcome is not Outcome.UPDATED}
    state.results = [r for r in state.results if r.indicator_id in done]
    for indicator in chosen:
        if indicator.id in done:
            continue
        provenance_id = f"{demo.DEMO_PROVENANCE_PREFIX}{indicator.id}"
        frame = demo.demo_rows(indicator, population).assign(
            provenance_id=provenance_id, flags=None
        )
        frame = _with_parents(frame, indicator, regions)
        state.frames[indicator.id] = frame
        state.provenance.append(
            {
                "id": provenance_id,
                "indicator_id": indicator.id,
                "source": demo.DEMO_SOURCE,
                "publisher": demo.DEMO_SOURCE,
                "table_id": None,
                "request": "deterministisk generator (oppvekst.pipeline.demo)",
                "source_updated": None,
                "fetched_at": datetime.now(UTC).replace(tzinfo=None),
                "checksum": None,
                "synthetic": True,
            }
        )
        reason = why.get(indicator.id, "")
        state.results.append(
            IndicatorResult(
                indicator.id,
                Outcome.DEMO,
                len(frame),
                demo.DEMO_SOURCE,
                f"ingen ekte tall: {reason}" if reason else "ingen ekte tall",
            )
        )
