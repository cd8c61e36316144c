"""The «Ulikhet» page on the real IMDi 2013 figures: groups, intervals, the gap in words, downloads."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

PAGE = "/indikator/vedvarende-lavinntekt-alle-aldre/ulikhet"


@pytest.fixture(scope="module")
def real_client(real_snapshot_dir: Path):  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from oppvekst.snapshot.files import DataDir
    from oppvekst.web.app import create_app

    return TestClient(create_app(DataDir(real_snapshot_dir)))


def test_oslo_immigrants_against_the_rest_in_words(real_client) -> None:  # type: ignore[no-untyped-def]
    page = real_client.get(PAGE, params={"omrade": "0301"})
    assert page.status_code == 200
    text = page.text
    # IMDi: 27.2 % of immigrants and 10.0 % of the rest in Oslo, 2011–2013: 2.72 times as high.
    assert (
        "I Oslo er andelen (vedvarende lavinntekt, alle aldre) 2,7 ganger så høy blant "
        "innvandrere som blant befolkningen ellers." in text
    )
    assert 'data-group="innvandrere"' in text and "27,2" in text and "10,0" in text
    # Shares only at the source: said, not hidden behind a made-up interval.
    assert "kilden oppgir ikke antall" in text
    # The country's gap (IMDi: 3.8 times) beside Oslo's.
    assert 'data-area="0"' in text


def test_completion_by_sex_has_intervals_and_a_tested_gap(real_client) -> None:  # type: ignore[no-untyped-def]
    page = real_client.get(
        "/indikator/gjennomforing-vgs/ulikhet", params={"omrade": "0301", "inndeling": "sex"}
    )
    assert page.status_code == 200
    # 5 935 of 7 391 girls against 5 301 of 7 649 boys (IMDi counts): 1.16 times, significant.
    assert "1,2 ganger så høy blant jenter som blant gutter (95 % KI 1,1–1,2)" in page.text
    assert "Forskjellen er statistisk sikker" in page.text
    assert "Lavere enn området totalt" in page.text


def test_a_hidden_group_shows_the_symbol_and_the_reason(real_client) -> None:  # type: ignore[no-untyped-def]
    page = real_client.get("/indikator/barnehage-1-5/ulikhet", params={"omrade": "1144"})
    assert page.status_code == 200
    assert "sekundærprikking" in page.text  # «andre barn» hidden so minority children stay hidden
    assert "personvernhensyn" in page.text


def test_the_table_downloads_as_csv_with_the_page_numbers(real_client) -> None:  # type: ignore[no-untyped-def]
    answer = real_client.get(f"{PAGE}.csv", params={"omrade": "0301"})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig")), delimiter=";"))
    assert [r["Bakgrunn"] for r in rows] == [
        "Alle",
        "Innvandrere",
        "Innvandrere fra landgruppe 1",
        "Innvandrere fra landgruppe 2",
        "Befolkningen ellers",
    ]
    # IMDi, Oslo 2011–2013: all, immigrants, their two country groups (vreg_3 1/2), the rest.
    assert [r["Verdi"] for r in rows] == ["13,7", "27,2", "19,6", "31", "10"]


def test_the_chart_downloads_as_an_image(real_client) -> None:  # type: ignore[no-untyped-def]
    answer = real_client.get(f"{PAGE}/bilde.svg", params={"omrade": "0301"})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("image/svg")
    assert b"Innvandrere" in answer.content


def test_wrong_area_keeps_the_view_with_a_norwegian_message(real_client) -> None:  # type: ignore[no-untyped-def]
    page = real_client.get(PAGE, params={"omrade": "Tullingen"}, follow_redirects=True)
    assert page.status_code == 200
    assert "Fant ikke området «Tullingen»" in page.text
    assert "Resten av visningen er beholdt" in page.text
    assert "Ulikhet:" in page.text


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("/indikator/befolkning-totalt/ulikhet?omrade=0301", "har ikke tall for grupper"),
        ("/indikator/gjennomforing-vgs/ulikhet?omrade=0301&inndeling=age", "har ikke grupper"),
        ("/indikator/gjennomforing-vgs/ulikhet?omrade=0301&inndeling=x", "Ukjent inndeling"),
        (f"{PAGE}?omrade=0301&periode=1999", "ingen grupper for perioden"),
    ],
)
def test_bad_choices_get_a_norwegian_400(real_client, path: str, words: str) -> None:  # type: ignore[no-untyped-def]
    answer = real_client.get(path)
    assert answer.status_code == 400
    assert words in answer.text


def test_the_indicator_page_links_to_ulikhet_only_where_groups_exist(real_client) -> None:  # type: ignore[no-untyped-def]
    with_groups = real_client.get("/indikator/vedvarende-lavinntekt-alle-aldre?omrade=0301")
    assert f'href="{PAGE}?omrade=0301"' in with_groups.text
    without = real_client.get("/indikator/befolkning-totalt?omrade=0301")
    assert "data-inequality-link" not in without.text


def test_the_profile_has_an_inequality_section(real_client) -> None:  # type: ignore[no-untyped-def]
    page = real_client.get("/kommune/1106")
    assert page.status_code == 200
    section = page.text.split("data-profile-inequality")[1].split("</section>")[0]
    assert "I Haugesund er andelen (vedvarende lavinntekt, alle aldre)" in section
    assert 'href="/indikator/gjennomforing-vgs/ulikhet?omrade=1106"' in section
    assert "barn-0-17" not in section  # a count has no gap between groups


def test_the_statistics_bank_shows_a_group_and_lists_groups_in_reading_order(real_client) -> None:  # type: ignore[no-untyped-def]
    query = "indikator=vedvarende-lavinntekt-alle-aldre&bakgrunn=innvandrere&niva=kommune"
    page = real_client.get(f"/statistikkbank?{query}")
    assert page.status_code == 200
    select = page.text.split('id="inndeling-background"')[1].split("</select>")[0]
    order = [select.index(w) for w in ("I alt", "Innvandrere", "Befolkningen ellers")]
    assert order == sorted(order)
    table = real_client.get(f"/statistikkbank/tabell.csv?{query}")
    rows = list(csv.reader(io.StringIO(table.content.decode("utf-8-sig")), delimiter=";"))
    assert ["0301", "0301 Oslo", "27,2"] in rows  # IMDi: immigrants in Oslo, 2011–2013


def test_population_shows_girls_and_boys_from_2024(real_client) -> None:  # type: ignore[no-untyped-def]
    page = real_client.get(
        "/indikator/barn-0-17/ulikhet", params={"omrade": "0301", "inndeling": "sex"}
    )
    assert page.status_code == 200
    assert 'data-group="female"' in page.text and 'data-group="male"' in page.text
    table = real_client.get(
        "/indikator/barn-0-17/ulikhet.csv", params={"omrade": "0301", "inndeling": "sex"}
    )
    rows = list(csv.DictReader(io.StringIO(table.content.decode("utf-8-sig")), delimiter=";"))
    values = {r["Kjønn"]: int(r["Verdi"].replace("\u00a0", "").replace(" ", "")) for r in rows}
    assert set(values) == {"Alle", "Gutter", "Jenter"}
    assert values["Gutter"] + values["Jenter"] == values["Alle"]


def test_the_finer_background_groups_come_in_reading_order(real_client) -> None:  # type: ignore[no-untyped-def]
    page = real_client.get(
        "/indikator/unge-utenfor-arbeid-utdanning-2013/ulikhet",
        params={"omrade": "0301", "inndeling": "background"},
    )
    assert page.status_code == 200
    groups = ["innvandrere", "norskfodte", "uten-innvandrerbakgrunn", "ovrige"]
    where = [page.text.index(f'data-group="{g}"') for g in groups]
    assert where == sorted(where)


def _row(text: str, marker: str) -> list[str]:
    """The cells of the table row carrying ``marker`` (data-group or data-area), tags stripped."""
    row = text.split(marker)[1].split("</tr>")[0]
    return [
        re.sub(r"<[^>]+>", "", c).strip()
        for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
    ]


def test_neet_groups_have_intervals_and_a_test_against_the_total(real_client) -> None:  # type: ignore[no-untyped-def]
    page = real_client.get(
        "/indikator/unge-utenfor-arbeid-utdanning-2013/ulikhet", params={"omrade": "3301"}
    )
    assert page.status_code == 200
    # IMDi, Drammen 2013: immigrants' share with an interval from the count and the rebuilt
    # denominator, tested against the kommune's total, as the gap between the groups already was.
    name, value, ci, versus = _row(page.text, 'data-group="innvandrere"')
    assert (name, value) == ("Innvandrere", "45,4")
    low, high = (float(x.replace(",", ".")) for x in ci.split("–"))
    assert low < 45.4 < high
    assert versus == "Høyere enn området totalt"
    assert "Ikke testet (mangler intervall)" not in page.text


def test_the_gap_is_compared_with_the_county_and_tested(real_client) -> None:  # type: ignore[no-untyped-def]
    page = real_client.get(
        "/indikator/unge-utenfor-arbeid-utdanning-2013/ulikhet", params={"omrade": "3301"}
    )
    own = _row(page.text, 'data-area="3301"')
    county = _row(page.text, 'data-area="33"')
    # Drammen's immigrants 2,2 times as often outside work and education as the rest; Buskerud
    # (summed from its kommuner' counts) 2,4 times: a narrower gap, and significantly so.
    assert own[:2] == ["Drammen", "2,2 (2,1–2,3)"]
    assert county == [
        "Buskerud",
        "2,4 (2,3–2,5)",
        "Forskjellen er mindre enn i Buskerud (statistisk sikkert)",
    ]


def test_the_groups_over_time_are_the_served_values(real_client) -> None:  # type: ignore[no-untyped-def]
    page = real_client.get(
        "/indikator/barn-0-17/ulikhet", params={"omrade": "0301", "inndeling": "sex"}
    )
    table = page.text.split('id="tabell-ulikhet-tid"')[1].split("</table>")[0]
    rows = {
        cells[0]: [int(re.sub(r"\D", "", c)) for c in cells[1:]]
        for cells in (
            [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r)]
            for r in table.split("<tbody>")[1].split("</tr>")[:-1]
        )
    }
    assert list(rows) == ["2024", "2025", "2026"]
    answer = real_client.get(
        "/api/v1/data", params={"indicator": "barn-0-17", "region": "0301", "sex": "*"}
    ).json()
    served = {(r["period"], r["sex"]): r["value"] for r in answer["rows"] if r["age"] == "total"}
    for period, (total, boys, girls) in rows.items():
        assert (total, boys, girls) == (
            served[(period, "total")],
            served[(period, "male")],
            served[(period, "female")],
        )
        assert boys + girls == total


def test_a_count_is_not_said_to_lack_counts(real_client) -> None:  # type: ignore[no-untyped-def]
    page = real_client.get(
        "/indikator/barn-0-17/ulikhet", params={"omrade": "0301", "inndeling": "sex"}
    )
    significance = page.text.split("data-gap-significance>")[1].split("</p>")[0]
    # The population is counted, every child: no sample, so nothing to test; not a missing count.
    assert "kilden oppgir ikke antall" not in significance
    assert "telling" in significance
    county = _row(page.text, 'data-area="0"')
    assert "mangler antall" not in county[2]
