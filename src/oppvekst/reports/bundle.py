"""A statistics package for one area, to take away: one Excel file, or a ZIP with everything.

The Excel file holds every indicator of the package for the area, the level above it (county;
Oslo for a bydel) and the country over time — the same selection and writer as ``/api/v1/data``
(``views.data`` + ``exports.workbook``), with definitions, sources, symbols and licences on a
metadata sheet. The ZIP adds the package's PDF report, a PNG of each indicator's chart (the
indicator page's take-away image, through its renderer and disk cache) and a README.txt of sources
and licences. Every part says so when it holds synthetic demo values.

The ZIP is put together from parts kept once per snapshot (``reports.parts``): the PDF (as
``report.build`` keeps it), the workbook and each indicator's PNG. A second package for the same
area shares the PNGs of the indicators the two have in common, and a ZIP after its own Excel
download reuses the workbook; only the README is written each time.
"""

from __future__ import annotations

import contextvars
import io
import zipfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime

from oppvekst import charts
from oppvekst.catalog.schema import Indicator
from oppvekst.charts.figure import FIGURE_SIZES, Footer, figure
from oppvekst.charts.options import Spec
from oppvekst.charts.render import ImageFormat, Renderer
from oppvekst.exports import SYNTHETIC_WARNING, Download, SheetGroup
from oppvekst.exports.legend import LEGEND
from oppvekst.exports.workbook import to_xlsx
from oppvekst.language import _
from oppvekst.reports import figures, report
from oppvekst.reports.content import data_date
from oppvekst.reports.parts import parts_for
from oppvekst.snapshot.store import Store
from oppvekst.views.benchmark import Benchmark
from oppvekst.views.data import parse_selection, select
from oppvekst.views.indicator import IndicatorSeries
from oppvekst.views.packages import PackageSummary, package
from oppvekst.views.regions import RegionRef, region_ref

FIGURE_SIZE = FIGURE_SIZES[charts.SizePreset.REPORT]
# A thread per ZIP in progress that only waits (on the chart workers, and on Typst).
_REPORTS = ThreadPoolExecutor(max_workers=4, thread_name_prefix="package-report")


@dataclass(frozen=True, slots=True)
class PackageFile:
    content: bytes
    filename: str
    synthetic: bool


def package_areas(store: Store, region: RegionRef) -> tuple[str, ...]:
    """The area, the level above it and the country (as in the report's charts)."""
    above = region.parent if region.level == "bydel" else region.county
    return tuple(dict.fromkeys(c for c in (region.code, above, "0") if c and c in store.regions))


def _download(store: Store, summary: PackageSummary, region: RegionRef, url: str) -> Download:
    ids = [i.indicator_id for i in summary.indicators]
    selection = parse_selection(store, ",".join(ids), ",".join(package_areas(store, region)), None)
    # One readable sheet per topic, in the package's order (a topic's title names its sheet).
    topics: dict[str, list[str]] = {}
    for member in summary.indicators:
        title = member.topic_title or "Data"
        topics.setdefault(title, []).append(member.indicator_id)
    return Download(
        observations=select(store, selection),
        indicators=tuple(store.indicator(i) for i in ids),
        snapshot_id=store.snapshot_id,
        built_at=store.meta.get("built_at", ""),
        url=url,
        title=f"{summary.title} – {region.name}",
        sheets=tuple(SheetGroup(title, tuple(group)) for title, group in topics.items()),
    )


def workbook(store: Store, package_id: str, code: str, url: str = "") -> PackageFile:
    summary = package(store, package_id)
    content, synthetic = _workbook(store, summary, region_ref(store, code), url)
    return PackageFile(content, f"{package_id}-{code}.xlsx", synthetic)


def _workbook(
    store: Store, summary: PackageSummary, region: RegionRef, url: str
) -> tuple[bytes, bool]:
    """The workbook's bytes and whether it holds synthetic values, made once per snapshot."""
    parts = parts_for(store)
    key = ["arbeidsbok", summary.id, region.code, url]
    # The flag is kept as the part's first byte: it comes from the rows, which a kept workbook
    # no longer needs to select.
    kept = parts.get(store, key)
    if kept is not None:
        return kept[1:], kept[:1] == b"1"
    download = _download(store, summary, region, url)
    content = to_xlsx(download)
    parts.put(store, key, (b"1" if download.synthetic else b"0") + content)
    return content, download.synthetic


def readme(store: Store, summary: PackageSummary, region: RegionRef, synthetic: bool) -> str:
    """Sources, licences and symbols in plain text (opens anywhere, prints on one page or two)."""
    lines = [
        f"{summary.title} – {region.name}",
        "=" * 60,
        "",
        _("Fra Oppvekststatus. Tall per {date} (datasamling {snapshot}, {mode}).").format(
            date=data_date(store), snapshot=store.snapshot_id, mode=store.data_mode
        ),
        "",
    ]
    if synthetic:
        lines += [_(SYNTHETIC_WARNING), ""]
    lines += [summary.description, "", _("Filer"), "-----"]
    lines += [
        f"{summary.id}-{region.code}.xlsx  "
        + _(
            "Alle tallene over tid (et ark per tema) med definisjoner, kilder og lisenser "
            "(arket Metadata)."
        ),
        f"{summary.id}-{region.code}.pdf   " + _("Rapport med barometer, figurer og forklaringer."),
        "figurer/                  " + _("Figur over tid for hver indikator (PNG)."),
        "",
        _("Kilder og lisenser"),
        "------------------",
    ]
    for member in summary.indicators:
        ind = store.indicators[member.indicator_id]
        lines += [
            f"{ind.title} ({ind.id})",
            f"  {_('Kilde:')} {ind.source.publisher}: {ind.source.title}"
            + (
                " " + _("(tabell {table})").format(table=ind.source.table)
                if ind.source.table
                else ""
            ),
            f"  {ind.attribution}",
            "  "
            + _("Lisens: {licence}. Adresse: {url}").format(
                licence=ind.licence, url=ind.source.url
            ),
        ]
        if member.synthetic:
            lines.append("  " + _("MERK: syntetiske demotall, ikke statistikk."))
        if not member.has_data:
            lines.append("  " + _("Ingen tall i denne datasamlingen ennå."))
    lines += ["", _("Tegn (kolonnen symbol)"), "----------------------"]
    lines += [f"{e.key:4} {e.label}" for e in LEGEND if e.kind == "symbol"]
    lines += ["", _("Merknader (kolonnen merknad, i regnearket med ord)"), "-" * 50]
    lines += [f"{e.key}: {e.label}" for e in LEGEND if e.kind == "merknad"]
    lines += [
        "",
        _(
            "Bruk tallene fritt, men oppgi kilden slik det står over (kreditering) og følg lisensen."
        ),
    ]
    return "\r\n".join(lines) + "\r\n"


