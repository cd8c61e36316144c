"""Every offline source in the catalogue points at real figures in the shared mirror.

File specs: the file exists and every column the mapping names is in its header (and the codes
it filters on occur in those columns). Udir specs: the request they make is one of the recorded
requests (REQUESTS.md), and the measures they name are header texts of the recorded response.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml

from oppvekst.catalog import Catalog, load_catalog
from oppvekst.catalog.schema import FileFetch, Indicator, TableMapping, UdirFetch
from oppvekst.sources import kommunehelsa

ATLAS = Path("api_fixtures/atlas")
MIRROR_INDEX = Path(__file__).resolve().parents[2] / "src/oppvekst/sources/shared_mirror.yml"

# Indicators that must show real figures in an offline build.
MUST_HAVE_OFFLINE = {
    "barn-0-17",
    "befolkning-totalt",
    "elever-grunnskole",
    "spesialundervisning-andel",
    "spesialundervisning-antall",
    "forsterket-norsk-andel",
    "fravaer-10-trinn",
    "nasjonale-prover-lesing-5",
    "nasjonale-prover-lesing-8",
    "barnehage-1-5",
    "barnehage-minoritetssprak",
    "vedvarende-lavinntekt-alle-aldre",
    "unge-utenfor-arbeid-utdanning-2013",
    "gjennomforing-vgs",
    "vaksine-meslinger-9-aar",
    "vaksine-mmr-2-aar",
    "vaksine-hpv-jenter-16-aar",
}


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def _specs(catalog: Catalog, kind: type) -> list[tuple[Indicator, object]]:
    return [(ind, s) for ind in catalog for s in ind.source.offline if isinstance(s, kind)]


@cache
def _frame(path: Path, fmt: str, sheet: str | None, encoding: str, separator: str) -> pd.DataFrame:
    if fmt == "fhi_kommunehelsa":
        # Names, not codes: the reader's own columns (with 2019 codes) are what the mapping names.
        codes = kommunehelsa.CodeLists.from_mirror(path.parents[2])
        return kommunehelsa.read_export(path.read_bytes(), codes)
    if fmt == "xlsx":
        workbook = openpyxl.load_workbook(path, read_only=True)
        sheet_obj = workbook[sheet] if sheet else workbook.worksheets[0]
        rows = sheet_obj.iter_rows(values_only=True)
        header = [str(c) for c in next(rows)]
        body = [["" if c is None else str(c) for c in row] for row in rows]
        return pd.DataFrame(body, columns=header)
    return pd.read_csv(path, sep=separator, encoding=encoding, dtype=str, keep_default_na=False)


def _mapped_columns(mapping: TableMapping) -> set[str]:
    columns = {mapping.region, *mapping.where, *mapping.sum_over}
    if mapping.period:
        columns.add(mapping.period)
    if mapping.measure_column:
        columns.add(mapping.measure_column)
    else:
        roles = (mapping.value, mapping.numerator, mapping.denominator, mapping.sd, mapping.n)
        columns.update(c for c in roles if c)
    columns.update(b.column or b.name.value for b in mapping.breakdowns)
    return columns


def _measure_names(mapping: TableMapping) -> set[str]:
    roles = (mapping.value, mapping.numerator, mapping.denominator, mapping.sd, mapping.n)
    return {r for r in roles if r}


def test_the_indicators_with_real_offline_figures_declare_them(catalog: Catalog) -> None:
    with_offline = {ind.id for ind in catalog if ind.source.offline}
    assert with_offline >= MUST_HAVE_OFFLINE


def test_offline_files_exist_and_their_mapping_matches_the_header(
    catalog: Catalog, shared_data: Path
) -> None:
    specs = _specs(catalog, FileFetch)
    assert len(specs) >= 10
    for ind, spec in specs:
        assert isinstance(spec, FileFetch)
        path = shared_data / spec.path
        assert path.is_file(), f"{ind.id}: {spec.path} not in the mirror"
        frame = _frame(path, spec.format, spec.sheet, spec.encoding, spec.separator)
        where = f"{ind.id}: {spec.path}"
        missing = sorted(_mapped_columns(spec.mapping) - set(frame.columns))
        assert not missing, f"{where}: columns {missing} not in {list(frame.columns)}"
        mapping = spec.mapping
        if mapping.measure_column:
            present = set(frame[mapping.measure_column])
            absent = sorted(_measure_names(mapping) - present)
            assert not absent, f"{where}: measures {absent} not in column {mapping.measure_column}"
        for column, codes in mapping.where.items():
            absent = sorted(set(codes) - set(frame[column]))
            assert not absent, f"{where}: {column} has no {absent}"
        kept = frame
        for column, codes in mapping.where.items():
            kept = kept[kept[column].isin(codes)]
        assert len(kept) > 0, f"{where}: the filters keep no rows"
        if not mapping.measure_column:
            numbers = pd.to_numeric(kept[mapping.value], errors="coerce")
            assert numbers.notna().any(), f"{where}: no figures in {mapping.value}, only symbols"
        regions = set(kept[mapping.region])
        assert "NULL" not in regions, f"{where}: rows without a region"
        assert "" not in regions, f"{where}: rows without a region"
        for breakdown in mapping.breakdowns:
            codes = {c for group in breakdown.groups.values() for c in group}
            column = breakdown.column or breakdown.name.value
            assert codes <= set(frame[column]), f"{where}: {breakdown.name} codes"


def test_imdi_2013_files_are_marked_with_their_municipal_structure(catalog: Catalog) -> None:
    for ind, spec in _specs(catalog, FileFetch):
        assert isinstance(spec, FileFetch)
        if "imdi_imdikator_2013" in spec.path:
            assert spec.geography_year == 2013, ind.id


def _rapportside_folder(shared_data: Path, code: str) -> Path:
    for path in sorted((shared_data / ATLAS).glob("*/rapportside*.json")):
        page = json.loads(path.read_text(encoding="utf-8"))
        if page["rappside"]["kode"] == code:
            return path.parent
    raise AssertionError(f"no recorded Rapportside {code}")


def _data_endpoint(shared_data: Path, code: str) -> str:
    for path in sorted((shared_data / ATLAS).glob("*/rapportside*.json")):
        page = json.loads(path.read_text(encoding="utf-8"))
        if page["rappside"]["kode"] == code:
            return page["rappside"]["rapportElementer"][0]["dataEndepunkt"]
    raise AssertionError(f"no recorded Rapportside {code}")


def _tokens(text: str) -> list[str]:
    return re.findall(r"\w+\([^()]*\)", text)


def test_udir_offline_specs_reproduce_a_recorded_request(
    catalog: Catalog, shared_data: Path
) -> None:
    specs = _specs(catalog, UdirFetch)
    assert len(specs) >= 6
    for ind, spec in specs:
        assert isinstance(spec, UdirFetch)
        folder = _rapportside_folder(shared_data, spec.rapportside)
        requests = (folder / "REQUESTS.md").read_text(encoding="utf-8")
        endpoint = _data_endpoint(shared_data, spec.rapportside)
        assert f"Statistikk/{spec.skjema}/{spec.tabell}/" in endpoint, ind.id
        assert f"radSti={spec.rad_sti}&" in requests, f"{ind.id}: radSti {spec.rad_sti}"
        # REQUESTS.md writes the test id as a placeholder (<NPLES>); the mirror uses the kode.
        recorded = re.sub(r"<(?:id of )?(NP[A-Z]+)>", r"\1", requests)
        for period in spec.periods:
            for token in _tokens(spec.filter.replace("{period}", period)):
                assert token in recorded, f"{ind.id}: filter part {token} was never recorded"


def test_udir_offline_measures_are_header_texts_of_the_recorded_response(
    catalog: Catalog, shared_data: Path
) -> None:
    for ind, spec in _specs(catalog, UdirFetch):
        assert isinstance(spec, UdirFetch)
        folder = _rapportside_folder(shared_data, spec.rapportside)
        measures: set[str] = set()
        periods: set[str] = set()
        for path in folder.glob("data*.json"):
            response = json.loads(path.read_text(encoding="utf-8"))
            columns = response["metadata"]["columns"]
            if columns:
                measures.update(c["name"] for c in columns[-1])
                periods.update(c["name"] for c in columns[0])
        assert spec.mapping.measure_column == "measure", ind.id
        absent = sorted(_measure_names(spec.mapping) - measures)
        assert not absent, f"{ind.id}: {absent} not among {sorted(measures)}"
        assert periods, ind.id


def test_udir_offline_requests_are_in_the_mirror_index(catalog: Catalog) -> None:
    """The mirror replays a recorded response only for the exact URL it was recorded under."""
    if not MIRROR_INDEX.exists():
        pytest.skip("no mirror index in this checkout")
    entries = yaml.safe_load(MIRROR_INDEX.read_text(encoding="utf-8"))["entries"]
    urls = {e["url"] for e in entries}
    for ind, spec in _specs(catalog, UdirFetch):
        assert isinstance(spec, UdirFetch)
        for period in spec.periods:
            expected = f"filter={spec.filter.replace('{period}', period)}&radSti={spec.rad_sti}&"
            assert any(expected in url for url in urls), f"{ind.id}: {expected}"
