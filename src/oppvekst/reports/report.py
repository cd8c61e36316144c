"""The «Oppvekstprofil» PDF for one area: cover, barometer, sentences, a page per topic, methods.

For a kommune, a bydel, a fylke or the whole country, against any benchmark the profile page offers
(``sammenligning=``); restricted to a package's indicators when it is part of a package's bundle.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime

from oppvekst.catalog.schema import Indicator
from oppvekst.errors import OppvekstError
from oppvekst.glossary import N_
from oppvekst.language import _
from oppvekst.reports import content, figures
from oppvekst.reports.parts import parts_for
from oppvekst.reports.typesetter import typesetter
from oppvekst.snapshot.store import Store
from oppvekst.views.benchmark import Benchmark
from oppvekst.views.inequality import area_views
from oppvekst.views.packages import PackageSummary
from oppvekst.views.profile import Profile, profile
from oppvekst.views.regions import region_ref

TITLE = N_("Oppvekstprofil")  # translated at use
# Threads that only wait: for the chart workers (drawing while the profile is computed), and for
# a second report in ``build_all`` (its charts drawn while the first one's PDF is typeset).
IN_FLIGHT = 2
_DRAWING = ThreadPoolExecutor(max_workers=8, thread_name_prefix="report-charts")


@dataclass(frozen=True, slots=True)
class Report:
    pdf: bytes
    filename: str
    profile: Profile
    figures: dict[str, figures.Figure]

    @property
    def synthetic(self) -> bool:
        return self.profile.synthetic


def _created(store: Store) -> datetime:
    try:
        built = datetime.fromisoformat(store.meta.get("built_at", ""))
    except ValueError:
        return datetime.now(UTC)
    return built if built.tzinfo else built.replace(tzinfo=UTC)


def build(
    store: Store,
    code: str,
    benchmark: Benchmark,
    *,
    package: PackageSummary | None = None,
    url: str = "",
) -> Report:
    """The report's PDF, for the key indicators or the package's: made once per snapshot and
    language, then read back (``reports.parts``)."""
    chosen: list[Indicator] | None = (
        [store.indicators[i.indicator_id] for i in package.indicators] if package else None
    )
    key = [
        "rapport",
        code,
        benchmark.param,
        benchmark.label,
        package.id if package else None,
        url,
    ]
    kept = parts_for(store).get(store, key)
    if kept is not None:
        # The profile (milliseconds) and the charts (kept with the PDF) for the caller, unmade.
        result = profile(store, code, benchmark, indicators=chosen)
        shown = [store.indicators[r.indicator_id] for r in result.rows]
        return Report(
            kept, _filename(code, package), result, figures.figures(store, result.region, shown)
        )
    made = _made(store, code, benchmark, chosen, package, url)
    parts_for(store).put(store, key, made.pdf)
    return made


def _filename(code: str, package: PackageSummary | None) -> str:
    return f"{package.id}-{code}.pdf" if package is not None else f"oppvekstprofil-{code}.pdf"


def _made(
    store: Store,
    code: str,
    benchmark: Benchmark,
    chosen: list[Indicator] | None,
    package: PackageSummary | None,
    url: str,
) -> Report:
    # The profile has a row for each chosen indicator with data: the charts for those can be
    # drawn while the profile is computed. The gaps between groups are for the same indicators
    # as the rest of the report: a package's report keeps to the package, the key-indicator
    # report takes every indicator with groups (the profile page's «Ulikhet» section does the
    # same). Their charts go to the workers in the same batch as the line charts.
    candidates = (
        chosen if chosen is not None else [i for i in store.indicators.values() if i.key_indicator]
    )
    gaps = area_views(store, code, {i.id for i in chosen} if chosen is not None else None)
    # The charts are drawn in another thread: in this request's language (a ContextVar), so run
    # them in a copy of this context.
    drawing: Future[tuple[dict[str, figures.Figure], dict[str, figures.Figure]]] = _DRAWING.submit(
        contextvars.copy_context().run,
        figures.report_figures,
        store,
        region_ref(store, code),
        candidates,
        gaps,
    )
    result = profile(store, code, benchmark, indicators=chosen)
    shown = [store.indicators[r.indicator_id] for r in result.rows]
    drawn, gap_figures = drawing.result()
    if set(drawn) != {i.id for i in shown}:  # not expected; the cached ones are not redrawn
        drawn = figures.figures(store, result.region, shown)
    if package is not None:
        title, lead = package.title, package.description
    else:
        title = _(TITLE)
        lead = _("Nøkkelindikatorer for oppvekst i {area}, sammenlignet med {benchmark}.").format(
            area=result.region.name, benchmark=benchmark.label
        )
    document = content.document(
        store,
        result,
        drawn,
        title=title,
        lead=lead,
        url=url,
        inequalities=[(view, gap_figures.get(view.indicator.id)) for view in gaps],
    )
    pdf = typesetter().pdf(document, _created(store))
    return Report(pdf, _filename(code, package), result, drawn)


def build_all(
    store: Store, codes: Sequence[str], make: Callable[[str], Report]
) -> Iterator[tuple[str, Report | OppvekstError]]:
    """``make(code)`` for each area, in order, two at a time (``oppvekst report --all``).

    One report's charts are drawn by the chart workers while the other's PDF is typeset, so
    both cores stay busy. An area whose report fails gives its error instead, and the rest go on.
    """
    pool = ThreadPoolExecutor(max_workers=IN_FLIGHT, thread_name_prefix="report")
    try:
        futures = [(code, pool.submit(make, code)) for code in codes]
        for code, future in futures:
            try:
                yield code, future.result()
            except OppvekstError as exc:
                yield code, exc
    finally:
        pool.shutdown(cancel_futures=True)
