"""A chart worker process: vl-convert conversions for the report, one batch at a time.

Run as a script (``python drawing_worker.py``) by ``charts.drawing``; it imports nothing from
``oppvekst``, so it needs no package path and starts in the time vl-convert itself takes.
vl-convert runs one conversion at a time per process and holds the GIL while it does, so the
report's charts are drawn by a few of these processes in parallel instead of by threads.

Protocol on stdin/stdout, one JSON value per line (ASCII, so no line break can hide in one):
a request is a count line ``N`` and N lines ``[kind, spec]``; the reply is N lines, each
``{"out": text}`` or ``{"error": message}``, in the same order. EOF on stdin ends the worker.
"""

from __future__ import annotations

import base64
import json
import sys
from typing import Any

# orjson parses a national map's spec (0.7 MB, GeoJSON inside) several times faster than json.
import orjson

# What a worker can be asked to do: the report's three conversions, and the image downloads'
# layout pass and file conversions. Binary output (PNG, PDF) comes back base64-encoded.
VEGA_TO_SVG = "vega-svg"
VEGALITE_TO_VEGA = "vegalite-vega"
VEGALITE_TO_SVG = "vegalite-svg"
VEGALITE_TO_SCENEGRAPH = "vegalite-scenegraph"
SVG_TO_PNG = "svg-png"  # spec: [svg text, scale]
SVG_TO_PDF = "svg-pdf"  # spec: svg text
KINDS = (
    VEGA_TO_SVG,
    VEGALITE_TO_VEGA,
    VEGALITE_TO_SVG,
    VEGALITE_TO_SCENEGRAPH,
    SVG_TO_PNG,
    SVG_TO_PDF,
)

# The smallest chart with text: loads the Vega bundles and the text measurer before the first
# real request, so a report never waits for the engine to start.
WARM_UP: dict[str, Any] = {
    "width": 10,
    "height": 10,
    "marks": [{"type": "text", "encode": {"enter": {"text": {"value": "0"}}}}],
}


def perform(kind: str, spec: str) -> str:
    """One conversion; ``spec`` is JSON text: a Vega or Vega-Lite spec, or an SVG (and scale)."""
    import vl_convert as vlc

    # Parsed here, not by vl-convert: its JSON reader may round a number's last bit differently,
    # and the SVG would then differ from one drawn in the parent from the same spec.
    parsed = orjson.loads(spec)
    if kind == VEGA_TO_SVG:
        return vlc.vega_to_svg(parsed)
    if kind == VEGALITE_TO_VEGA:
        return json.dumps(vlc.vegalite_to_vega(parsed), ensure_ascii=True)
    if kind == VEGALITE_TO_SVG:
        return vlc.vegalite_to_svg(parsed)
    if kind == VEGALITE_TO_SCENEGRAPH:
        return json.dumps(vlc.vegalite_to_scenegraph(parsed), ensure_ascii=True)
    if kind == SVG_TO_PNG:
        svg, scale = parsed
        return base64.b64encode(bytes(vlc.svg_to_png(svg, scale=float(scale)))).decode()
    if kind == SVG_TO_PDF:
        return base64.b64encode(bytes(vlc.svg_to_pdf(parsed))).decode()
    raise ValueError(f"unknown conversion {kind!r}")


def answer(kind: str, spec: str) -> dict[str, str]:
    try:
        return {"out": perform(kind, spec)}
    except Exception as exc:  # a bad spec fails its chart, never the worker
        return {"error": f"{type(exc).__name__}: {exc}"}


def main() -> None:
    perform(VEGA_TO_SVG, json.dumps(WARM_UP))
    print("ready", flush=True)
    for header in sys.stdin:
        # The whole batch is read before any chart is drawn: the parent's writes never wait
        # on the drawing, and the replies go out together.
        jobs = [orjson.loads(sys.stdin.readline()) for _ in range(int(header))]
        replies = [answer(kind, spec) for kind, spec in jobs]
        sys.stdout.write("".join(json.dumps(r, ensure_ascii=True) + "\n" for r in replies))
        sys.stdout.flush()


if __name__ == "__main__":
    main()
