"""The nynorsk and English catalogues are complete, and no template text escapes them.

Extracts the messages the way ``make messages`` does (``oppvekst.translations``) and compares them
with the ``.po`` files: a message missing from a catalogue, untranslated or fuzzy fails, in both
domains (``pages`` from the templates, ``messages`` from the Python code). A second test reads the
templates' text outside Jinja and fails on visible words that are not wrapped for translation.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog

from oppvekst import language, translations
from oppvekst.language import DOMAINS, PREFIXED, Language


@pytest.fixture(scope="module")
def extracted() -> dict[str, Catalog]:
    return {domain: translations.extract(domain) for domain in DOMAINS}


@pytest.mark.parametrize("lang", PREFIXED)
@pytest.mark.parametrize("domain", DOMAINS)
def test_every_message_is_translated(
    extracted: dict[str, Catalog], domain: str, lang: Language
) -> None:
    problems = translations.problems(domain, lang, extracted[domain])
    assert problems == [], "\n".join(map(str, problems[:40])) + (
        "\nRun `make messages` and translate the new entries."
    )


@pytest.mark.parametrize("lang", PREFIXED)
@pytest.mark.parametrize("domain", DOMAINS)
def test_translations_keep_the_placeholders(domain: str, lang: Language) -> None:
    """``%(name)s`` in the bokmål must be in the translation too (Babel's python-format check)."""
    catalog = translations.read(lang, domain)
    errors = [(m.id, [str(e) for e in errs]) for m, errs in catalog.check()]
    assert errors == []


def test_the_pages_domain_has_the_templates_messages(extracted: dict[str, Catalog]) -> None:
    """The extraction reads the templates (a broken extractor would make every check pass)."""
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in extracted["pages"] if m.id}
    assert "Statistikkbank" in ids
    assert "Hopp til hovedinnhold" in ids
    assert len(ids) > 300


def test_translations_differ_from_the_bokmål() -> None:
    """An English catalogue that copies the bokmål would pass the completeness check."""
    catalog = translations.read(Language.en, "pages")
    same = [m.id for m in catalog if m.id and isinstance(m.id, str) and m.string == m.id]
    # Words that are the same in both languages, or names.
    allowed = {"Status", "Barometer", "API – kom i gang"} & set(same)
    assert len(same) - len(allowed) < 10, same


def test_lookup_uses_the_current_language() -> None:
    with language.use(Language.en):
        assert language._("Statistikkbank") == "Statistics bank"
        assert language.ngettext("%(count)s indikator", "%(count)s indikatorer", 3) == (
            "%(count)s indicators"
        )
    with language.use(Language.nn):
        assert language._("Hele landet") == "Heile landet"
    assert language._("Hele landet") == "Hele landet"


# --- Text in templates outside the translation calls ----------------------------------------------

# Jinja constructs are removed first; what is left is HTML. Text in these elements is code.
CODE_ELEMENTS = {"script", "style", "code", "pre"}
# Attributes a person reads (or hears, with a screen reader).
READ_ATTRIBUTES = {"aria-label", "placeholder", "title", "alt"}
# Names and symbols that are the same in every language.
NEUTRAL = {
    "Oppvekststatus",
    "API",
    "CSV",
    "Excel",
    "PDF",
    "SVG",
    "PNG",
    "JSON",
    "curl",
    "R",
    "r",
    "n",
    "R²",
    "Spearman",
    "ρ",
    "SD",
    "Python",
    "httpx",
    "pandas",
    "format",
}
# A {% trans %} block is one message, wrapped; then every other tag, expression and comment.
JINJA = re.compile(
    r"\{%-?\s*trans\b.*?\{%-?\s*endtrans\s*-?%\}|\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL
)
# A tag whose name is an expression (``<{{ h }} id=…>``) stays a tag.
TAG_NAME = re.compile(r"(</?)\{\{.*?\}\}")
WORD = re.compile(r"[A-Za-zÆØÅæøå²ρ]+")


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.words: list[str] = []
        self._code = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in CODE_ELEMENTS:
            self._code += 1
        for name, value in attrs:
            if name in READ_ATTRIBUTES and value:
                self.words += WORD.findall(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in CODE_ELEMENTS and self._code:
            self._code -= 1

    def handle_data(self, data: str) -> None:
        if not self._code:
            self.words += WORD.findall(data)


def _unwrapped_words(source: str) -> list[str]:
    parser = _Text()
    parser.feed(JINJA.sub(" ", TAG_NAME.sub(r"\1h2", source)))
    return [w for w in parser.words if w not in NEUTRAL]


@pytest.mark.parametrize(
    "template",
    sorted(translations.TEMPLATES_DIR.rglob("*.html")),
    ids=lambda p: str(Path(p).relative_to(translations.TEMPLATES_DIR)),
)
def test_templates_have_no_text_outside_the_catalogue(template: Path) -> None:
    assert _unwrapped_words(template.read_text(encoding="utf-8")) == []


def test_the_text_check_finds_unwrapped_words() -> None:
    """The check above is not blind: plain text, a read attribute and a sentence in a tag fail."""
    assert _unwrapped_words('<p>Hele landet</p><input placeholder="Skriv her">') == [
        "Hele",
        "landet",
        "Skriv",
        "her",
    ]
    assert _unwrapped_words('<p>{{ _("Hele landet") }} <code>region=0301</code></p>') == []
    assert _unwrapped_words("<p>{% trans n=1 %}Hele {{ n }} landet{% endtrans %} Skriv</p>") == [
        "Skriv"
    ]
