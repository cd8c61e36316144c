"""What the report's own charts hand to Typst: a few kinds of shapes and texts, in points from
the chart's top left corner. ``reports.lines`` and ``reports.bars`` lay a page chart out as a
scene; ``chart`` in ``oppvekstprofil.typ`` paints any scene, knowing nothing of charts.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Literal

Anchor = Literal["start", "middle", "end"]
# What a text is, for tests and for nothing the painter does: a tick of the numeric axis, a
# category (period or area), a name at a line's end, a value beside a bar, an axis title.
Role = Literal["tick", "category", "name", "value", "title"]


@dataclass(frozen=True, slots=True)
class Rule:
    x1: float
    y1: float
    x2: float
    y2: float
    colour: str
    width: float


@dataclass(frozen=True, slots=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    colour: str


@dataclass(frozen=True, slots=True)
class Polygon:
    colour: str
    opacity: float
    points: tuple[tuple[float, float], ...]


@dataclass(frozen=True, slots=True)
class Polyline:
    colour: str
    width: float
    points: tuple[tuple[float, float], ...]


@dataclass(frozen=True, slots=True)
class Mark:
    """A point symbol centred on (x, y), ``size`` points across."""

    x: float
    y: float
    shape: str  # Vega's symbol names: circle, square, triangle-up, diamond, cross, ...
    colour: str
    size: float
    hollow: bool  # drawn as an outline: a value with a note
    opacity: float = 1.0  # of the fill


@dataclass(frozen=True, slots=True)
class Text:
    """A line of text whose anchor point (its start, middle or end) sits at (x, y), the text
    centred vertically on y; turned ``angle`` degrees about that point."""

    x: float
    y: float
    text: str
    role: Role
    anchor: Anchor = "start"
    angle: float = 0.0
    bold: bool = False
    muted: bool = False


@dataclass(frozen=True, slots=True)
class Key:
    """A legend entry."""

    name: str
    colour: str
    shape: str


@dataclass(frozen=True, slots=True)
class Scene:
    width: float
    height: float
    rules: tuple[Rule, ...] = ()
    polygons: tuple[Polygon, ...] = ()
    rects: tuple[Rect, ...] = ()
    polylines: tuple[Polyline, ...] = ()
    marks: tuple[Mark, ...] = ()
    texts: tuple[Text, ...] = ()
    legend: tuple[Key, ...] = ()
    caption: tuple[str, ...] = ()  # the page's subtitle lines the report prints above the chart

    def document(self) -> dict[str, Any]:
        """The scene as the report's JSON document carries it to Typst.

        Shallow, field by field: ``dataclasses.asdict`` deep-copies every point (13 ms a
        report, as much as the rest of the document)."""
        out: dict[str, Any] = {}
        for name in _FIELDS[Scene]:
            value = getattr(self, name)
            if isinstance(value, tuple) and value and not isinstance(value[0], str):
                keys = _FIELDS[type(value[0])]
                value = [{k: getattr(item, k) for k in keys} for item in value]
            out[name] = value
        return out

    def texts_of(self, role: Role) -> list[Text]:
        return [t for t in self.texts if t.role == role]


_FIELDS: dict[type, tuple[str, ...]] = {
    kind: tuple(f.name for f in dataclasses.fields(kind))
    for kind in (Rule, Rect, Polygon, Polyline, Mark, Text, Key, Scene)
}
