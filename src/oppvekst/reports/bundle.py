"""A statistics package for one area, to take away: one Excel file, or a ZIP with everything.

The Excel file holds every indicator of the package for the area, the level above it (county;
Oslo for a bydel) and the country over time — the same selection and writer as ``/api/v1/data``
(``views.data`` + ``exports.workbook``), with definitions, sources, symbols and licences on a
metadata sheet. The ZIP adds the package's PDF report, a PNG of each indicator's chart (the
indicator page's take-away image, through its renderer and disk cache) and a README.txt of sources
and licences. Every part says so when it holds synthetic demo values.
"""

from __future__ import annotations

import contextvars
import io
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime

from oppvekst import charts
from oppvekst.charts.figure import FIGURE_SIZES, Footer, figure
from oppvekst.charts.options import Spec
from oppvekst.charts.render import ImageFormat, Renderer
from oppvekst.exports import SYNTHETIC_WARNING, Download, SheetGroup
from oppvekst.exports.legend import LEGEND
from oppvekst.exports.workbook import to_xlsx
from oppvekst.language import _
from oppvekst.reports import figures, report
from oppvekst.reports.content import data_date
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
    region = region_ref(store, code)
    download = _download(store, summary, region, url)
    return PackageFile(to_xlsx(download), f"{package_id}-{code}.xlsx", download.synthetic)


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
    download = _download(store, summary, region, url)
    workbook_bytes = to_xlsx(download)
    with_data = [store.indicators[m.indicator_id] for m in summary.indicators if m.has_data]
    drawn = figures.all_series(store, region, with_data)
    members = [
        (position, member.indicator_id)
        for position, member in enumerate(summary.indicators, start=1)
        if member.indicator_id in drawn
    ]
    names = [f"figurer/{position:02d}-{ind_id}.png" for position, ind_id in members]
    # All figures in one batch: the chart workers draw them side by side (render_many).
    specs = [chart_figure(store, drawn[ind_id], region, site) for _pos, ind_id in members]
    pngs = renderer.render_many(specs, FIGURE_SIZE, ImageFormat.PNG, scale=2)
    made = building.result()
    synthetic = download.synthetic or made.synthetic
    stamp = _zip_time(store)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive_file:

        def add(name: str, data: bytes) -> None:
            archive_file.writestr(zipfile.ZipInfo(name, date_time=stamp), data)

        add("README.txt", ("\ufeff" + readme(store, summary, region, synthetic)).encode("utf-8"))
        add(f"{package_id}-{code}.xlsx", workbook_bytes)
        add(f"{package_id}-{code}.pdf", made.pdf)
        for name, png in zip(names, pngs, strict=True):
            add(name, png.data)
    return PackageFile(buffer.getvalue(), f"{package_id}-{code}.zip", synthetic)


def _zip_time(store: Store) -> tuple[int, int, int, int, int, int]:
    """The data's date on every entry, so the same data gives the same archive."""
    try:
        built = datetime.fromisoformat(store.meta.get("built_at", ""))
    except ValueError:
        return (1980, 1, 1, 0, 0, 0)
    return (built.year, built.month, built.day, built.hour, built.minute, built.second)
