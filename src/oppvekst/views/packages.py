"""Statistics packages: named bundles of indicators for a statutory task (folkehelseoversikt …).

A package for one area is that area's profile restricted to the package's indicators, so the
package page, its Excel download and the API give the same numbers as the municipality profile.
"""

from __future__ import annotations

from dataclasses import dataclass

from oppvekst.errors import UnknownPackage
from oppvekst.language import _
from oppvekst.snapshot.store import Store
from oppvekst.views.benchmark import Benchmark
from oppvekst.views.profile import Profile, profile


@dataclass(frozen=True, slots=True)
class PackageIndicator:
    indicator_id: str
    title: str
    topic_title: str
    has_data: bool
    synthetic: bool


@dataclass(frozen=True, slots=True)
class PackageSummary:
    id: str
    title: str
    description: str
    purpose: str
    indicators: tuple[PackageIndicator, ...]

    @property
    def synthetic(self) -> bool:
        return any(i.synthetic for i in self.indicators)


@dataclass(frozen=True, slots=True)
class PackageForArea:
    package: PackageSummary
    profile: Profile


def packages(store: Store) -> tuple[PackageSummary, ...]:
    return tuple(_summary(store, record) for record in store.packages)


def package(store: Store, package_id: str) -> PackageSummary:
    for record in store.packages:
        if record["id"] == package_id:
            return _summary(store, record)
    known = ", ".join(str(r["id"]) for r in store.packages)
    raise UnknownPackage(
        _("Pakken «{package}» finnes ikke.").format(package=package_id),
        hint=_("Pakkene som finnes er: {known}.").format(known=known),
    )


def package_for_area(
    store: Store, package_id: str, code: str, benchmark: Benchmark
) -> PackageForArea:
    """The package's indicators for one area, with the same barometer as the profile."""
    summary = package(store, package_id)
    chosen = [store.indicators[i.indicator_id] for i in summary.indicators]
    return PackageForArea(summary, profile(store, code, benchmark, indicators=chosen))


def _summary(store: Store, record: dict[str, object]) -> PackageSummary:
    topics = {str(t["id"]): str(t["title"]) for t in store.topics}
    ids = record.get("indicators") or []
    assert isinstance(ids, list)
    members = tuple(
        PackageIndicator(
            indicator_id=str(i),
            title=store.indicators[str(i)].title,
            topic_title=topics.get(store.indicators[str(i)].topic, ""),
            has_data=str(i) in store.indicators_with_data,
            synthetic=str(i) in store.synthetic_indicators,
        )
        for i in ids
        if str(i) in store.indicators
    )
    return PackageSummary(
        id=str(record["id"]),
        title=str(record["title"]),
        description=str(record.get("description", "")),
        purpose=str(record.get("purpose", "")),
        indicators=members,
    )
