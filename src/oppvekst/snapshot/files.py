"""Immutable snapshots: one DuckDB file per build, validated, then switched to atomically.

Layout of the data directory::

    snapshots/<id>.duckdb      finished, validated snapshots (never edited after publishing)
    building/<id>.duckdb       a build in progress (removed or left behind on a crash; never served)
    CURRENT                    the id of the snapshot being served (replaced with os.replace)
    update.lock                held by the one update that may run at a time

A build never edits the live snapshot, so a crash or ``kill -9`` at any moment leaves the previous
snapshot serving, intact. ``CURRENT`` is written to a temporary file, fsynced and renamed over the old
one: readers see the old id or the new id, never half a file.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd

from oppvekst.errors import NoSnapshot, SnapshotError, ValidationFailed
from oppvekst.language import _
from oppvekst.snapshot.table import OBSERVATIONS

KEEP_SNAPSHOTS = 3

SCHEMA = """
CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE regions (
  code VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, level VARCHAR NOT NULL, parent VARCHAR,
  valid_from DATE, valid_to DATE, kostra_group VARCHAR, kostra_name VARCHAR, centrality INTEGER,
  sort_key INTEGER, search_key VARCHAR);
CREATE TABLE region_changes (
  old_code VARCHAR, old_name VARCHAR, new_code VARCHAR, new_name VARCHAR, changed_on DATE,
  kind VARCHAR, weight DOUBLE, level VARCHAR, note VARCHAR);
CREATE TABLE region_crosswalk (
  year INTEGER, level VARCHAR, original_code VARCHAR, current_code VARCHAR, weight DOUBLE,
  note VARCHAR);
CREATE TABLE topics (
  id VARCHAR PRIMARY KEY, title VARCHAR, description VARCHAR, rank INTEGER, record JSON);
CREATE TABLE indicators (
  id VARCHAR PRIMARY KEY, topic VARCHAR, title VARCHAR, short_title VARCHAR, measure VARCHAR,
  multiplier DOUBLE, unit VARCHAR, decimals INTEGER, polarity VARCHAR, interval VARCHAR,
  key_indicator BOOLEAN, additive BOOLEAN, record JSON);
CREATE TABLE packages (id VARCHAR PRIMARY KEY, title VARCHAR, record JSON);
CREATE TABLE provenance (
  id VARCHAR PRIMARY KEY, indicator_id VARCHAR, source VARCHAR, publisher VARCHAR, table_id VARCHAR,
  request VARCHAR, source_updated VARCHAR, fetched_at TIMESTAMP, checksum VARCHAR,
  synthetic BOOLEAN);
CREATE TABLE source_status (
  indicator_id VARCHAR, outcome VARCHAR, rows BIGINT, source VARCHAR, message VARCHAR,
  source_updated VARCHAR, fetched_at TIMESTAMP);
CREATE TABLE harmonisation (
  indicator_id VARCHAR NOT NULL, region VARCHAR NOT NULL, period VARCHAR NOT NULL,
  sex VARCHAR NOT NULL, age VARCHAR NOT NULL, background VARCHAR NOT NULL, grade VARCHAR NOT NULL,
  reason VARCHAR NOT NULL, PRIMARY KEY (indicator_id, region, period, sex, age, background, grade));
CREATE TABLE audit_findings (
  audit VARCHAR NOT NULL, indicator_id VARCHAR NOT NULL, region VARCHAR NOT NULL,
  period VARCHAR NOT NULL, reason VARCHAR NOT NULL, detail VARCHAR);
