"""Building the region registry: from the offline files (``shared/data``) or from KLASS records.

Offline path (``registry_from_offline``): current codes and names from the KLASS 2024 hierarchy
(``codes/norgeo_geo_hierarchy_2024.csv``), code history from csdata's location table, per-year
crosswalks from csdata's redistricting table, historic names from SSB's harmonised grouping, KOSTRA
group and centrality from ``stats/kommune_classification/``, and the 2026 changes declared in
``regions_declared.yml``.

Live path (``registry_from_klass``): the same registry from parsed KLASS 131/104/103 records; the
crosswalks are then derived by following KLASS ``changes``.

This module is the entry point callers import from; the offline path lives in ``region_files``,
the live path in ``region_klass`` and what both share (tree order, declared changes, snapshot
rows) in ``region_tree``.
"""

from __future__ import annotations

from oppvekst.region_files import (
    read_kommune_classification,
    read_kostra_groups,
    registry_from_offline,
)
from oppvekst.region_klass import registry_from_klass
from oppvekst.region_tree import COUNTRY_NAME, KommuneClassification, to_frames

__all__ = [
    "COUNTRY_NAME",
    "KommuneClassification",
    "read_kommune_classification",
    "read_kostra_groups",
    "registry_from_klass",
    "registry_from_offline",
    "to_frames",
]
