"""Search for regions and indicators: the front page's type-ahead, the search page and the API.

People type names the way they would say them: without æ/ø/å ("baerum", "tromso", "tromsoe"),
without Sámi letters ("karasjok" for Kárášjohka - Karasjok), only the start of a name, or a
municipality number. Both the query and the names are folded to plain ASCII with
``oppvekst.regions.registry.search_key`` so that all of these meet.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from oppvekst.regions.registry import name_score, normalise_code, query_variants, search_key
from oppvekst.snapshot.store import Store
from oppvekst.views.regions import LEVEL_NAMES

HitKind = Literal["region", "indicator"]
MAX_QUERY = 100

# The order in which levels are listed when names match equally well: people look for their
# municipality far more often than for a county or a district with the same name (Oslo).
_LEVEL_RANK = {"kommune": 0, "fylke": 1, "bydel": 2, "land": 3}


@dataclass(frozen=True, slots=True)
class SearchHit:
    kind: HitKind
    id: str  # region code or indicator id
    label: str  # what the person sees first: the name or title
    detail: str  # e.g. "Kommune 3201 · Akershus" or "Indikator · Mobbing"
    url: str


@dataclass(frozen=True, slots=True)
class SearchResults:
    query: str
    regions: tuple[SearchHit, ...]
    indicators: tuple[SearchHit, ...]
    close_spelling: bool  # True when nothing matched and these are near misses

    @property
    def hits(self) -> tuple[SearchHit, ...]:
        return self.regions + self.indicators

    @property
    def exact_region(self) -> SearchHit | None:
        """The one region the query names exactly (a code or a full name), if there is one."""
        return self.regions[0] if self.regions and _exact(self) else None


def _exact(results: SearchResults) -> bool:
    first = results.regions[0]
    key = search_key(results.query)
    if results.query.strip() == first.id:
        return True
    same = [h for h in results.regions if search_key(h.label) == key]
    return len(same) == 1 and same[0] is first


def _name_keys(name: str, key: str) -> set[str]:
    # The stored key spells æ as "ae"; "barum" and "berum" (æ left out, or typed as e) match too.
    return {key, search_key(name), key.replace("ae", "a"), key.replace("ae", "e")}


def search(store: Store, text: str, limit: int = 8) -> SearchResults:
    """Regions and indicators matching ``text``, best first (at most ``limit`` of each)."""
    query = " ".join(text.split())[:MAX_QUERY]
    if not search_key(query) and not query.isdigit():
        return SearchResults(query, (), (), close_spelling=False)
    regions = _regions(store, query, limit)
    indicators = _indicators(store, query, limit)
    if regions or indicators:
        return SearchResults(query, regions, indicators, close_spelling=False)
    return SearchResults(query, _close_regions(store, query, limit), (), close_spelling=True)


def best_region(store: Store, text: str) -> str | None:
    """A code or name typed by a person → a region code (the best match), or None."""
    text = text.strip()
    if not text:
        return None
    code = normalise_code(text)
    if code in store.regions:
        return code
    hits = search(store, text, limit=1).regions
    return hits[0].id if hits else None


def _region_hit(store: Store, code: str) -> SearchHit:
    row = store.regions[code]
    level = LEVEL_NAMES.get(row.level, row.level)
    parent = store.regions.get(row.parent or "")
    where = f" · {parent.name}" if parent is not None and parent.level != "land" else ""
    detail = "Hele landet" if row.level == "land" else f"{level} {row.code}{where}"
    return SearchHit("region", row.code, row.name, detail, f"/kommune/{row.code}")


def _regions(store: Store, query: str, limit: int) -> tuple[SearchHit, ...]:
    digits = query.replace(" ", "")
    scored: list[tuple[int, int, int, str]] = []
    if digits.isdigit():
        for order, code in enumerate(store.regions):
            if code == digits:
                scored.append((0, 0, order, code))
            elif code.startswith(digits):
                scored.append((2, _LEVEL_RANK.get(store.regions[code].level, 9), order, code))
    else:
        variants = query_variants(query)
        for order, (code, row) in enumerate(store.regions.items()):
            score = name_score(variants, _name_keys(row.name, row.search_key))
            if score is not None:
                scored.append((score, _LEVEL_RANK.get(row.level, 9), order, code))
    scored.sort()
    return tuple(_region_hit(store, item[3]) for item in scored[:limit])


def _close_regions(store: Store, query: str, limit: int) -> tuple[SearchHit, ...]:
    """Near misses for a misspelt name ("Bearum", "Trondhiem"), so the page is never a dead end."""
    key = search_key(query)
    by_key: dict[str, list[str]] = {}
    for code, row in store.regions.items():
        for variant in _name_keys(row.name, row.search_key):
            by_key.setdefault(variant, []).append(code)
    # Compare with each word too: "karasjk" is close to "karasjok", not to "karasjohka karasjok".
    for code, row in store.regions.items():
        for word in row.search_key.split():
            by_key.setdefault(word, []).append(code)
    close = difflib.get_close_matches(key, list(by_key), n=limit * 2, cutoff=0.75)
    codes: list[str] = []
    for match in close:
        codes.extend(c for c in by_key[match] if c not in codes)
    return tuple(_region_hit(store, c) for c in codes[:limit])


@lru_cache(maxsize=8)
def _indicator_keys(store: Store) -> tuple[tuple[str, str, str], ...]:
    """(indicator id, folded title words, folded topic title) for every indicator with data."""
    topics = {t["id"]: str(t["title"]) for t in store.topics}
    return tuple(
        (
            ind.id,
            search_key(f"{ind.title} {ind.short_title} {ind.id}"),
            search_key(topics.get(ind.topic, ind.topic)),
        )
        for ind in store.indicators.values()
    )


def _indicators(store: Store, query: str, limit: int) -> tuple[SearchHit, ...]:
    words = [w for w in search_key(query).split() if w]
    if not words:
        return ()
    topics = {t["id"]: str(t["title"]) for t in store.topics}
    scored: list[tuple[int, str, str]] = []
    for indicator_id, title_key, topic_key in _indicator_keys(store):
        title_words = f" {title_key}"
        topic_words = f" {topic_key}"
        # Every word must start a word of the title (or of the topic): "mobb 10" finds
        # "Mobbing 10. trinn", while "bar" does not drown the list in every title containing "bar".
        if all(f" {w}" in title_words for w in words):
            score = 0 if title_words.startswith(f" {words[0]}") else 1
        elif all(f" {w}" in title_words or f" {w}" in topic_words for w in words):
            score = 2
        else:
            continue
        title = store.indicators[indicator_id].title
        scored.append((score, title, indicator_id))
    scored.sort()
    hits = []
    for _, title, indicator_id in scored[:limit]:
        ind = store.indicators[indicator_id]
        detail = f"Indikator · {topics.get(ind.topic, ind.topic)}"
        hits.append(
            SearchHit("indicator", indicator_id, title, detail, f"/indikator/{indicator_id}")
        )
    return tuple(hits)
