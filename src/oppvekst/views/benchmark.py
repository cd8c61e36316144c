"""What an area is compared with: the country, its county, its KOSTRA group or a chosen group.

A group's value is ``stats.comparison.member_group_value`` over the members' rows: proportions and
rates from the summed numerators and denominators (the group as one population), counts summed,
means and scores weighted by respondents. A group where any member lacks those numbers has no
value, and the note says which members lack them (docs/statistics.md, "Group values").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from oppvekst.catalog.schema import Indicator, Measure
from oppvekst.errors import BadRequest
from oppvekst.glossary import N_
from oppvekst.language import _
from oppvekst.snapshot.store import Store
from oppvekst.stats import comparison, sentences
from oppvekst.views.regions import county_of, resolve_input

BenchmarkKind = Literal["land", "fylke", "kostra", "gruppe"]
MAX_GROUP = 400


@dataclass(frozen=True, slots=True)
class Benchmark:
    kind: BenchmarkKind
    members: tuple[str, ...] = ()
    label: str = "landsgjennomsnittet"

    @property
    def param(self) -> str:
        """The benchmark as it stands in a URL."""
        if self.kind == "gruppe":
            return "gruppe:" + ",".join(self.members)
        return self.kind


def parse_benchmark(store: Store, text: str | None, code: str | None) -> Benchmark:
    """``land`` (default), ``fylke``, ``kostra`` or ``gruppe:0301,4601,…`` (from the URL)."""
    raw = (text or "land").strip()
    if raw == "land":
        return Benchmark("land", ("0",), sentences.benchmark_phrase("country"))
    if raw in ("fylke", "kostra") and code is None:
        raise BadRequest(_("Sammenligning med «{raw}» trenger et valgt område.").format(raw=raw))
    region = store.regions.get(code or "")
    if raw == "fylke":
        county = county_of(store, code or "")
        if county is None:
            return Benchmark("land", ("0",), sentences.benchmark_phrase("country"))
        name = store.regions[county].name
        return Benchmark("fylke", (county,), sentences.benchmark_phrase("county", name))
    if raw == "kostra":
        group = region.kostra_group if region else None
        if not group:
            raise BadRequest(
                _("Området har ingen KOSTRA-gruppe."),
                hint=_("Velg land, fylke eller en egen gruppe."),
            )
        members = tuple(c for c, r in store.regions.items() if r.kostra_group == group)
        number = group.removeprefix("EKG").lstrip("0")
        label = sentences.benchmark_phrase(
            "group", _("KOSTRA-gruppe {number}").format(number=number)
        )
        return Benchmark("kostra", members, label)
    if raw.startswith("gruppe:"):
        members = tuple(dict.fromkeys(c.strip() for c in raw[7:].split(",") if c.strip()))
        unknown = [c for c in members if c not in store.regions]
        if unknown or not members:
            raise BadRequest(
                _("Gruppen inneholder ukjente områder: {codes}").format(codes=unknown[:5])
                if unknown
                else _("Gruppen er tom."),
                hint=_("Skriv kommunenumre skilt med komma, f.eks. gruppe:0301,4601."),
            )
        if len(members) > MAX_GROUP:
            raise BadRequest(_("En gruppe kan ha høyst {n} områder.").format(n=MAX_GROUP))
        label = sentences.benchmark_phrase(
            "group", _("den valgte gruppen ({n} områder)").format(n=len(members))
        )
        return Benchmark("gruppe", members, label)
    raise BadRequest(
        _("Ukjent sammenligningsgrunnlag «{raw}».").format(raw=raw),
        hint=_("Bruk land, fylke, kostra eller gruppe:kode,kode."),
    )


def benchmark_from_query(store: Store, query: Mapping[str, str], code: str) -> Benchmark:
    """The benchmark in a page's query (``sammenligning``): the profile, its PDF and the packages.

    ``sammenligning=gruppe&gruppe=Bergen, 5001`` is the profile form's own group: names or numbers
    typed by a person, each resolved to its best match.
    """
    chosen = query.get("sammenligning")
    if chosen == "gruppe":
        typed = query.get("gruppe", "")
        codes: list[str] = []
        for part in typed.replace(";", ",").split(","):
            if part.strip():
                codes.append(resolve_input(store, part, "gruppe"))
        if not codes:
            raise BadRequest(
                _("Den egne gruppen er tom."),
                hint=_("Skriv inn minst én kommune i feltet «Egen gruppe», f.eks. Bergen, 5001."),
            )
        chosen = "gruppe:" + ",".join(codes)
    return parse_benchmark(store, chosen, code)


@dataclass(frozen=True, slots=True)
class BenchmarkValue:
    """The benchmark's value for one indicator and period, or ``None`` and the reason why."""

    value: float | None
    note: str | None = None


# A percent change of a group is not the pooled change of its members' figures.
CHANGE_NOTE = N_("Gruppeverdien kan ikke beregnes for endringstall.")
# A group's total of a count stood in a column read as the group's average («snitt» 52 615 children
# beside one kommune's 4 000): a count is compared through its share, not with a group.
COUNT_NOTE = N_("Et antall sammenlignes ikke med en gruppe; se andelen.")


def benchmark_values(
    store: Store, benchmark: Benchmark, indicator_ids: list[str], code: str | None = None
) -> dict[tuple[str, str], BenchmarkValue]:
    """(indicator, period) → the benchmark's value (or, for a group, why it has none)."""
    if not indicator_ids:
        return {}
    if benchmark.kind in ("land", "fylke"):
        return {
            (r["indicator_id"], r["period"]): BenchmarkValue(float(r["value"]))
            for r in store.observation_records(indicator_ids, list(benchmark.members))
            if r["value"] is not None and r["value"] == r["value"]
        }
    members = list(benchmark.members)
    rows: dict[tuple[str, str], dict[str, dict[str, Any]]] = {}
    for record in store.observation_records(indicator_ids, members):
        key = (record["indicator_id"], record["period"])
        rows.setdefault(key, {})[record["region"]] = record
    noun = _("kommuner") if benchmark.kind == "kostra" else _("områder")
    return {
        key: _group_value(store, store.indicator(key[0]), members, by_member, noun)
        for key, by_member in rows.items()
    }


def _group_value(
    store: Store,
    indicator: Indicator,
    members: Sequence[str],
    by_member: Mapping[str, Mapping[str, Any]],
    noun: str,
) -> BenchmarkValue:
    if indicator.measure is Measure.CHANGE:
        return BenchmarkValue(None, _(CHANGE_NOTE))
    if indicator.measure is Measure.COUNT:
        return BenchmarkValue(None, _(COUNT_NOTE))

    def column(name: str) -> np.ndarray[tuple[int], np.dtype[np.float64]]:
        # A member without a row has no numbers: NaN, never 0.
        values = [by_member[c][name] if c in by_member else None for c in members]
        return np.array([np.nan if v is None else v for v in values], dtype=np.float64)

    if indicator.measure in (Measure.PROPORTION, Measure.RATE):
        result = comparison.member_group_value(
            members, column("numerator"), column("denominator"), indicator.multiplier
        )
    else:  # means and scores: weighted by the respondents behind each member's value
        n = column("n")
        result = comparison.member_group_value(members, column("value") * n, n)
    if result.value is not None:
        return BenchmarkValue(result.value)
    names = [f"{store.regions[c].name} {c}" for c in result.missing]
    return BenchmarkValue(None, sentences.group_value_note(names, result.members, noun))
