"""The region registry from KLASS 131/104/103 records (the live path).

The crosswalks are derived by following KLASS ``changes``; see ``region_history``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from oppvekst.regions.codes import ClassificationCode, CodeChange
from oppvekst.regions.history import CodeVersion, Level, RegistryHistory, changes_from_klass
from oppvekst.regions.registry import COUNTRY_CODE, OSLO, KostraGroup, Registry
from oppvekst.regions.tree import (
    COUNTRY_NAME,
    KommuneClassification,
    assemble,
    declared_changes,
)


def registry_from_klass(
    kommuner: Sequence[ClassificationCode],
    fylker: Sequence[ClassificationCode],
    bydeler: Sequence[ClassificationCode],
    changes: Sequence[CodeChange],
    *,
    on: date,
    fylke_changes: Sequence[CodeChange] = (),
    classification: Mapping[str, KommuneClassification] | None = None,
    kostra_groups: Sequence[KostraGroup] = (),
    split_weights: Mapping[tuple[str, str], float] | None = None,
) -> Registry:
    """The registry from KLASS 131/104/103 records as valid ``on`` (codes may include former ones).

    ``split_weights`` ((old, new) -> share) fills in what KLASS cannot say; splits without one get
    equal shares, flagged in the change's note.
    """
    excluded = set(declared_changes()["oslo_bydeler_excluded"])
    weights = dict(split_weights or {})
    current = {
        level: [c for c in codes if _valid(c, on) and not c.code.endswith("99")]
        for level, codes in ((Level.KOMMUNE, kommuner), (Level.FYLKE, fylker))
    }
    oslo = [
        c for c in bydeler if _valid(c, on) and c.code.startswith(OSLO) and c.code not in excluded
    ]
    versions = {
        c.code: CodeVersion(c.code, c.name, level, c.valid_from, c.valid_to)
        for level, codes in ((Level.KOMMUNE, kommuner), (Level.FYLKE, fylker))
        for c in codes
    }
    versions[COUNTRY_CODE] = CodeVersion(COUNTRY_CODE, COUNTRY_NAME, Level.LAND, None, None)
    steps = changes_from_klass(changes, Level.KOMMUNE, versions, weights)
    steps += changes_from_klass(fylke_changes, Level.FYLKE, versions, weights)
    current_codes = [c.code for codes in current.values() for c in codes] + [COUNTRY_CODE]
    history = RegistryHistory(versions.values(), steps, current_codes)
    kommune_codes = [
        ClassificationCode(
            c.code, c.name, c.level, c.code[:2], c.short_name, c.valid_from, c.valid_to
        )
        for c in current[Level.KOMMUNE]
    ]
    return assemble(
        kommune_codes, current[Level.FYLKE], oslo, history, classification or {}, kostra_groups
    )


def _valid(code: ClassificationCode, day: date) -> bool:
    started = code.valid_from is None or code.valid_from <= day
    return started and (code.valid_to is None or day < code.valid_to)
