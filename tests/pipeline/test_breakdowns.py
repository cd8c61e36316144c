"""The IMDi 2013 breakdowns served from the real-only snapshot equal the raw files' rows.

The raw CSV is parsed here with the csv module, independently of the file source and the tidy step,
so a wrong column, a swapped category or a lost row in the pipeline shows up as a mismatch.
"""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest

IMDI = "stats/imdi_imdikator_2013"
# Kommuner whose 2013 code is still today's code with unchanged borders, fylker likewise, Norway,
# and Oslo bydeler (the low-income file is the only one with bydeler).
KOMMUNER = ("0301", "1106", "1804")
FYLKER = ("03", "11")
BYDELER = ("030101", "030105", "030112")
BACKGROUND_3 = {"alle": "total", "innvandrere": "innvandrere", "befolkningen_ellers": "ovrige"}
# innvkat_5 adds the Norwegian-born to immigrant parents and those without immigrant background,
# which together are «befolkningen ellers».
BACKGROUND_5 = {
    **BACKGROUND_3,
    "norskfodte_m_innvf": "norskfodte",
    "bef_u_innv_og_norskf": "uten-innvandrerbakgrunn",
}
COUNTRY_GROUP = {"1": "innvandrere-landgruppe-1", "2": "innvandrere-landgruppe-2"}
SEX = {"alle": "total", "0": "female", "1": "male"}


