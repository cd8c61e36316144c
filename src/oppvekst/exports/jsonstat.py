"""JSON-stat 2.0 downloads (https://json-stat.org/full/), as the reference toolkit reads them.

Dimensions: indicator × region × period × the breakdowns (sex, age, background, grade), in that
order, always all of them (a breakdown not asked for has the one category ``total``, so it does
not change a cell's flat index); every category has its Norwegian label (the region's name, «0–5
år», «I alt»). ``value`` is dense and row-major (last dimension fastest) with ``null`` where a cell
has no value; ``status`` (object keyed by flat index) holds a symbol only on the cells that have
one — SSB's symbols, the source's ``*``, and ".." on a cell of the grid the answer has no row for.
The metric carries unit and decimals; ``href`` is the request and ``link.alternate`` the
indicators' pages. Every other column of the answer (counts, interval limits, flags, source,
provenance and any comparison) is kept per cell in ``extension.cells``, so the document carries
exactly the columns of the JSON rows; ``note`` and ``extension.tegnforklaring`` are the legend.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import numpy as np
import pandas as pd

from oppvekst.exports import COLUMNS, SYNTHETIC_WARNING, Download
from oppvekst.exports.legend import LEGEND
from oppvekst.exports.metadata import indicator_metadata, legend
from oppvekst.glossary import N_, Glossary
from oppvekst.language import _
from oppvekst.snapshot.table import BREAKDOWNS, NOT_PUBLISHED
from oppvekst.views.bank import category_label
from oppvekst.views.indicator import category_rank

_DIMENSION_LABELS: Mapping[str, str] = Glossary(
    {
        "indicator_id": N_("Indikator"),
        "region": N_("Region"),
        "period": N_("Tid"),
        "sex": N_("Kjønn"),
        "age": N_("Alder"),
        "background": N_("Bakgrunn"),
        "grade": N_("Trinn"),
    }
)
# (column, dimension id, label); the dimension ids are the download labels, but time is "tid".
# The label is read in the reader's language when a file is written (``_DIMENSION_LABELS``).
DIMENSIONS = tuple(
    (column, "tid" if column == "period" else COLUMNS[column], _DIMENSION_LABELS[column])
    for column in ("indicator_id", "region", "period", *BREAKDOWNS)
)
# Columns that are a dimension, the value and its symbol, or a label: not repeated per cell.
NOT_PER_CELL = frozenset({*(d[0] for d in DIMENSIONS), "value", "status", "region_name"})


def _clean(x: Any) -> Any:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return None
    if isinstance(x, np.generic):
        return x.item()
    return x


def to_jsonstat(download: Download) -> dict[str, Any]:
    obs = download.rows
    names = {ind.id: ind.title for ind in download.indicators}
    dims: list[tuple[str, str, str, list[str]]] = []
    for column, dim_id, _label in DIMENSIONS:
        label = _DIMENSION_LABELS[column]
        codes = list(dict.fromkeys(obs[column].astype(str))) if len(obs) else []
        if column == "period" and "period_end" in obs:
            order = obs.drop_duplicates("period").sort_values(["period_end", "period"])
            codes = order["period"].astype(str).tolist()
        elif column in BREAKDOWNS:
            # The groups in the catalogue's reading order, as every table and chart has them
            # (not the order the rows happen to come in).
            ranks = {c: category_rank(column, c) for c in codes}
            codes = sorted(codes, key=ranks.__getitem__)
        dims.append((column, dim_id, label, codes))
    sizes = [len(d[3]) for d in dims]
    total = int(np.prod(sizes)) if sizes else 0
    strides = [int(np.prod(sizes[i + 1 :])) for i in range(len(sizes))]
    positions = np.zeros(len(obs), dtype=np.int64)
    for (column, _dim_id, _label, codes), stride in zip(dims, strides, strict=True):
        lookup = {c: i for i, c in enumerate(codes)}
        positions += obs[column].astype(str).map(lookup).to_numpy(dtype=np.int64) * stride
    values: list[Any] = [None] * total
    status: dict[str, str] = {}
    extension_cells: dict[str, dict[str, Any]] = {}
    per_cell = [c for c in download.columns if c not in NOT_PER_CELL]
    for pos, row in zip(positions.tolist(), obs.to_dict("records"), strict=True):
        values[pos] = _clean(row["value"])
        if isinstance(row.get("status"), str) and row["status"]:
            status[str(pos)] = row["status"]
        extras = {k: _clean(row[k]) for k in per_cell if _clean(row[k]) is not None}
        if extras:
            extension_cells[str(pos)] = extras
    # A cell of the grid without a row of the answer: no figure exists for it.
    answered = set(positions.tolist())
    status.update({str(pos): NOT_PUBLISHED for pos in range(total) if pos not in answered})
    status = dict(sorted(status.items(), key=lambda item: int(item[0])))
    region_names = dict(
        zip(obs["region"].astype(str), obs.get("region_name", obs["region"]), strict=True)
    )
    dimension: dict[str, Any] = {}
    for column, dim_id, label, codes in dims:
        labels = {c: category_label(column, c) for c in codes}
        if column == "indicator_id":
            labels = {c: names.get(c, c) for c in codes}
        elif column == "region":
            labels = {c: str(region_names.get(c, c)) for c in codes}
        category: dict[str, Any] = {"index": {c: i for i, c in enumerate(codes)}, "label": labels}
        if column == "indicator_id":
            category["unit"] = {
                ind.id: {"label": ind.unit, "decimals": ind.decimals}
                for ind in download.indicators
                if ind.id in labels
            }
        dimension[dim_id] = {"label": label, "category": category}
    sources = sorted({ind.attribution for ind in download.indicators})
    notes = [
        *([_(SYNTHETIC_WARNING)] if download.synthetic else []),
        *(f"{entry.key}: {entry.label}" for entry in LEGEND),
    ]
    document: dict[str, Any] = {
        "version": "2.0",
        "class": "dataset",
        "href": download.url,
        "label": "Oppvekststatus: " + ", ".join(names.get(i, i) for i in dims[0][3])
        if dims
        else "",
        "source": "; ".join(sources),
        "updated": download.built_at,
        "id": [d[1] for d in dims],
        "size": sizes,
        "role": {"time": ["tid"], "geo": ["region"], "metric": ["indikator"]},
        "dimension": dimension,
        "value": values,
        "status": status,
        "note": notes,
        "extension": {
            "snapshot": download.snapshot_id,
            "url": download.url,
            "indikatorer": indicator_metadata(download),
            "tegnforklaring": legend(),
            "cells": extension_cells,
        },
    }
    links = _links(download, dims[0][3] if dims else [])
    if links:
        document["link"] = links
    return document


def _links(download: Download, indicator_ids: list[str]) -> dict[str, list[dict[str, str]]]:
    """``self``: the request; ``alternate``: each indicator's page on the portal (HTML)."""
    if not download.url:
        return {}
    parts = urlsplit(download.url)
    base = f"{parts.scheme}://{parts.netloc}"
    return {
        "self": [{"type": "application/json", "href": download.url}],
        "alternate": [
            {"type": "text/html", "href": f"{base}/indikator/{i}"} for i in indicator_ids
        ],
    }


def frame_from_jsonstat(doc: dict[str, Any]) -> pd.DataFrame:
    """Read one of our JSON-stat documents back (used by tests and the docs' examples)."""
    ids: list[str] = doc["id"]
    codes = [list(doc["dimension"][d]["category"]["index"]) for d in ids]
    grid = pd.MultiIndex.from_product(codes, names=ids).to_frame(index=False)
    grid["value"] = doc["value"]
    return grid
