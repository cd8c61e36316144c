"""A download's description for the files that carry it beside the data (Parquet's schema
metadata, JSON-stat's extension): where the numbers come from, their units and precision, the
columns and the legend of symbols and flags — the same words as the workbook's metadata sheet.
The keys and the column names are a stable contract (bokmål keys, field names); the texts are in
the reader's language.
"""

from __future__ import annotations

from typing import Any

from oppvekst.exports import ALL_COLUMNS, SYNTHETIC_WARNING, Download
from oppvekst.exports.legend import LEGEND
from oppvekst.language import _


def indicator_metadata(download: Download) -> dict[str, dict[str, Any]]:
    return {
        ind.id: {
            "tittel": ind.title,
            "enhet": ind.unit,
            "desimaler": ind.decimals,
            "kilde": f"{ind.source.publisher}: {ind.source.title}",
            "tabell": ind.source.table,
            "lisens": ind.licence,
            "kreditering": ind.attribution,
        }
        for ind in download.indicators
    }


def legend() -> dict[str, dict[str, str]]:
    """Symbol → meaning and flag → meaning, as every file's legend gives them."""
    out: dict[str, dict[str, str]] = {}
    for entry in LEGEND:
        out.setdefault(entry.kind, {})[entry.key] = entry.label
    return out


def parquet_metadata(download: Download) -> dict[str, Any]:
    """The ``oppvekst`` key of the Parquet file's schema metadata (JSON)."""
    carried = set(download.columns)
    return {
        "uttrekk_fra": "Oppvekststatus",
        "datasamling": download.snapshot_id,
        "bygget": download.built_at,
        "adresse": download.url,
        **({"advarsel": _(SYNTHETIC_WARNING)} if download.synthetic else {}),
        "presisjon": _("Full presisjon (double); siden viser verdien med indikatorens desimaler"),
        "indikatorer": indicator_metadata(download),
        "kolonner": {
            c.name: {"type": c.type.value, "beskrivelse": c.described}
            for c in ALL_COLUMNS
            if c.name in carried
        },
        "tegnforklaring": legend(),
    }
