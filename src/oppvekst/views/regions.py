"""Region lookups on a snapshot, with the errors a person can act on.

Everything here asks the snapshot's one region registry (``store.registry``, the same ``Registry``
the build made): what a former code became and how that is worded, which county a region lies in,
what a code used to be. This module only shapes the answers for the pages and the API.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from oppvekst.errors import AmbiguousRegion, InputField, OppvekstError, UnknownRegion
from oppvekst.glossary import N_, Glossary
from oppvekst.language import _
from oppvekst.regions.registry import Region
from oppvekst.snapshot.store import Store

LEVEL_NAMES: Mapping[str, str] = Glossary(
    {"land": N_("Landet"), "fylke": N_("Fylke"), "kommune": N_("Kommune"), "bydel": N_("Bydel")}
)


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


def county_of(store: Store, code: str) -> str | None:
    """The code of the fylke ``code`` lies in (a fylke is its own); None for the country or an
    unknown code."""
    if code not in store.regions:
        return None
    county = store.registry.county_of(code)
    return county.code if county is not None else None


def region_ref(store: Store, code: str) -> RegionRef:
    row = store.regions.get(code.strip())
    if row is None:
        raise unknown_region(store, code)
    return RegionRef(
        code=row.code,
        name=row.name,
        level=row.level,
        parent=row.parent,
        county=county_of(store, row.code) if row.level in ("kommune", "bydel") else None,
        kostra_group=row.kostra_group,
        kostra_name=row.kostra_name,
    )


def former_code_targets(store: Store, code: str) -> list[tuple[str, str]]:
    """Current (code, name) pairs the former code ``code`` became; [] for any other code."""
    former = store.registry.former(code)
    return [(region.code, region.name) for region, _weight in former.current] if former else []


def unknown_region(store: Store, code: str) -> UnknownRegion:
    """The error for a code that is not a current region: a former code says what it became (and
    offers its successors), anything else how codes are written."""
    if store.registry.former(code) is not None:
        return store.registry.unknown(code)
    return UnknownRegion(
        _("Vi finner ingen kommune, bydel eller fylke med nummeret «{code}».").format(code=code),
        hint=_(
            "Kommunenummer har fire sifre (f.eks. 0301 Oslo), fylkesnummer to og bydelsnummer seks."
        ),
    )


def former_codes_of(store: Store, code: str) -> list[dict[str, str]]:
    """Every earlier code that became (part of) ``code``, newest first, one entry per code.

    Border adjustments are listed, but not followed: the neighbour that gave up land is not a
    predecessor (``RegistryHistory.former_codes``)."""
    result: dict[str, dict[str, str]] = {}
    for change in store.registry.history.former_codes(code):
        if change.old_code != code and change.old_code not in result:
            result[change.old_code] = {
                "code": change.old_code,
                "name": change.old_name,
                "changed_on": str(change.changed_on),
                "kind": str(change.kind),
                "became": change.new_code,
            }
    by_code = sorted(result.values(), key=lambda r: r["code"])
    return sorted(by_code, key=lambda r: r["changed_on"], reverse=True)


def changes_of(store: Store, code: str) -> list[dict[str, Any]]:
    """The recorded changes into or out of ``code``, oldest first (the API's ``changes``)."""
    return [
        {
            "old_code": c.old_code,
            "old_name": c.old_name,
            "new_code": c.new_code,
            "new_name": c.new_name,
            "changed_on": str(c.changed_on),
            "kind": str(c.kind),
            "weight": c.weight,
            "level": str(c.level),
            "note": c.note,
        }
        for c in store.registry.history.changes
        if code in (c.old_code, c.new_code)
    ]


# «finnes ikke på {level}»: the level as a place in a sentence.
LEVEL_PHRASES: Mapping[str, str] = Glossary(
    {
        "land": N_("landsnivå"),
        "fylke": N_("fylkesnivå"),
        "kommune": N_("kommunenivå"),
        "bydel": N_("bydelsnivå"),
    }
)
LEVEL_WORDS: Mapping[str, str] = Glossary(
    {"land": "", "fylke": N_("fylke"), "kommune": N_("kommune"), "bydel": N_("bydel")}
)


def labelled(region: Region) -> str:
    """«Oslo kommune (0301)», «Oslo fylke (03)», «Norge (0)»: a choice a person can tell apart."""
    word = LEVEL_WORDS.get(str(region.level), "")
    return f"{region.name}{' ' + word if word else ''} ({region.code})"


def resolve_input(store: Store, text: str, param: str) -> str:
    """The region code for what a person typed in the area field ``param`` (``omrade``,
    ``leggtil``, ``egen``, ``gruppe``…): the one resolver behind every area input of the pages.

    Names, numbers and former numbers all work (see ``Registry.identify``). An entry that fits no
    region or several raises an error that names the field and the entry, so the page can keep
    its view without it and offer the choices."""
    identified = store.registry.identify(text)
    if identified.found is not None:
        return identified.found.code
    raise input_error(store, text, param)


def input_error(store: Store, text: str, param: str) -> OppvekstError:
    """The error (and so the message on the page) for an entry that fits no region or several."""
    identified = store.registry.identify(text)
    field = InputField(param, text)
    choices = identified.candidates
    codes = [r.code for r in choices]
    typed = " ".join(text.split())
    if len(choices) > 1:
        wording = _("{items} eller {last}").format(
            items=", ".join(labelled(r) for r in choices[:-1]), last=labelled(choices[-1])
        )
        former = store.registry.former_note(typed)
        return AmbiguousRegion(
            former or _("«{typed}» passer til flere områder.").format(typed=typed),
            hint=_("Mente du {choices}?").format(choices=wording),
            suggestions=codes,
            field=field,
        )
    hint = (
        _("Mente du {choices}?").format(choices=labelled(choices[0]))
        if choices
        else _("Skriv navnet eller nummeret på en kommune, et fylke eller en bydel (f.eks. 4601).")
    )
    return UnknownRegion(
        _("Fant ikke området «{typed}».").format(typed=typed),
        hint=hint,
        suggestions=codes,
        field=field,
    )
