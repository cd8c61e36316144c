"""Search for regions and indicators: the front page's type-ahead, the search page and the API.

People type names the way they would say them: without æ/ø/å ("baerum", "tromso", "tromsoe"),
without Sámi letters ("karasjok" for Kárášjohka - Karasjok), only the start of a name, or a
municipality number. Regions are found by the snapshot's region registry (``Registry.matches`` and
``Registry.close_spellings``), the one region search; indicators are matched here by word starts.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Literal
from urllib.parse import urlencode

from oppvekst.regions.names import search_key
from oppvekst.regions.registry import Resolution
from oppvekst.snapshot.store import RegionRow, Store
from oppvekst.views.regions import LEVEL_NAMES

HitKind = Literal["region", "indicator"]
MAX_QUERY = 100


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
    former: bool = False  # the query is a former code; its hits are what it became

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
    if results.query.strip() == first.id or (results.former and len(results.regions) == 1):
        return True
    same = [h for h in results.regions if search_key(h.label) == key]
    return len(same) == 1 and same[0] is first


def search(store: Store, text: str, limit: int = 8) -> SearchResults:
    """Regions and indicators matching ``text``, best first (at most ``limit`` of each)."""
    query = " ".join(text.split())[:MAX_QUERY]
    if not search_key(query) and not query.isdigit():
        return SearchResults(query, (), (), close_spelling=False)
    registry = store.registry
    digits = query.replace(" ", "")
    former = registry.former(digits) if digits.isdigit() else None
    found = registry.matches(query, limit)
    # What an area field would accept is found here too: «Bærum kommune», «Oslo fylke».
    identified = registry.identify(query).found
    if identified is not None and identified not in found:
        found = [identified, *found][:limit]
    regions = tuple(_hit(store, r.code, former) for r in found)
    indicators = _indicators(store, query, limit)
    if regions or indicators:
        return SearchResults(
            query, regions, indicators, close_spelling=False, former=former is not None
        )
    close = tuple(_region_hit(store, r.code) for r in registry.close_spellings(query, limit))
    return SearchResults(query, close, (), close_spelling=True)


def matching_regions(store: Store, text: str | None) -> list[RegionRow]:
    """Every region whose name or code matches ``text``, best first, as the front page finds them
    (no close spellings: a filter lists only matches); all regions in tree order without text."""
    query = " ".join((text or "").split())
    if not search_key(query) and not query.replace(" ", "").isdigit():
        return list(store.regions.values())
    return [store.regions[r.code] for r in store.registry.matches(query, limit=None)]


def _region_hit(store: Store, code: str) -> SearchHit:
    row = store.regions[code]
    level = LEVEL_NAMES.get(row.level, row.level)
    parent = store.regions.get(row.parent or "")
    where = f" · {parent.name}" if parent is not None and parent.level != "land" else ""
    detail = "Hele landet" if row.level == "land" else f"{level} {row.code}{where}"
    return SearchHit("region", row.code, row.name, detail, f"/kommune/{row.code}")


def _hit(store: Store, code: str, former: Resolution | None) -> SearchHit:
    """A region found; what a former code became is said in the registry's one wording, and its
    link carries the former code, so the profile repeats the note."""
    if former is None or code not in {r.code for r, _ in former.current}:
        return _region_hit(store, code)
    row = store.regions[code]
    url = f"/kommune/{code}?{urlencode({'tidligere': former.requested})}"
    return SearchHit("region", code, row.name, former.note, url)


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
