"""The portal in bokmål, nynorsk and English: URLs, ``lang``, alternates, switcher, redirects.

In-process, on the fixture snapshot (../shared/data + demo fill).
"""

from __future__ import annotations

import re
from datetime import datetime
from html.parser import HTMLParser

import pytest

from oppvekst import language
from oppvekst.language import Language
from oppvekst.views.numbers import interval, number, when

DONE_WHEN = ("/", "/kommune/3201", "/indikator/barn-0-17", "/krysse", "/statistikkbank")


class _Head(HTMLParser):
    """The page's ``<html lang>``, its hreflang alternates and the switcher's links."""

    def __init__(self) -> None:
        super().__init__()
        self.lang: str | None = None
        self.alternates: dict[str, str] = {}
        self.switcher: dict[str, str] = {}
        self._in_switcher = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        if tag == "link" and a.get("rel") == "alternate" and a.get("hreflang"):
            self.alternates[a["hreflang"] or ""] = a.get("href") or ""
        if tag == "nav" and a.get("class") == "language-switcher":
            self._in_switcher = 1
        if tag == "a" and self._in_switcher and a.get("hreflang"):
            self.switcher[a["hreflang"] or ""] = a.get("href") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav":
            self._in_switcher = 0


def _head(html: str) -> _Head:
    parser = _Head()
    parser.feed(html)
    return parser


@pytest.mark.parametrize("lang", list(Language))
@pytest.mark.parametrize("path", DONE_WHEN)
def test_done_when_pages_answer_in_their_language(client, path: str, lang: Language) -> None:  # type: ignore[no-untyped-def]
    address = language.url(path, lang)
    response = client.get(address)
    assert response.status_code == 200, address
    head = _head(response.text)
    assert head.lang == lang.value
    assert response.headers["content-language"] == lang.value
    # hreflang alternates: the same page in all three languages, bokmål the default.
    assert set(head.alternates) == {"nb", "nn", "en", "x-default"}
    for other in Language:
        assert head.alternates[other.value].endswith(language.url(path, other))
    assert head.alternates["x-default"] == head.alternates["nb"]
    # The switcher keeps the view: the same path in each language.
    assert head.switcher == {other.value: language.url(path, other) for other in Language}


