from __future__ import annotations

import pytest

from oppvekst.regions.names import search_key
from oppvekst.regions.registry import Registry


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("baerum", "3201"),
        ("Bærum", "3201"),
        ("barum", "3201"),
        ("tromso", "5501"),
        ("TROMSOE", "5501"),
        ("karasjok", "5610"),
        ("karasjohka", "5610"),
        ("gamle oslo", "030101"),
        ("oslo", "0301"),
        ("0301", "0301"),
        ("stientje", "5006"),
        ("ivgu", "5536"),
        ("Alesund", "1508"),
        ("aalesund", "1508"),
    ],
)
def test_first_hit(registry: Registry, query: str, code: str) -> None:
    assert registry.search(query)[0].code == code


def test_gamle_oslo_is_the_bydel(registry: Registry) -> None:
    hit = registry.search("gamle oslo")[0]
    assert hit.level == "bydel"
    assert hit.name == "Gamle Oslo"


def test_prefix_and_substring(registry: Registry) -> None:
    assert "5006" in [r.code for r in registry.search("steink")]
    assert "3201" in [r.code for r in registry.search("rum")]
    assert next(r.code for r in registry.search("56", limit=3)) == "56"


def test_close_spelling_falls_back(registry: Registry) -> None:
    assert registry.search("Bergn")[0].code == "4601"


def test_limit_and_empty(registry: Registry) -> None:
    assert len(registry.search("a", limit=5)) == 5
    assert registry.search("   ") == []


def test_search_key_folding() -> None:
    assert search_key("Kárášjohka - Karasjok") == "karasjohka karasjok"
    assert search_key("Bærum") == "baerum"
    assert search_key("Tromsø") == "tromso"
    assert search_key("Åfjord") == "afjord"
    assert search_key("Unjárga - Nesseby") == "unjarga nesseby"
    assert search_key("Deatnu - Tana") == "deatnu tana"
    assert search_key("Guovdageaidnu - Kautokeino") == "guovdageaidnu kautokeino"
    assert search_key("đŋŧžčš ï") == "dntzcs i"
    assert search_key("Lyngen - Ivgu - Yykeän") == "lyngen ivgu yykean"


def test_former_code_finds_what_it_became(registry: Registry) -> None:
    assert [r.code for r in registry.search("0219")] == ["3201"]
    assert [r.code for r in registry.matches("1507")] == ["1508", "1580"]
    assert [r.code for r in registry.matches("02 19")] == ["3201"]


def test_matches_has_no_close_spelling_fallback(registry: Registry) -> None:
    assert registry.matches("Bergn") == []
    assert registry.close_spellings("Bergn")[0].code == "4601"
    assert len(registry.matches("a", limit=None)) > 100


def test_close_spelling_of_one_word_of_a_name(registry: Registry) -> None:
    # "karasjk" is close to the word "karasjok", not to the whole "karasjohka karasjok".
    assert registry.search("karasjk")[0].code == "5610"


def test_oe_and_aa_spellings_do_not_add_substring_hits(registry: Registry) -> None:
    # "Løten" is "loten": typing "et" must not find it through a made-up "loeten".
    assert "3412" not in [r.code for r in registry.matches("et", limit=None)]
