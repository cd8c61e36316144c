"""Region lookups on a snapshot, with the errors a person can act on."""

from __future__ import annotations

from dataclasses import dataclass

from oppvekst.errors import UnknownRegion
from oppvekst.snapshot.store import Store

LEVEL_NAMES = {"land": "Landet", "fylke": "Fylke", "kommune": "Kommune", "bydel": "Bydel"}


@dataclass(frozen=True, slots=True)
class RegionRef:
    code: str
    name: str
    level: str
    parent: str | None
    county: str | None  # the fylke a kommune or bydel lies in
    kostra_group: str | None
    kostra_name: str | None

    @property
    def level_name(self) -> str:
        return LEVEL_NAMES.get(self.level, self.level)


def _county_of(store: Store, code: str) -> str | None:
    row = store.regions[code]
    seen = 0
    while row.parent and seen < 4:
        parent = store.regions.get(row.parent)
        if parent is None:
            return None
        if parent.level == "fylke":
            return parent.code
        row, seen = parent, seen + 1
    return None


def region_ref(store: Store, code: str) -> RegionRef:
    row = store.regions.get(code.strip())
    if row is None:
        raise unknown_region(store, code)
    return RegionRef(
        code=row.code,
        name=row.name,
        level=row.level,
        parent=row.parent,
        county=_county_of(store, row.code) if row.level in ("kommune", "bydel") else None,
        kostra_group=row.kostra_group,
        kostra_name=row.kostra_name,
    )


def former_code_targets(store: Store, code: str) -> list[tuple[str, str]]:
    """Current (code, name) pairs a former code became, following chains of changes."""
    changes = store.region_changes
    frontier, seen, result = [code], set(), []
    while frontier:
        current = frontier.pop()
        if current in seen:
            continue
        seen.add(current)
        hits = changes[changes["old_code"] == current]
        for new_code in hits["new_code"].dropna().unique():
            if new_code in store.regions and new_code != current:
                result.append((str(new_code), store.regions[new_code].name))
            elif new_code != current:
                frontier.append(str(new_code))
    unique = dict(result)
    return sorted(unique.items())


def unknown_region(store: Store, code: str) -> UnknownRegion:
    targets = former_code_targets(store, code) if code.isdigit() else []
    if targets:
        names = " og ".join(f"{name} ({c})" for c, name in targets)
        error = UnknownRegion(
            f"{code} er et tidligere regionnummer. Det heter nå {names}.",
            hint="Bruk det gjeldende nummeret.",
        )
        error.suggestions = [c for c, _ in targets]  # type: ignore[attr-defined]
        return error
    error = UnknownRegion(
        f"Vi finner ingen kommune, bydel eller fylke med nummeret «{code}».",
        hint="Kommunenummer har fire sifre (f.eks. 0301 Oslo), fylkesnummer to og bydelsnummer seks.",
    )
    error.suggestions = []  # type: ignore[attr-defined]
    return error


def former_codes_of(store: Store, code: str) -> list[dict[str, str]]:
    """Every earlier code that became (part of) ``code``, following chains backwards."""
    by_new = store.changes_by_new_code
    frontier, seen, result = [code], {code}, []
    while frontier:
        current = frontier.pop()
        for change in by_new.get(current, ()):
            old = str(change["old_code"])
            if old in seen or old == "None":
                continue
            seen.add(old)
            frontier.append(old)
            result.append(
                {
                    "code": old,
                    "name": str(change["old_name"]),
                    "changed_on": str(change["changed_on"]),
                    "kind": str(change["kind"]),
                    "became": current,
                }
            )
    return sorted(result, key=lambda r: r["changed_on"], reverse=True)
