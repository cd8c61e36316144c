"""The message catalogues: extract the bokmål messages, update the nynorsk and English ``.po``.

Two domains (``oppvekst.language.DOMAINS``): ``pages`` from the Jinja templates and ``messages``
from the Python code. ``make messages`` (``python -m oppvekst.translations``) extracts both and
merges new messages into ``locale/{nn,en}/LC_MESSAGES/<domain>.po`` as empty entries for a translator;
messages no longer in the sources are dropped. ``tests/i18n/test_catalogues.py`` runs the same
extraction and fails on any message that is missing from a catalogue, untranslated or fuzzy.

No ``.mo`` files: ``oppvekst.language`` compiles the ``.po`` in memory when a language is first used.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po, write_po

from oppvekst.language import DOMAINS, LOCALE_DIR, PREFIXED, Language

PACKAGE_DIR = Path(__file__).parent
TEMPLATES_DIR = PACKAGE_DIR / "web" / "templates"

# The names Python code translates with (``oppvekst.language``), and their arguments.
PYTHON_KEYWORDS: Mapping[str, object] = {
    **DEFAULT_KEYWORDS,
    "lazy_gettext": None,
    "lazy_ngettext": (1, 2),
    "lazy_pgettext": ((1, "c"), 2),
}
# The templates as ``web.rendering`` parses them (trimmed {% trans %}, newstyle gettext); a template
# that does not parse fails the extraction rather than being skipped.
JINJA_OPTIONS = {
    "trimmed": "true",
    "newstyle_gettext": "true",
    "trim_blocks": "true",
    "lstrip_blocks": "true",
    "silent": "false",
}
PROJECT = "Oppvekststatus"


@dataclass(frozen=True, slots=True)
class MessageSource:
    """Where a domain's messages are written."""

    directory: Path
    method_map: tuple[tuple[str, str], ...]
    keywords: Mapping[str, object]


SOURCES: dict[str, MessageSource] = {
    "pages": MessageSource(
        TEMPLATES_DIR, (("**.html", "jinja2.ext:babel_extract"),), dict(DEFAULT_KEYWORDS)
    ),
    "messages": MessageSource(
        PACKAGE_DIR,
        # The CLI stays bokmål (its messages are not wrapped); templates belong to ``pages``.
        (("web/templates/**", "ignore"), ("**.py", "python")),
        PYTHON_KEYWORDS,
    ),
}


def po_path(lang: Language, domain: str) -> Path:
    return LOCALE_DIR / lang.value / "LC_MESSAGES" / f"{domain}.po"


def extract(domain: str) -> Catalog:
    """Every message the sources of ``domain`` translate, as a template catalogue (bokmål ids)."""
    source = SOURCES[domain]
    options = {"**.html": JINJA_OPTIONS} if domain == "pages" else {}
    template = Catalog(project=PROJECT, domain=domain, fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
        str(source.directory),
        method_map=list(source.method_map),
        options_map=options,
        keywords=source.keywords,  # type: ignore[arg-type]
        comment_tags=("Translators:",),
        strip_comment_tags=True,
    ):
        template.add(
            message,
            None,
            [(filename, lineno)],
            auto_comments=comments,
            context=context,
        )
    return template


def read(lang: Language, domain: str) -> Catalog:
    """The ``.po`` of ``lang`` and ``domain`` (an empty catalogue when there is none yet)."""
    path = po_path(lang, domain)
    if not path.is_file():
        return Catalog(locale=lang.value, domain=domain, project=PROJECT, fuzzy=False)
    with path.open("rb") as handle:
        return read_po(handle, locale=lang.value, domain=domain)


def write(catalog: Catalog, lang: Language, domain: str) -> None:
    path = po_path(lang, domain)
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, omit_header=False, sort_output=True, ignore_obsolete=True)
    path.write_bytes(buffer.getvalue())


def update(domain: str, lang: Language, template: Catalog | None = None) -> Catalog:
    """The catalogue of ``lang`` with the messages of ``template`` (new ones empty, gone ones
    dropped). No fuzzy matching: a changed bokmål message needs a translator, not a guess."""
    catalog = read(lang, domain)
    catalog.update(template or extract(domain), no_fuzzy_matching=True, update_header_comment=False)
    catalog.fuzzy = False
    return catalog


@dataclass(frozen=True, slots=True)
class CatalogueProblem:
    lang: Language
    domain: str
    message: str
    what: str  # "missing", "untranslated", "fuzzy"

    def __str__(self) -> str:
        return f"{self.lang.value}/{self.domain}.po: {self.what}: {self.message!r}"


def problems(
    domain: str, lang: Language, template: Catalog | None = None
) -> list[CatalogueProblem]:
    """What a reader of ``lang`` would meet in bokmål: messages the sources have and the ``.po``
    lacks, entries without a translation (any plural form empty) and fuzzy entries."""
    wanted = template or extract(domain)
    catalog = read(lang, domain)
    found: list[CatalogueProblem] = []
    for message in wanted:
        if not message.id:
            continue
        entry = catalog.get(message.id, message.context)
        shown = message.id if isinstance(message.id, str) else message.id[0]
        if entry is None:
            found.append(CatalogueProblem(lang, domain, shown, "missing"))
        elif entry.fuzzy:
            found.append(CatalogueProblem(lang, domain, shown, "fuzzy"))
        elif not _translated(entry.string):
            found.append(CatalogueProblem(lang, domain, shown, "untranslated"))
    return found


def _translated(string: object) -> bool:
    if isinstance(string, str):
        return bool(string)
    if isinstance(string, tuple | list):
        return all(isinstance(s, str) and s for s in string)
    return False


def write_template(template: Catalog, domain: str) -> None:
    """``locale/<domain>.pot``: the extracted bokmål messages, for translation tools."""
    buffer = io.BytesIO()
    write_po(buffer, template, width=100, sort_output=True)
    (LOCALE_DIR / f"{domain}.pot").write_bytes(buffer.getvalue())


def main() -> None:
    """``make messages``: extract both domains and update every language's catalogues."""
    for domain in DOMAINS:
        template = extract(domain)
        write_template(template, domain)
        for lang in PREFIXED:
            write(update(domain, lang, template), lang, domain)
            left = problems(domain, lang, template)
            print(f"{lang.value}/{domain}.po: {len(template)} messages, {len(left)} to translate")


if __name__ == "__main__":
    main()