def test_switcher_keeps_the_query(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/nn/indikator/barn-0-17?omrade=3201,0301&figur=stolper")
    assert response.status_code == 200
    head = _head(response.text)
    assert head.switcher["en"] == "/en/indikator/barn-0-17?omrade=3201%2C0301&figur=stolper"
    assert head.switcher["nb"] == "/indikator/barn-0-17?omrade=3201%2C0301&figur=stolper"


def test_internal_links_keep_the_language(client) -> None:  # type: ignore[no-untyped-def]
    """No link on an English page leads back to a bokmål page (static files and the API aside)."""
    html = client.get("/en/kommune/3201").text
    hrefs = re.findall(r'<a [^>]*href="(/[^"]*)"', html)
    assert hrefs
    bare = [
        h
        for h in hrefs
        if not h.startswith(("/en/", "/en?", "/static/", "/api/v1/", "/api/docs"))
        and h != "/en"
        and not _is_switcher_link(html, h)
    ]
    assert bare == []


def _is_switcher_link(html: str, href: str) -> bool:
    return re.search(rf'<a [^>]*href="{re.escape(href)}"[^>]*hreflang=', html) is not None


def test_redirects_keep_the_language(client) -> None:  # type: ignore[no-untyped-def]
    """A former municipality number (0219 Bærum, now 3201) redirects to today's, in the language
    it was asked in: the route redirects with a plain path, the middleware keeps the prefix."""
    bokmål = client.get("/kommune/0219?x=1", follow_redirects=False)
    assert 300 <= bokmål.status_code < 400
    assert bokmål.headers["location"].startswith("/kommune/3201?")
    for lang in (Language.nn, Language.en):
        response = client.get(f"/{lang.value}/kommune/0219?x=1", follow_redirects=False)
        assert response.status_code == bokmål.status_code
        assert response.headers["location"] == f"/{lang.value}" + bokmål.headers["location"]
        assert _head(client.get(response.headers["location"]).text).lang == lang.value


def test_a_kept_view_after_a_wrong_entry_keeps_the_language(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/en/krysse?egen=Xyzby", follow_redirects=False)
    assert 300 <= response.status_code < 400
    assert response.headers["location"].startswith("/en/krysse?")


def test_lang_parameter_redirects_a_page_to_its_prefixed_address(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/kommune/3201?lang=en&vis=alle", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/en/kommune/3201?vis=alle"


def test_api_takes_the_language_from_accept_language(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/api/v1/indicators", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert response.headers["content-language"] == "en"
    assert "Accept-Language" in response.headers["vary"]
    assert client.get("/api/v1/indicators?lang=nn").headers["content-language"] == "nn"
    assert client.get("/api/v1/indicators").headers["content-language"] == "nb"


def test_a_compressed_api_answer_names_each_vary_header_once(client) -> None:  # type: ignore[no-untyped-def]
    """The API names Accept-Encoding itself, gzip adds it again, the language layer adds
    Accept-Language: each once, or a cache keys on a list with a name twice."""
    response = client.get(
        "/api/v1/data?indicator=barn-0-17&region=kommune", headers={"Accept-Encoding": "gzip"}
    )
    assert response.headers["content-encoding"] == "gzip"
    names = [v.strip().lower() for v in response.headers["vary"].split(",")]
    assert sorted(names) == ["accept", "accept-encoding", "accept-language"]


def test_unknown_prefix_is_not_a_language(client) -> None:  # type: ignore[no-untyped-def]
    """``/de/…`` is no language of the portal: a 404, not the bokmål page under another name."""
    assert client.get("/de/kommune/3201").status_code == 404


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("en-US,en;q=0.9,nb;q=0.5", Language.en),
        ("nn", Language.nn),
        ("nb-NO", Language.nb),
        ("no", Language.nb),
        ("de, nn;q=0.2", Language.nn),
        ("de", Language.nb),
        ("", Language.nb),
        ("en;q=0, nn;q=0.5", Language.nn),
    ],
)
def test_accept_language(header: str, expected: Language) -> None:
    assert language.from_accept_language(header) == expected


def test_numbers_and_dates_per_language() -> None:
    """One formatter per kind, the symbols from Babel's locale data; the rounding is the same."""
    value = -1234567.25  # half away from zero: 1 234 567,3 in every language
    moment = datetime(2026, 12, 7, 2, 18)
    with language.use(Language.nn):
        assert number(value, 1) == "\u22121\u202f234\u202f567,3"
        assert when(moment) == "07.12.2026 kl. 02.18"
        assert language.format_percent(12.34) == "12,3\u202f%"
    with language.use(Language.en):
        assert number(value, 1) == "-1,234,567.3"
        assert number(2.675, 2) == "2.68"
        assert interval(11.0, 13.5) == "11.0–13.5"
        assert when(moment) == "7 Dec 2026, 02:18"
        assert language.format_percent(12.34) == "12.3%"
    assert number(value, 1) == "\u22121\u202f234\u202f567,3"  # back to bokmål outside


@pytest.mark.parametrize(
    ("path", "lang", "expected"),
    [
        ("/kommune/3201?a=1", Language.nn, "/nn/kommune/3201?a=1"),
        ("/", Language.en, "/en"),
        ("/?q=x", Language.en, "/en?q=x"),
        ("/nn/krysse", Language.en, "/en/krysse"),
        ("/en/krysse", Language.nb, "/krysse"),
        ("/static/css/portal.css", Language.en, "/static/css/portal.css"),
        ("/api/v1/data", Language.nn, "/api/v1/data"),
        ("/api/docs", Language.nn, "/api/docs"),
        ("/api", Language.nn, "/nn/api"),
        ("https://www.ssb.no/", Language.en, "https://www.ssb.no/"),
        ("#hovedinnhold", Language.en, "#hovedinnhold"),
    ],
)
def test_url_prefixes(path: str, lang: Language, expected: str) -> None:
    assert language.url(path, lang) == expected


def _template_sentences(lang: Language) -> list[str]:
    """The templates' bokmål sentences (three words or more, no placeholders) that ``lang``
    writes differently: none of them may be left on a page in ``lang``."""
    from oppvekst import translations

    catalog = translations.read(lang, "pages")
    return [
        m.id
        for m in catalog
        if isinstance(m.id, str)
        and "%" not in m.id
        and "<" not in m.id
        and len(m.id.split()) >= 3
        and m.string
        and m.string != m.id
    ]


@pytest.mark.parametrize("lang", [Language.nn, Language.en])
@pytest.mark.parametrize("path", DONE_WHEN)
def test_no_bokmål_template_text_on_other_languages_pages(  # type: ignore[no-untyped-def]
    client, path: str, lang: Language
) -> None:
    text = html_text(client.get(language.url(path, lang)).text)
    left = [s for s in _template_sentences(lang) if s in text]
    assert left == []


def html_text(page: str) -> str:
    """The page's text as a reader meets it (tags out, entities decoded, spaces collapsed)."""
    import html as html_module

    without_tags = re.sub(r"<script\b.*?</script>|<[^>]+>", " ", page, flags=re.DOTALL)
    return " ".join(html_module.unescape(without_tags).split())
