"""The region registry: the country, its fylker and kommuner and Oslo's bydeler, with their history.

Codes are SSB's string codes (``0``, ``03``, ``0301``, ``030101``); names are the official ones SSB
uses, including Sámi and Kven forms. The build makes a ``Registry`` with ``regions.offline`` or
``regions.klass``; the serving side reads the same registry back from the snapshot
(``regions.tree.registry_from_tables``; ``regions.tree.to_frames`` makes its snapshot rows). How a
typed name meets a region's name (the fold, the spellings, the score) is ``regions.names``.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from oppvekst.errors import UnknownRegion
from oppvekst.language import _
from oppvekst.regions.history import NUMBER_LABEL, Level, RegistryHistory
from oppvekst.regions.names import LEVEL_WORDS, name_score, query_variants, search_key

__all__ = [
    "KostraGroup",
    "Level",
    "Region",
    "Registry",
    "Resolution",
]

COUNTRY_CODE = "0"
OSLO = "0301"

_LEVEL_RANK = {Level.KOMMUNE: 0, Level.FYLKE: 1, Level.BYDEL: 2, Level.LAND: 3}


def name_keys(region: Region) -> set[str]:
    """The folded forms a query may meet: the stored key spells æ as "ae", and people also type
    it as "a" or "e" ("barum", "berum"). ø/å typed as "oe"/"aa" are folded on the query's side."""
    key = region.search_key
    return {key, search_key(region.name), key.replace("ae", "a"), key.replace("ae", "e")}


@dataclass(frozen=True, slots=True)
class KostraGroup:
    """One of SSB's KOSTRA comparison groups (EKG01-EKG17) as described for the 2024 grouping."""

    code: str
    name: str
    population_band: str
    bound_costs: str
    free_income: str
    kommuner_count: int | None


@dataclass(frozen=True, slots=True)
class Region:
    code: str
    name: str
    level: Level
    parent: str | None
    valid_from: date | None
    valid_to: date | None  # exclusive; None while the code is in use
    kostra_group: str | None
    kostra_name: str | None
    centrality: int | None  # SSB sentralitetsindeks class, 1 = most central .. 6 = least
    sort_order: int
    search_key: str


@dataclass(frozen=True, slots=True)
class Resolution:
    """What a requested code means today: the current region(s) with weights, and a note why."""

    requested: str
    current: tuple[tuple[Region, float], ...]
    note: str  # empty when the code is current

    @property
    def is_former(self) -> bool:
        return bool(self.note)


@dataclass(frozen=True, slots=True)
class Identified:
    """The answer to :meth:`Registry.identify`: the region typed, or the candidates."""

    typed: str
    found: Region | None
    candidates: tuple[Region, ...]


