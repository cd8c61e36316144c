"""Downloads: the same observations as CSV, XLSX, JSON-stat 2.0 and Parquet, with metadata.

A ``Download`` is what the person selected (observations + the indicators' records + the snapshot's
identity); each writer renders it. Every download says where the numbers come from, and says so
loudly wherever synthetic demo values are included.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from oppvekst.catalog.schema import Indicator

SYMBOL_TEXTS = {
    ":": "Skjult av personvernhensyn (for få personer bak tallet)",
    "..": "Tallgrunnlag mangler",
    ".": "Tall kan ikke forekomme",
    "...": "Oppgave mangler foreløpig",
    "*": "Skjermet av kilden",
}
SYNTHETIC_WARNING = (
    "ADVARSEL: Uttrekket inneholder SYNTETISKE DEMOTALL (kilde «Syntetiske demotall»). "
    "De er laget for utvikling og test og er ikke statistikk."
)

# Column names in downloads (Norwegian, stable: part of the download contract).
COLUMNS = {
    "indicator_id": "indikator",
    "region": "region",
    "region_name": "regionnavn",
    "period": "periode",
    "sex": "kjonn",
    "age": "alder",
    "background": "bakgrunn",
    "grade": "trinn",
    "value": "verdi",
    "numerator": "teller",
    "denominator": "nevner",
    "lower95": "nedre_95",
    "upper95": "ovre_95",
    "lower998": "nedre_998",
    "upper998": "ovre_998",
    "status": "symbol",
    "flags": "merknad",
    "source": "kilde",
    "synthetic": "syntetisk",
}


@dataclass(frozen=True)
class Download:
    observations: pd.DataFrame  # snapshot columns + region_name + source
    indicators: tuple[Indicator, ...]
    snapshot_id: str
    built_at: str
    url: str = ""
    title: str = ""  # what the download is, e.g. a package for an area (metadata sheet)

    @property
    def synthetic(self) -> bool:
        return bool(len(self.observations)) and bool(self.observations["synthetic"].any())

    def table(self) -> pd.DataFrame:
        """The observations with download column names, in a fixed order."""
        present = [c for c in COLUMNS if c in self.observations.columns]
        return self.observations[present].rename(columns=COLUMNS)