CREATE TABLE audit_summary (audit VARCHAR NOT NULL, reason VARCHAR NOT NULL, findings BIGINT);
""" + OBSERVATIONS.ddl("observations")

OBSERVATION_COLUMNS = list(OBSERVATIONS.names)
OBSERVATION_KEY = OBSERVATIONS.primary_key
# Breaks: figures that could not be put on today's borders, with the reason (pipeline/harmonise.py).
HARMONISATION_COLUMNS = [*OBSERVATION_KEY, "reason"]


@dataclass(frozen=True, slots=True)
class DataDir:
    root: Path

    @property
    def snapshots(self) -> Path:
        return self.root / "snapshots"

    @property
    def building(self) -> Path:
        return self.root / "building"

    @property
    def pointer(self) -> Path:
        return self.root / "CURRENT"

    def current_id(self) -> str | None:
        try:
            text = self.pointer.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        return text or None

    def current_path(self) -> Path:
        snapshot_id = self.current_id()
        if snapshot_id is None:
            raise NoSnapshot(
                _("Ingen publisert datasamling i {root}.").format(root=self.root),
                hint=_("Kjør «oppvekst update» (eller «oppvekst serve», som bygger en først)."),
            )
        path = self.snapshots / f"{snapshot_id}.duckdb"
        if not path.exists():
            raise NoSnapshot(
                _("CURRENT peker på {snapshot}, men filen mangler.").format(snapshot=snapshot_id)
            )
        return path

    @contextlib.contextmanager
    def update_lock(self) -> Iterator[None]:
        """One update at a time; a second one fails at once instead of racing the first."""
        self.root.mkdir(parents=True, exist_ok=True)
        with (self.root / "update.lock").open("w") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise SnapshotError(
                    "En annen oppdatering kjører allerede.", hint="Vent til den er ferdig."
                ) from None
            yield


def new_snapshot_id(now: datetime | None = None) -> str:
    moment = now or datetime.now(UTC)
    return moment.strftime("%Y%m%dT%H%M%S%fZ")


class SnapshotWriter:
    """Writes one new snapshot file in ``building/``; ``publish`` validates and switches to it."""

    def __init__(self, data_dir: DataDir, snapshot_id: str | None = None) -> None:
        self.data_dir = data_dir
        self.snapshot_id = snapshot_id or new_snapshot_id()
        data_dir.building.mkdir(parents=True, exist_ok=True)
        data_dir.snapshots.mkdir(parents=True, exist_ok=True)
        self.path = data_dir.building / f"{self.snapshot_id}.duckdb"
        if self.path.exists():
            self.path.unlink()
        self.con = duckdb.connect(str(self.path))
        self.con.execute(SCHEMA)

    def write_frame(self, table: str, frame: pd.DataFrame) -> None:
        if frame.empty:
            return
        columns = ", ".join(f'"{c}"' for c in frame.columns)
        self.con.register("incoming", frame)
        try:
            self.con.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM incoming")  # noqa: S608
        finally:
            self.con.unregister("incoming")

    def set_meta(self, **values: str) -> None:
        self.con.executemany(
            "INSERT OR REPLACE INTO meta VALUES (?, ?)", [(k, v) for k, v in values.items()]
        )

    def publish(self) -> Path:
        """Validate, close, move into ``snapshots/`` and switch ``CURRENT`` atomically."""
        try:
            problems = validate(self.con)
            if problems:
                raise ValidationFailed(
                    "Den nye datasamlingen besto ikke kontrollen og ble ikke publisert: "
                    + "; ".join(problems),
                    hint="Den forrige datasamlingen brukes fortsatt.",
                )
            self.con.execute("CHECKPOINT")
        finally:
            self.con.close()
        final = self.data_dir.snapshots / f"{self.snapshot_id}.duckdb"
        _fsync_file(self.path)
        os.replace(self.path, final)
        _write_atomically(self.data_dir.pointer, self.snapshot_id + "\n")
        prune(self.data_dir)
        return final

    def abandon(self) -> None:
        with contextlib.suppress(Exception):
            self.con.close()
        self.path.unlink(missing_ok=True)


def validate(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Checks a snapshot must pass before it is published (empty list = fine)."""
    problems: list[str] = []
    key = ", ".join(OBSERVATION_KEY)
    dupes = con.execute(
        f"SELECT count(*) FROM (SELECT {key} FROM observations GROUP BY ALL HAVING count(*) > 1)"  # noqa: S608
    ).fetchone()
    if dupes and dupes[0]:
        problems.append(f"{dupes[0]} duplicate observation keys")
    checks = {
        "observations with unknown region": "SELECT count(*) FROM observations o "
        "LEFT JOIN regions r ON o.region = r.code WHERE r.code IS NULL",
        "observations with unknown indicator": "SELECT count(*) FROM observations o "
        "LEFT JOIN indicators i ON o.indicator_id = i.id WHERE i.id IS NULL",
        "observations without provenance": "SELECT count(*) FROM observations o "
        "LEFT JOIN provenance p ON o.provenance_id = p.id WHERE p.id IS NULL",
        "regions with unknown parent": "SELECT count(*) FROM regions c LEFT JOIN regions p "
        "ON c.parent = p.code WHERE c.parent IS NOT NULL AND p.code IS NULL",
        "breaks for unknown regions": "SELECT count(*) FROM harmonisation h "
        "LEFT JOIN regions r ON h.region = r.code WHERE r.code IS NULL",
        "breaks that still show a value": "SELECT count(*) FROM harmonisation h "
        "JOIN observations o USING (indicator_id, region, period, sex, age, background, grade) "
        "WHERE o.value IS NOT NULL",
        "suppressed cells that still show a value": "SELECT count(*) FROM observations "
        "WHERE status = ':' AND (value IS NOT NULL OR numerator IS NOT NULL)",
        "intervals that do not contain their value": "SELECT count(*) FROM observations "
        "WHERE value IS NOT NULL AND lower95 IS NOT NULL "
        "AND (lower95 > value + 1e-9 OR upper95 < value - 1e-9)",
    }
    for label, sql in checks.items():
        row = con.execute(sql).fetchone()
        if row and row[0]:
            problems.append(f"{row[0]} {label}")
    problems.extend(_reconcile_totals(con))
    if not con.execute("SELECT count(*) FROM regions").fetchone()[0]:  # type: ignore[index]
        problems.append("no regions")
    return problems


