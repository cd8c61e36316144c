"""Name keys: how a name someone typed meets a region's official name.

Separate from ``registry.py`` because the folding is text, not regions: the registry's search keys
its regions with it, and the same fold lets the workspace match column and category names, the
search page match indicator titles, and the Kommunehelsa source match its place names, without
any of them depending on the registry. One fold everywhere means «Bærum», «baerum» and «Barum»
are the same word wherever a person types it.
"""

from __future__ import annotations

import re
import unicodedata

# Letters NFKD does not decompose into a base letter plus accents. ø/æ/å get their usual Norwegian
# transliterations; å is listed because NFKD would turn it into a plain "a" silently.
_FOLD = str.maketrans(
    {"æ": "ae", "ø": "o", "å": "a", "đ": "d", "ŋ": "n", "ŧ": "t", "ß": "ss", "ł": "l"}
)
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def search_key(text: str, table: dict[int, str] = _FOLD) -> str:
    """Lower-case ASCII form of a name: ``Kárášjohka - Karasjok`` -> ``karasjohka karasjok``."""
    folded = text.lower().translate(table).translate(_FOLD)
    stripped = "".join(
        ch for ch in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(ch)
    )
    return _NOT_ALNUM.sub(" ", stripped).strip()


def query_variants(text: str) -> set[str]:
    """The folded query plus the spellings of æ/ø/å people type on an English keyboard."""
    key = search_key(text)
    # A query typed without æøå may spell them "oe"/"aa"; names are keyed with "o"/"a".
    return {
        key,
        key.replace("oe", "o"),
        key.replace("aa", "a"),
        key.replace("aa", "a").replace("oe", "o"),
    }


def name_score(variants: set[str], keys: set[str]) -> int | None:
    """How well a query's variants meet a name's keys: 1 the whole name, 2 its start, 3 the start
    of a word in it, 4 anywhere in it; None when they do not meet."""
    best: int | None = None
    for variant in variants:
        for key in keys:
            if key == variant:
                score = 1
            elif key.startswith(variant):
                score = 2
            elif f" {variant}" in f" {key}":
                score = 3
            elif variant in key:
                score = 4
            else:
                continue
            best = score if best is None else min(best, score)
    return best


# A level word after a name narrows it: «Oslo fylke», «Bærum kommune».
LEVEL_WORDS = {"kommune": "kommune", "fylke": "fylke", "fylkeskommune": "fylke", "bydel": "bydel"}
