"""One JSON-stat decoder for SSB (PxWebApi v0/v1/v2) and FHI Statistikk responses.

The variants met in practice (SOURCES-API.md §1.7): ``category.index`` as object (SSB) or
array (FHI) or absent for single-category dimensions; ``status`` absent, an object keyed by
*string* flat index, an array, or one string for all cells (FHI's ``""``); symbols such as
``".."`` either in ``status`` or as strings inside ``value``; ``value`` as an array or a sparse
object. JSON-stat 1.0 "dataset" bundles (the retired SSB dataset API) are converted. Symbols are
kept as status, never as numbers.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import orjson
import pandas as pd

from oppvekst.errors import MalformedResponse

Role = Literal["time", "geo", "metric"]
Expectation = Literal["data", "metadata"]

_HINT = "The source sent a response we cannot trust; re-fetch it, and report it if it persists."


def _fail(message: str) -> MalformedResponse:
    return MalformedResponse(f"JSON-stat: {message}", hint=_HINT)


@dataclass(frozen=True, slots=True)
class Dimension:
    id: str
    label: str
    codes: tuple[str, ...]  # in index order
    labels: Mapping[str, str]
    role: Role | None = None
    unit: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    extension: Mapping[str, Any] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return len(self.codes)


@dataclass(frozen=True, slots=True)
class Dataset:
    label: str
    source: str | None
    updated: str | None
    dimensions: tuple[Dimension, ...]
    array: np.ndarray[
        Any, np.dtype[np.float64]
    ]  # flat, row-major over ``dimensions``; NaN = no value
    status: Mapping[int, str]
    extension: Mapping[str, Any] = field(default_factory=dict)
    note: tuple[str, ...] = ()

    @property
    def values(self) -> tuple[float | None, ...]:
        return tuple(None if math.isnan(v) else v for v in self.array.tolist())

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(d.size for d in self.dimensions)

    def dimension(self, dimension_id: str) -> Dimension:
        for dim in self.dimensions:
            if dim.id == dimension_id:
                return dim
        raise KeyError(dimension_id)

    def cell(self, **codes: str) -> tuple[float | None, str | None]:
        """The value and status at one code per dimension, e.g. ``cell(Tid="2021", ...)``."""
        flat = 0
        for dim in self.dimensions:
            flat = flat * dim.size + dim.codes.index(codes[dim.id])
        raw = float(self.array[flat])
        return (None if math.isnan(raw) else raw), self.status.get(flat)

    def to_frame(self) -> pd.DataFrame:
        """One code column per dimension, ``value`` (float, NaN if missing) and ``status``."""
        n = len(self.array)
        columns: dict[str, Any] = {}
        if n == 0:
            for dim in self.dimensions:
                columns[dim.id] = pd.Series([], dtype=object)
        else:
            # Row-major: dimension d repeats each code ``inner`` times, the block ``outer`` times.
            outer = 1
            inner = n
            for dim in self.dimensions:
                inner //= dim.size
                codes = np.asarray(dim.codes, dtype=object)
                columns[dim.id] = np.tile(np.repeat(codes, inner), outer)
                outer *= dim.size
        status = np.full(n, None, dtype=object)
        if self.status:
            positions = np.fromiter(self.status.keys(), dtype=np.int64, count=len(self.status))
            status[positions] = np.asarray(list(self.status.values()), dtype=object)
        columns["value"] = self.array
        # object dtype keeps None (pandas would otherwise infer a str column with NaN).
        columns["status"] = pd.Series(status, dtype=object)
        return pd.DataFrame(columns)


def decode(raw: bytes | str | Mapping[str, Any], *, expect: Expectation = "data") -> Dataset:
    """Decode JSON-stat 2.0 (or a 1.0 bundle); ``expect="metadata"`` allows ``value: []``."""
    doc = _load(raw)
    if "dimension" not in doc and "class" not in doc:
        doc = _from_v1_bundle(doc)
    if doc.get("class", "dataset") != "dataset":
        raise _fail(f"class {doc.get('class')!r} is not a dataset; fetch a single table instead.")
    ids = doc.get("id")
    sizes = doc.get("size")
    dims_doc = doc.get("dimension")
    if not isinstance(ids, list) or not isinstance(sizes, list) or not isinstance(dims_doc, dict):
        raise _fail("missing or invalid 'id', 'size' or 'dimension' (is this a JSON-stat dataset?)")
    if len(ids) != len(sizes):
        raise _fail(f"'id' has {len(ids)} dimensions but 'size' has {len(sizes)}")
    roles = _roles(doc.get("role"))
    dimensions = tuple(
        _dimension(str(dim_id), size, dims_doc.get(dim_id), roles.get(str(dim_id)))
        for dim_id, size in zip(ids, sizes, strict=True)
    )
    n = math.prod(d.size for d in dimensions)
    array, markers = _values(doc.get("value"), n, expect)
    status = _status(doc.get("status"), len(array))
    for position, marker in markers.items():
        status.setdefault(position, marker)
    note = doc.get("note")
    return Dataset(
        label=str(doc.get("label") or ""),
        source=_opt_str(doc.get("source")),
        updated=_opt_str(doc.get("updated")),
        dimensions=dimensions,
        array=array,
        status=status,
        extension=doc.get("extension") or {},
        note=tuple(str(x) for x in note) if isinstance(note, list) else (),
    )


def _load(raw: bytes | str | Mapping[str, Any]) -> dict[str, Any]:
    if isinstance(raw, Mapping):
        return dict(raw)
    try:
        doc = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        size = len(raw)
        raise _fail(f"not valid JSON ({exc}); {size} bytes received, probably truncated") from exc
    if not isinstance(doc, dict):
        raise _fail(f"top level is {type(doc).__name__}, expected an object")
    return doc


def _from_v1_bundle(doc: dict[str, Any]) -> dict[str, Any]:
    """JSON-stat 1.0: ``{"name": {dataset}}`` with id/size/role inside ``dimension``."""
    datasets = [v for v in doc.values() if isinstance(v, dict) and "dimension" in v]
    if not datasets:
        keys = ", ".join(sorted(doc)[:6])
        raise _fail(f"not a JSON-stat dataset (no 'dimension'; top-level keys: {keys})")
    if len(datasets) != 1:
        raise _fail(f"JSON-stat 1.0 bundle with {len(datasets)} datasets; expected exactly one")
    old = datasets[0]
    dims = dict(old["dimension"])
    converted = {k: v for k, v in old.items() if k != "dimension"}
    converted.update(
        {
            "class": "dataset",
            "version": "2.0",
            "id": dims.pop("id", None),
            "size": dims.pop("size", None),
            "role": dims.pop("role", None),
            "dimension": dims,
        }
    )
    return converted


def _roles(role_doc: object) -> dict[str, Role]:
    roles: dict[str, Role] = {}
    if not isinstance(role_doc, dict):
        return roles
    for role in ("time", "geo", "metric"):
        for dim_id in role_doc.get(role) or ():
            roles[str(dim_id)] = role
    return roles


def _dimension(dim_id: str, size: object, doc: object, role: Role | None) -> Dimension:
    if not isinstance(doc, dict):
        raise _fail(f"dimension {dim_id!r} is listed in 'id' but missing from 'dimension'")
    if not isinstance(size, int) or isinstance(size, bool) or size < 1:
        raise _fail(f"dimension {dim_id!r} has invalid size {size!r}")
    category = doc.get("category") or {}
    labels_doc = category.get("label") or {}
    index = category.get("index")
    codes: tuple[str, ...]
    if index is None:
        # Allowed by the spec only for a single category, which is then named by its label.
        if len(labels_doc) != 1:
            raise _fail(f"dimension {dim_id!r} has no category.index and {len(labels_doc)} labels")
        codes = (str(next(iter(labels_doc))),)
    elif isinstance(index, list):
        codes = tuple(str(c) for c in index)
        if len(set(codes)) != len(codes):
            raise _fail(f"dimension {dim_id!r} repeats a code in category.index")
    elif isinstance(index, dict):
        codes = _codes_from_positions(dim_id, index, size)
    else:
        raise _fail(f"dimension {dim_id!r}: category.index is {type(index).__name__}")
    if len(codes) != size:
        raise _fail(f"dimension {dim_id!r} has {len(codes)} categories but size says {size}")
    labels = {code: str(labels_doc.get(code, code)) for code in codes}
    return Dimension(
        id=dim_id,
        label=str(doc.get("label") or dim_id),
        codes=codes,
        labels=labels,
        role=role,
        unit=category.get("unit") or {},
        extension=doc.get("extension") or {},
    )


def _codes_from_positions(dim_id: str, index: dict[str, Any], size: int) -> tuple[str, ...]:
    slots: list[str | None] = [None] * size
    for code, position in index.items():
        if not isinstance(position, int) or isinstance(position, bool):
            raise _fail(f"dimension {dim_id!r}: index position of {code!r} is {position!r}")
        if not 0 <= position < size:
            raise _fail(
                f"dimension {dim_id!r}: category {code!r} has index position {position}, "
                f"outside 0..{size - 1} (size {size})"
            )
        if slots[position] is not None:
            raise _fail(f"dimension {dim_id!r}: position {position} used by two categories")
        slots[position] = str(code)
    missing = [i for i, c in enumerate(slots) if c is None]
    if missing:
        raise _fail(f"dimension {dim_id!r}: no category at index positions {missing[:5]}")
    return tuple(c for c in slots if c is not None)


def _values(
    doc: object, n: int, expect: Expectation
) -> tuple[np.ndarray[Any, np.dtype[np.float64]], dict[int, str]]:
    if expect == "metadata":
        if doc in (None, [], {}):
            return np.empty(0, dtype=np.float64), {}
        raise _fail("a metadata response carries values; use the data endpoint decoder")
    if isinstance(doc, list):
        if len(doc) != n:
            raise _fail(
                f"value has {len(doc)} cells but the product of 'size' is {n}; "
                "the response is truncated or the sizes are wrong"
            )
        try:
            # Fast path: numbers and nulls only (numpy maps None to NaN).
            return np.array(doc, dtype=np.float64), {}
        except (TypeError, ValueError):
            return _values_slow(enumerate(doc), n)
    if isinstance(doc, dict):
        items: list[tuple[int, object]] = []
        for key, value in doc.items():
            position = _position(key, n, "value")
            items.append((position, value))
        return _values_slow(iter(items), n)
    raise _fail(f"'value' is {type(doc).__name__}; expected an array or an object")


def _values_slow(
    items: Any, n: int
) -> tuple[np.ndarray[Any, np.dtype[np.float64]], dict[int, str]]:
    array = np.full(n, np.nan, dtype=np.float64)
    markers: dict[int, str] = {}
    for position, value in items:
        if value is None:
            continue
        if isinstance(value, bool):
            raise _fail(f"value at {position} is a boolean")
        if isinstance(value, int | float):
            array[position] = float(value)
        elif isinstance(value, str):
            number = _number(value)
            if number is None:
                markers[position] = value  # a symbol such as ".." placed inside value
            else:
                array[position] = number
        else:
            raise _fail(f"value at {position} is {type(value).__name__}")
    return array, markers


def _number(text: str) -> float | None:
    try:
        number = float(text)
    except ValueError:
        return None
    return None if math.isnan(number) else number


def _status(doc: object, n: int) -> dict[int, str]:
    if doc is None or doc == "":
        return {}
    if isinstance(doc, str):
        return dict.fromkeys(range(n), doc)
    if isinstance(doc, list):
        if len(doc) == 1 and n != 1:
            return {} if doc[0] in (None, "") else dict.fromkeys(range(n), str(doc[0]))
        if len(doc) != n:
            raise _fail(f"status array has {len(doc)} entries for {n} cells")
        return {i: str(s) for i, s in enumerate(doc) if s not in (None, "")}
    if isinstance(doc, dict):
        out: dict[int, str] = {}
        for key, symbol in doc.items():
            if symbol in (None, ""):
                continue
            out[_position(key, n, "status")] = str(symbol)
        return out
    raise _fail(f"unknown status shape {type(doc).__name__}; expected object, array or string")


def _position(key: object, n: int, where: str) -> int:
    try:
        position = int(str(key))
    except ValueError as exc:
        raise _fail(f"{where} key {key!r} is not a cell index") from exc
    if not 0 <= position < n:
        raise _fail(f"{where} refers to cell {position}, outside 0..{n - 1}")
    return position


def _opt_str(value: object) -> str | None:
    return None if value is None else str(value)
