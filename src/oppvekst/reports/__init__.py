"""Reports and bundles to take away: the «Oppvekstprofil» PDF and a package's XLSX and ZIP.

The PDF is typeset by Typst from one JSON document (data mode: no text from the store or the
request is ever written into Typst markup); its charts are the portal's own Vega-Lite specs
rendered to SVG. See docs/reports.md.
"""
