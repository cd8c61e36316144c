"""Labels a person reads, kept in bokmål and looked up in the reader's language.

A module-level table of labels (levels, breakdowns, symbols, flags) is made once, at import, when
no request has a language yet; it must not freeze bokmål into every page. A :class:`Glossary`
holds the bokmål words (marked with ``N_`` where they are written, so they are extracted into the
``messages`` catalogue) and translates each one when it is read, in Python and in templates alike.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from oppvekst.language import _


class Glossary(Mapping[str, str]):
    """key → label in the current language (``oppvekst.language.current()``)."""

    __slots__ = ("_entries",)

    def __init__(self, entries: Mapping[str, str]) -> None:
        self._entries = dict(entries)

    def __getitem__(self, key: str) -> str:
        return _(self._entries[key])

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        return f"Glossary({self._entries!r})"


class MarkedGlossary(Mapping[str, tuple[str, str]]):
    """key → (mark, label): a fixed mark (a CSS class, a symbol) and a label in the current
    language."""

    __slots__ = ("_entries",)

    def __init__(self, entries: Mapping[str, tuple[str, str]]) -> None:
        self._entries = dict(entries)

    def __getitem__(self, key: str) -> tuple[str, str]:
        mark, label = self._entries[key]
        return mark, _(label)

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)
