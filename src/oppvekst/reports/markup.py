"""The one sanctioned way to put text into Typst *markup*.

The report never needs it: every text reaches the template as a string inside the JSON document
(``sys.inputs``), and Typst shows a string as literal text. Anything that does compose markup
(a future template snippet, a custom cover line) must pass its text through :func:`escape` first,
so a name such as ``#set`` or ``$x$`` prints as written instead of running.
"""

from __future__ import annotations

# Characters with a meaning in Typst markup: code (#), content blocks ([ ]), math ($), escapes and
# line breaks (\), strong/emphasis (* _), raw (`), labels and references (< > @), headings (=),
# lists (- + / and «1.»), smart quotes (' "), non-breaking space (~), comments (/), ellipses
# (...) and automatic links (https:).
SPECIAL = frozenset("\\#[]$*_`<>@=-+/~'\".:")


def escape(text: str) -> str:
    """Text that Typst markup shows exactly as written (each special character backslash-escaped)."""
    out: list[str] = []
    for char in text:
        if char in SPECIAL:
            out.append("\\" + char)
        elif char in "\r\n":
            out.append(" ")  # a newline could start a heading or list item on the next line
        else:
            out.append(char)
    return "".join(out)
