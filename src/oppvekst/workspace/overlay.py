"""The store a signed-in viewer sees: the published snapshot plus the own indicators they may see.

``OverlayStore`` is a ``Store``, so every page, API answer, file and report reads own data through
the code that reads national data, with no second path. Its DuckDB connection is in memory: it
ATTACHes the snapshot file read-only and defines views named like the snapshot's tables, where
``observations`` is the snapshot's rows ``UNION ALL`` the own rows; its in-memory observation table
is the snapshot's with the own rows appended. The own rows become observations through the
pipeline's own ``complete_values`` and ``finalise`` (intervals, suppression of small counts,
secondary suppression across breakdowns), exactly as a national indicator's at publish.

Own rows are never summed into counties, the country or groups (no parent rows are made), so no
aggregate anyone sees contains anyone's own data. Overlays are cached per (snapshot, visible
versions) in a small LRU: everyone in one organisation shares one.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from oppvekst.accounts.store import UserStore
from oppvekst.accounts.viewer import Viewer
from oppvekst.catalog.schema import Indicator, Topic
from oppvekst.catalog.texts import TopicText, Translated
from oppvekst.errors import UserStoreUnavailable
from oppvekst.language import Language
from oppvekst.pipeline.derive import complete_values, finalise
from oppvekst.pipeline.regions_step import RegionTables
from oppvekst.regions.registry import Registry
from oppvekst.snapshot.files import OBSERVATION_COLUMNS
from oppvekst.snapshot.observations import (
    NUMBER_COLUMNS,
    TEXT_COLUMNS,
    ObservationTable,
    TextColumn,
)
from oppvekst.snapshot.store import Store
from oppvekst.snapshot.table import OBSERVATIONS
from oppvekst.workspace.metadata import OWN_TOPIC, PORTAL_WORDS, OwnMetadata
from oppvekst.workspace.visibility import Visible, identity, version_rows, visible

OWN_TABLE = "own_observations"
OVERLAYS_KEPT = 4  # each holds a copy of the observation table (~110 bytes a row)
PARTS_KEPT = 64  # own indicators' observations, shared between overlays
PROVENANCE_PREFIX = "egne:"
# The package of own indicators: its texts are the portal's (not a user's), so in all languages.
OWN_PACKAGE: dict[str, Any] = {
    "id": OWN_TOPIC,
    "title": PORTAL_WORDS[Language.nb]["topic"],
    "description": "Indikatorer organisasjonen selv har lastet opp, eller som er delt med den.",
    "purpose": "Egne tall samlet på ett sted, med de samme verktøyene som de nasjonale.",
    "translations": {
        "nn": {
            "title": PORTAL_WORDS[Language.nn]["topic"],
            "description": "Indikatorar organisasjonen sjølv har lasta opp, eller som er delte med han.",
            "purpose": "Eigne tal samla på éin stad, med dei same verktøya som dei nasjonale.",
        },
        "en": {
            "title": PORTAL_WORDS[Language.en]["topic"],
            "description": "Indicators the organisation has uploaded itself, or that are shared with it.",
            "purpose": "Own figures in one place, with the same tools as the national ones.",
        },
    },
}


@dataclass(frozen=True, slots=True)
class OwnPart:
    """One visible own indicator: its catalogue record, observations and provenance record."""

    indicator: Indicator
    observations: pd.DataFrame
    provenance: dict[str, Any]


def own_observations(indicator: Indicator, rows: pd.DataFrame, registry: Registry) -> pd.DataFrame:
    """Stored rows (tidy shape) → the snapshot's observation rows, by the pipeline's functions.

    Rows for a region this snapshot does not know (renumbered since the upload) are left out."""
    frame = rows[rows["region"].isin([r.code for r in registry])].copy()
    for column in ("sd", "n", "margin95"):
        frame[column] = np.nan
    frame["flags"] = None
    frame["provenance_id"] = PROVENANCE_PREFIX + indicator.id
    frame["synthetic"] = False
    frame = complete_values(frame.reset_index(drop=True), indicator)
    return finalise(indicator, frame, RegionTables(registry))


def own_part(base: Store, seen: Visible, rows: pd.DataFrame) -> OwnPart:
    """One visible indicator's part: its record, its rows as observations, its provenance."""
    meta = OwnMetadata.model_validate_json(seen.meta)
    indicator = meta.to_indicator(seen.indicator_id, seen.organisation_name)
    observations = own_observations(indicator, rows, base.registry)
    provenance = {
        "id": PROVENANCE_PREFIX + indicator.id,
        "indicator_id": indicator.id,
        "source": meta.source,
        "publisher": meta.source,
        "table_id": None,
        "request": f"arbeidsrommet: {seen.organisation_name}",
        "source_updated": None,
        "fetched_at": None,
        "checksum": None,
        "synthetic": False,
    }
    return OwnPart(indicator, observations, provenance)


