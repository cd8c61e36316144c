"""The 200 answers of the analysis operations (``/compare``, ``/cross``, ``/index``, ``/profile``).

They mirror the view dataclasses the pages render (``views.compare``, ``views.cross``,
``views.composite``, ``views.profile``), as the JSON ``dataclasses.asdict`` makes of them; numbers
a statistic can leave undefined (NaN) are ``null``.
"""

from __future__ import annotations

from pydantic import Field

from oppvekst.api.models import ApiAnswer, RegionRefAnswer
from oppvekst.catalog.schema import Indicator
from oppvekst.language import N_

SIGNIFICANCE = N_(
    "much_better, better, similar, worse, much_worse, lower, higher eller not_compared"
)


class CellAnswer(ApiAnswer):
    indicator_id: str
    region: str
    period: str | None
    value: float | None
    status: str | None
    benchmark_value: float | None
    benchmark_note: str | None = Field(
        description=N_(
            "Hvorfor sammenligningsverdien mangler (f.eks. en gruppe der noen kommuner "
            "mangler tall)"
        )
    )
    significance: str = Field(description=SIGNIFICANCE)
    quintile: int | None = Field(description=N_("1 = laveste femtedel av kommunene"))
    category: str = Field(description=N_("Det fargen viser: en signifikans eller q1–q5"))
    label: str
    synthetic: bool


class CompareTableAnswer(ApiAnswer):
    areas: list[RegionRefAnswer]
    indicators: list[Indicator]
    cells: list[CellAnswer]
    benchmark_param: str
    benchmark_label: str
    colour_by: str
    sort: str | None
    synthetic: bool
    summary: list[str]


class CrossPointAnswer(ApiAnswer):
    code: str
    name: str
    x: float
    y: float
    role: str = Field(description=N_("egen, gruppe eller andre"))
    weight: float | None


class CrossingAnswer(ApiAnswer):
    n: int
    pearson: float | None
    pearson_lower: float | None
    pearson_upper: float | None
    spearman: float | None
    spearman_lower: float | None
    spearman_upper: float | None
    slope: float | None
    intercept: float | None
    r2: float | None
    show_line: bool
    outliers: list[str]
    outlier_indices: list[int]


class CrossViewAnswer(ApiAnswer):
    x: Indicator
    y: Indicator
    year: int
    period_x: str
    period_y: str
    years: list[int]
    points: list[CrossPointAnswer]
    missing: int = Field(description=N_("Kommuner uten begge verdiene"))
    result: CrossingAnswer
    own: RegionRefAnswer | None
    group: list[str]
    group_label: str
    weighting: str
    sentence: str
    ecological_note: str
    synthetic: bool


class RecipeAnswer(ApiAnswer):
    components: list[tuple[str, float]] = Field(description=N_("(indikator, vekt)"))
    year: int | None
    method: str = Field(description=N_("zscore eller base_year"))
    base_year: int | None


class IndexRowAnswer(ApiAnswer):
    code: str
    name: str
    index: float | None
    lower: float | None
    upper: float | None
    rank: int | None
    rank_lower: int | None
    rank_upper: int | None
    components_used: int


class CompositeViewAnswer(ApiAnswer):
    recipe: RecipeAnswer
    indicators: list[Indicator]
    periods: list[str]
    year: int
    years: list[int]
    rows: list[IndexRowAnswer]
    recipe_text: str
    highlight: list[str]
    synthetic: bool
    summary: list[str]


class BenchmarkAnswer(ApiAnswer):
    kind: str = Field(description=N_("land, fylke, kostra eller gruppe"))
    members: list[str]
    label: str


class BarometerRowAnswer(ApiAnswer):
    indicator_id: str
    title: str
    short_title: str
    topic: str
    unit: str
    decimals: int
    polarity: str
    period: str | None
    value: float | None
    numerator: float | None
    lower95: float | None
    upper95: float | None
    status: str | None
    county_value: float | None
    country_value: float | None
    benchmark_value: float | None
    benchmark_note: str | None = Field(
        description=N_(
            "Hvorfor sammenligningsverdien mangler (f.eks. en gruppe der noen kommuner "
            "mangler tall)"
        )
    )
    min_value: float | None
    max_value: float | None
    q1: float | None
    q3: float | None
    significance: str = Field(description=SIGNIFICANCE)
    not_compared: str | None = Field(
        description=N_(
            "Hvorfor verdien ikke er sammenlignet: no_value, count, no_benchmark, "
            "not_published (kilden oppgir ikke usikkerhet) eller no_interval; null når den er det"
        )
    )
    trend: str
    trend_text: str
    sentence: str
    synthetic: bool
    flags: str | None


class ProfileAnswer(ApiAnswer):
    region: RegionRefAnswer
    county: RegionRefAnswer | None
    benchmark: BenchmarkAnswer
    rows: list[BarometerRowAnswer]
    summary: list[str]
    synthetic: bool
