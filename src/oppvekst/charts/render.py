"""Server-side rendering of figures with vl-convert (PNG at any scale, SVG, PDF), cached on disk.

One figure is laid out once: a first pass measures the natural size (``vegalite_to_scenegraph``),
the plot area is corrected by the difference, and the second pass draws the SVG. The SVG canvas is
then padded to the exact target size, and PNG and PDF are converted from that SVG (``svg_to_png``,
``svg_to_pdf``) without running Vega again. Every conversion runs in the chart workers
(``charts.drawing``): vl-convert holds the GIL for a whole conversion, so drawing a national map
in the server's own process would stall every other request meanwhile. So PNG 1×, PNG 2×, SVG and PDF of one edited chart cost
two Vega passes together, and each file is cached by the hash of the spec that made it.

Numbers: every spec carries the Norwegian d3 locale in ``config.locale``, which vl-convert honours
(tested: ``1 234,5``), so no ``format_locale`` argument is needed.

Cache: files under one directory, named by the SHA-256 of (spec, size, format, scale, vl-convert
version); the total is kept under ``max_bytes`` by deleting the least recently used files. The
spec holds the data values, so a new snapshot gives new keys and nothing needs invalidating. The
cache is per replica (a second replica renders its own copies); the files are safe to delete.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import math
import os
import re
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

import orjson
import vl_convert as vlc

from oppvekst.charts.drawing import POOL, Job
from oppvekst.charts.drawing_worker import (
    SVG_TO_PDF,
    SVG_TO_PNG,
    VEGALITE_TO_SCENEGRAPH,
    VEGALITE_TO_SVG,
)
from oppvekst.charts.options import Spec
from oppvekst.settings import get_settings

VERSION = ".".join(str(v) for v in vlc.get_vegalite_versions()[-1:]) + "/" + vlc.get_vega_version()
_ROOT = re.compile(r'^<svg ([^>]*?)width="([\d.]+)" height="([\d.]+)" viewBox="0 0 [\d. ]+"')
_BACKGROUND = re.compile(r'<rect width="[\d.]+" height="[\d.]+" fill="#ffffff"/>')
MIN_PLOT = 60


class ImageFormat(StrEnum):
    PNG = "png"
    SVG = "svg"
    PDF = "pdf"


MEDIA_TYPES: dict[ImageFormat, str] = {
    ImageFormat.PNG: "image/png",
    ImageFormat.SVG: "image/svg+xml",
    ImageFormat.PDF: "application/pdf",
}


@dataclass
class FigureCache:
    """Rendered files on disk, bounded in total size (least recently used go first)."""

    root: Path
    max_bytes: int = 256 * 1024 * 1024
    _total: int | None = field(default=None, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def get(self, key: str) -> bytes | None:
        path = self.root / key
        try:
            data = path.read_bytes()
        except OSError:
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # recently used: evicted last
        return data

    def put(self, key: str, data: bytes) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        # Write then rename, so a concurrent reader never sees half a file.
        fd, tmp = tempfile.mkstemp(dir=self.root, prefix=".tmp-")
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, self.root / key)
        with self._lock:
            if self._total is None:
                self._total = sum(p.stat().st_size for p in self._files())
            else:
                self._total += len(data)
            if self._total > self.max_bytes:
                self._evict()

    def _files(self) -> list[Path]:
        return [p for p in self.root.iterdir() if p.is_file() and not p.name.startswith(".")]

    def _evict(self) -> None:
        files = sorted(self._files(), key=lambda p: p.stat().st_mtime)
        total = sum(p.stat().st_size for p in files)
        # Down to 80 %, so a full cache does not evict on every write.
        while files and total > self.max_bytes * 0.8:
            victim = files.pop(0)
            total -= victim.stat().st_size
            victim.unlink(missing_ok=True)
        self._total = total


def spec_key(spec: Spec, *parts: Any) -> str:
    raw = json.dumps([spec, parts, VERSION], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(raw.encode()).hexdigest()


def fit(figure_spec: Spec, size: tuple[int, int]) -> Spec:
    """The figure with its plot area resized so the whole image is ``size`` (or a pixel under).

    One layout pass of the chart alone gives its natural size and how far its axes reach left of
    the plot; the footer (whose height is known) is then shifted left by that much, because
    ``vconcat`` aligns the children's plot origins, not their outer edges.
    """
    return fitted_to(figure_spec, POOL.one(VEGALITE_TO_SCENEGRAPH, chart_alone(figure_spec)), size)


def chart_alone(figure_spec: Spec) -> Spec:
    """What ``fit`` lays out once: the figure without its footer."""
    return {**figure_spec, "vconcat": [figure_spec["vconcat"][0]]}


def fitted_to(figure_spec: Spec, scenegraph: str, size: tuple[int, int]) -> Spec:
    """``fit``'s correction, from the scenegraph of ``chart_alone(figure_spec)``."""
    chart, footer = figure_spec["vconcat"]
    scene: dict[str, Any] = orjson.loads(scenegraph)
    natural_w, natural_h = float(scene["width"]), float(scene["height"])
    left = float(scene["origin"][0]) - float(figure_spec.get("padding", 0))
    below = float(footer["height"]) + float(figure_spec.get("spacing", 0))
    # One pixel of slack: fractional text widths must not push the image over the target.
    w = max(MIN_PLOT, int(chart["width"]) + int(size[0] - natural_w) - 1)
    h = max(MIN_PLOT, int(chart["height"]) + int(size[1] - natural_h - below) - 1)
    moved = {
        **footer,
        "encoding": {**footer["encoding"], "x": {"value": -left}},
        "width": max(1, int(footer["width"] - left)),
    }
    return {**figure_spec, "vconcat": [{**chart, "width": w, "height": h}, moved]}