def own_parts(base: Store, seen: Sequence[Visible], rows: pd.DataFrame) -> list[OwnPart]:
    """The parts of every visible indicator (``rows`` holds all their versions' rows)."""
    return [
        own_part(base, v, rows[rows["version_id"] == v.version_id].drop(columns="version_id"))
        for v in seen
    ]


class OverlayStore(Store):
    """The snapshot plus own parts. Built from an open ``Store`` (whose registry, regions and
    in-memory table it reuses) rather than from the file alone."""

    def __init__(self, base: Store, parts: Sequence[OwnPart], visible_hash: str) -> None:
        # Store.__init__ is not called: what it reads from the file, the base has read already.
        self.base = base
        self.path = base.path
        self._lock = threading.Lock()
        self._con = duckdb.connect(":memory:")
        location = str(base.path).replace("'", "''")
        self._con.execute(f"ATTACH '{location}' AS snap (READ_ONLY)")
        self.meta = base.meta
        self.snapshot_id = base.snapshot_id
        self.cache_identity = f"{base.snapshot_id}+{visible_hash}"
        self.registry = base.registry
        self.regions = base.regions
        self.parts = tuple(parts)
        self.indicators = {**base.indicators, **{p.indicator.id: p.indicator for p in parts}}
        frames = [p.observations for p in parts if len(p.observations)]
        self.own_frame = (
            pd.concat(frames, ignore_index=True)[list(OBSERVATION_COLUMNS)]
            if frames
            else pd.DataFrame(columns=list(OBSERVATION_COLUMNS))
        )
        self._views()
        # Set here rather than computed on first use: they land in the instance's __dict__,
        # which the Store's cached properties read first, so a shallow copy of this store (a
        # language copy, ``Store.in_language``) shares them instead of building them again.
        # «Egne data» is listed in the snapshot's shape (the API lists topics as they are); its
        # words in nynorsk and English are a topic record's, like every catalogue topic's.
        topic = own_topic(max((int(t["rank"]) for t in base.topics), default=0) + 1)
        self.__dict__.update(
            topics=[*base.topics, topic.model_dump(include={"id", "title", "description", "rank"})],
            _topic_records={**base._topic_records, topic.id: topic},
            packages=self._own_packages(),
            provenance={**base.provenance, **{p.provenance["id"]: p.provenance for p in parts}},
            breaks=base.breaks,
            observation_table=extended(base.observation_table, self.own_frame),
        )

    def _views(self) -> None:
        con = self._con
        con.execute(OBSERVATIONS.ddl(OWN_TABLE))
        if len(self.own_frame):
            con.register("own_frame", self.own_frame)
            columns = ", ".join(OBSERVATION_COLUMNS)
            con.execute(f"INSERT INTO {OWN_TABLE} SELECT {columns} FROM own_frame")  # noqa: S608
            con.unregister("own_frame")
        tables = [
            r[0]
            for r in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = 'snap'"
            ).fetchall()
        ]
        for table in tables:  # names from the snapshot's own catalogue, never from input
            if table == "observations":
                con.execute(
                    "CREATE VIEW observations AS SELECT * FROM snap.observations "
                    "UNION ALL BY NAME SELECT * FROM own_observations"
                )
            else:
                con.execute(f"CREATE VIEW {table} AS SELECT * FROM snap.{table}")  # noqa: S608

    @property
    def own_indicator_ids(self) -> frozenset[str]:
        return frozenset(p.indicator.id for p in self.parts)

    def _own_packages(self) -> list[dict[str, Any]]:
        """The snapshot's packages and one more, «Egne data», holding every own indicator this
        viewer sees: its page, Excel file and ZIP are a package's, built by the same code."""
        ids = sorted(self.own_indicator_ids, key=lambda i: self.indicators[i].title)
        own = {**OWN_PACKAGE, "indicators": ids}
        return [*self.base.packages, own]


def own_topic(rank: int) -> Topic:
    """The topic every own indicator sits under: the portal's words, so in every language."""
    return Topic(
        id=OWN_TOPIC,
        title=PORTAL_WORDS[Language.nb]["topic"],
        description="Tall organisasjonen selv har lastet opp, eller som er delt med den.",
        rank=rank,
        translations=Translated[TopicText](
            nn=TopicText(
                title=PORTAL_WORDS[Language.nn]["topic"],
                description="Tal organisasjonen sjølv har lasta opp, eller som er delte med han.",
            ),
            en=TopicText(
                title=PORTAL_WORDS[Language.en]["topic"],
                description="Figures the organisation has uploaded itself, or that are shared "
                "with it.",
            ),
        ),
    )


