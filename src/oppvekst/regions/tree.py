"""The region registry's shared parts: the region tree, the declared changes, snapshot rows.

Both ways of building the registry (``region_files`` from the offline files, ``region_klass`` from
KLASS records) end in :func:`assemble`, so the tree order and the region fields are the same
whichever source was used.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from importlib import resources
from typing import Any

import pandas as pd
import yaml

from oppvekst.regions.codes import ClassificationCode
from oppvekst.regions.history import (
    ChangeKind,
    CodeVersion,
    CrosswalkLink,
    Level,
    RegionChange,
    RegistryHistory,
    classify_steps,
)
from oppvekst.regions.names import search_key
from oppvekst.regions.registry import COUNTRY_CODE, KostraGroup, Region, Registry

COUNTRY_NAME = "Norge"


@dataclass(frozen=True, slots=True)
class KommuneClassification:
    kostra_group: str  # EKG01..EKG17
    kostra_name: str
    centrality: int


def assemble(
    kommuner: Sequence[ClassificationCode],
    fylker: Sequence[ClassificationCode],
    bydeler: Sequence[ClassificationCode],
    history: RegistryHistory,
    classification: Mapping[str, KommuneClassification],
    kostra_groups: Iterable[KostraGroup],
) -> Registry:
    regions = [_region(COUNTRY_CODE, COUNTRY_NAME, Level.LAND, None, None, None, None, 0)]
    order = 1
    # Tree order: each fylke followed by its kommuner, Oslo kommune by its bydeler.
    for fylke in sorted(fylker, key=lambda c: c.code):
        regions.append(
            _region(
                fylke.code,
                fylke.name,
                Level.FYLKE,
                COUNTRY_CODE,
                fylke.valid_from,
                fylke.valid_to,
                None,
                order,
            )
        )
        order += 1
        for kommune in sorted(
            (k for k in kommuner if k.code[:2] == fylke.code), key=lambda c: c.code
        ):
            regions.append(
                _region(
                    kommune.code,
                    kommune.name,
                    Level.KOMMUNE,
                    fylke.code,
                    kommune.valid_from,
                    kommune.valid_to,
                    classification.get(kommune.code),
                    order,
                )
            )
            order += 1
            for bydel in sorted(
                (b for b in bydeler if b.code[:4] == kommune.code), key=lambda c: c.code
            ):
                regions.append(
                    _region(
                        bydel.code,
                        bydel.name,
                        Level.BYDEL,
                        kommune.code,
                        bydel.valid_from,
                        bydel.valid_to,
                        None,
                        order,
                    )
                )
                order += 1
    return Registry(regions, history, kostra_groups)


def _region(
    code: str,
    name: str,
    level: Level,
    parent: str | None,
    valid_from: date | None,
    valid_to: date | None,
    profile: KommuneClassification | None,
    order: int,
) -> Region:
    return Region(
        code=code,
        name=name,
        level=level,
        parent=parent,
        valid_from=valid_from,
        valid_to=valid_to,
        kostra_group=profile.kostra_group if profile else None,
        kostra_name=profile.kostra_name if profile else None,
        centrality=profile.centrality if profile else None,
        sort_order=order,
        search_key=search_key(name),
    )


CROSSWALK_COLUMNS = ["year", "level", "original_code", "current_code", "weight", "note"]


def to_frames(registry: Registry) -> dict[str, pd.DataFrame]:
    """The snapshot tables ``regions`` and ``region_changes``, and ``region_crosswalk`` (the
    published per-year tables the history was built with; empty on the KLASS path)."""
    return {
        "regions": pd.DataFrame(_region_rows(registry)),
        "region_changes": pd.DataFrame(_change_rows(registry)),
        "region_crosswalk": pd.DataFrame(_crosswalk_rows(registry), columns=CROSSWALK_COLUMNS),
    }


def _region_rows(registry: Registry) -> list[dict[str, Any]]:
    """Rows for the snapshot table ``regions``."""
    return [
        {
            "code": r.code,
            "name": r.name,
            "level": str(r.level),
            "parent": r.parent,
            "valid_from": r.valid_from,
            "valid_to": r.valid_to,
            "kostra_group": r.kostra_group,
            "kostra_name": r.kostra_name,
            "centrality": r.centrality,
            "sort_key": r.sort_order,
            "search_key": r.search_key,
        }
        for r in registry.regions()
    ]


def _change_rows(registry: Registry) -> list[dict[str, Any]]:
    """Rows for the snapshot table ``region_changes``."""
    return [
        {
            "old_code": c.old_code,
            "old_name": c.old_name,
            "new_code": c.new_code,
            "new_name": c.new_name,
            "changed_on": c.changed_on,
            "kind": str(c.kind),
            "weight": c.weight,
            "level": str(c.level),
            "note": c.note,
        }
        for c in registry.history.changes
    ]


def _crosswalk_rows(registry: Registry) -> list[dict[str, Any]]:
    """Rows for the snapshot table ``region_crosswalk``: the published per-year tables."""
    return [
        {
            "year": year,
            "level": str(level),
            "original_code": link.original_code,
            "current_code": link.current_code,
            "weight": link.weight,
            "note": link.note,
        }
        for (level, year), links in sorted(registry.history.published_links().items())
        for link in links
    ]


def from_frames(frames: Mapping[str, pd.DataFrame]) -> Registry:
    """The registry back from its snapshot tables: the inverse of :func:`to_frames`."""
    crosswalk = frames.get("region_crosswalk")
    return registry_from_tables(
        _rows(frames["regions"]),
        _rows(frames["region_changes"]),
        _rows(crosswalk) if crosswalk is not None else (),
    )


def registry_from_tables(
    regions: Iterable[Mapping[str, Any]],
    changes: Iterable[Mapping[str, Any]],
    crosswalk: Iterable[Mapping[str, Any]] = (),
) -> Registry:
    """The registry from the rows of the snapshot tables ``regions``, ``region_changes`` and
    ``region_crosswalk`` (as plain values, SQL NULL as None): what the ``Store`` serves from.

    The serving side builds its ``Registry`` here from the snapshot, so a former code, a county
    or a search means there what it meant to the build. ``region_crosswalk`` is optional (older
    snapshots lack it): without it, former codes are followed along ``region_changes`` alone.
    What the tables do not hold is not restored: the KOSTRA group descriptions, and when a former
    code came into use (only its end is a change's date).
    """
    found = [_region_from_row(row) for row in regions]
    steps = [_change_from_row(row) for row in changes]
    links: dict[tuple[Level, int], list[CrosswalkLink]] = {}
    for row in crosswalk:
        links.setdefault((Level(row["level"]), int(row["year"])), []).append(
            CrosswalkLink(
                row["original_code"], row["current_code"], float(row["weight"]), row["note"] or ""
            )
        )
    # As both builders do: the history's versions and current codes are the kommuner, fylker and
    # the country (Oslo's bydeler are regions, but not part of the code history).
    coded = [r for r in found if r.level is not Level.BYDEL]
    current = {r.code for r in coded}
    versions = {
        r.code: CodeVersion(r.code, r.name, r.level, r.valid_from, r.valid_to) for r in coded
    }
    for step in sorted(steps, key=lambda c: c.changed_on):
        if step.old_code not in current:
            # A former code, as it was when it ended (its last change wins).
            versions[step.old_code] = CodeVersion(
                step.old_code, step.old_name, step.level, None, step.changed_on
            )
    history = RegistryHistory(versions.values(), steps, current, links)
    return Registry(found, history)


def _rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A table's rows with SQL NULLs (NaN, NaT, <NA>) as None and timestamps as dates."""
    return [{str(k): _plain(v) for k, v in row.items()} for row in frame.to_dict("records")]


def _plain(value: Any) -> Any:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def _region_from_row(row: Mapping[str, Any]) -> Region:
    centrality = row["centrality"]
    return Region(
        code=row["code"],
        name=row["name"],
        level=Level(row["level"]),
        parent=row["parent"],
        valid_from=row["valid_from"],
        valid_to=row["valid_to"],
        kostra_group=row["kostra_group"],
        kostra_name=row["kostra_name"],
        centrality=int(centrality) if centrality is not None else None,
        sort_order=int(row["sort_key"]),
        search_key=row["search_key"],
    )


def _change_from_row(row: Mapping[str, Any]) -> RegionChange:
    weight = row["weight"]
    return RegionChange(
        old_code=row["old_code"],
        old_name=row["old_name"],
        new_code=row["new_code"],
        new_name=row["new_name"],
        changed_on=row["changed_on"],
        kind=ChangeKind(row["kind"]),
        weight=float(weight) if weight is not None else None,
        level=Level(row["level"]),
        note=row["note"] or "",
    )


def declared_changes() -> dict[str, Any]:
    """The changes and exclusions in ``regions_declared.yml`` (what the offline files lack)."""
    text = resources.files("oppvekst.regions").joinpath("declared.yml").read_text(encoding="utf-8")
    raw = yaml.safe_load(text)
    changes = [
        (c["old_code"], c["old_name"], c["new_code"], c["new_name"], c["changed_on"])
        for c in raw["kommune_changes"]
    ]
    steps = [(o, on, n, nn) for o, on, n, nn, _ in changes]
    # Indre Østfold continues after its border adjustments; the renamed kommuner keep their codes.
    kinds = classify_steps(steps, frozenset(o for o, *_ in changes))
    return {
        "kommune_changes": [
            RegionChange(
                o,
                on,
                n,
                nn,
                day,
                kind,
                None if kind is ChangeKind.BORDER else 1.0,
                Level.KOMMUNE,
                "Fra KLASS 131 changes (SOURCES-API.md §3).",
            )
            for (o, on, n, nn, day), kind in zip(changes, kinds, strict=True)
            if kind is not None
        ],
        "oslo_bydeler_excluded": list(raw["oslo_bydeler_excluded"]),
    }