def _overflow(svg: str, size: tuple[int, int]) -> tuple[int, int]:
    match = _ROOT.match(svg)
    if not match:
        return (0, 0)
    over_w = max(0, math.ceil(float(match.group(2))) - size[0])
    over_h = max(0, math.ceil(float(match.group(3))) - size[1])
    return (over_w, over_h)


def _shrink(fitted: Spec, over: tuple[int, int]) -> Spec:
    chart, *rest = fitted["vconcat"]
    smaller = {
        **chart,
        "width": max(MIN_PLOT, int(chart["width"]) - over[0]),
        "height": max(MIN_PLOT, int(chart["height"]) - over[1]),
    }
    return {**fitted, "vconcat": [smaller, *rest]}


def pad_canvas(svg: str, size: tuple[int, int]) -> str:
    """Grow the SVG canvas (white) to exactly ``size`` when the drawing came out a little smaller."""
    match = _ROOT.match(svg)
    if not match:
        return svg
    width, height = float(match.group(2)), float(match.group(3))
    if width > size[0] or height > size[1]:
        return svg  # larger than asked (a very long label): keep everything visible
    w, h = size
    head = f'<svg {match.group(1)}width="{w}" height="{h}" viewBox="0 0 {w} {h}"'
    rest = _BACKGROUND.sub(
        f'<rect width="{w}" height="{h}" fill="#ffffff"/>', svg[match.end() :], 1
    )
    return head + rest


@dataclass(frozen=True, slots=True)
class Rendered:
    data: bytes
    media_type: str
    cached: bool


def _jobs(kind: str, specs: Sequence[Any]) -> list[Job]:
    return [Job(kind, json.dumps(spec, ensure_ascii=True)) for spec in specs]


