"""Labels a person reads, kept in bokmål and looked up in the reader's language.

A module-level table of labels (levels, breakdowns, symbols, flags) is made once, at import, when
no request has a language yet; it must not freeze bokmål into every page. A :class:`Glossary`
holds the bokmål words (marked with ``N_`` where they are written, so they are extracted into the
``messages`` catalogue) and translates each one when it is read, in Python and in templates alike.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Generic, TypeVar

from oppvekst.language import _

K = TypeVar("K", bound=str)


def N_(message: str) -> str:  # noqa: N802 -- the name Babel's extractor knows (DEFAULT_KEYWORDS)
    """Mark ``message`` for the ``messages`` catalogue without translating it: for constants made at
    import, which are translated where they are read (``_(CONSTANT)``, a Glossary, a property)."""
    return message


class Glossary(Mapping[K, str], Generic[K]):
    """key → label in the current language (``oppvekst.language.current()``)."""

    __slots__ = ("_entries",)

    def __init__(self, entries: Mapping[K, str]) -> None:
        self._entries = dict(entries)

    def __getitem__(self, key: K) -> str:
        text = self._entries[key]
        return _(text) if text else text  # "" would give the catalogue's header

    def __iter__(self) -> Iterator[K]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        return f"Glossary({self._entries!r})"


class MarkedGlossary(Mapping[K, tuple[str, str]], Generic[K]):
    """key → (mark, label): a fixed mark (a CSS class, a colour) and a label in the current
    language."""

    __slots__ = ("_entries",)

    def __init__(self, entries: Mapping[K, tuple[str, str]]) -> None:
        self._entries = dict(entries)

    def __getitem__(self, key: K) -> tuple[str, str]:
        mark, label = self._entries[key]
        return mark, _(label)

    def __iter__(self) -> Iterator[K]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)
