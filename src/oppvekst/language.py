"""The portal's three languages: which one a request reads, its words, numbers and dates.

Bokmål is the source language: every message in the templates and the code is written in bokmål,
and the nynorsk and English catalogues (``locale/{nn,en}/LC_MESSAGES/{pages,messages}.po``) translate
it. ``pages`` holds the templates' messages, ``messages`` the Python code's; both are merged into
one ``Translations`` per language, so ``_`` finds a message wherever it was written.

The catalogues are compiled in memory from the ``.po`` files the first time a language is used (no
``.mo`` files, so nothing to build at install and nothing to go stale); fuzzy entries are left out,
so an unchecked translation shows the bokmål rather than a guess (the catalogue test fails on both).

The current language lives in a ``ContextVar``: the web middleware (``web.languages``) sets it per
request from the URL prefix (``/nn/…``, ``/en/…``) or, for the API, from ``Accept-Language``; the
CLI and the pipeline never set it and so stay bokmål.

Numbers and dates use Babel's locale data for the symbols (decimal comma in nb/nn, point in en) and
one rounding for every language: half away from zero on the shortest decimal of the float, as SSB,
FHI and IMDi publish (``rounded``).
"""

from __future__ import annotations

import gettext
import io
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import get_decimal_symbol, get_group_symbol, get_minus_sign_symbol
from babel.support import LazyProxy, NullTranslations, Translations


class Language(StrEnum):
    nb = "nb"
    nn = "nn"
    en = "en"


DEFAULT = Language.nb
# Languages whose URLs carry a prefix (``/nn/kommune/3201``); bokmål has none.
PREFIXED: tuple[Language, ...] = (Language.nn, Language.en)
DOMAINS = ("pages", "messages")  # templates, Python code
LOCALE_DIR = Path(__file__).parent / "locale"

# Names of the languages in themselves, as the switcher shows them.
NATIVE_NAMES: dict[Language, str] = {
    Language.nb: "Bokmål",
    Language.nn: "Nynorsk",
    Language.en: "English",
}

_current: ContextVar[Language] = ContextVar("oppvekst_language", default=DEFAULT)


def current() -> Language:
    """The language of the request (or job) being served; bokmål outside any request."""
    return _current.get()


@contextmanager
def use(lang: Language | str) -> Iterator[Language]:
    """Run a block in ``lang`` (a test, a report rendered for a request, a background job)."""
    chosen = parse(lang) or DEFAULT
    token = _current.set(chosen)
    try:
        yield chosen
    finally:
        _current.reset(token)


def parse(value: object) -> Language | None:
    """A language code as a ``Language`` (``"nn"``, ``"en-GB"``, ``"NB"``), or None if unknown.

    «no» (Norwegian without a written standard) is read as bokmål, as browsers mean it.
    """
    if isinstance(value, Language):
        return value
    if not isinstance(value, str):
        return None
    primary = value.strip().lower().replace("_", "-").split("-")[0]
    if primary == "no":
        return Language.nb
    try:
        return Language(primary)
    except ValueError:
        return None


def from_accept_language(header: str | None) -> Language:
    """The best of our languages for an ``Accept-Language`` header; bokmål when none is asked.

    ``"en-US,en;q=0.9,nb;q=0.5"`` → en; ``"nn"`` → nn; ``"de"`` → nb (the portal's own language).
    """
    if not header:
        return DEFAULT
    offers: list[tuple[float, int, Language]] = []
    for position, part in enumerate(header.split(",")):
        tag, _sep, params = part.strip().partition(";")
        lang = parse(tag)
        if lang is None:
            continue
        weight = 1.0
        for param in params.split(";"):
            key, _eq, value = param.strip().partition("=")
            if key.strip() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        if weight > 0:
            offers.append((-weight, position, lang))
    return min(offers)[2] if offers else DEFAULT


# --- Messages -----------------------------------------------------------------------------------


def _compiled(po_file: Path, lang: Language, domain: str) -> Translations:
    with po_file.open("rb") as handle:
        catalog = read_po(handle, locale=lang.value, domain=domain)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(fp=buffer, domain=domain)


@cache
def translations(lang: Language) -> gettext.NullTranslations:
    """The merged catalogues of ``lang`` (identity for bokmål, the source language)."""
    if lang is Language.nb:
        return NullTranslations()
    merged: Translations | None = None
    for domain in DOMAINS:
        po_file = LOCALE_DIR / lang.value / "LC_MESSAGES" / f"{domain}.po"
        if not po_file.is_file():
            continue
        compiled = _compiled(po_file, lang, domain)
        if merged is None:
            merged = compiled
        else:
            merged.merge(compiled)
    return merged if merged is not None else NullTranslations()


def _(message: str) -> str:
    """``message`` (bokmål) in the current language."""
    return translations(current()).gettext(message)