def _raw(shared_data: Path, name: str) -> list[dict[str, str]]:
    with (shared_data / IMDI / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _region_of(row: dict[str, str]) -> str | None:
    """Our region code of a raw row: kommune, fylke ('00' = Norway) or Oslo bydel."""
    if row["kommune_nr"] != "NULL":
        return row["kommune_nr"]
    if row["fylke_nr"] != "NULL" and row.get("naringsregion_nr", "NULL") == "NULL":
        return "0" if row["fylke_nr"] == "00" else row["fylke_nr"]
    if row.get("bydel_nr", "NULL").startswith("0301"):
        return row["bydel_nr"]
    return None


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _same_at_precision(served: object, raw_text: str) -> bool:
    """The served value equals the file's figure to the decimals the file gives: where the file has
    a count too, the pipeline rebuilds the denominator from IMDi's rounded percent and the value
    from count / denominator, which agrees with the percent within half its last digit."""
    raw = _number(raw_text)
    if raw is None or served is None:
        return raw is None and served is None
    decimals = len(raw_text.partition(".")[2])
    return abs(float(served) - raw) <= 0.5 * 10**-decimals + 1e-9  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def served(real_snapshot_dir: Path):  # type: ignore[no-untyped-def]
    from oppvekst.snapshot.files import DataDir

    con = duckdb.connect(str(DataDir(real_snapshot_dir).current_path()), read_only=True)

    def lookup(indicator: str, region: str, period: str, **cell: str) -> dict[str, object]:
        keys = {"sex": "total", "age": "total", "background": "total", "grade": "total", **cell}
        rows = con.execute(
            "SELECT value, numerator, denominator, status, lower95, upper95 FROM observations "
            "WHERE indicator_id = ? AND region = ? AND period = ? AND sex = ? AND age = ? "
            "AND background = ? AND grade = ?",
            [indicator, region, period, *keys.values()],
        ).fetchall()
        assert len(rows) == 1, (indicator, region, cell, rows)
        value, numerator, denominator, status, lower, upper = rows[0]
        return {
            "value": value,
            "numerator": numerator,
            "denominator": denominator,
            "status": status,
            "lower95": lower,
            "upper95": upper,
        }

    yield lookup
    con.close()


WANTED = (*KOMMUNER, *FYLKER, "0")


def test_low_income_by_background_equals_the_raw_file(served, shared_data: Path) -> None:  # type: ignore[no-untyped-def]
    checked = 0
    for row in _raw(shared_data, "imdikator_vedvarende_lavinntekt_2013.csv"):
        region = _region_of(row)
        if region not in (*WANTED, *BYDELER):
            continue
        if row["vreg_3"] == "alle":
            group = BACKGROUND_3[row["innvkat_3"]]
        else:
            assert row["innvkat_3"] == "innvandrere", row  # country groups are of immigrants
            group = COUNTRY_GROUP[row["vreg_3"]]
        cell = served("vedvarende-lavinntekt-alle-aldre", region, "2011-2013", background=group)
        assert cell["value"] == _number(row["tabellvariabel"]), (region, row)
        checked += 1
    # 6 areas + 3 bydeler, three groups and two country groups each.
    assert checked == 5 * (len(WANTED) + len(BYDELER))


def test_neet_by_sex_and_background_equals_the_raw_file(served, shared_data: Path) -> None:  # type: ignore[no-untyped-def]
    raw = _raw(shared_data, "imdikator_ungdom_utenfor_opplaring_2013.csv")
    checked = 0
    for row in raw:
        region = _region_of(row)
        if region not in KOMMUNER or row["innvkat_5"] not in BACKGROUND_5:
            continue
        cell = served(
            "unge-utenfor-arbeid-utdanning-2013",
            region,
            "2013",
            sex=SEX[row["kjonn"]],
            background=BACKGROUND_5[row["innvkat_5"]],
        )
        if row["enhet"] == "prosent":
            assert _same_at_precision(cell["value"], row["tabellvariabel"]), (region, row, cell)
            if cell["numerator"] is not None:
                # Wilson, from the count and the denominator rebuilt from IMDi's rounded percent.
                assert cell["lower95"] < cell["value"] < cell["upper95"], (region, row, cell)  # type: ignore[operator]
        else:
            assert cell["numerator"] == _number(row["tabellvariabel"]), (region, row)
        checked += 1
    # 3 kommuner × 3 sexes × 5 groups × (percent, count).
    assert checked == 3 * 3 * 5 * 2


def test_a_county_summed_per_group_equals_imdis_own_county_row(
    real_snapshot_dir: Path, shared_data: Path
) -> None:
    """Aggregation works per breakdown cell: Finnmark (2013: 20, today 56, the same kommuner) summed
    from its 2013 kommuner group by group gives IMDi's own county counts (read here from the
    county rows, which the pipeline does not read)."""
    from oppvekst.snapshot.files import DataDir

    con = duckdb.connect(str(DataDir(real_snapshot_dir).current_path()), read_only=True)
    try:
        served = {
            (sex, background): numerator
            for sex, background, numerator in con.execute(
                "SELECT sex, background, numerator FROM observations WHERE indicator_id = ? "
                "AND region = '56' AND age = 'total' AND grade = 'total'",
                ["unge-utenfor-arbeid-utdanning-2013"],
            ).fetchall()
        }
    finally:
        con.close()
    raw = {
        (SEX[row["kjonn"]], BACKGROUND_5[row["innvkat_5"]]): _number(row["tabellvariabel"])
        for row in _raw(shared_data, "imdikator_ungdom_utenfor_opplaring_2013.csv")
        if row["fylke_nr"] == "20"
        and row["kommune_nr"] == "NULL"
        and row["enhet"] == "personer"
        and row["bydel_nr"] == "NULL"
        and row["naringsregion_nr"] == "NULL"
    }
    assert len(raw) == 15
    shown = {cell: served[cell] for cell in raw if cell in served}
    assert shown == {cell: raw[cell] for cell in shown}
    # Every group of both sexes together, and each sex's total, rest and those without background
    # (the Norwegian-born to immigrant parents are a handful: a hidden kommune cell leaves them out).
    assert {
        ("total", g) for g in ("total", "innvandrere", "ovrige", "uten-innvandrerbakgrunn")
    } <= set(shown)
    assert {(s, "ovrige") for s in ("male", "female")} <= set(shown)


def test_a_merged_kommune_is_harmonised_group_by_group(served, shared_data: Path) -> None:  # type: ignore[no-untyped-def]
    """Harmonisation works per breakdown cell: Drammen (3301 since 2020) is the 2013 kommuner
    Drammen, Nedre Eiker and Svelvik, summed group by group from IMDi's counts."""
    parts = ("0602", "0625", "0711")
    raw: dict[tuple[str, str], float] = {}
    for row in _raw(shared_data, "imdikator_ungdom_utenfor_opplaring_2013.csv"):
        count = _number(row["tabellvariabel"])
        if row["kommune_nr"] in parts and row["enhet"] == "personer" and count is not None:
            cell = (SEX[row["kjonn"]], BACKGROUND_5[row["innvkat_5"]])
            raw[cell] = raw.get(cell, 0.0) + count
    checked = 0
    for group in BACKGROUND_5.values():
        cell = served("unge-utenfor-arbeid-utdanning-2013", "3301", "2013", background=group)
        assert cell["numerator"] == raw[("total", group)], group
        checked += 1
    for sex in ("male", "female"):
        cell = served("unge-utenfor-arbeid-utdanning-2013", "3301", "2013", sex=sex)
        assert cell["numerator"] == raw[(sex, "total")], sex
        checked += 1
    assert checked == 7


def test_completion_by_sex_and_background_equals_the_raw_file(served, shared_data: Path) -> None:  # type: ignore[no-untyped-def]
    checked = 0
    for row in _raw(shared_data, "imdikator_videregaende_fullfort_2013.csv"):
        region = _region_of(row)
        if region not in KOMMUNER or row["aar"] != "2011_2013":
            continue
        if row["innvkat_5"] not in BACKGROUND_5:
            continue
        cell = served(
            "gjennomforing-vgs",
            region,
            "2011-2013",
            sex=SEX[row["kjonn"]],
            background=BACKGROUND_5[row["innvkat_5"]],
        )
        raw = _number(row["tabellvariabel"])
        if row["enhet"] == "personer":
            assert cell["numerator"] == raw, (region, row)
        elif raw is not None:
            # The value is the count over the denominator rebuilt from IMDi's rounded percent;
            # at the file's precision it is the file's percent.
            assert cell["value"] is not None
            assert round(float(cell["value"]), 1) == pytest.approx(raw), (region, row)  # type: ignore[arg-type]
            assert cell["lower95"] is not None and cell["lower95"] < cell["value"]  # type: ignore[operator]
        checked += 1
    assert checked == 3 * 3 * 5 * 2


def test_kindergarten_by_age_and_by_language_equals_the_raw_file(served, shared_data: Path) -> None:  # type: ignore[no-untyped-def]
    checked = 0
    for row in _raw(shared_data, "imdikator_barnehagedeltakelse_2013.csv"):
        region = _region_of(row)
        if region not in WANTED or row["enhet"] != "prosent":
            continue
        raw = row["tabellvariabel"]
        if row["spraak"] == "minoritet":
            age = "total" if row["bhgalder"] == "1_5" else row["bhgalder"]
            cell = served("barnehage-minoritetssprak", region, "2013", age=age)
            assert _same_at_precision(cell["value"], raw), (region, row, cell)
            checked += 1
            if age != "total":
                continue
        if row["spraak"] in ("minoritet", "ikke_minoritet") and row["bhgalder"] == "1_5":
            group = "minoritetssprak" if row["spraak"] == "minoritet" else "andre-sprak"
            cell = served("barnehage-1-5", region, "2013", background=group)
            assert _same_at_precision(cell["value"], raw), (region, row, cell)
            checked += 1
    # Minority-language by age (total + 1–5 years) and the two language groups, in 6 areas.
    assert checked == len(WANTED) * (6 + 2)


AGE_GROUPS = {
    "0-5": range(0, 6),
    "6-12": range(6, 13),
    "13-15": range(13, 16),
    "16-17": range(16, 18),
}
POPULATION_BYDELER = "stats/population_0-17_oslo_bydeler_single_age_2005-2026.csv"


def _population_by_age_group(path: Path, region_column: str) -> dict[tuple[str, str, str], int]:
    """Sums of a raw single-age population file per (region, year, age group), csv module only."""
    group_of = {str(age): group for group, ages in AGE_GROUPS.items() for age in ages}
    sums: dict[tuple[str, str, str], int] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            cell = (row[region_column], row["year"], group_of[row["age"]])
            sums[cell] = sums.get(cell, 0) + int(row["population_jan1"])
    return sums


def test_population_by_age_equals_the_raw_files(served, shared_data: Path) -> None:  # type: ignore[no-untyped-def]
    raw = _population_by_age_group(shared_data / POPULATION_BY_AGE, "region_code")
    raw.update(_population_by_age_group(shared_data / POPULATION_BYDELER, "bydelsnummer"))
    checked = 0
    # Norway, two fylker, kommuner with unchanged or summed borders, and two Oslo bydeler, from the
    # first year to the last (Ålesund and Haram before 2024 are a break, so not among them).
    for region in ("0", "03", "46", "0301", "4601", "5001", "1804", "030101", "030105"):
        for year in ("2005", "2013", "2024", "2026"):
            total = served("barn-0-17", region, year)["value"]
            groups = {g: served("barn-0-17", region, year, age=g)["value"] for g in AGE_GROUPS}
            for group, value in groups.items():
                assert value == raw[(region, year, group)], (region, year, group)
                checked += 1
            assert total == sum(groups.values()), (region, year)  # type: ignore[arg-type]
    assert checked == 9 * 4 * len(AGE_GROUPS)


def test_the_two_splits_of_the_rest_add_up_in_the_raw_files(shared_data: Path) -> None:
    """Why «befolkningen ellers» and the finer groups are two partitions, not one: in IMDi's counts
    the rest is exactly the Norwegian-born to immigrant parents plus those without background."""
    counts: dict[tuple[str, str, str], float] = {}
    for row in _raw(shared_data, "imdikator_ungdom_utenfor_opplaring_2013.csv"):
        region = _region_of(row)
        value = _number(row["tabellvariabel"])
        if region in WANTED and row["enhet"] == "personer" and value is not None:
            counts[(region, row["kjonn"], row["innvkat_5"])] = value
    checked = 0
    for (region, sex, group), rest in counts.items():
        if group != "befolkningen_ellers":
            continue
        assert (
            rest
            == counts[(region, sex, "norskfodte_m_innvf")]
            + counts[(region, sex, "bef_u_innv_og_norskf")]
        ), (region, sex)
        assert counts[(region, sex, "alle")] == counts[(region, sex, "innvandrere")] + rest
        checked += 1
    assert checked == len(WANTED) * 3


POPULATION_BY_SEX = "stats/population_0-17_by_sex_single_age_2024borders_2024-2026.csv"
POPULATION_BY_AGE = "stats/population_0-17_by_single_age_2024borders_2005-2026.csv"


def _population(shared_data: Path, name: str, key: str | None) -> dict[tuple[str, ...], int]:
    """Sums of a raw population file per (region, year[, key]), read with the csv module."""
    sums: dict[tuple[str, ...], int] = {}
    with (shared_data / name).open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if key is not None and row[key] == "total":
                continue
            cell = (row["region_code"], row["year"], *((row[key],) if key else ()))
            sums[cell] = sums.get(cell, 0) + int(row["population_jan1"])
    return sums


def test_population_by_sex_equals_the_raw_file_and_keeps_the_totals(
    served, shared_data: Path
) -> None:  # type: ignore[no-untyped-def]
    by_sex = _population(shared_data, POPULATION_BY_SEX, "sex")
    by_age = _population(shared_data, POPULATION_BY_AGE, None)
    # Norway 2024: the figure SSB publishes, once from each file.
    assert by_sex[("0", "2024", "female")] + by_sex[("0", "2024", "male")] == 1_112_853
    assert by_age[("0", "2024")] == 1_112_853
    checked = 0
    for region in ("0", "03", "46", "0301", "4601", "1580", "5001"):
        for year in ("2024", "2025", "2026"):
            girls = served("barn-0-17", region, year, sex="female")["value"]
            boys = served("barn-0-17", region, year, sex="male")["value"]
            total = served("barn-0-17", region, year)["value"]
            assert girls == by_sex[(region, year, "female")], (region, year)
            assert boys == by_sex[(region, year, "male")], (region, year)
            # The total is the single-age file's, counted once, and the two sexes add up to it.
            assert total == by_age[(region, year)] == girls + boys, (region, year)  # type: ignore[operator]
            checked += 1
    assert checked == 7 * 3


def test_population_by_sex_starts_in_2024(real_snapshot_dir: Path) -> None:
    from oppvekst.snapshot.files import DataDir

    con = duckdb.connect(str(DataDir(real_snapshot_dir).current_path()), read_only=True)
    try:
        periods = con.execute(
            "SELECT DISTINCT period FROM observations WHERE indicator_id = 'barn-0-17' "
            "AND sex <> 'total' ORDER BY period"
        ).fetchall()
        doubled = con.execute(
            "SELECT count(*) FROM (SELECT region, period, sex, age FROM observations "
            "WHERE indicator_id = 'barn-0-17' GROUP BY ALL HAVING count(*) > 1)"
        ).fetchone()
    finally:
        con.close()
    assert [p for (p,) in periods] == ["2024", "2025", "2026"]
    assert doubled == (0,)
