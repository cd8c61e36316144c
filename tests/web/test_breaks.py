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
