"""Records of SSB KLASS classifications (131 kommuner, 104 fylker, 103 bydeler).

Shared by the KLASS connector (which fetches and parses them) and the region registry (which builds
regions and crosswalks from them); kept here so neither depends on the other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class ClassificationCode:
    """One code of a KLASS classification version (``codesAt`` / ``codes`` rows)."""

    code: str
    name: str
    level: str
    parent_code: str | None = None
    short_name: str = ""
    valid_from: date | None = None
    valid_to: date | None = None  # exclusive, as KLASS gives it


@dataclass(frozen=True, slots=True)
class CodeChange:
    """One row of KLASS ``changes``: no old code means a new unit; no new code means one ceased."""

    old_code: str | None
    old_name: str
    new_code: str | None
    new_name: str
    changed_on: date