@dataclass(frozen=True, slots=True)
class Renderer:
    """Renders fitted figures to files through the cache.

    ``render_many`` draws several figures in three rounds (layout, SVG, conversion), each round
    spread over all chart workers at once: a package ZIP's seven figures cost three round trips
    instead of twenty-one one after another. ``render`` is ``render_many`` of one figure, so a
    figure comes out byte-for-byte the same either way.
    """

    cache: FigureCache

    def svg(self, figure_spec: Spec, size: tuple[int, int]) -> Rendered:
        return self.svgs([figure_spec], size)[0]

    def svgs(self, figure_specs: Sequence[Spec], size: tuple[int, int]) -> list[Rendered]:
        keys = [spec_key(spec, size, "svg") + ".svg" for spec in figure_specs]
        hits = [self.cache.get(key) for key in keys]
        todo = [i for i, hit in enumerate(hits) if hit is None]
        scenes = POOL.run(
            _jobs(VEGALITE_TO_SCENEGRAPH, [chart_alone(figure_specs[i]) for i in todo])
        )
        fitted = [
            fitted_to(figure_specs[i], scene, size) for i, scene in zip(todo, scenes, strict=True)
        ]
        drawn = POOL.run(_jobs(VEGALITE_TO_SVG, fitted))
        # A resize can change the layout a little (another tick, a longer label): shrink once.
        over = [(k, _overflow(svg, size)) for k, svg in enumerate(drawn)]
        redo = [(k, o) for k, o in over if o != (0, 0)]
        again = POOL.run(_jobs(VEGALITE_TO_SVG, [_shrink(fitted[k], o) for k, o in redo]))
        for (k, _), svg in zip(redo, again, strict=True):
            drawn[k] = svg
        out = [
            Rendered(hit, MEDIA_TYPES[ImageFormat.SVG], cached=True) if hit is not None else None
            for hit in hits
        ]
        for i, svg in zip(todo, drawn, strict=True):
            data = pad_canvas(svg, size).encode()
            self.cache.put(keys[i], data)
            out[i] = Rendered(data, MEDIA_TYPES[ImageFormat.SVG], cached=False)
        return [r for r in out if r is not None]

    def render(
        self, figure_spec: Spec, size: tuple[int, int], fmt: ImageFormat, scale: int = 1
    ) -> Rendered:
        return self.render_many([figure_spec], size, fmt, scale)[0]

    def render_many(
        self, figure_specs: Sequence[Spec], size: tuple[int, int], fmt: ImageFormat, scale: int = 1
    ) -> list[Rendered]:
        """Each figure as a file of ``fmt``, in order (cached ones read, the rest drawn together)."""
        if fmt is ImageFormat.SVG:
            return self.svgs(figure_specs, size)
        keys = [spec_key(spec, size, fmt.value, scale) + f".{fmt.value}" for spec in figure_specs]
        hits = [self.cache.get(key) for key in keys]
        todo = [i for i, hit in enumerate(hits) if hit is None]
        svgs = [r.data.decode() for r in self.svgs([figure_specs[i] for i in todo], size)]
        if fmt is ImageFormat.PNG:
            converted = POOL.run(_jobs(SVG_TO_PNG, [[svg, scale] for svg in svgs]))
        else:
            converted = POOL.run(_jobs(SVG_TO_PDF, svgs))
        out = [
            Rendered(hit, MEDIA_TYPES[fmt], cached=True) if hit is not None else None
            for hit in hits
        ]
        for i, encoded in zip(todo, converted, strict=True):
            data = base64.b64decode(encoded)
            self.cache.put(keys[i], data)
            out[i] = Rendered(data, MEDIA_TYPES[fmt], cached=False)
        return [r for r in out if r is not None]


def default_cache_dir(data_dir: Path | None) -> Path:
    """``<data dir>/cache/figurer`` when there is a data dir, else a directory under the temp dir."""
    configured = get_settings().figure_cache
    if configured:
        return configured
    if data_dir is not None:
        return data_dir / "cache" / "figurer"
    return Path(tempfile.gettempdir()) / "oppvekst-figurer"


def cache_limit() -> int:
    """``OPPVEKST_FIGURE_CACHE_MB`` (default 256 MB)."""
    return int(get_settings().figure_cache_mb * 1024 * 1024)
