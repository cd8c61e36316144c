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
    Level,
    RegionChange,
    RegistryHistory,
    classify_steps,
)
from oppvekst.regions.registry import COUNTRY_CODE, KostraGroup, Region, Registry, search_key

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


def to_frames(registry: Registry) -> dict[str, pd.DataFrame]:
    """The snapshot tables ``regions`` and ``region_changes``."""
    return {
        "regions": pd.DataFrame(registry.region_rows()),
        "region_changes": pd.DataFrame(registry.change_rows()),
    }


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
