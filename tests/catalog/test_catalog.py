"""The indicator catalogue: structure, coverage of the issue's minimum list, and record rules."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from oppvekst.catalog import CATALOG_DIR, Catalog, load_catalog
from oppvekst.catalog.schema import (
    FhiFetch,
    Indicator,
    IntervalMethod,
    Measure,
    Polarity,
    PxWebFetch,
)

REPO = Path(__file__).resolve().parents[2]

# PRODUCT.md, "Topics, most important first (Figur 12)", preceded by the population basics.
TOPICS_IN_RANK_ORDER = [
    "befolkning",
    "mobbing",
    "egne-opplevelser",
    "frafall-vgs",
    "helse",
    "psykisk-helse",
    "barnevern",
    "skoleresultater",
    "barnehagedeltakelse",
    "samarbeid-tjenester",
    "barnefattigdom",
    "barnehagedekning",
    "vold",
    "fritidsdeltakelse",
    "framtidsutsikter",
    "rusmidler",
    "sysselsetting",
    "spesialundervisning",
    "fritidstilbud",
    "lokalmiljo",
    "funksjonsnedsettelser",
    "minoritetssprak",
    "budsjettandel",
]

# Topics without any indicator: each must say so (and why) in its description.
TOPICS_WITHOUT_INDICATOR = {"samarbeid-tjenester", "funksjonsnedsettelser"}

# The issue's minimum list: each concept → the indicator ids that cover it.
REQUIRED = {
    "children 0–17": ["barn-0-17"],
    "share of children in the population": ["andel-barn-0-17"],
    "change in the number of children": ["endring-barn-0-17"],
    "low income, annual EU60": ["barn-lavinntekt-eu60"],
    "low income, persistent (3-year)": ["barn-vedvarende-lavinntekt"],
    "child welfare measures per 1 000": ["barnevern-tiltak-per-1000"],
    "child welfare investigations": ["barnevern-undersokelser-antall"],
    "kindergarten coverage 1–5": ["barnehage-1-5"],
    "minority-language children in kindergarten": ["barnehage-minoritetssprak"],
    "bullying 7th grade": ["mobbing-7-trinn"],
    "bullying 10th grade": ["mobbing-10-trinn"],
    "well-being at school": ["trivsel-skolen-7-trinn", "trivsel-skolen-10-trinn"],
    "upper-secondary completion": ["gjennomforing-vgs"],
    "young people not in work or education": ["unge-utenfor-arbeid-utdanning"],
    "crowded housing": ["trangbodde-barn"],
    "school points / national tests": ["grunnskolepoeng", "nasjonale-prover-lesing-5"],
    "special education": ["spesialundervisning-andel"],
    "Ungdata: depressive symptoms": ["depressive-symptomer"],
    "Ungdata: confidant friend": ["fortrolig-venn"],
    "Ungdata: quality of life": ["livskvalitet"],
    "Ungdata: local environment": ["fornoyd-med-lokalmiljoet"],
    "Ungdata: leisure participation": ["fritidsorganisasjon"],
    "Ungdata: future optimism": ["framtidsoptimisme"],
    "Ungdata: violence": ["utsatt-for-vold"],
    "Ungdata: alcohol": ["beruset-siste-ar"],
    "Ungdata: cannabis": ["cannabis"],
    "spending per child: kindergarten": ["utgifter-barnehage-per-barn"],
    "spending per child: school": ["utgifter-grunnskole-per-barn"],
    "spending per child: child welfare": ["utgifter-barnevern-per-barn"],
}

# Key indicators where "no judgement" is the sensible polarity, with the reason.
KEY_WITHOUT_POLARITY = {
    "barn-0-17": "a count of children is neither good nor bad",
    "andel-barn-0-17": "a population share is neither good nor bad",
    "barnevern-tiltak-per-1000": "a high rate can mean that children in need are found",
}

ATTRIBUTION = {
    "SSB": ("CC BY 4.0", "Kilde: Statistisk sentralbyrå (SSB), tabell "),
    "FHI": ("NLOD 2.0", "Kilde: Folkehelseinstituttet (Kommunehelsa statistikkbank)"),
    "Udir": ("NLOD 2.0", "Kilde: Utdanningsdirektoratet"),
    "IMDi": ("NLOD 2.0", "Kilde: IMDi (fra SSB-statistikk)"),
}
UNGDATA_ATTRIBUTION = "Kilde: Ungdata (NOVA, OsloMet) via Folkehelseinstituttet"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def _ids(catalog: Catalog) -> set[str]:
    return {ind.id for ind in catalog}


def test_the_catalogue_loads_with_at_least_40_indicators(catalog: Catalog) -> None:
    assert len(catalog.indicators) >= 40


def test_every_file_name_is_its_id() -> None:
    for path in (CATALOG_DIR / "indicators").glob("*.yml"):
        text = path.read_text(encoding="utf-8")
        assert f"\nid: {path.stem}\n" in f"\n{text}", path.name


def test_topics_are_the_22_ranked_areas_plus_population(catalog: Catalog) -> None:
    ranked = sorted(catalog.topics, key=lambda t: t.rank)
    assert [t.id for t in ranked] == TOPICS_IN_RANK_ORDER
    assert [t.rank for t in ranked] == list(range(23))
    assert all(t.title and t.description for t in catalog.topics)


def test_every_topic_has_an_indicator_or_says_why_not(catalog: Catalog) -> None:
    for topic in catalog.topics:
        members = catalog.in_topic(topic.id)
        if topic.id in TOPICS_WITHOUT_INDICATOR:
            assert not members, f"{topic.id} now has indicators: update the test and the text"
            assert "ingen indikator ennå" in topic.description.lower(), topic.id
        else:
            assert members, f"topic {topic.id} has no indicator"


@pytest.mark.parametrize("concept", sorted(REQUIRED))
def test_each_minimum_item_of_the_issue_is_covered(catalog: Catalog, concept: str) -> None:
    missing = [i for i in REQUIRED[concept] if not catalog.has(i)]
    assert not missing, f"{concept}: missing {missing}"


def test_minimum_items_have_the_right_shape(catalog: Catalog) -> None:
    rate = catalog.indicator("barnevern-tiltak-per-1000")
    assert (rate.measure, rate.multiplier, rate.interval) == (Measure.RATE, 1000, "byar")
    persistent = catalog.indicator("barn-vedvarende-lavinntekt")
    assert persistent.periodicity == "three_year"
    fetch = persistent.source.fetch[0]
    assert isinstance(fetch, PxWebFetch)
    assert fetch.selection["Alder"] == ["00-17"]
    share = catalog.indicator("andel-barn-0-17").source.derive
    assert share is not None
    assert (share.numerator, share.denominator) == (
        "barn-0-17",
        "befolkning-totalt",
    )
    change = catalog.indicator("endring-barn-0-17").source.derive
    assert change is not None
    assert (change.kind, change.of, change.years) == (
        "change",
        "barn-0-17",
        5,
    )
    # Persistent low income for all ages must never pass for a children's figure.
    all_ages = catalog.indicator("vedvarende-lavinntekt-alle-aldre")
    assert "alle aldre" in all_ages.title
    assert "barn" not in all_ages.title.lower()


def test_ssb_fetches_select_every_variable_explicitly(catalog: Catalog) -> None:
    for ind in catalog:
        for spec in ind.source.fetch:
            if not isinstance(spec, PxWebFetch):
                continue
            where = f"{ind.id} ({spec.table})"
            assert {"ContentsCode", "Tid"} <= set(spec.selection), where
            for variable, codes in spec.selection.items():
                assert codes, f"{where}: empty {variable}"
                assert all(c.strip() for c in codes), f"{where}: blank code in {variable}"
            mapping = spec.mapping
            assert mapping.region in spec.selection, f"{where}: region {mapping.region}"
            assert mapping.period in spec.selection, where
            assert mapping.measure_column == "ContentsCode", where
            contents = set(spec.selection["ContentsCode"])
            for role in ("value", "numerator", "denominator"):
                code = getattr(mapping, role)
                assert code is None or code in contents, f"{where}: {role} {code} not selected"
            for column in [*mapping.where, *mapping.sum_over]:
                assert column in spec.selection, f"{where}: {column} not selected"
            for variable in [*spec.codelists, *spec.output_values]:
                assert variable in spec.selection, where


def test_kostra_tables_use_the_kostra_region_variable_and_codes(catalog: Catalog) -> None:
    kostra = [
        (ind, spec)
        for ind in catalog
        for spec in ind.source.fetch
        if isinstance(spec, PxWebFetch)
        and any(c.startswith("KOS") for c in spec.selection["ContentsCode"])
    ]
    assert len(kostra) >= 8
    for ind, spec in kostra:
        assert "KOKkommuneregion0000" in spec.selection, ind.id
        assert "Region" not in spec.selection, ind.id
        assert spec.mapping.region_codes.get("EAK") == "0", ind.id
        assert spec.mapping.region_prefix == "EKA", ind.id


def test_fhi_fetches_are_on_nokkel_with_an_id_or_a_title(catalog: Catalog) -> None:
    for ind in catalog:
        for spec in ind.source.fetch:
            if isinstance(spec, FhiFetch):
                assert spec.source == "nokkel", ind.id
                assert spec.table_id is not None or spec.title_match, ind.id
                assert {"GEO", "AAR", "MEASURE_TYPE"} <= set(spec.dimensions), ind.id
                measures = set(spec.dimensions["MEASURE_TYPE"])
                assert spec.mapping.value in measures, ind.id
                assert spec.mapping.numerator in (None, *measures), ind.id
                # Every table id we use is REPORTED, never verified: say so.
                assert not ind.source.verified, ind.id


def test_unverified_sources_say_exactly_what_is_unverified(catalog: Catalog) -> None:
    unverified = [ind for ind in catalog if not ind.source.verified]
    assert unverified, "expected REPORTED sources to be marked unverified"
    for ind in unverified:
        note = ind.source.verification_note.strip()
        assert len(note) > 40, f"{ind.id}: verification_note too thin"


def test_a_derived_indicator_is_verified_only_if_its_inputs_are(catalog: Catalog) -> None:
    for ind in catalog:
        derive = ind.source.derive
        if derive is None or not ind.source.verified:
            continue
        for ref in (derive.numerator, derive.denominator, derive.of):
            if ref:
                assert catalog.indicator(ref).source.verified, f"{ind.id} uses unverified {ref}"


def test_intervals_match_the_measure(catalog: Catalog) -> None:
    for ind in catalog:
        if ind.interval is IntervalMethod.WILSON:
            assert ind.measure is Measure.PROPORTION, ind.id
        if ind.measure is Measure.PROPORTION:
            assert ind.multiplier == 100, ind.id
            assert ind.unit == "prosent", ind.id
            assert ind.interval in (IntervalMethod.WILSON, IntervalMethod.NONE), ind.id
            assert ind.numerator, ind.id
            assert ind.denominator, ind.id
        if ind.measure is Measure.RATE:
            assert ind.interval is IntervalMethod.BYAR, ind.id
            assert ind.multiplier >= 1000, ind.id
            assert ind.denominator, ind.id
        # No interval must be explained, except for exact counts and derived changes.
        if ind.interval is IntervalMethod.NONE and ind.measure not in (
            Measure.COUNT,
            Measure.CHANGE,
        ):
            text = " ".join(ind.caveats).lower()
            assert "intervall" in text, f"{ind.id}: say why there is no interval"


def test_only_counts_are_additive(catalog: Catalog) -> None:
    for ind in catalog:
        if ind.additive:
            assert ind.measure is Measure.COUNT, ind.id
            assert ind.source.derive is None, ind.id


def test_key_indicators_are_about_fifteen_and_spread_out(catalog: Catalog) -> None:
    keys = catalog.key_indicators()
    assert 12 <= len(keys) <= 18
    assert len({k.topic for k in keys}) >= 10


def test_key_indicators_judge_where_sensible(catalog: Catalog) -> None:
    for ind in catalog.key_indicators():
        if ind.id in KEY_WITHOUT_POLARITY:
            assert ind.polarity is Polarity.NONE, ind.id
        else:
            assert ind.polarity is not Polarity.NONE, f"{ind.id}: key indicator without polarity"


def _publisher(ind: Indicator) -> str:
    return ind.source.publisher.split(" ")[0]


def test_licence_and_attribution_follow_the_source(catalog: Catalog) -> None:
    for ind in catalog:
        publisher = _publisher(ind)
        if publisher == "Oppvekststatus":
            assert ind.attribution.startswith(ATTRIBUTION["SSB"][1]), ind.id
            continue
        licence, attribution = ATTRIBUTION[publisher]
        assert licence in ind.licence, ind.id
        if publisher == "FHI" and "Ungdata" in ind.source.title:
            assert ind.attribution == UNGDATA_ATTRIBUTION, ind.id
        else:
            assert ind.attribution.startswith(attribution), ind.id
        if publisher == "SSB":
            assert ind.source.table, ind.id
            assert ind.source.table in ind.attribution, ind.id
        if any(spec.connector == "file" and "imdi" in spec.path for spec in ind.source.offline):
            assert ATTRIBUTION["IMDi"][1] in ind.attribution, ind.id


def test_texts_are_filled_in(catalog: Catalog) -> None:
    for ind in catalog:
        for field in ("title", "short_title", "definition", "rationale", "unit"):
            assert getattr(ind, field).strip(), f"{ind.id}: empty {field}"
        assert len(ind.short_title) <= 40, ind.id
        assert ind.disclosure.note.strip() or ind.disclosure.min_numerator, ind.id
        assert ind.levels, ind.id


def test_packages_serve_a_task_and_reference_indicators(catalog: Catalog) -> None:
    ids = _ids(catalog)
    package_ids = {p.id for p in catalog.packages}
    assert {
        "folkehelseoversikt-barn-unge",
        "tilstandsrapport-barnevern",
        "oppvekstprofil-nokkeltall",
    } <= package_ids
    for package in catalog.packages:
        assert len(package.indicators) >= 3, package.id
        assert len(set(package.indicators)) == len(package.indicators), package.id
        assert set(package.indicators) <= ids, package.id
        assert package.purpose.strip(), package.id
        assert package.description.strip(), package.id
    profile = catalog.package("oppvekstprofil-nokkeltall")
    assert {k.id for k in catalog.key_indicators()} <= set(profile.indicators)


def test_the_generated_document_is_up_to_date() -> None:
    result = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "catalogue_doc.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