gettext_ = _  # the name Jinja's i18n extension and Babel's extractor also know


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form of a message for ``n``, in the current language."""
    return translations(current()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """``message`` in ``context`` (a short word that means two things), in the current language."""
    return translations(current()).pgettext(context, message)


def N_(message: str) -> str:  # noqa: N802 (the name every gettext extractor knows)
    """Marks a module-level constant for extraction without translating it: translate at use,
    ``_(CONSTANT)``, when the current language is known."""
    return message


def lazy_gettext(message: str) -> Any:
    """A module-level constant that translates each time it is shown (``str(x)``, f-strings)."""
    return LazyProxy(_, message, enable_cache=False)


def lazy_ngettext(singular: str, plural: str, n: int) -> Any:
    return LazyProxy(ngettext, singular, plural, n, enable_cache=False)


# --- Addresses ----------------------------------------------------------------------------------


def prefix(lang: Language | None = None) -> str:
    """The URL prefix of ``lang`` (default: the current one): ``""``, ``"/nn"`` or ``"/en"``."""
    chosen = lang or current()
    return "" if chosen is DEFAULT else f"/{chosen.value}"


def split_path(path: str) -> tuple[Language, str]:
    """``"/nn/kommune/3201"`` → (nn, ``"/kommune/3201"``); ``"/en"`` → (en, ``"/"``); no prefix: nb."""
    for lang in PREFIXED:
        head = f"/{lang.value}"
        if path == head:
            return lang, "/"
        if path.startswith(head + "/"):
            return lang, path[len(head) :]
    return DEFAULT, path


def url(path: str, lang: Language | None = None) -> str:
    """An internal link (``"/kommune/3201?x=1"``) in ``lang`` (default: the current language).

    Static files, the API and absolute or relative addresses are the same in every language and
    come back as given; a path that already has a language prefix gets it replaced.
    """
    if not path.startswith("/") or path.startswith("//") or is_language_neutral(path):
        return path
    _lang, bare = split_path(path)
    head = prefix(lang)
    if head and bare == "/":
        return head
    if head and bare.startswith(("/?", "/#")):
        return head + bare[1:]
    return head + bare


def is_language_neutral(path: str) -> bool:
    """Files and data that are the same in every language: static files and the data API (which
    takes ``Accept-Language`` for its few words), and its Swagger UI. The API's guide (``/api``) is a
    page in the three languages."""
    return path.startswith(("/static/", "/api/v1/", "/api/docs")) or path == "/favicon.ico"


# --- Numbers and dates --------------------------------------------------------------------------

NARROW_NBSP = "\u202f"  # thousands separator in Norwegian typesetting (pages, PDF)
NBSP = "\u00a0"  # the same for chart fonts, which may lack the narrow one


def rounded(value: float | Decimal, decimals: int) -> Decimal:
    """``value`` rounded half away from zero to ``decimals`` places (never a negative zero).

    Works on the shortest decimal that stands for the float (``repr``): 2.675, stored as
    2.67499999…, is the 2.675 the source wrote and rounds to 2.68.
    """
    exact = value if isinstance(value, Decimal) else Decimal(repr(float(value)))
    result = exact.quantize(Decimal(1).scaleb(-max(0, decimals)), rounding=ROUND_HALF_UP)
    return result.copy_abs() if result.is_zero() else result


@cache
def _symbols(lang: Language) -> tuple[str, str, str]:
    """(decimal, group, minus) from Babel's locale data."""
    locale = Locale.parse(lang.value)
    return (
        get_decimal_symbol(locale),
        get_group_symbol(locale),
        get_minus_sign_symbol(locale),
    )


def format_number(
    value: float | Decimal, decimals: int = 1, *, thousands: str | None = None
) -> str:
    """A finite number rounded half away from zero, with the current language's symbols.

    nb/nn: «1 234 567,9» (narrow no-break space, decimal comma, true minus); en: "1,234,567.9".
    ``thousands`` replaces a space-like group separator (charts whose fonts lack the narrow one pass
    a no-break space); a language that groups with a comma keeps it.
    """
    decimal_sign, group, minus = _symbols(current())
    text = f"{rounded(value, decimals):,.{max(0, decimals)}f}"
    if group.isspace():
        group = thousands if thousands is not None else NARROW_NBSP
    table = str.maketrans({",": group, ".": decimal_sign, "-": minus})
    return text.translate(table)


def d3_number_locale() -> dict[str, Any]:
    """The current language's number symbols as a d3-format locale, for the charts (Vega's
    ``config.locale``): the same symbols as ``format_number``. The thousands separator is a
    no-break space where the language groups with a space (chart fonts may lack the narrow one)."""
    decimal_sign, group, minus = _symbols(current())
    return {
        "decimal": decimal_sign,
        "thousands": NBSP if group.isspace() else group,
        "grouping": [3],
        "currency": ["NOK\u00a0", ""] if current() is Language.en else ["", "\u00a0kr"],
        "minus": minus,
    }


def format_percent(value: float | Decimal, decimals: int = 1) -> str:
    """A value already in per cent (12.34 → «12,3 %» in nb/nn, "12.3%" in en), per Babel's pattern."""
    pattern = Locale.parse(current().value).percent_formats[None].pattern
    spacing = pattern[pattern.index("0") :].removesuffix("%").lstrip("0.,#")
    space = NARROW_NBSP if spacing and spacing.isspace() else spacing
    return f"{format_number(value, decimals)}{space}%"


# Pages write a moment as their readers do: Norwegian «07.12.2026 kl. 02.18», English
# "7 Dec 2026, 02:18" (day first, 24-hour clock, as British usage and Norwegian readers expect).
_DATETIME_PATTERNS = {
    Language.nb: "dd.MM.y 'kl'. HH.mm",
    Language.nn: "dd.MM.y 'kl'. HH.mm",
    Language.en: "d MMM y, HH:mm",
}
_DATE_PATTERNS = {Language.nb: "dd.MM.y", Language.nn: "dd.MM.y", Language.en: "d MMM y"}


def format_datetime(moment: datetime) -> str:
    lang = current()
    return babel_format_datetime(moment, _DATETIME_PATTERNS[lang], locale=lang.value)


def format_date(day: date) -> str:
    lang = current()
    return babel_format_date(day, _DATE_PATTERNS[lang], locale=lang.value)