def chart_figure(store: Store, series: IndicatorSeries, region: RegionRef, site: str) -> Spec:
    """The indicator page's take-away image: the same chart with source, definition, data date
    and the page's address burned in (``charts.figure``), drawn at twice the size."""
    ind = series.indicator
    options = charts.ChartOptions(highlight=(region.code,), size=charts.SizePreset.REPORT, note="")
    codes = ",".join(a.code for a in series.areas)
    footer = Footer(
        source=ind.attribution,
        definition=ind.definition,
        data_date=_("Tall per {date}").format(date=data_date(store)),
        url=f"{site.rstrip('/')}/indikator/{ind.id}?omrade={codes}" if site else None,
    )
    return figure(figures.page_chart(series, options), footer, FIGURE_SIZE)


def archive(
    store: Store,
    package_id: str,
    code: str,
    benchmark: Benchmark,
    renderer: Renderer,
    site: str = "",
) -> PackageFile:
    """The ZIP: Excel, PDF report, a PNG per indicator chart and README.txt."""
    summary = package(store, package_id)
    region = region_ref(store, code)
    url = f"{site.rstrip('/')}/pakker/{package_id}/{code}.zip" if site else ""
    # The report (its charts drawn by the chart workers, then typeset here) runs beside the
    # figures: while Typst sets the PDF, the workers draw the figures; the Excel file is written
    # while both wait on the workers.
    building = _REPORTS.submit(  # in this request's language (a ContextVar): a copy of its context
        contextvars.copy_context().run,
        report.build,
        store,
        code,
        benchmark,
        package=summary,
        url=url,
    )
    workbook_bytes, workbook_synthetic = _workbook(store, summary, region, url)
    with_data = [store.indicators[m.indicator_id] for m in summary.indicators if m.has_data]
    pngs = chart_pngs(store, region, with_data, renderer, site)
    names = [
        (f"figurer/{position:02d}-{member.indicator_id}.png", member.indicator_id)
        for position, member in enumerate(summary.indicators, start=1)
        if member.indicator_id in pngs
    ]
    made = building.result()
    synthetic = workbook_synthetic or made.synthetic
    stamp = _zip_time(store)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive_file:

        def add(name: str, data: bytes) -> None:
            archive_file.writestr(zipfile.ZipInfo(name, date_time=stamp), data)

        add("README.txt", ("\ufeff" + readme(store, summary, region, synthetic)).encode("utf-8"))
        add(f"{package_id}-{code}.xlsx", workbook_bytes)
        add(f"{package_id}-{code}.pdf", made.pdf)
        for name, ind_id in names:
            add(name, pngs[ind_id])
    return PackageFile(buffer.getvalue(), f"{package_id}-{code}.zip", synthetic)


def chart_pngs(
    store: Store,
    region: RegionRef,
    indicators: Sequence[Indicator],
    renderer: Renderer,
    site: str,
) -> dict[str, bytes]:
    """indicator id → its take-away PNG (2×), for each indicator with a chart for this area.

    Kept per snapshot by indicator, areas and site (the address in the footer), not by package:
    every package with the indicator shares it. The missing ones are drawn in one batch (the
    chart workers draw them side by side: ``render_many``).
    """
    parts = parts_for(store)
    areas = {i.id: figures.chart_areas(store, region, i) for i in indicators}
    keys = {i: ["figur-png", i, list(codes), site] for i, codes in areas.items() if codes}
    found = {i: data for i, key in keys.items() if (data := parts.get(store, key)) is not None}
    missing = [i for i in indicators if i.id in keys and i.id not in found]
    drawn = figures.all_series(store, region, missing)
    specs = [chart_figure(store, drawn[i.id], region, site) for i in missing if i.id in drawn]
    rendered = renderer.render_many(specs, FIGURE_SIZE, ImageFormat.PNG, scale=2)
    for ind_id, image in zip([i.id for i in missing if i.id in drawn], rendered, strict=True):
        parts.put(store, keys[ind_id], image.data)
        found[ind_id] = image.data
    return found


def _zip_time(store: Store) -> tuple[int, int, int, int, int, int]:
    """The data's date on every entry, so the same data gives the same archive."""
    try:
        built = datetime.fromisoformat(store.meta.get("built_at", ""))
    except ValueError:
        return (1980, 1, 1, 0, 0, 0)
    return (built.year, built.month, built.day, built.hour, built.minute, built.second)
