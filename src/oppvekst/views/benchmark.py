"""What an area is compared with: the country, its county, its KOSTRA group or a chosen group.

A group's value is computed from the members' summed numerators and denominators (the group as one
population), not as a mean of their rates; means and scores are weighted by respondents.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from oppvekst.errors import BadRequest
from oppvekst.snapshot.store import Store
from oppvekst.views.regions import county_of
from oppvekst.views.search import best_region

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
        return Benchmark("land", ("0",), "landsgjennomsnittet")
    if raw in ("fylke", "kostra") and code is None:
        raise BadRequest(f"Sammenligning med «{raw}» trenger et valgt område.")
    region = store.regions.get(code or "")
    if raw == "fylke":
        county = county_of(store, code or "")
        if county is None:
            return Benchmark("land", ("0",), "landsgjennomsnittet")
        return Benchmark("fylke", (county,), f"snittet for {store.regions[county].name}")
    if raw == "kostra":
        group = region.kostra_group if region else None
        if not group:
            raise BadRequest(
                "Området har ingen KOSTRA-gruppe.", hint="Velg land, fylke eller en egen gruppe."
            )
        members = tuple(c for c, r in store.regions.items() if r.kostra_group == group)
        return Benchmark(
            "kostra", members, f"snittet for KOSTRA-gruppe {group.removeprefix('EKG').lstrip('0')}"
        )
    if raw.startswith("gruppe:"):
        members = tuple(dict.fromkeys(c.strip() for c in raw[7:].split(",") if c.strip()))
        unknown = [c for c in members if c not in store.regions]
        if unknown or not members:
            raise BadRequest(
                f"Gruppen inneholder ukjente områder: {unknown[:5]}"
                if unknown
                else "Gruppen er tom.",
                hint="Skriv kommunenumre skilt med komma, f.eks. gruppe:0301,4601.",
            )
        if len(members) > MAX_GROUP:
            raise BadRequest(f"En gruppe kan ha høyst {MAX_GROUP} områder.")
        return Benchmark(
            "gruppe", members, f"snittet for den valgte gruppen ({len(members)} områder)"
        )
    raise BadRequest(
        f"Ukjent sammenligningsgrunnlag «{raw}».",
        hint="Bruk land, fylke, kostra eller gruppe:kode,kode.",
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
                found = best_region(store, part)
                if found is None:
                    raise BadRequest(
                        f"Fant ingen kommune som heter «{part.strip()}».",
                        hint="Skriv navn eller kommunenumre skilt med komma, f.eks. Bergen, 5001.",
                    )
                codes.append(found)
        if not codes:
            raise BadRequest(
                "Den egne gruppen er tom.",
                hint="Skriv inn minst én kommune i feltet «Egen gruppe», f.eks. Bergen, 5001.",
            )
        chosen = "gruppe:" + ",".join(codes)
    return parse_benchmark(store, chosen, code)


def benchmark_values(
    store: Store, benchmark: Benchmark, indicator_ids: list[str], code: str | None = None
) -> dict[tuple[str, str], float]:
    """(indicator, period) → the benchmark's value."""
    if not indicator_ids:
        return {}
    if benchmark.kind in ("land", "fylke"):
        return {
            (r["indicator_id"], r["period"]): float(r["value"])
            for r in store.observation_records(indicator_ids, list(benchmark.members))
            if r["value"] is not None and r["value"] == r["value"]
        }
    return store.group_values(indicator_ids, benchmark.members)
