"""Region code history: the reforms of 2018, 2020 and 2024 and the 2026 name changes.

Data published on one year's codes must be re-aggregated to today's borders before it can be
compared with current figures. ``RegistryHistory`` answers three questions for the pipeline and
the pages:
which current code(s) an old code became (``current_codes``), what a current code used to be
(``former_codes``), and, per publication year, the full table old code -> current code with weights
(``crosswalk``).

Weights say which share of the old unit lies in the current one. They are exact (1.0) for
renumbering and mergers; for splits they are estimates and carry a note saying so.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from oppvekst.glossary import N_, Glossary
from oppvekst.regions.codes import CodeChange


class Level(StrEnum):
    LAND = "land"
    FYLKE = "fylke"
    KOMMUNE = "kommune"
    BYDEL = "bydel"


class ChangeKind(StrEnum):
    MERGE = "merge"
    SPLIT = "split"
    RENUMBER = "renumber"
    RENAME = "rename"
    BORDER = "border"
    # Only in crosswalk rows: the code was valid that year and still is, with the same borders.
    UNCHANGED = "unchanged"


EQUAL_SPLIT = "Ukjent fordeling: KLASS oppgir ikke hvor stor del som gikk hvor."

NUMBER_LABEL: Mapping[Level, str] = Glossary(
    {
        Level.LAND: N_("landkode"),
        Level.FYLKE: N_("fylkesnummer"),
        Level.KOMMUNE: N_("kommunenummer"),
        Level.BYDEL: N_("bydelsnummer"),
    }
)


@dataclass(frozen=True, slots=True)
class RegionChange:
    """One step of a reform: ``old_code`` (partly) became ``new_code`` on ``changed_on``.

    ``weight`` is the share of the old unit that went to the new one: 1.0 for a renumbering, a
    merger or a rename; an estimate for a split; ``None`` for a border adjustment, where only a
    small, unquantified part moved and the old code lives on.
    """

    old_code: str
    old_name: str
    new_code: str
    new_name: str
    changed_on: date
    kind: ChangeKind
    weight: float | None
    level: Level = Level.KOMMUNE
    note: str = ""


@dataclass(frozen=True, slots=True)
class CodeVersion:
    """A code as it existed: its latest name and validity (``valid_to`` exclusive, as in KLASS)."""

    code: str
    name: str
    level: Level
    valid_from: date | None
    valid_to: date | None

    def valid_on(self, day: date) -> bool:
        started = self.valid_from is None or self.valid_from <= day
        return started and (self.valid_to is None or day < self.valid_to)


@dataclass(frozen=True, slots=True)
class CrosswalkRow:
    """Data published in ``year`` on ``original_code`` belongs ``weight`` to ``current_code``."""

    year: int
    level: Level
    original_code: str
    original_name: str
    current_code: str
    current_name: str
    weight: float
    kind: ChangeKind
    note: str = ""


@dataclass(frozen=True, slots=True)
class CrosswalkLink:
    """A bare original -> current link before names and kinds are attached."""

    original_code: str
    current_code: str
    weight: float
    note: str = ""


class RegistryHistory:
    """All known codes (current and former), the changes between them and per-year crosswalks.

    ``year_links`` holds published per-year tables (csdata's redistricting, offline path); for years
    or levels without one, the crosswalk is derived by following ``changes`` from the codes valid on
    1 January of that year (the KLASS path).
    """

    def __init__(
        self,
        versions: Iterable[CodeVersion],
        changes: Iterable[RegionChange],
        current_codes: Iterable[str],
        year_links: Mapping[tuple[Level, int], Sequence[CrosswalkLink]] | None = None,
    ) -> None:
        self._versions = {v.code: v for v in versions}
        self._changes = tuple(sorted(changes, key=lambda c: (c.changed_on, c.old_code, c.new_code)))
        self._current = frozenset(current_codes)
        self._year_links = dict(year_links or {})
        self._by_old: dict[str, list[RegionChange]] = defaultdict(list)
        self._by_new: dict[str, list[RegionChange]] = defaultdict(list)
        for change in self._changes:
            self._by_old[change.old_code].append(change)
            self._by_new[change.new_code].append(change)
        # Latest year in which each code appears as an original code in a published table: the
        # published weights for that year are better than chaining estimated steps.
        self._last_link: dict[str, tuple[Level, int]] = {}
        for level, year in sorted(self._year_links, key=lambda key: key[1]):
            for link in self._year_links[(level, year)]:
                self._last_link[link.original_code] = (level, year)

    # --- Queries ---------------------------------------------------------------------------------
    @property
    def changes(self) -> tuple[RegionChange, ...]:
        return self._changes

    def version(self, code: str) -> CodeVersion | None:
        return self._versions.get(code)

    def is_current(self, code: str) -> bool:
        return code in self._current

    def is_known(self, code: str) -> bool:
        return code in self._versions or code in self._by_old

    def name_on(self, code: str, day: date) -> str:
        """The name ``code`` had on ``day``: its latest name, unwound through later renames."""
        version = self._versions.get(code)
        name = version.name if version else ""
        for change in reversed(self._by_new.get(code, [])):
            if change.kind is ChangeKind.RENAME and change.changed_on > day:
                name = change.old_name
        if not name and code in self._by_old:
            name = self._by_old[code][0].old_name
        return name

    def current_codes(self, code: str) -> list[tuple[str, float]]:
        """Current code(s) and weights for ``code``; ``[]`` when the code is unknown.

        Weights of one original code sum to 1 (up to the rounding of the source tables); a split
        whose shares nobody declared gives NaN weights, never equal shares.
        """
        if code in self._current:
            return [(code, 1.0)]
        if code in self._last_link:
            level, year = self._last_link[code]
            links = [link for link in self._year_links[(level, year)] if link.original_code == code]
            return _summed((link.current_code, link.weight) for link in links)
        return _summed(self._follow(code, 1.0, depth=0))

    def former_codes(self, current_code: str) -> list[RegionChange]:
        """Changes that led to ``current_code``, newest first (mergers, renumbering, splits).

        Border adjustments are listed but not followed: the neighbour that gave up land is not a
        predecessor.
        """
        found: list[RegionChange] = []
        seen: set[str] = set()
        stack = [current_code]
        while stack:
            code = stack.pop()
            if code in seen:
                continue
            seen.add(code)
            for change in self._by_new.get(code, []):
                found.append(change)
                if change.kind is not ChangeKind.BORDER and change.old_code != code:
                    stack.append(change.old_code)
        return sorted(found, key=lambda c: (c.changed_on, c.old_code), reverse=True)

    def lineage(self, code: str) -> list[RegionChange]:
        """Changes from ``code`` forward to today's code(s), oldest first (0702 -> 0715 -> 3903)."""
        found: list[RegionChange] = []
        seen: set[str] = set()
        stack = [code]
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            for change in self._by_old.get(current, []):
                if change.kind is ChangeKind.BORDER:
                    continue
                found.append(change)
                if change.new_code != current:
                    stack.append(change.new_code)
        return sorted(found, key=lambda c: (c.changed_on, c.old_code, c.new_code))

    def crosswalk(self, year: int, level: Level | str) -> list[CrosswalkRow]:
        """Every code of ``level`` used for ``year``'s data -> current code, weight, change kind."""
        level = Level(level)
        links = self._year_links.get((level, year))
        if links is None:
            links = self._derived_links(year, level)
        return _rows(self, year, level, links)

    def years(self, level: Level | str) -> list[int]:
        """Years with a published crosswalk table for ``level``."""
        return sorted(year for lvl, year in self._year_links if lvl == Level(level))

    def published_links(self) -> dict[tuple[Level, int], list[CrosswalkLink]]:
        """The published per-year tables (``year_links``) this history was built with."""
        return {key: list(links) for key, links in self._year_links.items()}

    # --- Internals -------------------------------------------------------------------------------
    def _follow(self, code: str, share: float, depth: int) -> Iterable[tuple[str, float]]:
        if code in self._current or depth > 20:
            yield code, share
            return
        steps = [c for c in self._by_old.get(code, []) if c.kind is not ChangeKind.BORDER]
        steps = [c for c in steps if c.new_code != code]
        if not steps:
            return
        # A split whose weights nobody declared has no share to follow: NaN ("weight unknown")
        # travels on, so the harmonisation flags the new regions as a break instead of guessing.
        for step in steps:
            weight = step.weight if step.weight is not None else math.nan
            yield from self._follow(step.new_code, share * weight, depth + 1)

    def _derived_links(self, year: int, level: Level) -> list[CrosswalkLink]:
        day = date(year, 1, 1)
        links: list[CrosswalkLink] = []
        for version in self._versions.values():
            if version.level is not level or not version.valid_on(day):
                continue
            for current, weight in _summed(self._follow(version.code, 1.0, depth=0)):
                links.append(CrosswalkLink(version.code, current, weight))
        return sorted(links, key=lambda link: (link.original_code, link.current_code))


def _summed(pairs: Iterable[tuple[str, float]]) -> list[tuple[str, float]]:
    totals: dict[str, float] = defaultdict(float)
    for code, weight in pairs:
        totals[code] += weight
    return sorted(totals.items())


def _rows(
    history: RegistryHistory, year: int, level: Level, links: Sequence[CrosswalkLink]
) -> list[CrosswalkRow]:
    day = date(year, 1, 1)
    targets_of: dict[str, int] = defaultdict(int)
    sources_of: dict[str, int] = defaultdict(int)
    for link in links:
        targets_of[link.original_code] += 1
        sources_of[link.current_code] += 1
    rows = []
    for link in links:
        original_name = history.name_on(link.original_code, day)
        current_name = history.name_on(link.current_code, date.max)
        if targets_of[link.original_code] > 1:
            kind = ChangeKind.SPLIT
        elif sources_of[link.current_code] > 1:
            kind = ChangeKind.MERGE
        elif link.original_code != link.current_code:
            kind = ChangeKind.RENUMBER
        elif original_name != current_name:
            kind = ChangeKind.RENAME
        else:
            kind = ChangeKind.UNCHANGED
        rows.append(
            CrosswalkRow(
                year=year,
                level=level,
                original_code=link.original_code,
                original_name=original_name,
                current_code=link.current_code,
                current_name=current_name,
                weight=link.weight,
                kind=kind,
                note=link.note,
            )
        )
    return rows


def classify_steps(
    steps: Sequence[tuple[str, str, str, str]], continuing: frozenset[str]
) -> list[ChangeKind | None]:
    """Kind of each (old_code, old_name, new_code, new_name) step of one reform date.

    ``continuing`` holds the codes valid after the date. A code that lives on after giving land to
    another is a border adjustment; one old code with several new ones a split; several old codes
    with one new code a merger (KLASS lists the absorbing code as ``1103 -> 1103``); else a
    renumbering, or a rename when the code stayed. ``None`` marks a step that changed nothing.
    """
    targets: dict[str, int] = defaultdict(int)
    sources: dict[str, int] = defaultdict(int)
    for old, _, new, _ in steps:
        targets[old] += 1
        sources[new] += 1
    kinds: list[ChangeKind | None] = []
    for old, old_name, new, new_name in steps:
        if old == new:
            if sources[new] > 1:
                kinds.append(ChangeKind.MERGE)
            else:
                kinds.append(ChangeKind.RENAME if old_name != new_name else None)
        elif old in continuing:
            kinds.append(ChangeKind.BORDER)
        elif targets[old] > 1:
            kinds.append(ChangeKind.SPLIT)
        elif sources[new] > 1:
            kinds.append(ChangeKind.MERGE)
        else:
            kinds.append(ChangeKind.RENUMBER)
    return kinds


def changes_from_klass(
    changes: Sequence[CodeChange],
    level: Level,
    versions: dict[str, CodeVersion],
    weights: Mapping[tuple[str, str], float],
) -> list[RegionChange]:
    """Reform steps from KLASS ``changes`` rows; adds former codes to ``versions``.

    ``weights`` ((old, new) -> share) fills in what KLASS cannot say about splits; splits without
    one get ``None`` (followed as an unknown share, NaN) and a note saying so.
    """
    by_day: dict[date, list[tuple[str, str, str, str]]] = defaultdict(list)
    for change in changes:
        # Rows without an old code announce a new unit, rows without a new one a ceased unit:
        # neither maps data from one code to another.
        if change.old_code and change.new_code:
            by_day[change.changed_on].append(
                (change.old_code, change.old_name, change.new_code, change.new_name)
            )
            versions.setdefault(
                change.old_code,
                CodeVersion(change.old_code, change.old_name, level, None, change.changed_on),
            )
    found = []
    for day, steps in sorted(by_day.items()):
        continuing = frozenset(
            c for c, v in versions.items() if v.level is level and v.valid_on(day)
        )
        for (old, old_name, new, new_name), kind in zip(
            steps, classify_steps(steps, continuing), strict=True
        ):
            if kind is None:
                continue
            weight: float | None = 1.0
            note = ""
            if kind is ChangeKind.BORDER:
                weight = None
            elif kind is ChangeKind.SPLIT:
                weight = weights.get((old, new))
                note = EQUAL_SPLIT if weight is None else ""
            found.append(RegionChange(old, old_name, new, new_name, day, kind, weight, level, note))
    return found
