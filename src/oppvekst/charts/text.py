"""Text a reader can put on a chart, made safe to draw.

vl-convert writes chart text into SVG and parses it back; a character XML forbids (any C0 control
but tab, newline and carriage return) makes it panic, and a Rust panic aborts the whole process.
Bidi controls (U+202A–U+202E, U+2066–U+2069, and the invisible marks) let a title display as
something other than what it says. Both are removed from every text a chart carries; tabs and line
breaks become spaces, since a title is one line.
"""

from __future__ import annotations

import re

# C0 and C1 controls, DEL, the bidi embeddings/overrides/isolates and the directional marks.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_SPACE_LIKE = re.compile("[\t\n\r\x0b\x0c\x85\u2028\u2029]")
# Lone surrogates cannot be encoded as UTF-8 at all (a request can carry them percent-encoded).
_SURROGATES = re.compile("[\ud800-\udfff]")
MAX_LENGTH = 300  # characters: a title longer than this is not a title


def printable(text: str, limit: int | None = MAX_LENGTH) -> str:
    """``text`` without control, bidi and surrogate characters, on one line, cut at ``limit``."""
    one_line = _SPACE_LIKE.sub(" ", text)
    return _SURROGATES.sub("", _UNSAFE.sub("", one_line)).strip()[:limit]
