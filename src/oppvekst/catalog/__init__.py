"""The indicator catalogue: YAML records beside this file, validated by ``schema``."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import ValidationError

from oppvekst.catalog.schema import (
    Breakdown,
    BreakdownDimension,
    Family,
    FetchSpec,
    Indicator,
    Package,
    Topic,
)
from oppvekst.errors import CatalogError, UnknownIndicator
from oppvekst.language import Language, current

CATALOG_DIR = Path(__file__).parent
T = TypeVar("T", Indicator, Topic, Package, Family, BreakdownDimension)


@dataclass(frozen=True)
class Catalog:
    topics: tuple[Topic, ...]
    indicators: tuple[Indicator, ...]
    packages: tuple[Package, ...]
    # Indicators sharing numerators/denominators: disclosure control runs over each (families.yml).
    families: tuple[Family, ...] = ()
    _by_id: dict[str, Indicator] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_id.update({ind.id: ind for ind in self.indicators})

    def indicator(self, indicator_id: str) -> Indicator:
        try:
            return self._by_id[indicator_id]
        except KeyError:
            raise UnknownIndicator(
                f"Indikatoren «{indicator_id}» finnes ikke.",
                hint="Se /api/v1/indicators for alle indikatorer.",
            ) from None

    def has(self, indicator_id: str) -> bool:
        return indicator_id in self._by_id

    def topic(self, topic_id: str) -> Topic:
        for topic in self.topics:
            if topic.id == topic_id:
                return topic
        raise CatalogError(f"Unknown topic {topic_id!r}")

    def in_topic(self, topic_id: str) -> list[Indicator]:
        return [ind for ind in self.indicators if ind.topic == topic_id]

    def package(self, package_id: str) -> Package:
        for package in self.packages:
            if package.id == package_id:
                return package
        raise CatalogError(f"Pakken «{package_id}» finnes ikke.")

    def key_indicators(self) -> list[Indicator]:
        return [ind for ind in self.indicators if ind.key_indicator]

    def __iter__(self) -> Iterator[Indicator]:
        return iter(self.indicators)


def _read_yaml(path: Path) -> object:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise CatalogError(f"{path.name}: not valid YAML: {exc}") from exc


def _validate(model: type[T], raw: object, where: str) -> T:
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise CatalogError(f"{where}: {exc}") from exc


def load_catalog(directory: Path = CATALOG_DIR) -> Catalog:
    """Read and validate every record, then check the references between them."""
    topics_raw = _read_yaml(directory / "topics.yml")
    packages_raw = _read_yaml(directory / "packages.yml")
    if not isinstance(topics_raw, list) or not isinstance(packages_raw, list):
        raise CatalogError("topics.yml and packages.yml must each hold a list of records")
    topics = tuple(_validate(Topic, t, f"topics.yml[{i}]") for i, t in enumerate(topics_raw))
    packages = tuple(
        _validate(Package, p, f"packages.yml[{i}]") for i, p in enumerate(packages_raw)
    )
    indicators = tuple(
        _validate(Indicator, _read_yaml(path), path.name)
        for path in sorted((directory / "indicators").glob("*.yml"))
    )
    _check_references(topics, indicators, packages)
    _check_categories(indicators, read_dimensions(directory))
    families = _families(directory / "families.yml", {ind.id for ind in indicators})
    return Catalog(topics, indicators, packages, families)


def _families(path: Path, known: set[str]) -> tuple[Family, ...]:
    if not path.exists():
        return ()
    raw = _read_yaml(path)
    if not isinstance(raw, list):
        raise CatalogError("families.yml must hold a list of records")
    families = tuple(_validate(Family, f, f"families.yml[{i}]") for i, f in enumerate(raw))
    for family in families:
        unknown = [m.indicator for m in family.members if m.indicator not in known]
        if unknown:
            raise CatalogError(f"family {family.id}: unknown indicators {unknown}")
    return families


def _check_references(
    topics: tuple[Topic, ...], indicators: tuple[Indicator, ...], packages: tuple[Package, ...]
) -> None:
    ids = [ind.id for ind in indicators]
    duplicates = {i for i in ids if ids.count(i) > 1}
    if duplicates:
        raise CatalogError(f"duplicate indicator ids: {sorted(duplicates)}")
    topic_ids = {t.id for t in topics}
    known = set(ids)
    for ind in indicators:
        if ind.topic not in topic_ids:
            raise CatalogError(f"{ind.id}: unknown topic {ind.topic!r}")
        derive = ind.source.derive
        if derive is not None:
            for ref in (derive.numerator, derive.denominator, derive.of):
                if ref is not None and ref not in known:
                    raise CatalogError(f"{ind.id}: derives from unknown indicator {ref!r}")
    for package in packages:
        missing = [i for i in package.indicators if i not in known]
        if missing:
            raise CatalogError(f"package {package.id}: unknown indicators {missing}")


def read_dimensions(directory: Path = CATALOG_DIR) -> dict[str, BreakdownDimension]:
    """The declared breakdown dimensions (``breakdowns.yml``), by name, in BREAKDOWNS order."""
    raw = _read_yaml(directory / "breakdowns.yml")
    if not isinstance(raw, list):
        raise CatalogError("breakdowns.yml must hold a list of dimensions")
    dimensions = [
        _validate(BreakdownDimension, d, f"breakdowns.yml[{i}]") for i, d in enumerate(raw)
    ]
    return {d.name.value: d for d in dimensions}


def breakdown_dimensions() -> dict[str, BreakdownDimension]:
    """The declared dimensions, labelled in the language being served (``language.current()``):
    every selector, table, chart and download reads its group labels here."""
    return _dimensions_in(current())


@cache
def _dimensions_in(lang: Language) -> dict[str, BreakdownDimension]:
    return {name: d.in_language(lang) for name, d in read_dimensions().items()}


def _produced_categories(spec: FetchSpec) -> dict[Breakdown, set[str]]:
    produced: dict[Breakdown, set[str]] = {}
    for b in spec.mapping.breakdowns:
        produced.setdefault(b.name, set()).update(b.groups or b.categories.values())
    return produced


def _check_categories(
    indicators: tuple[Indicator, ...], dimensions: dict[str, BreakdownDimension]
) -> None:
    """Every breakdown an indicator declares is read by a mapping, with declared categories only,
    so no group reaches a page without its Norwegian label and its place in the order."""
    for ind in indicators:
        specs = [*ind.source.fetch, *ind.source.offline]
        read: set[Breakdown] = set()
        for spec in specs:
            for name, codes in _produced_categories(spec).items():
                read.add(name)
                if name not in ind.breakdowns:
                    raise CatalogError(f"{ind.id}: a mapping reads {name.value}, not declared")
                dimension = dimensions.get(name.value)
                unknown = sorted(c for c in codes if dimension is None or not dimension.label_of(c))
                if unknown:
                    raise CatalogError(f"{ind.id}: {name.value} categories {unknown} undeclared")
        missing = [b.value for b in ind.breakdowns if b not in read]
        if missing and not ind.source.derive:
            raise CatalogError(f"{ind.id}: declares breakdowns {missing} that no mapping reads")


@cache
def default_catalog() -> Catalog:
    return load_catalog()
