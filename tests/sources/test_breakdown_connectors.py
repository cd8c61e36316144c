"""The live connectors read the breakdowns the sources publish, through the catalogue's own fetch
mappings: SSB 07459 ``Kjonn``/``Alder``, FHI ``KJONN`` and Udir's sex and grade column headers.

SSB and FHI run the whole update path (request → decode → tidy → harmonise → intervals →
suppression → snapshot) against an in-process source that answers the requests the connectors
send. ``../shared`` has no recording with these variables, so the answers are synthetic fixtures in
the documented shapes (``fixtures/synthetic_*``; each says so in its ``note``). The expected figures
are summed here from the fixture's cells, independently of the tidy step.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import duckdb
import orjson
import pandas as pd
import pytest

from oppvekst.catalog import default_catalog
from oppvekst.catalog.schema import BreakdownMap, UdirFetch
from oppvekst.errors import BadQuery
from oppvekst.pipeline import build
from oppvekst.pipeline.acquire import SourceBases, SourceContext
from oppvekst.pipeline.regions_step import RegionTables
from oppvekst.pipeline.tidy import tidy
from oppvekst.regions.offline import registry_from_offline
from oppvekst.snapshot.files import DataDir
from oppvekst.snapshot.table import flag_codes
from oppvekst.sources.fhi import DimensionFilter, parse_dimensions, within_table
from oppvekst.sources.http import Request, Response
from oppvekst.sources.jsonstat import decode
from oppvekst.sources.mirror import Gateway, MirrorMode
from oppvekst.sources.udir import parse_report

from .cells import one_cell

HERE = Path(__file__).parent / "fixtures"
SSB_07459 = HERE / "synthetic_ssb_07459_kjonn_alder_jsonstat2.json"
FHI_809 = HERE / "synthetic_fhi_809_kjonn_jsonstat2.json"
FHI_809_DIMENSIONS = HERE / "synthetic_fhi_809_dimension.json"
UDIR_GSI = HERE / "synthetic_udir_gsi_kjonn_trinn.json"


@dataclass
class Answers:
    """Answers a request whose URL path ends with a known suffix; remembers what was asked."""

    routes: dict[str, bytes]
    seen: list[Request] = field(default_factory=list)

    def fetch(self, request: Request) -> Response:
        self.seen.append(request)
        path = urlsplit(request.url).path
        for suffix, body in self.routes.items():
            if path.endswith(suffix):
                headers = {"content-type": "application/json"}
                return Response.build(request, 200, headers, body, datetime.now(UTC))
        raise AssertionError(f"unexpected request {request.method} {request.url}")


@pytest.fixture(scope="module")
def regions(shared_data: Path) -> RegionTables:
    return RegionTables(registry_from_offline(shared_data))


def _update(
    tmp_path: Path, regions: RegionTables, answers: Answers, indicator_id: str
) -> Iterator[pd.DataFrame]:
    context = SourceContext(Gateway(MirrorMode.LIVE, None, answers), None, SourceBases())
    data = DataDir(tmp_path / "data")
    summary = build.run_update(
        default_catalog(),
        regions,
        context,
        data,
        fill_with_demo=False,
        only=frozenset({indicator_id}),
    )
    assert summary.published, summary
    con = duckdb.connect(str(data.current_path()), read_only=True)
    try:
        yield con.execute("SELECT * FROM observations WHERE indicator_id = ?", [indicator_id]).df()
    finally:
        con.close()


# --- SSB 07459: Kjonn and Alder --------------------------------------------------------------------


@pytest.fixture(scope="module")
def population(tmp_path_factory: pytest.TempPathFactory, regions: RegionTables):  # type: ignore[no-untyped-def]
    answers = Answers({"/tables/07459/data": SSB_07459.read_bytes()})
    yield from _update(tmp_path_factory.mktemp("ssb"), regions, answers, "barn-0-17")


def _raw_07459() -> pd.DataFrame:
    frame = decode(SSB_07459.read_bytes()).to_frame()
    frame["region"] = frame["Region"].str.removeprefix("K-")
    frame["age"] = frame["Alder"].astype(int)
    return frame


def test_ssb_reads_kjonn_as_sex_instead_of_summing_it_away(population) -> None:  # type: ignore[no-untyped-def]
    raw = _raw_07459()
    for region in ("3101", "3103"):
        own = raw[raw["region"] == region]
        boys = own.loc[own["Kjonn"] == "1", "value"].sum()
        girls = own.loc[own["Kjonn"] == "2", "value"].sum()
        assert one_cell(population, region, sex="male")["value"] == boys
        assert one_cell(population, region, sex="female")["value"] == girls
        # The total stays the total: both sexes, all ages, once.
        assert one_cell(population, region)["value"] == boys + girls == own["value"].sum()


def test_ssb_age_groups_keep_both_sexes(population) -> None:  # type: ignore[no-untyped-def]
    raw = _raw_07459()
    moss = raw[raw["region"] == "3103"]
    teens = moss.loc[moss["age"].between(13, 15), "value"].sum()
    assert one_cell(population, "3103", age="13-15")["value"] == teens
    # No crossed sex × age cells: each breakdown varies alone, the others at «alle».
    assert not ((population["sex"] != "total") & (population["age"] != "total")).any()
    assert set(population["period"]) == {"2025"}


def test_ssb_a_withheld_cell_hides_only_the_cells_it_is_summed_into(
    tmp_path: Path, regions: RegionTables
) -> None:
    doc = orjson.loads(SSB_07459.read_bytes())
    # Halden (first region), Kjonn 1, Alder 016: flat index 16; SSB marks it «:» with no value.
    doc["value"][16] = None
    doc["status"] = {"16": ":"}
    answers = Answers({"/tables/07459/data": orjson.dumps(doc)})
    (rows,) = list(_update(tmp_path, regions, answers, "barn-0-17"))
    for cell in ({"sex": "male"}, {"age": "16-17"}, {}):
        hidden = one_cell(rows, "3101", **cell)
        assert pd.isna(hidden["value"]) and hidden["status"] == ":", cell
    raw = _raw_07459()
    halden = raw[raw["region"] == "3101"]
    # The girls and the other age groups are sums without the withheld cell: still published.
    assert (
        one_cell(rows, "3101", sex="female")["value"]
        == halden.loc[halden["Kjonn"] == "2", "value"].sum()
    )
    assert (
        one_cell(rows, "3101", age="0-5")["value"] == halden.loc[halden["age"] <= 5, "value"].sum()
    )


# --- FHI: KJONN 0/1/2 -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def neet(tmp_path_factory: pytest.TempPathFactory, regions: RegionTables):  # type: ignore[no-untyped-def]
    answers = Answers(
        {
            "/nokkel/table/809/dimension": FHI_809_DIMENSIONS.read_bytes(),
            "/nokkel/table/809/data": FHI_809.read_bytes(),
        }
    )
    for rows in _update(
        tmp_path_factory.mktemp("fhi"), regions, answers, "unge-utenfor-arbeid-utdanning"
    ):
        yield rows, answers


def test_fhi_asks_for_both_sexes_and_reads_kjonn_as_sex(neet) -> None:  # type: ignore[no-untyped-def]
    rows, answers = neet
    (post,) = [r for r in answers.seen if r.method == "POST"]
    body = orjson.loads(post.body or b"{}")
    asked = {d["code"]: d["values"] for d in body["dimensions"]}
    assert asked["KJONN"] == ["0", "1", "2"]
    raw = decode(FHI_809.read_bytes()).to_frame()
    share = raw[raw["MEASURE_TYPE"] == "RATE"].set_index(["GEO", "KJONN"])["value"]
    for code, sex in (("0", "total"), ("1", "male"), ("2", "female")):
        assert one_cell(rows, "4601", sex=sex)["value"] == pytest.approx(
            share[("4601", code)], abs=0.05
        )
    assert set(rows["sex"]) == {"total", "male", "female"}


def test_fhi_intervals_are_per_sexone_cell(neet) -> None:  # type: ignore[no-untyped-def]
    rows, _ = neet
    limits = set()
    for sex in ("total", "male", "female"):
        cell = one_cell(rows, "4601", sex=sex)
        assert cell["lower95"] < cell["value"] < cell["upper95"], sex
        limits.add((round(cell["lower95"], 6), round(cell["upper95"], 6)))
    # Each group has its own count and denominator, so its own interval (wider for fewer young).
    assert len(limits) == 3
    total, boys = one_cell(rows, "4601"), one_cell(rows, "4601", sex="male")
    assert boys["upper95"] - boys["lower95"] > total["upper95"] - total["lower95"]


def test_fhi_anonymised_girls_are_not_recoverable_as_total_minus_boys(neet) -> None:  # type: ignore[no-untyped-def]
    rows, _ = neet
    girls = one_cell(rows, "4602", sex="female")
    assert pd.isna(girls["value"]) and girls["status"] == ":"
    total, boys = one_cell(rows, "4602"), one_cell(rows, "4602", sex="male")
    # One of the two others is hidden too, by our secondary suppression, and says so.
    hidden = [c for c in (total, boys) if pd.isna(c["numerator"])]
    assert len(hidden) >= 1
    assert all("secondary_suppression" in flag_codes(c["flags"]) for c in hidden)
    assert all(pd.isna(c["lower95"]) for c in hidden)


def test_fhi_request_keeps_only_the_sexes_a_table_has() -> None:
    dimensions = parse_dimensions(FHI_809_DIMENSIONS.read_bytes())
    asked = (
        DimensionFilter("GEO", "all", ("*",)),
        DimensionFilter("KJONN", "item", ("0", "1", "2")),
        DimensionFilter("ALDER", "item", ("0",)),
    )
    narrowed = within_table(asked, dimensions, {"KJONN", "ALDER"})
    # The table has KJONN 0/1/2 and no ALDER: the ALDER filter goes, GEO is left as written.
    assert narrowed == asked[:2]
    only_total = [d for d in dimensions if d.code != "KJONN"]
    only_total.append(
        type(dimensions[0])("KJONN", "Kjønn", tuple(c for c in dimensions[2].categories[:1]))
    )
    assert within_table(asked[:2], only_total, {"KJONN"})[1].values == ("0",)
    with pytest.raises(BadQuery, match="KJONN"):
        within_table((DimensionFilter("KJONN", "item", ("9",)),), dimensions, {"KJONN"})


# --- Udir: sex and grade on the report's column headers -------------------------------------------


def test_udir_reads_sex_and_grade_from_the_column_headers() -> None:
    frame = parse_report(UDIR_GSI.read_bytes())
    assert set(frame["kjonn"]) == {"Alle kjønn", "Jenter", "Gutter"}
    assert set(frame["trinn"]) == {"Alle trinn", "5. trinn"}
    spec = default_catalog().indicator("elever-grunnskole").source.fetch[0]
    assert isinstance(spec, UdirFetch)
    # The record's own mapping, with the two header columns read as breakdowns.
    mapping = spec.mapping.model_copy(
        update={
            "breakdowns": [
                BreakdownMap(
                    name="sex",
                    column="kjonn",
                    categories={"Alle kjønn": "total", "Jenter": "female", "Gutter": "male"},
                ),
                BreakdownMap(
                    name="grade",
                    column="trinn",
                    categories={"Alle trinn": "total", "5. trinn": "5"},
                ),
            ]
        }
    )
    rows = tidy(frame[frame["region"].notna()], mapping)
    arendal = rows[rows["region"] == "4203"].set_index(["sex", "grade"])["value"]
    assert arendal[("total", "total")] == 5266
    assert arendal[("female", "total")] + arendal[("male", "total")] == 5266
    assert arendal[("female", "5")] == 260
    # Udir's «*» stays a withheld cell of its own group; the group's total is published.
    bykle = rows[rows["region"] == "4221"].set_index(["sex", "grade"])
    assert bykle.loc[("female", "5"), "status"] == "*" and pd.isna(
        bykle.loc[("female", "5"), "value"]
    )
    assert bykle.loc[("total", "5"), "value"] == 12
