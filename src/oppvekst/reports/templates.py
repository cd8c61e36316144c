"""Vega-Lite compiled to Vega once per chart shape; each report's chart only swaps its data in.

Compiling a line chart from Vega-Lite to Vega is about a third of vl-convert's time per chart,
and the result does not depend on the data: the same indicator gives the same Vega for every
kommune except for the rows, the text alternative and the area names (the colour and shape
domains). So the spec is reduced to its *shape* — no rows, no description, the names replaced by
placeholders — compiled once per shape, and filled in again for each chart. Tests check that a
chart drawn this way is byte-for-byte the chart drawn from its Vega-Lite spec directly.

The compiled shape is kept as JSON text and filled in by replacing its quoted placeholders: a
report fills some twenty charts, and walking each compiled spec in Python (and writing it out as
JSON again) cost a tenth of the report's own CPU time.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from oppvekst.charts.options import Spec

MARK = "\ue000"  # a private-use character: in no title, name or number, so a safe placeholder
CACHE_SIZE = 512  # a few kB each; one per indicator and number of areas in practice


@dataclass(frozen=True, slots=True)
class Shape:
    """A Vega-Lite spec split into its data-free shape and what each chart fills in."""

    key: str  # the shape as JSON text: what is compiled, and the cache key
    names: tuple[str, ...]  # the strings the placeholders stand for (area names, titles)
    values: tuple[tuple[dict[str, Any], ...], ...]  # each inline data source's rows, in order
    description: str  # the chart's text alternative


DESCRIPTION = f"{MARK}beskrivelse{MARK}"
# The one row a data source has in a shape: which source it is. A row, not an empty list, so the
# compiled Vega says which of its data sets came from which source.
SOURCE = f"{MARK}kilde{MARK}"


def _placeholder(position: int) -> str:
    return f"{MARK}omrade{position}{MARK}"


def _rows(source: int) -> str:
    """Where source ``source``'s rows go in a compiled template."""
    return f"{MARK}rader{source}{MARK}"


def _swap(node: Any, table: dict[str, str]) -> Any:
    """``node`` with every string equal to a key of ``table`` replaced by its value."""
    if isinstance(node, str):
        return table.get(node, node)
    if isinstance(node, list):
        return [_swap(item, table) for item in node]
    if isinstance(node, dict):
        return {key: _swap(value, table) for key, value in node.items()}
    return node


def _without_rows(spec: Spec, rows: list[tuple[dict[str, Any], ...]]) -> Spec:
    """``spec`` with each inline data source (its own and its layers') reduced to its ``SOURCE``
    row; the rows go to ``rows``, in the same order."""
    out = dict(spec)
    data = spec.get("data")
    if isinstance(data, dict) and isinstance(data.get("values"), list):
        out["data"] = {**data, "values": [{SOURCE: len(rows)}]}
        rows.append(tuple(data["values"]))
    if isinstance(spec.get("layer"), list):
        out["layer"] = [
            _without_rows(layer, rows) if isinstance(layer, dict) else layer
            for layer in spec["layer"]
        ]
    return out


def shape(spec: Spec, names: Sequence[str]) -> Shape | None:
    """The spec's shape, or None for a spec without inline rows of its own.

    ``names`` are whole strings that differ from chart to chart of the same shape: the areas'
    names, or a title naming the area."""
    data = spec.get("data")
    if not isinstance(data, dict) or "values" not in data:
        return None
    rows: list[tuple[dict[str, Any], ...]] = []
    shell = _without_rows(spec, rows)
    if "description" in spec:
        shell["description"] = DESCRIPTION
    # A name given twice (Oslo, the kommune and the county) keeps its first placeholder: the
    # shape then records the repetition, and filling in gives the same name back in both places.
    table: dict[str, str] = {}
    for i, name in enumerate(names):
        table.setdefault(name, _placeholder(i))
    key = json.dumps(_swap(shell, table), ensure_ascii=True, sort_keys=True)
    return Shape(key, tuple(names), tuple(rows), str(spec.get("description", "")))


def _quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=True)


@dataclass(frozen=True, slots=True)
class CompiledShape:
    """A compiled shape as JSON text (ASCII), each data source's rows standing as its quoted
    ``_rows(i)``; ``text`` is None when the compiled Vega's data sets do not match the shape's
    sources one to one (then each chart is compiled on its own)."""

    text: str | None
    sources: int = 0


def _source(data: dict[str, Any]) -> int | None:
    values = data.get("values")
    if isinstance(values, list) and len(values) == 1 and isinstance(values[0], dict):
        index = values[0].get(SOURCE)
        if set(values[0]) == {SOURCE} and isinstance(index, int):
            return index
    return None


def prepare(vega: Spec) -> CompiledShape:
    """The compiled Vega of a shape, ready to be filled in chart after chart."""
    data: list[Any] = []
    seen: list[int] = []
    for each in vega.get("data", []):
        index = _source(each) if isinstance(each, dict) else None
        if index is not None:
            seen.append(index)
            each = {**each, "values": _rows(index)}
        elif isinstance(each, dict) and "values" in each:
            return CompiledShape(None)  # inline rows that are not a source of the shape
        data.append(each)
    if sorted(seen) != list(range(len(seen))) or not seen:
        return CompiledShape(None)
    return CompiledShape(json.dumps({**vega, "data": data}, ensure_ascii=True), len(seen))


def fill(template: CompiledShape, found: Shape) -> str | None:
    """The chart's Vega as JSON text: the template with the chart's names, description and rows;
    None if it cannot be filled safely (then the chart is compiled on its own)."""
    if template.text is None or template.sources != len(found.values):
        return None
    text = template.text
    for i, name in enumerate(found.names):
        # A name Vega-Lite compiled into an expression as a string literal of its own (a custom
        # sort order: ``datum["omrade"]==="Bergen" ? 0 : …``) is a JSON string inside the JSON:
        # swapped for the name written the same way.
        literal = _quoted(_placeholder(i).join('""'))[1:-1]
        text = text.replace(literal, _quoted(_quoted(name))[1:-1])
        text = text.replace(_quoted(_placeholder(i)), _quoted(name))
    text = text.replace(_quoted(DESCRIPTION), _quoted(found.description))
    # A placeholder left over stood inside a longer string (compiled into an expression, say),
    # where it cannot be swapped back safely. Checked before the rows go in: they are data.
    if text.count(_quoted(MARK)[1:-1]) != 2 * template.sources:
        return None
    for index, rows in enumerate(found.values):
        text = text.replace(_quoted(_rows(index)), json.dumps(list(rows), ensure_ascii=True))
    return text


class TemplateCache:
    """Compiled templates by shape key; bounded, shared by all threads."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self._size = size
        self._items: OrderedDict[str, CompiledShape] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> CompiledShape | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: str, template: CompiledShape) -> None:
        with self._lock:
            self._items[key] = template
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)


CACHE = TemplateCache()
