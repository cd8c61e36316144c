"""The addresses a chart offers: its data downloads, images, embeds and permalinks.

Images and embeds (``web.takeaway``) take the page's own query, so a link made here always shows
the chart on the page; data links go to the open-data API (``/api/v1/data``) for the same data.
"""

from __future__ import annotations

import html
from typing import Any
from urllib.parse import urlencode

from fastapi import Request

from oppvekst import language
from oppvekst.exports.formats import DOWNLOADS
from oppvekst.language import _
from oppvekst.views import indicator as iv
from oppvekst.views import maps
from oppvekst.web.inputs import WRONG_ENTRY, WRONG_FIELD

# Query keys that do not change the chart (page furniture), left out of images and embeds.
# Parameters that act once (add an area, the image scale, a wrong entry's message), not chart state.
NOT_CHART = ("leggtil", "leggtilsett", "leggtilindikator", "skala", WRONG_FIELD, WRONG_ENTRY)


def takeaway_links(request: Request, title: str, pinned: dict[str, Any] | None) -> dict[str, Any]:
    """Download, embed and permalink addresses of the chart on this page.

    ``pinned`` holds the period parameters that freeze the view (``periode=2015,…,2024``); the
    living view drops them, so it picks up new periods when the data are updated. None: the page
    has no frozen form (the heat table always shows each cell's latest value).
    """
    current = [(k, v) for k, v in request.query_params.multi_items() if k not in NOT_CHART]
    path = request.url.path
    # Images, embeds and permalinks in the page's language (its charts' titles and axes too).
    base = str(request.base_url).rstrip("/") + language.prefix()

    def address(prefix: str, suffix: str, items: list[tuple[str, str]]) -> str:
        return prefix + path + suffix + ("?" + urlencode(items, safe=",") if items else "")

    living = [(k, v) for k, v in current if not pinned or k not in pinned]
    frozen = living + [(k, str(v)) for k, v in (pinned or {}).items() if v]
    views = {"levende": living, **({"fast": frozen} if pinned is not None else {})}
    images: list[tuple[str, str, list[tuple[str, str]]]] = [
        ("PNG", "png", current),
        (_("PNG, dobbel oppløsning (skarp i rapporter)"), "png", [*current, ("skala", "2")]),
        (_("SVG (vektor, kan redigeres)"), "svg", current),
        ("PDF", "pdf", current),
    ]
    return {
        "title": title,
        "images": [(label, address("", f"/bilde.{fmt}", items)) for label, fmt, items in images],
        "embeds": {
            name: {
                "embed": base + address("/embed", "", items),
                "permalink": base + address("", "", items),
                "snippet": (
                    f'<iframe src="{html.escape(base + address("/embed", "", items))}" '
                    f'title="{html.escape(title)}" width="100%" height="560" '
                    'style="border:0" loading="lazy"></iframe>'
                ),
            }
            for name, items in views.items()
        },
        "pinned": pinned,
    }


# --- Data downloads -----------------------------------------------------------------------------
# (key, label, address); the key becomes the link's ``data-format``.
DataLink = tuple[str, str, str]


def _api(query: dict[str, str], fmt: str) -> str:
    """The API's download of ``query``: in the page's language, not the browser's (the API takes
    its language from ``lang=`` or Accept-Language; a reader of /en/ wants the English file)."""
    lang = language.current()
    chosen = {} if lang is language.DEFAULT else {"lang": lang.value}
    return "/api/v1/data?" + urlencode({**query, "format": fmt, **chosen})


def _each_format(query: dict[str, str], label: str, key_prefix: str = "") -> list[DataLink]:
    """One link per format, the format's name in brackets after ``label``."""
    return [(key_prefix + f.key, f"{label} ({f.name})", _api(query, f.key)) for f in DOWNLOADS]


def series_downloads(
    indicator_id: str, series: iv.IndicatorSeries, breakdown: dict[str, str]
) -> list[DataLink]:
    base = {"indicator": indicator_id, "region": ",".join(a.code for a in series.areas)}
    if series.periods:
        base["period"] = ",".join(series.periods)
    base.update(breakdown)
    return [(f.key, _(f.label), _api(base, f.key)) for f in DOWNLOADS]


def full_downloads(indicator_id: str) -> list[DataLink]:
    return _each_format(
        {"indicator": indicator_id}, _("Hele indikatoren, alle områder og perioder"), "alle-"
    )


def map_downloads(
    indicator_id: str, values: maps.MapValues, breakdown: dict[str, str]
) -> list[DataLink]:
    base = {
        "indicator": indicator_id,
        "region": ",".join(r.code for r in values.rows),
        "period": values.period,
        **breakdown,
    }
    return _each_format(base, _("Kartets tall, {period}").format(period=values.period))


def selection_downloads(ids: list[str], codes: list[str] | None) -> list[DataLink]:
    base = {"indicator": ",".join(ids)}
    if codes:
        base["region"] = ",".join(codes)
    what = (
        _("Indikatorene for de valgte områdene, alle perioder")
        if codes
        else _("Indikatorene for alle kommuner, alle perioder")
    )
    return _each_format(base, what)
