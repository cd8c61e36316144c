"""Every JSON-stat answer as the reference toolkit (jsonstat-toolkit 2.2.2 on Node) reads it:
``toTable`` equals the JSON rows cell by cell, ``status`` only where a cell has a symbol, flags
carried, every category labelled, roles, unit and decimals on the metric, links to the request and
the indicators' pages, and the legend in ``note``."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from oppvekst.exports import COLUMNS
from oppvekst.snapshot.store import Store
from oppvekst.snapshot.table import BREAKDOWNS, FLAG_LABELS, SYMBOL_LABELS

from .selections import SELECTIONS, download, json_rows, url

# The dimensions' ids: the download labels, but time is "tid" (JSON-stat's convention).
DIMENSIONS = {
    "indikator": "indicator_id",
    "region": "region",
    "tid": "period",
    **{COLUMNS[b]: b for b in BREAKDOWNS},
}
# The example: one symbol in the selection gave every ordinary cell the status "nan".
ONE_SYMBOL = "indicator=nasjonale-prover-lesing-5&region=0301,1144"


@pytest.fixture(scope="module")
def read(
    client: TestClient,
    jsonstat_toolkit: Callable[[Sequence[Path]], list[dict[str, Any]]],
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, tuple[dict[str, Any], list[dict[str, Any]]]]:
    """Per selection: what the toolkit read, and the JSON rows (one Node run for all)."""
    folder = tmp_path_factory.mktemp("jsonstat")
    files = []
    for name in SELECTIONS:
        files.append(folder / f"{name}.json")
        files[-1].write_bytes(download(client, name, "jsonstat2"))
    files.append(folder / "en-prikk.json")
    files[-1].write_bytes(client.get(f"/api/v1/data?{ONE_SYMBOL}&format=jsonstat2").content)
    read = jsonstat_toolkit(files)
    answers = {name: (read[i], json_rows(client, name)) for i, name in enumerate(SELECTIONS)}
    rows = client.get(f"/api/v1/data?{ONE_SYMBOL}").json()["rows"]
    answers["en-prikk"] = (read[-1], rows)
    return answers


def _key(row: dict[str, Any]) -> tuple[str, ...]:
    return tuple(str(row[column]) for column in DIMENSIONS.values())


@pytest.mark.parametrize("selection", [*SELECTIONS, "en-prikk"])
def test_to_table_equals_the_json_answer(read: dict[str, Any], selection: str) -> None:
    seen, rows = read[selection]
    assert seen["version"] == "2.2.2"
    by_key = {_key(row): row for row in rows}
    table = seen["rows"]
    sizes = [len(d["categories"]) for d in seen["dimensions"].values()]
    assert len(table) == math.prod(sizes)
    matched = 0
    for position, cell in enumerate(table):
        key = tuple(str(cell[d]) for d in DIMENSIONS)
        row = by_key.get(key)
        if row is None:
            # A cell of the grid the answer has no row for: no figure, and it says so.
            assert (cell["value"], cell["status"]) == (None, ".."), key
            continue
        matched += 1
        assert cell["value"] == row["value"], key  # full precision
        assert cell["status"] == row["status"], key  # a symbol, or nothing at all (never "nan")
        carried = seen["extension"]["cells"].get(str(position), {})
        assert carried.get("flags") == row["flags"], key
    assert matched == len(rows)


def test_one_symbol_leaves_the_other_cells_without_status(read: dict[str, Any]) -> None:
    seen, _ = read["en-prikk"]
    statuses = {cell["region"]: cell["status"] for cell in seen["rows"]}
    assert statuses == {"0301": None, "1144": "*"}


@pytest.mark.parametrize("selection", list(SELECTIONS))
def test_labels_roles_units_and_links(read: dict[str, Any], store: Store, selection: str) -> None:
    seen, rows = read[selection]
    dims = seen["dimensions"]
    assert seen["role"]["time"] == ["tid"] and seen["role"]["geo"] == ["region"]
    assert seen["role"]["metric"] == ["indikator"]
    for category in dims["indikator"]["categories"]:
        indicator = store.indicator(category["id"])
        assert category["label"] == indicator.title
        assert category["unit"] == {"label": indicator.unit, "decimals": indicator.decimals}
    names = {row["region"]: row["region_name"] for row in rows}
    assert {c["id"]: c["label"] for c in dims["region"]["categories"]} == names
    # Every breakdown category has a Norwegian label, not its code ("total" → "I alt").
    for dim in (COLUMNS[b] for b in BREAKDOWNS):
        for category in dims[dim]["categories"]:
            assert category["label"] != category["id"], (dim, category)
    assert seen["href"].endswith(url(selection) + "&format=jsonstat2")
    assert seen["link"]["self"][0]["href"] == seen["href"]
    pages = [link["href"] for link in seen["link"]["alternate"]]
    assert [p.rsplit("/", 1)[1] for p in pages] == [
        c["id"] for c in dims["indikator"]["categories"]
    ]
    notes = "\n".join(seen["note"])
    for label in (*SYMBOL_LABELS.values(), *FLAG_LABELS.values()):
        assert label in notes