def extended(base: ObservationTable, extra: pd.DataFrame) -> ObservationTable:
    """The base table with ``extra`` rows appended (none of their indicators is in the base).

    New texts get codes after the base's (whose NULL slot stays where it is), so the base rows
    keep their codes and order, and the extra rows — sorted by their codes — follow them: the
    table stays sorted by (indicator, region), which is all ``positions`` relies on."""
    if extra.empty:
        return base
    text: dict[str, TextColumn] = {}
    extra_codes: dict[str, np.ndarray] = {}
    for column in TEXT_COLUMNS:
        old = base.text[column]
        null_code = len(old.values) - 1
        lookup = dict(old.lookup)
        cells = extra[column]
        present = cells.notna().to_numpy()
        texts = cells[present].astype(str)
        added = [t for t in pd.unique(texts) if t not in lookup]
        lookup.update({t: len(old.values) + i for i, t in enumerate(added)})
        codes = np.full(len(extra), null_code, dtype=np.int32)
        codes[present] = texts.map(lookup).to_numpy(dtype=np.int32)
        values = np.concatenate([old.values, np.array(added, dtype=object)])
        text[column] = TextColumn(old.codes, values, lookup)
        extra_codes[column] = codes
    order = np.lexsort(
        (
            extra_codes["period"],
            extra["period_end"].to_numpy(dtype=float),
            extra_codes["region"],
            extra_codes["indicator_id"],
        )
    )
    for column in TEXT_COLUMNS:
        old = text[column]
        codes = np.concatenate([old.codes, extra_codes[column][order]]).astype(np.int32)
        text[column] = TextColumn(codes, old.values, old.lookup)
    numbers = {}
    for column in NUMBER_COLUMNS:
        kept = base.numbers[column]
        added_values = extra[column].to_numpy()[order]
        try:
            numbers[column] = np.concatenate([kept, added_values.astype(kept.dtype)])
        except (TypeError, ValueError):
            numbers[column] = np.concatenate([kept.astype(float), added_values.astype(float)])
    return ObservationTable(text, numbers)


class Overlays:
    """The overlay of each (snapshot, visible own versions), the newest few kept; and each own
    indicator's part per (snapshot, version, metadata, owner), so that an indicator shared with
    many organisations is turned into observations once, not once per overlay. (Secondary
    suppression is what costs: about a second per thousand breakdown families with a small
    count, the same as at publish.)"""

    def __init__(self, kept: int = OVERLAYS_KEPT, parts_kept: int = PARTS_KEPT) -> None:
        self.kept = kept
        self.parts_kept = parts_kept
        self._lock = threading.Lock()
        self._stores: OrderedDict[tuple[str, str], OverlayStore] = OrderedDict()
        self._parts: OrderedDict[tuple[str, int, str, str], OwnPart] = OrderedDict()

    def store_for(self, base: Store, users: UserStore, viewer: Viewer | None) -> Store:
        """The store this viewer sees: ``base`` itself when nothing own is visible to them (and
        for anonymous visitors, or while the user store is unreachable: nothing private then)."""
        if viewer is None:
            return base
        try:
            seen = visible(users, viewer)
            if not seen:
                return base
            key = (base.snapshot_id, identity(seen))
            with self._lock:
                found = self._stores.get(key)
                if found is not None and found.base is base:
                    self._stores.move_to_end(key)
                    return found
            parts = self._parts_of(base, users, seen)
        except UserStoreUnavailable:
            return base
        built = OverlayStore(base, parts, key[1])
        with self._lock:
            self._stores[key] = built
            self._stores.move_to_end(key)
            while len(self._stores) > self.kept:
                # Not closed here: a request may still be reading it; it closes when collected.
                self._stores.popitem(last=False)
        return built

    def _parts_of(self, base: Store, users: UserStore, seen: Sequence[Visible]) -> list[OwnPart]:
        def part_key(v: Visible) -> tuple[str, int, str, str]:
            return (base.snapshot_id, v.version_id, v.meta, v.organisation_name)

        with self._lock:
            known = {
                part_key(v): self._parts[part_key(v)] for v in seen if part_key(v) in self._parts
            }
        missing = [v for v in seen if part_key(v) not in known]
        if missing:
            rows = version_rows(users, [v.version_id for v in missing])
            for v, part in zip(missing, own_parts(base, missing, rows), strict=True):
                known[part_key(v)] = part
            with self._lock:
                for v in missing:
                    self._parts[part_key(v)] = known[part_key(v)]
                while len(self._parts) > self.parts_kept:
                    self._parts.popitem(last=False)
        return [known[part_key(v)] for v in seen]