class Registry:
    def __init__(
        self,
        regions: Iterable[Region],
        history: RegistryHistory,
        kostra_groups: Iterable[KostraGroup] = (),
    ) -> None:
        ordered = sorted(regions, key=lambda r: r.sort_order)
        self._regions = {r.code: r for r in ordered}
        self.history = history
        self._kostra = {g.code: g for g in kostra_groups}
        self._variant_keys = {r.code: name_keys(r) for r in ordered}

    # --- Lookup ----------------------------------------------------------------------------------
    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and normalise_code(code) in self._regions

    def __iter__(self) -> Iterator[Region]:
        return iter(self._regions.values())

    def __len__(self) -> int:
        return len(self._regions)

    def get(self, code: str) -> Region:
        found = self._regions.get(normalise_code(code))
        if found is None:
            raise self.unknown(code)
        return found

    def regions(self, level: Level | str | None = None) -> list[Region]:
        if level is None:
            return list(self._regions.values())
        return [r for r in self._regions.values() if r.level == Level(level)]

    def country(self) -> Region:
        return self._regions[COUNTRY_CODE]

    def fylker(self) -> list[Region]:
        return self.regions(Level.FYLKE)

    def kommuner(self) -> list[Region]:
        return self.regions(Level.KOMMUNE)

    def bydeler(self) -> list[Region]:
        return self.regions(Level.BYDEL)

    def children(self, code: str) -> list[Region]:
        parent = self.get(code).code
        return [r for r in self._regions.values() if r.parent == parent]

    def county_of(self, code: str) -> Region | None:
        """The fylke a region lies in (a fylke is its own county); ``None`` for the country.

        The one answer to "which county": the pages, the API, benchmarks and the bank all ask here.
        """
        return self._county(self.get(code))

    def members_of_county(self, county: str, level: Level | str = Level.KOMMUNE) -> list[Region]:
        """The regions of ``level`` that lie in the fylke ``county`` (its kommuner by default)."""
        fylke = self.get(county)
        return [r for r in self.regions(level) if self._county(r) == fylke]

    def _county(self, region: Region) -> Region | None:
        while region.level not in (Level.FYLKE, Level.LAND) and region.parent is not None:
            region = self._regions[region.parent]
        return region if region.level is Level.FYLKE else None

    def kostra_groups(self) -> list[KostraGroup]:
        return sorted(self._kostra.values(), key=lambda g: g.code)

    def kostra_group(self, group: str) -> KostraGroup:
        code = _kostra_code(group)
        if code not in self._kostra:
            raise UnknownRegion(
                f"Fant ingen KOSTRA-gruppe «{group}».",
                hint="Bruk EKG01–EKG17, for eksempel «EKG13» (Oslo).",
            )
        return self._kostra[code]

    def members_of_kostra_group(self, group: str) -> list[Region]:
        code = _kostra_code(group)
        return [r for r in self.kommuner() if r.kostra_group == code]

    # --- History ---------------------------------------------------------------------------------
    def resolve(self, code: str) -> Resolution:
        """Current region(s) for a current or former code; former codes get a Norwegian note."""
        wanted = normalise_code(code)
        if wanted in self._regions:
            return Resolution(wanted, ((self._regions[wanted], 1.0),), "")
        former = self.former(wanted)
        if former is None:
            raise self.unknown(code)
        return former

    def former(self, code: str) -> Resolution | None:
        """What the former code ``code`` (as given) became, with weights and the note people read;
        ``None`` for a current code or a code that never led to a current one."""
        if code in self._regions or not self.history.is_known(code):
            return None
        current = tuple(
            (self._regions[c], w) for c, w in self.history.current_codes(code) if c in self._regions
        )
        if not current:
            return None
        version = self.history.version(code)
        level = version.level if version else current[0][0].level
        names = [f"{region.name} ({region.code})" for region, _weight in current]
        if len(names) == 1:
            now = _("Det heter nå {name}.").format(name=names[0])
        else:
            now = _("Det er nå delt mellom {names} og {last}.").format(
                names=", ".join(names[:-1]), last=names[-1]
            )
        return Resolution(
            code,
            current,
            _("{code} er et tidligere {kind}.").format(code=code, kind=NUMBER_LABEL[level])
            + f" {now}",
        )

    def former_note(self, code: str) -> str | None:
        """The one wording for a former code, e.g. «0219 er et tidligere kommunenummer. Det heter
        nå Bærum (3201).» — used by the pages, the API's answers and errors, and the downloads."""
        former = self.former(code)
        return former.note if former else None

    def unknown(self, code: str) -> UnknownRegion:
        """The error for a code that is not a current region: a former code says what it became;
        anything else gets close names or codes as a hint."""
        former = self.former(code) or self.former(normalise_code(code))
        if former is not None:
            codes = [r.code for r, _weight in former.current]
            return UnknownRegion(
                former.note,
                hint=_("Bruk {codes}.").format(codes=_(" eller ").join(codes)),
                suggestions=codes,
            )
        suggestions = self.suggestions(code)
        hint = (
            _("Mente du {choices}?").format(
                choices=", ".join(f"{r.code} {r.name}" for r in suggestions)
            )
            if suggestions
            else _("Bruk et kommunenummer med fire sifre (f.eks. 0301) eller søk etter navnet.")
        )
        return UnknownRegion(
            _("Fant ingen region med koden «{code}».").format(code=code), hint=hint
        )

    # --- Search ----------------------------------------------------------------------------------
    def search(self, text: str, limit: int = 10) -> list[Region]:
        """Regions whose name or code matches ``text``, best first; else close spellings.

        Tolerates case, missing æ/ø/å (``baerum``, ``tromso``, ``tromsoe``), Sámi letters
        (``karasjok``), prefixes and substrings; falls back to close spellings.
        """
        return self.matches(text, limit) or self.close_spellings(text, limit)

    def matches(self, text: str, limit: int | None = 10) -> list[Region]:
        """Regions whose code or name matches ``text``, best first, without the close-spelling
        fallback: the exact code (a former code: what it became) or whole name, then prefixes,
        word starts and substrings; at equal match a kommune before a fylke before a bydel, then
        tree order. ``limit=None``: all."""
        query = " ".join(text.split())
        if not query:
            return []
        digits = query.replace(" ", "")
        scored: list[tuple[int, int, int, Region]] = []
        if digits.isdigit():
            former = self.former(digits)
            became = {r.code for r, _weight in former.current} if former else set()
            for region in self._regions.values():
                if region.code == digits or region.code in became:
                    scored.append((0, 0, region.sort_order, region))
                elif region.code.startswith(digits):
                    scored.append((2, _LEVEL_RANK[region.level], region.sort_order, region))
        else:
            variants = query_variants(query)
            for region in self._regions.values():
                score = name_score(variants, self._variant_keys[region.code])
                if score is not None:
                    scored.append((score, _LEVEL_RANK[region.level], region.sort_order, region))
        scored.sort(key=lambda item: item[:3])
        return [item[3] for item in scored[:limit]]

    def identify(self, text: str) -> Identified:
        """What a person typed in an area field, as the one region it names or the candidates.

        Accepts a code (``4601``, ``301``), a former code with one successor (``0219`` → 3201), a
        name in any spelling the search tolerates (``barum``), a name with its level (``Oslo
        fylke``, ``Bærum kommune``) and a choice from a list (``Bergen (4601)``). ``found`` is set
        when exactly one region fits; otherwise ``candidates`` holds what the person may have meant
        (a name two regions share, a split's successors, close spellings) — possibly nothing.
        """
        raw = " ".join(text.split())
        if raw.endswith(")") and "(" in raw:
            raw = raw[raw.rindex("(") + 1 : -1].strip()
        level: str | None = None
        head, _sep, last = raw.rpartition(" ")
        if head and last.lower() in LEVEL_WORDS:
            raw, level = head, LEVEL_WORDS[last.lower()]
        if raw.replace(" ", "").isdigit():
            code = normalise_code(raw.replace(" ", ""))
            if code in self._regions:
                return Identified(text, self._regions[code], ())
            former = self.former(code)
            successors = tuple(r for r, _weight in former.current) if former else ()
            if len(successors) == 1:
                return Identified(text, successors[0], ())
            return Identified(text, None, successors or tuple(self.suggestions(raw)))
        variants = query_variants(raw)
        fitting = [
            r
            for r in self._regions.values()
            if (level is None or r.level == level)
            and name_score(variants, self._variant_keys[r.code]) == 1
        ]
        if (
            not fitting
        ):  # no whole name: a unique prefix or word ("Trondheim" for Trondheim - Tråante)
            near = [r for r in self.matches(raw, limit=None) if level is None or r.level == level]
            fitting = near if len(near) == 1 else []
            if not fitting:
                return Identified(text, None, tuple(near[:6] or self.close_spellings(raw, 6)))
        if len(fitting) == 1:
            return Identified(text, fitting[0], ())
        fitting.sort(key=lambda r: (_LEVEL_RANK[r.level], r.sort_order))  # a kommune first
        return Identified(text, None, tuple(fitting))

    def close_spellings(self, text: str, limit: int = 10) -> list[Region]:
        """Near misses for a misspelt name ("Bearum", "Trondhiem", "karasjk"), best first."""
        key = search_key(text)
        if not key:
            return []
        by_key = self._close_keys
        close = difflib.get_close_matches(key, list(by_key), n=limit * 2, cutoff=0.75)
        found: list[Region] = []
        for match in close:
            found.extend(r for r in by_key[match] if r not in found)
        return found[:limit]

    def suggestions(self, text: str, limit: int = 3) -> list[Region]:
        """Close names or codes for an error message."""
        found = self.search(text, limit)
        if found:
            return found
        codes = difflib.get_close_matches(text.strip(), list(self._regions), n=limit, cutoff=0.6)
        return [self._regions[c] for c in codes]

    @cached_property
    def _close_keys(self) -> dict[str, list[Region]]:
        by_key: dict[str, list[Region]] = {}
        for region in self._regions.values():
            for variant in self._variant_keys[region.code]:
                by_key.setdefault(variant, []).append(region)
        # Each word too: "karasjk" is close to "karasjok", not to "karasjohka karasjok".
        for region in self._regions.values():
            for word in region.search_key.split():
                by_key.setdefault(word, []).append(region)
        return by_key


def normalise_code(code: str) -> str:
    """Restore leading zeros that spreadsheets drop (``301`` -> ``0301``, ``3`` -> ``03``)."""
    cleaned = code.strip()
    if cleaned.isdigit() and len(cleaned) in (1, 3, 5) and cleaned != COUNTRY_CODE:
        return cleaned.zfill(len(cleaned) + 1)
    return cleaned


def _kostra_code(group: str) -> str:
    digits = "".join(ch for ch in group if ch.isdigit())
    return f"EKG{int(digits):02d}" if digits else group.strip().upper()
