"""Breaks in the real build: an undeclared split is shown as a break, never as an equal split.

Ålesund (1507, 2020–2023) was split into Ålesund (1508) and Haram (1580) in 2024 with no known
shares; the mirror's population file spreads it 50/50. Those years are breaks: no value for either
kommune, the reason on the indicator page, while Møre og Romsdal and the country keep their totals.
"""

from __future__ import annotations

import html
import re

from oppvekst.snapshot.store import Store


def test_children_in_alesund_and_haram_before_2024_are_a_break(client, store: Store) -> None:  # type: ignore[no-untyped-def]
    params = {"indicator": "barn-0-17", "region": "1508,1580", "period": "2023,2024"}
    rows = client.get("/api/v1/data", params=params).json()["rows"]
    assert {(r["region"], r["period"]) for r in rows} == {("1508", "2024"), ("1580", "2024")}
    # The old 50/50 split gave both the same 2023 figure; now 2024 is the first, and unequal.
    values = {r["region"]: r["value"] for r in rows}
    assert values["1508"] != values["1580"]
    for region in ("15", "0"):
        kept = store.observations(["barn-0-17"], [region], ["2023"])["value"].tolist()
        assert len(kept) == 1 and kept[0] > 0


def test_the_indicator_page_names_the_break_and_why(client) -> None:  # type: ignore[no-untyped-def]
    page = html.unescape(client.get("/indikator/barn-0-17", params={"omrade": "1580"}).text)
    found = re.search(r'<li data-break="1580">(.*?)</li>', page, re.S)
    assert found, "no break listed for Haram"
    text = re.sub(r"<[^>]+>", "", found.group(1))
    assert "Haram (1580)" in text and "2005–2023" in text
    assert "Ålesund (1507) ble delt 1.1.2024 uten kjente andeler" in text
    about = html.unescape(client.get("/indikator/barn-0-17", params={"fane": "om"}).text)
    assert {"1508", "1580", "1806", "1875", "5055", "5056", "5059"} <= set(
        re.findall(r'data-break="(\d+)"', about)
    )


def test_a_2013_figure_with_a_share_of_a_split_kommune_is_a_break(client) -> None:  # type: ignore[no-untyped-def]
    # Snillfjord (1613 in 2013) went to Heim, Hitra and Orkland in 2020 with no known shares.
    params = {"indicator": "barnehage-1-5", "region": "5055,5056,5059,5061", "period": "2013"}
    rows = client.get("/api/v1/data", params=params).json()["rows"]
    assert [r["region"] for r in rows] == ["5061"]  # Rindal is whole: still there
    page = html.unescape(
        client.get("/indikator/barnehage-1-5", params={"omrade": "5059", "fane": "tabell"}).text
    )
    assert "Snillfjord (1613)" in page


def test_a_declared_break_is_explained_beside_the_chart_and_in_the_table(client) -> None:  # type: ignore[no-untyped-def]
    # Elevundersøkelsen changed its bullying questions in autumn 2016 (catalogue: year 2016).
    page = client.get("/indikator/mobbing-10-trinn", params={"omrade": "4601"}).text
    beside = re.search(r"<div class=\"p2-breaks\" data-series-breaks>(.*?)</div>", page, re.S)
    assert beside, "no explanation beside the chart"
    assert "spørsmålene om mobbing ble endret høsten 2016" in html.unescape(beside.group(1))
    table = page[page.index('id="tabell-figur"') :]
    periods = re.findall(
        r'<tr class="p2-break-row" data-series-break="(\d+)">|<th scope="row">([^<]+)</th>', table
    )
    order = [year or period for year, period in periods]
    # The break row stands between the last period that starts before 2016 and the first after.
    at = order.index("2016")
    assert order[at - 1] == "2015-2017" and order[at + 1] == "2016-2018"
    assert order.count("2016") == 1
    about = html.unescape(client.get("/indikator/mobbing-10-trinn", params={"fane": "om"}).text)
    assert 'data-series-break="2016"' in about


def test_flagged_values_carry_their_mark_and_the_mark_is_explained(client) -> None:  # type: ignore[no-untyped-def]
    # The country's KOSTRA share is summed from the kommuner: flagged «aggregated».
    page = client.get("/indikator/barnehage-1-2", params={"omrade": "4601,0"}).text
    table = page[
        page.index('id="tabell-figur"') : page.index("</table>", page.index('id="tabell-figur"'))
    ]
    country = re.findall(r'<td class="num" data-code="0"[^>]*>(.*?)</td>', table, re.S)
    assert country and all('data-flag="aggregated"' in cell for cell in country if "–" not in cell)
    bergen = re.findall(r'<td class="num[^"]*" data-code="4601"[^>]*>(.*?)</td>', table, re.S)
    assert bergen and not any("data-flag" in cell for cell in bergen)
    assert 'data-flag-legend="aggregated"' in page
    assert "Summert fra kommunene" in html.unescape(page)
