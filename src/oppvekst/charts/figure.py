"""A chart dressed for taking away: title and subtitle above, source and context burned in below.

A figure pasted into a plan must carry its own provenance, so the downloaded image holds — besides
the chart the page shows — the source line ("Kilde: SSB, tabell 08764"), the indicator's definition,
the reader's note, the date of the data and the portal address of the view. The chart itself is
the page's spec, untouched except for its size: :func:`figure` wraps it in a ``vconcat`` with one
text chart below it, so there is only one drawing code (Vega-Lite) for screen and file.

Sizes are whole-image sizes in CSS pixels at scale 1 (``FIGURE_SIZES``); :mod:`oppvekst.charts.render`
fits the chart's plot area so the image comes out at exactly that size.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import Any

from oppvekst.charts.options import SizePreset, Spec
from oppvekst.language import _

# Whole image at scale 1 (scale 2 doubles both). Report: a 16 cm A4 text column at ~100 dpi, so
# the 12 px labels print at about 8 pt; presentation: 1920 × 1080 at scale 2; square: 1080 × 1080.
FIGURE_SIZES: dict[SizePreset, tuple[int, int]] = {
    SizePreset.SCREEN: (680, 440),
    SizePreset.REPORT: (680, 440),
    SizePreset.SMALL: (480, 320),
    SizePreset.WIDE: (960, 480),
    SizePreset.PRESENTATION: (960, 540),
    SizePreset.SQUARE: (540, 540),
}
PADDING = 12
SPACING = 14
FOOTER_FONT = 11
FOOTER_LINE = 15
TITLE_FONT = 16
SUBTITLE_FONT = 12
# Average glyph width as a share of the font size for the sans-serif fonts we render with; used
# only to wrap lines before Vega sees them (Vega does not wrap text itself).
GLYPH = 0.56
FOOTER_GLYPH = 0.6  # addresses are dense: wrap them a little earlier
LEGEND_CHANNELS = ("color", "fill", "stroke", "shape", "size", "opacity", "strokeWidth")
# "params": a chart's variables (the bar chart's highlighted names) are signals of the whole
# figure; Vega-Lite allows them only at the top.
TOP_LEVEL = (
    "$schema",
    "description",
    "title",
    "config",
    "autosize",
    "usermeta",
    "padding",
    "params",
)


@dataclass(frozen=True, slots=True)
class Footer:
    """What is printed under the chart. Every field is plain text (Vega escapes it in SVG)."""

    source: str  # "Kilde: Statistisk sentralbyrå (SSB), tabell 08764"
    definition: str | None = None
    note: str | None = None  # the reader's own note
    data_date: str | None = None  # "Tall hentet 26.11.2026"
    url: str | None = None  # the portal address of this view

    def lines(self, width_px: int) -> list[tuple[str, str]]:
        """(text, style) per printed line, wrapped to the width."""
        chars = max(20, int(width_px / (FOOTER_FONT * FOOTER_GLYPH)))
        out: list[tuple[str, str]] = []

        def add(text: str | None, style: str, *, long_words: bool = False) -> None:
            if text:
                for line in textwrap.wrap(text, chars, break_long_words=long_words) or [text]:
                    out.append((line, style))

        add(self.note, "note")
        add(
            _("Definisjon: {text}").format(text=self.definition) if self.definition else None,
            "muted",
        )
        add(self.source + (f" · {self.data_date}" if self.data_date else ""), "source")
        add(self.url, "muted", long_words=True)
        return out


def _wrap(text: str, width_px: int, font: int) -> list[str]:
    return textwrap.wrap(text, max(12, int(width_px / (font * GLYPH)))) or [text]


def figure(spec: Spec, footer: Footer, size: tuple[int, int]) -> Spec:
    """The chart with its title on top and the footer below, aiming at ``size`` (width, height).

    The chart's plot area starts at a first guess; ``render.fit`` corrects it after one layout pass.
    """
    width, height = size
    inner = width - 2 * PADDING
    title: dict[str, Any] = dict(spec.get("title") or {})
    subtitle = title.get("subtitle") or []
    subtitle_lines = [subtitle] if isinstance(subtitle, str) else list(subtitle)
    title_lines = _wrap(str(title.get("text") or ""), inner, TITLE_FONT)
    wrapped_sub = [w for line in subtitle_lines for w in _wrap(str(line), inner, SUBTITLE_FONT)]
    title.update(text=title_lines, anchor="start", limit=inner)
    if wrapped_sub:
        title["subtitle"] = wrapped_sub
    lines = footer.lines(inner)
    chart = {k: v for k, v in spec.items() if k not in TOP_LEVEL}
    header_h = len(title_lines) * 20 + len(wrapped_sub) * 16 + 12
    footer_h = len(lines) * FOOTER_LINE
    chart["width"] = max(120, inner - 120)
    chart["height"] = max(80, height - 2 * PADDING - header_h - footer_h - SPACING - 100)
    footer_chart: Spec = {
        "data": {
            "values": [
                {"tekst": t, "stil": s, "y": i * FOOTER_LINE} for i, (t, s) in enumerate(lines)
            ]
        },
        "mark": {
            "type": "text",
            "align": "left",
            "baseline": "top",
            "fontSize": FOOTER_FONT,
            "aria": False,
        },
        "encoding": {
            "x": {"value": 0},
            "y": {"field": "y", "type": "quantitative", "scale": None},
            "text": {"field": "tekst"},
            "color": {
                "condition": {"test": "datum.stil == 'source'", "value": "#1E2B3C"},
                "value": "#4B5563",
            },
            "fontWeight": {
                "condition": {"test": "datum.stil == 'source'", "value": "bold"},
                "value": "normal",
            },
        },
        "width": inner,
        "height": max(1, footer_h),
    }
    return {
        "$schema": spec.get("$schema"),
        "description": spec.get("description", ""),
        "title": title,
        "padding": PADDING,
        "autosize": {"type": "pad"},
        "spacing": SPACING,
        "vconcat": [chart, footer_chart],
        # Keep the chart's legends beside the chart (concat would lift them below the footer).
        "resolve": {
            "scale": {c: "independent" for c in LEGEND_CHANNELS},
            "legend": {c: "independent" for c in LEGEND_CHANNELS},
        },
        "config": spec.get("config", {}),
        **({"params": spec["params"]} if spec.get("params") else {}),
    }
