from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from oppvekst.errors import UnknownRegion
from oppvekst.regions.registry import Level, Registry
from oppvekst.regions.tree import to_frames


def test_counts_of_each_level(registry: Registry) -> None:
    assert len(registry.kommuner()) == 357
    assert len(registry.fylker()) == 15
    assert len(registry.bydeler()) == 15
    assert registry.country().code == "0"
    assert len(registry) == 1 + 15 + 357 + 15


def test_parents(registry: Registry) -> None:
    assert registry.get("0301").parent == "03"
    assert registry.get("03").parent == "0"
    assert registry.get("030101").parent == "0301"
    assert registry.get("5601").parent == "56"
    assert registry.get("5501").parent == "55"
    assert {b.parent for b in registry.bydeler()} == {"0301"}
    assert all(k.parent in {f.code for f in registry.fylker()} for k in registry.kommuner())


def test_known_names(registry: Registry) -> None:
    assert registry.get("5501").name == "Tromsø"
    assert registry.get("5601").name == "Alta"
    # Sámi form exactly as SSB writes it.
    assert registry.get("5610").name == "Kárášjohka - Karasjok"
    assert registry.get("55").name == "Troms - Romsa - Tromssa"
    assert registry.get("030101").name == "Gamle Oslo"
    assert registry.get("1580").name == "Haram"


def test_2026_names_apply(registry: Registry) -> None:
    assert registry.get("5006").name == "Steinkjer - Stïentje"
    assert registry.get("5536").name == "Lyngen - Ivgu - Yykeän"


def test_kostra_and_centrality_for_every_kommune(registry: Registry) -> None:
    kommuner = registry.kommuner()
    assert all(k.kostra_group and k.kostra_group.startswith("EKG") for k in kommuner)
    assert all(k.centrality in range(1, 7) for k in kommuner)
    oslo = registry.get("0301")
    assert (oslo.kostra_group, oslo.kostra_name, oslo.centrality) == (
        "EKG13",
        "KOSTRA-gruppe 13",
        1,
    )
    # SOURCES.md §8: sentralitet 1:5, 2:21, 3:54, 4:65, 5:104, 6:108 kommuner.
    assert Counter(k.centrality for k in kommuner) == {1: 5, 2: 21, 3: 54, 4: 65, 5: 104, 6: 108}
    assert [r.code for r in registry.members_of_kostra_group("EKG13")] == ["0301"]
    assert registry.members_of_kostra_group("13") == registry.members_of_kostra_group("EKG13")
    assert len(registry.kostra_groups()) == 17
    assert registry.kostra_group("EKG13").population_band == "Oslo kommune"


def test_validity(registry: Registry) -> None:
    assert registry.get("3201").valid_from == date(2024, 1, 1)
    assert registry.get("1508").valid_from == date(2024, 1, 1)
    assert registry.get("5006").valid_from == date(2020, 1, 1)
    assert registry.get("34").valid_from == date(2020, 1, 1)
    assert registry.get("50").valid_from == date(2018, 1, 1)
    assert all(r.valid_to is None for r in registry)


def test_children_and_county(registry: Registry) -> None:
    assert len(registry.children("0")) == 15
    assert len(registry.children("0301")) == 15
    assert [r.code for r in registry.children("03")] == ["0301"]
    assert sum(len(registry.children(f.code)) for f in registry.fylker()) == 357
    county = registry.county_of("030105")
    assert county is not None
    assert county.code == "03"
    county = registry.county_of("5610")
    assert county is not None
    assert county.code == "56"
    assert registry.county_of("0") is None


def test_sort_order_is_a_tree_walk(registry: Registry) -> None:
    order = [r.code for r in registry.regions()]
    assert order[:4] == ["0", "03", "0301", "030101"]
    assert order.index("11") > order.index("030115")
    assert len({r.sort_order for r in registry}) == len(registry)


def test_leading_zero_restored(registry: Registry) -> None:
    assert registry.get("301").code == "0301"
    assert registry.get("3").code == "03"


def test_former_code_error_names_current(registry: Registry) -> None:
    with pytest.raises(UnknownRegion) as caught:
        registry.get("0219")
    message = str(caught.value)
    assert "Bærum" in message
    assert "3201" in message
    assert "tidligere kommunenummer" in message


def test_nonsense_code_suggests(registry: Registry) -> None:
    with pytest.raises(UnknownRegion) as caught:
        registry.get("Bergn")
    assert "Fant ingen region" in caught.value.message
    assert "4601 Bergen" in caught.value.hint
    with pytest.raises(UnknownRegion) as caught:
        registry.get("zz-99")
    assert caught.value.hint  # says what to do even without a close match


def test_resolve(registry: Registry) -> None:
    current = registry.resolve("3201")
    assert not current.is_former
    assert current.current[0][0].name == "Bærum"
    former = registry.resolve("0219")
    assert former.is_former
    assert [(r.code, w) for r, w in former.current] == [("3201", 1.0)]
    assert "Bærum" in former.note
    assert "3201" in former.note
    split = registry.resolve("1507")
    assert [r.code for r, _ in split.current] == ["1508", "1580"]
    assert split.note == (
        "1507 er et tidligere kommunenummer. Det er nå delt mellom Ålesund (1508) og Haram (1580)."
    )
    fylke = registry.resolve("54")
    assert "fylkesnummer" in fylke.note
    assert {r.code for r, _ in fylke.current} == {"55", "56"}


def test_snapshot_frames(registry: Registry) -> None:
    frames = to_frames(registry)
    regions = frames["regions"]
    assert list(regions.columns) == [
        "code", "name", "level", "parent", "valid_from", "valid_to", "kostra_group",
        "kostra_name", "centrality", "sort_key", "search_key",
    ]  # fmt: skip
    assert len(regions) == 388
    assert regions["code"].is_unique
    assert (regions["level"] == Level.KOMMUNE).sum() == 357
    changes = frames["region_changes"]
    for column in ("old_code", "old_name", "new_code", "new_name", "changed_on", "kind", "weight"):
        assert column in changes.columns
    assert set(changes["kind"]) == {"merge", "split", "renumber", "rename", "border"}


def test_county_of_every_level(registry: Registry) -> None:
    def county(code: str) -> str | None:
        found = registry.county_of(code)
        return found.code if found else None

    assert county("030101") == "03"  # a bydel lies in Oslo fylke, through Oslo kommune
    assert county("3201") == "32"
    assert county("46") == "46"  # a fylke is its own county
    assert county("0") is None


def test_members_of_county(registry: Registry) -> None:
    assert [r.code for r in registry.members_of_county("03")] == ["0301"]
    assert len(registry.members_of_county("03", "bydel")) == 15
    assert {r.parent for r in registry.members_of_county("46")} == {"46"}
    assert [r.code for r in registry.members_of_county("46", "fylke")] == ["46"]


def test_former_is_none_for_current_and_unknown_codes(registry: Registry) -> None:
    assert registry.former("3201") is None
    assert registry.former("9876") is None
    assert registry.former_note("0219") == (
        "0219 er et tidligere kommunenummer. Det heter nå Bærum (3201)."
    )
    assert registry.former_note("54") == (
        "54 er et tidligere fylkesnummer. Det er nå delt mellom Troms - Romsa - Tromssa (55) og "
        "Finnmark - Finnmárku - Finmarkku (56)."
    )
