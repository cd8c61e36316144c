"""The «Oppvekstprofil» PDF for one area: cover, barometer, sentences, a page per topic, methods.

For a kommune, a bydel, a fylke or the whole country, against any benchmark the profile page offers
(``sammenligning=``); restricted to a package's indicators when it is part of a package's bundle.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from oppvekst.catalog.schema import Indicator
from oppvekst.reports import content, figures
from oppvekst.reports.typesetter import typesetter
from oppvekst.store import Store
from oppvekst.views.benchmark import Benchmark
from oppvekst.views.packages import PackageSummary
from oppvekst.views.profile import Profile, profile

TITLE = "Oppvekstprofil"


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
    """The report's PDF, for the key indicators or the package's."""
    chosen: list[Indicator] | None = (
        [store.indicators[i.indicator_id] for i in package.indicators] if package else None
    )
    result = profile(store, code, benchmark, indicators=chosen)
    shown = [store.indicators[r.indicator_id] for r in result.rows]
    drawn = figures.figures(store, result.region, shown)
    if package is not None:
        title, lead = package.title, package.description
        filename = f"{package.id}-{code}.pdf"
    else:
        title = TITLE
        lead = (
            f"Nøkkelindikatorer for oppvekst i {result.region.name}, sammenlignet med "
            f"{benchmark.label}."
        )
        filename = f"oppvekstprofil-{code}.pdf"
    document = content.document(store, result, drawn, title=title, lead=lead, url=url)
    pdf = typesetter().pdf(document, _created(store))
    return Report(pdf, filename, result, drawn)
