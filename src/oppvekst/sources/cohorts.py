"""Cohort sizes of the 2019 kommuner and fylker: the weights of their shares when they merge.

A 5-year average share of a kommune formed by a merger is the mean of its old kommuner's shares
weighted by their cohorts (the children the shares are of). No file in ``shared/data`` counts
children by single age on the 2019 borders: SSB's population by age is there on 2024 borders only,
where the old kommuner are already summed. The nearest real count on old borders is IMDi's number
of all children aged 1–5 per kommune in 2013 (from SSB's population statistics, 428 kommuner, none
suppressed). It is used as the cohort *proxy*: only the relative size of the merging kommuner
matters, and that changes slowly. Its 2013 codes are followed to 2019 codes along csdata's kommune
history (the 2017/2018 mergers such as Sandefjord, Larvik, Færder and Indre Fosen, and Trøndelag's
new numbers); a fylke's weight is the sum of its kommuner's.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

from oppvekst.errors import MalformedResponse

CHILDREN_2013 = "stats/imdi_imdikator_2013/imdikator_barnehagedeltakelse_2013.csv"
LOCATIONS = "correspondence/csdata_norway_locations_1838-2024.csv"
PROXY_NOTE = "barn 1–5 år i 2013 (IMDi, fra SSB), ført til 2019-kommunene"
_COUNTED_YEAR = 2013


def cohort_weights(root: Path, year: int = 2019) -> dict[str, float]:
    """Children aged 1–5 in 2013, per kommune and fylke code valid on 1 January ``year``."""
    children = _children_2013(root / CHILDREN_2013)
    history = _History.read(root / LOCATIONS)
    weights: dict[str, float] = defaultdict(float)
    for code, count in children.items():
        for successor, share in history.on(code, _COUNTED_YEAR, year):
            weights[successor] += count * share
    fylker: dict[str, float] = defaultdict(float)
    for code, weight in weights.items():
        fylker[code[:2]] += weight
    return {**weights, **fylker}


def _children_2013(path: Path) -> dict[str, float]:
    if not path.is_file():
        raise MalformedResponse(f"Fant ikke {path}.", hint="Kjør med --mirror mot shared/data.")
    counts: dict[str, float] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            # All children 1–5 living in the kommune (not only those in kindergarten).
            wanted = (row["barnikommune"], row["bhgalder"], row["enhet"]) == (
                "alle",
                "1_5",
                "personer",
            )
            if wanted and row["kommune_nr"] != "NULL" and row["tabellvariabel"].isdigit():
                counts[row["kommune_nr"]] = float(row["tabellvariabel"])
    if not counts:
        raise MalformedResponse(f"{path.name} har ingen tall for alle barn 1–5 år per kommune.")
    return counts


class _History:
    """csdata's kommune table: each code's years of validity and the code(s) it went on to."""

    def __init__(self, spans: dict[str, list[tuple[int, int, str, float]]]) -> None:
        self._spans = spans

    @classmethod
    def read(cls, path: Path) -> _History:
        spans: dict[str, list[tuple[int, int, str, float]]] = defaultdict(list)
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                code = row["municip_code"].removeprefix("municip_nor")
                end = int(row["year_end"]) if row["year_end"] else 9999
                successor = row["municip_code_end"].removeprefix("municip_nor")
                share = float(row["weighting"]) if row["weighting"] else 1.0
                spans[code].append((int(row["year_start"]), end, successor, share))
        return cls(spans)

    def on(self, code: str, since: int, year: int) -> list[tuple[str, float]]:
        """The code(s) that ``code`` of ``since`` had in ``year``, with the share that went on."""
        spans = self._spans.get(code, [])
        rows = [span for span in spans if span[0] <= since <= span[1]]
        if not rows:
            # IMDi's 2013 file still writes Harstad as 1901, the code that ended with 2012:
            # a code retired shortly before ``since`` is followed from where it ended.
            ended = [span[1] for span in spans if span[1] < since]
            rows = [span for span in spans if ended and span[1] == max(ended)]
            if not rows:
                return []
            since = rows[0][1]
        if year <= rows[0][1]:
            return [(code, 1.0)]
        out: list[tuple[str, float]] = []
        for _, last, successor, share in rows:
            out += [(c, share * w) for c, w in self.on(successor, last + 1, year)]
        return out
