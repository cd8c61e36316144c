"""What a reader may change about a chart before taking it away, and the look every chart shares.

``ChartOptions`` is the one input besides the data: the page, the PNG/SVG/PDF download and the
report all build the spec from the same options, so the figure in a report is the figure on screen.
Numbers are formatted with the language's d3 locale that travels *inside* the spec (``config.locale``),
so vl-convert renders the same decimal commas as the browser without extra arguments.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any, Literal

from oppvekst import language
from oppvekst.charts.text import printable
from oppvekst.glossary import N_, Glossary, MarkedGlossary
from oppvekst.language import _

Spec = dict[str, Any]

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
# The portal's own font stack (portal.css). vl-convert, which draws every chart the server sends,
# reads it to its end: none of the named fonts is on the server, so the text is measured with
# its generic sans-serif, Liberation Sans (built into vl-convert; Arial's and Helvetica's widths),
# and the PDF sets the charts in the same font. The stack used to begin with 'Source Sans 3':
# vl-convert cannot read a quoted name with a word that starts with a digit, dropped the whole
# stack and measured each character with the first installed font that had it — a chart took
# 18 ms with DejaVu alone installed and 60–80 ms once Liberation was installed as well, and was
# laid out in whatever font that was.
FONT = "Inter, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"


class Palette(StrEnum):
    """Colour-blind safe palettes (Okabe–Ito, Paul Tol, greys for black-and-white print)."""

    OKABE_ITO = "okabe-ito"
    TOL = "tol"
    GREYS = "gra"


# Categorical colours, most distinct first; the first one marks the reader's own area.
CATEGORICAL: dict[Palette, tuple[str, ...]] = {
    Palette.OKABE_ITO: (
        "#0072B2",
        "#D55E00",
        "#009E73",
        "#CC79A7",
        "#E69F00",
        "#56B4E9",
        "#000000",
        "#F0E442",
    ),
    Palette.TOL: ("#4477AA", "#EE6677", "#228833", "#CCBB44", "#66CCEE", "#AA3377", "#BBBBBB"),
    Palette.GREYS: ("#000000", "#555555", "#888888", "#AAAAAA", "#333333", "#777777"),
}
# Sequential Vega schemes for maps and heat tables (all readable by the common colour deficiencies).
SEQUENTIAL: dict[Palette, str] = {
    Palette.OKABE_ITO: "blues",
    Palette.TOL: "viridis",
    Palette.GREYS: "greys",
}
MUTED = "#C8C8C8"  # areas the reader has not chosen, when the chart focuses on a few

# Colours a reader may pick for the highlighted area (``uthevfarge``): dark enough for 3:1 contrast
# against white and against the muted grey, and distinct for the common colour deficiencies.
ACCENTS: Mapping[str, tuple[str, str]] = MarkedGlossary(
    {
        "bla": ("#0072B2", N_("Blå")),
        "oransje": ("#D55E00", N_("Oransje")),
        "gronn": ("#007A5A", N_("Grønn")),
        "lilla": ("#8E3B8A", N_("Lilla")),
        "svart": ("#000000", N_("Svart")),
    }
)

PALETTE_LABELS: Mapping[Palette, str] = Glossary(
    {
        Palette.OKABE_ITO: N_("Standard (blå/oransje)"),
        Palette.TOL: N_("Paul Tol (lys)"),
        Palette.GREYS: N_("Gråtoner (for utskrift)"),
    }
)


class Classification(StrEnum):
    QUANTILES = "kvantiler"
    EQUAL = "like-intervaller"
    SIGNIFICANCE = "signifikans"


CLASSIFICATION_LABELS: Mapping[Classification, str] = Glossary(
    {
        Classification.QUANTILES: N_("Like mange kommuner i hver klasse (kvantiler)"),
        Classification.EQUAL: N_("Like brede klasser"),
        Classification.SIGNIFICANCE: N_("Signifikant forskjell fra landet"),
    }
)


class SizePreset(StrEnum):
    SCREEN = "skjerm"  # follows the page width
    SMALL = "liten"
    REPORT = "rapport"  # an A4 text column
    WIDE = "bred"
    PRESENTATION = "presentasjon"  # a 16:9 slide
    SQUARE = "kvadrat"  # social media


SIZES: dict[SizePreset, tuple[int | Literal["container"], int]] = {
    SizePreset.SCREEN: ("container", 320),
    SizePreset.SMALL: (420, 260),
    SizePreset.REPORT: (640, 360),
    SizePreset.WIDE: (960, 480),
    SizePreset.PRESENTATION: (800, 420),
    SizePreset.SQUARE: (480, 420),
}
SIZE_LABELS: Mapping[SizePreset, str] = Glossary(
    {
        SizePreset.SCREEN: N_("Tilpasset skjermen"),
        SizePreset.REPORT: N_("Rapport (A4-bredde)"),
        SizePreset.PRESENTATION: N_("Presentasjon (16:9)"),
        SizePreset.SQUARE: N_("Kvadrat (sosiale medier)"),
        SizePreset.SMALL: N_("Liten"),
        SizePreset.WIDE: N_("Bred"),
    }
)

# Significance categories: colour (blue = better, orange = worse: safe for red-green deficiency),
# and a text label, because colour is never the only carrier of meaning.
SIGNIFICANCE_STYLE: Mapping[str, tuple[str, str]] = MarkedGlossary(
    {
        "much_better": ("#08519C", N_("Mye bedre")),
        "better": ("#6BAED6", N_("Bedre")),
        "similar": ("#F2F2F2", N_("Ikke signifikant forskjellig")),
        "worse": ("#FDAE6B", N_("Dårligere")),
        "much_worse": ("#D94801", N_("Mye dårligere")),
        "lower": ("#C6DBEF", N_("Lavere")),
        "higher": ("#2171B5", N_("Høyere")),
        "not_compared": ("#BDBDBD", N_("Ikke sammenlignet")),
    }
)


# Said on every figure with demo values; no edit of the titles can remove it.
SYNTHETIC_MARK = N_("Syntetiske demotall")  # translated at use


@dataclass(frozen=True, slots=True)
class ChartOptions:
    highlight: tuple[
        str, ...
    ] = ()  # region codes drawn with emphasis (the reader's own area first)
    palette: Palette = Palette.OKABE_ITO
    title: str | None = None  # None: the builder's default title
    subtitle: str | None = None
    note: str | None = None  # footnote, e.g. the source line
    intervals: Literal["vis", "skjul"] = "vis"
    # "valgte": grey out areas that are not highlighted; "skjul": leave them out (see docs/takeaway.md)
    focus: Literal["alle", "valgte", "skjul"] = "alle"
    classification: Classification = Classification.QUANTILES
    classes: int = 5
    size: SizePreset = SizePreset.SCREEN
    extra: tuple[tuple[str, str], ...] = field(default=())  # free key/values for later options
    accent: str | None = None  # colour of the highlighted area (an ``ACCENTS`` key), else palette's

    def with_defaults(
        self,
        title: str,
        subtitle: str,
        note: str | None,
        keep: Sequence[str] = (),
        *,
        synthetic: bool,
    ) -> ChartOptions:
        """Fill in the titles the reader left empty.

        ``keep`` are the parts of the default subtitle no edit may remove (the unit); a figure of
        ``synthetic`` numbers ends its subtitle with «Syntetiske demotall», which is kept too. A
        reader's own subtitle gets them appended, so a figure taken away never loses its unit or
        hides that its numbers are synthetic.
        """
        if synthetic:
            mark = _(SYNTHETIC_MARK)
            subtitle, keep = f"{subtitle} · {mark}", [*keep, mark]
        if self.subtitle is None:
            chosen = subtitle
        else:
            kept = [part for part in keep if part and part.lower() not in self.subtitle.lower()]
            chosen = " · ".join([self.subtitle, *kept])
        return replace(
            self,
            title=self.title or title,
            subtitle=chosen,
            note=self.note if self.note is not None else note,
        )

    @property
    def show_intervals(self) -> bool:
        return self.intervals == "vis"

    @property
    def highlight_colour(self) -> str:
        """The colour of the highlighted area: the reader's pick, else the palette's first."""
        if self.accent is not None and self.accent in ACCENTS:
            return ACCENTS[self.accent][0]
        return CATEGORICAL[self.palette][0]

    @property
    def greys_others(self) -> bool:
        return self.focus != "alle" and bool(self.highlight)


def parse_options(params: dict[str, str], highlight: tuple[str, ...] = ()) -> ChartOptions:
    """Options from URL parameters (``palett``, ``tittel``, ``intervall`` …).

    Bad values fall back to the defaults: a mistyped option should not cost the reader the page.
    ``fremhev`` (comma-separated codes) replaces the default highlight (the own area) when present,
    also when empty: the editor's checkboxes send an empty value so "highlight none" is possible.
    """

    def pick(enum: type[StrEnum], key: str, default: StrEnum) -> Any:
        try:
            return enum(params.get(key, default.value))
        except ValueError:
            return default

    try:
        classes = min(7, max(3, int(params.get("klasser", "5"))))
    except ValueError:
        classes = 5
    if "fremhev" in params:
        chosen = (c.strip() for c in params["fremhev"].split(","))
        highlight = tuple(dict.fromkeys(c for c in chosen if c.isdigit() and len(c) <= 6))
    focus = params.get("fokus")
    return ChartOptions(
        highlight=highlight,
        palette=pick(Palette, "palett", Palette.OKABE_ITO),
        title=_reader_text(params.get("tittel")),
        subtitle=_reader_text(params.get("undertittel")),
        note=_reader_text(params.get("note")),
        intervals="skjul" if params.get("intervall") == "skjul" else "vis",
        focus="valgte" if focus == "valgte" else "skjul" if focus == "skjul" else "alle",
        classification=pick(Classification, "klassifisering", Classification.QUANTILES),
        classes=classes,
        size=pick(SizePreset, "storrelse", SizePreset.SCREEN),
        accent=params.get("uthevfarge") if params.get("uthevfarge") in ACCENTS else None,
    )


def _reader_text(text: str | None) -> str | None:
    """A text field the reader typed, safe to draw; empty (or nothing left) means the default."""
    return printable(text) or None if text else None


def number_format(decimals: int) -> str:
    """d3 format with thousands grouping and fixed decimals (rendered with the Norwegian locale)."""
    return f",.{max(0, decimals)}f"


def frame(spec: Spec, options: ChartOptions, description: str, marks: Sequence[str] = ()) -> Spec:
    """Wrap a chart body with schema, size, titles, note, locale and the shared style.

    ``marks`` explain what the chart draws differently (a break, hollow points); they stand under
    the subtitle, so no download or report figure loses them.
    """
    width, height = SIZES[options.size]
    # The note travels in the subtitle so it survives into PNG/SVG/PDF downloads.
    # Every text the figure carries passes one sanitiser, whether the reader typed it or a source
    # named it (a region or indicator name): one control character would abort vl-convert.
    subtitle = [
        printable(line) for line in (*_lines(options.subtitle), *marks, *_lines(options.note))
    ]
    title: dict[str, Any] = {"text": printable(options.title or ""), "anchor": "start"}
    if subtitle:
        title["subtitle"] = subtitle
    for layer in spec.get("layer", []):
        # Marks stay out of the accessibility tree: the chart is one image named by its summary.
        if isinstance(layer.get("mark"), dict):
            layer["mark"]["aria"] = False
    return {
        "$schema": SCHEMA,
        "description": printable(description, limit=None),  # becomes the SVG's aria-label
        "title": title,
        "width": width,
        "height": height,
        "autosize": {"type": "fit", "contains": "padding"}
        if width == "container"
        else {"type": "pad"},
        **spec,
        "config": config(),
    }


def subtitle_lines(spec: Spec) -> list[str]:
    """The subtitle lines ``frame`` gave a chart (its unit, marks and note), as written."""
    title = spec.get("title")
    return [str(line) for line in _lines(title.get("subtitle"))] if isinstance(title, dict) else []


def _lines(text: Any) -> list[str]:
    if not text:
        return []
    return list(text) if isinstance(text, list) else [str(text)]


def config() -> Spec:
    return {
        # d3-format locale of the request's language: decimal comma and no-break space thousands
        # in bokmål and nynorsk (a plain space could wrap), point and comma in English.
        "locale": {"number": language.d3_number_locale()},
        # The chart is one image described by its summary (and its table); per-mark ARIA roles
        # without names would only add noise for screen readers.
        "aria": False,
        "font": FONT,
        "background": "#ffffff",
        "view": {"stroke": None},
        "axis": {
            "labelFontSize": 12,
            "titleFontSize": 12,
            "labelColor": "#1E2B3C",
            "titleColor": "#1E2B3C",
            "gridColor": "#E3E6EA",
        },
        "legend": {"labelFontSize": 12, "titleFontSize": 12, "orient": "bottom", "labelLimit": 260},
        "title": {"fontSize": 16, "subtitleFontSize": 12, "subtitleColor": "#4B5563"},
        "text": {"font": FONT},
    }


# The fields that carry what a chart draws (series and maps: verdi; scatter: x, y; index: indeks).
VALUE_FIELDS = ("verdi", "x", "y", "indeks")


def drawable(spec: Spec) -> bool:
    """False when the chart would draw nothing: its rows carry value fields and none has a number.

    Vega draws such a chart as empty axes (and warns of an infinite extent); the page shows a
    sentence instead. A chart whose rows carry no value field (a heat table, a map) always draws.
    """
    rows = (spec.get("data") or {}).get("values")
    if not isinstance(rows, list):
        return True
    if not rows:
        return False  # an area without a single row for this indicator (e.g. no data offline)
    seen_field = False
    for row in rows:
        for name in VALUE_FIELDS:
            if name in row:
                seen_field = True
                value = row[name]
                if isinstance(value, int | float) and value == value and abs(value) != float("inf"):
                    return True
    return not seen_field
