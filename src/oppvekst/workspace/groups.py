"""The words people write for a breakdown's groups, read as the catalogue's category codes.

The catalogue's codes and labels (``breakdowns.yml``) in all three languages, whatever the
reader's language (people share files, and a nynorsk template's «Gutar» is read in a bokmål
session too), folded as the region search folds names (no case, no accents, æ → ae) and also
without a trailing «år»/«years» («0–5 år» → ``0-5``), plus the common words in ``SYNONYMS``
(«jente», «K», «begge kjønn»).
"""

from __future__ import annotations

from functools import cache

from oppvekst.catalog import breakdown_dimensions, read_dimensions
from oppvekst.language import _
from oppvekst.regions.names import search_key
from oppvekst.snapshot.table import TOTAL

# Words people write for a breakdown's groups beside the catalogue's own codes and labels.
SYNONYMS: dict[str, dict[str, str]] = {
    "sex": {
        "gutt": "male", "gutter": "male", "boys": "male", "boy": "male", "m": "male",
        "mann": "male", "menn": "male", "hankjonn": "male", "jente": "female",
        "girls": "female", "girl": "female", "k": "female", "f": "female", "kvinne": "female",
        "kvinner": "female", "hunkjonn": "female", "begge kjonn": "total", "begge": "total",
        "totalt": "total", "both": "total", "all": "total",
    },
    "age": {"alle": "total", "totalt": "total", "all": "total", "all ages": "total"},
    "background": {"totalt": "total", "all": "total"},
    "grade": {"alle": "total", "totalt": "total", "all": "total"},
}  # fmt: skip
_UNIT_ENDINGS = (" ar", " years", " year")  # «0–5 år», «0–5 years», «1 year» → the code


def group_code(name: str, text: str) -> tuple[str, str]:
    """Our category code for a cell of breakdown ``name``, or ``""`` and the problem."""
    code = categories(name).get(search_key(text)) if text else None
    if code is not None:
        return code, ""
    dimension = breakdown_dimensions()[name]
    labels = ", ".join(c.label for c in dimension.categories)
    shown = f"«{_short(text)}»" if text else _("(tom)")
    return "", _("ukjent {group} {cell} – bruk {labels}").format(
        group=dimension.label.lower(), cell=shown, labels=labels
    )


@cache
def categories(name: str) -> dict[str, str]:
    """Folded words → our category code for one breakdown: the catalogue's codes and labels in
    bokmål, nynorsk and English (also without a trailing «år»/«year(s)»), and the common
    synonyms. The same in every language, so it is cached once (not in the first caller's)."""
    found: dict[str, str] = {}
    for category in read_dimensions()[name].categories:
        words = (category.code, category.label, category.translations.nn, category.translations.en)
        for word in words:
            key = search_key(word)
            for variant in (key, *(key.removesuffix(end) for end in _UNIT_ENDINGS)):
                # Bokmål first: a word two languages give different groups keeps its bokmål one.
                found.setdefault(variant, category.code)
    found.update({search_key(word): code for word, code in SYNONYMS.get(name, {}).items()})
    found.setdefault(TOTAL, TOTAL)
    return found


def _short(text: str) -> str:
    return text if len(text) <= 30 else text[:29] + "…"