def _reconcile_totals(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Where a source gives both an additive total and its parts, they must add up.

    Checked for additive indicators on the age breakdown: the parts of an age split must sum to the
    'total' row (rounding tolerance 0.5 per part), as SSB's own tables do.
    """
    row = con.execute(
        """
        WITH parts AS (
          SELECT o.indicator_id, o.region, o.period, sum(o.value) AS s, count(*) AS n
          FROM observations o JOIN indicators i ON i.id = o.indicator_id
          WHERE i.additive AND o.age <> 'total' AND o.sex = 'total' AND o.background = 'total'
            AND o.grade = 'total' AND o.value IS NOT NULL
          GROUP BY ALL)
        SELECT count(*) FROM parts p JOIN observations t
          ON t.indicator_id = p.indicator_id AND t.region = p.region AND t.period = p.period
         AND t.age = 'total' AND t.sex = 'total' AND t.background = 'total' AND t.grade = 'total'
        WHERE abs(t.value - p.s) > 0.5 * p.n
        """
    ).fetchone()
    return (
        [f"{row[0]} age totals that do not equal the sum of their parts"] if row and row[0] else []
    )


def clear_leftovers(data_dir: DataDir) -> list[Path]:
    """What a killed or failed update left behind, removed before the next one builds: files in
    ``building/`` (the half-written snapshot and DuckDB's ``.wal``), ``CURRENT.tmp``, and finished
    snapshots newer than the one ``CURRENT`` names (moved into place, never switched to). Called
    under the update lock, so no running update owns them. Without a ``CURRENT`` nothing is
    judged never-switched: those files are all there is. Returns what it removed."""
    removed: list[Path] = []
    if data_dir.building.is_dir():
        for leftover in data_dir.building.iterdir():
            removed.append(leftover)
            if leftover.is_dir():
                shutil.rmtree(leftover, ignore_errors=True)
            else:
                leftover.unlink(missing_ok=True)
    pending = data_dir.pointer.with_name(data_dir.pointer.name + ".tmp")
    if pending.exists():
        pending.unlink(missing_ok=True)
        removed.append(pending)
    current = data_dir.current_id()
    if current is not None and data_dir.snapshots.is_dir():
        for finished in data_dir.snapshots.glob("*.duckdb*"):
            if finished.name.split(".")[0] > current:
                finished.unlink(missing_ok=True)
                removed.append(finished)
    return removed


def prune(data_dir: DataDir, keep: int = KEEP_SNAPSHOTS) -> None:
    """Keep the newest few snapshots (rollback) and clear builds left behind by crashes."""
    current = data_dir.current_id()
    finished = sorted(data_dir.snapshots.glob("*.duckdb"))
    for old in finished[:-keep]:
        if old.stem != current:
            old.unlink(missing_ok=True)
    for leftover in data_dir.building.glob("*"):
        if leftover.is_file():
            leftover.unlink(missing_ok=True)
        else:
            shutil.rmtree(leftover, ignore_errors=True)


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_atomically(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
