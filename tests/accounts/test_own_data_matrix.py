"""The authorisation matrix for own data (issue #15 phase 2): anonymous, an expired session and
each role in the owner's organisation (Bærum) and in another one (Asker), against every path an
own indicator could leak through — its page, the profile, the API (catalogue, data, CSV), search
suggestions, the cross plot, the composite index, embeds and chart images — on SQLite and
PostgreSQL. Inside Bærum every role sees it, marked «egne data»; nobody else finds a trace.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.accounts.conftest import World
from tests.reports.pdf_reading import pdf_text
from tests.workspace.conftest import metadata, synthetic_rows

from oppvekst.stats.comparison import Polarity
from oppvekst.workspace.metadata import OWN_TOPIC as OWN_PACKAGE

ROLES = ("reader", "editor", "admin")
ACTORS = ["anonymous", "expired", *(f"{r}@{p}" for r in ROLES for p in ("own", "other"))]
TITLE = "Hemmelig helsestasjonstall"
SHORT = "Språkvansker 5 år"  # the short title (tests.workspace.conftest.metadata), as tables show


@pytest.fixture(scope="module")
def own_indicator(world: World) -> str:
    """Bærum's editor creates an own indicator and uploads one version; its catalogue id."""
    from oppvekst.accounts import sessions
    from oppvekst.accounts.store import UserStore
    from oppvekst.workspace import library

    store = world.store
    assert isinstance(store, UserStore)
    viewer = sessions.find(store, world.session("editor@own"))
    assert viewer is not None
    # A direction (lower is better), so that it can be weighed in a composite index too.
    record = metadata(TITLE).model_copy(update={"polarity": Polarity.LOWER_BETTER})
    info = library.create_indicator(store, viewer, record)
    library.add_version(store, viewer, info.id, synthetic_rows(("3201", "3203")), "tall.csv")
    return info.indicator_id


def _client(world: World, actor: str, data_dir: Path) -> TestClient:
    if actor == "anonymous":
        return world.app(data_dir)
    if actor == "expired":
        return world.signed_in("editor@own", lifetime=timedelta(seconds=-1), data_dir=data_dir)
    return world.signed_in(actor, data_dir=data_dir)


def _paths(indicator_id: str) -> dict[str, str]:
    return {
        "indicator page": f"/indikator/{indicator_id}",
        "frozen link": f"/indikator/{indicator_id}?periode=2022,2023,2024",
        "profile": "/kommune/3201",
        "search": f"/sok?q={TITLE.split()[0]}",
        "api catalogue": "/api/v1/indicators",
        "api indicator": f"/api/v1/indicators/{indicator_id}",
        "api data": f"/api/v1/data?indicator={indicator_id}&region=3201",
        "api csv": f"/api/v1/data?indicator={indicator_id}&region=3201&format=csv",
        "cross plot": f"/krysse?x={indicator_id}&y=barn-0-17",
        "chart image": f"/indikator/{indicator_id}/bilde.svg",
        "bank": "/statistikkbank",
        "bank csv": f"/statistikkbank/tabell.csv?indikator={indicator_id}&omrade=3201",
        "compare": f"/sammenlign?omrade=3201,3203&indikator={indicator_id}",
        "compare image": f"/sammenlign/bilde.svg?omrade=3201,3203&indikator={indicator_id}",
        "cross image": f"/krysse/bilde.svg?x={indicator_id}&y=barn-0-17",
        "inequality": f"/indikator/{indicator_id}/ulikhet",
        "api compare": f"/api/v1/compare?region=3201,3203&indicator={indicator_id}",
        "api cross": f"/api/v1/cross?x={indicator_id}&y=barn-0-17",
        "api profile": "/api/v1/profile/3201",
        "composite index": f"/indeks?indikatorer={indicator_id}:1,mobbing-10-trinn:1&omrade=3201",
        "index image": f"/indeks/bilde.svg?indikatorer={indicator_id}:1,mobbing-10-trinn:1",
        "api index": f"/api/v1/index?indicators={indicator_id}:1,mobbing-10-trinn:1",
        "packages": "/pakker",
        "package page": f"/pakker/{OWN_PACKAGE}?omrade=3201",
        "package page nn": f"/nn/pakker/{OWN_PACKAGE}?omrade=3201",
    }


# Answers that are not 200 to the owner either: the bank without a choice is a form, and the
# synthetic upload has no breakdowns to show inequality across (400, said in Norwegian).
NOT_200 = ("bank", "inequality")
# Answers that name the indicator, marked, to everyone who may see it.
MARKED = (
    "indicator page",
    "frozen link",
    "profile",
    "api indicator",
    "cross plot",
    "compare",
    "api compare",
    "api profile",
    "composite index",
    "api index",
    "package page",
)


# Paths that never show own data, to anyone (the owner included): embeds are for other sites.
NEVER = {
    "embed": "/embed/indikator/{id}",
    "embed compare": "/embed/sammenlign?omrade=3201,3203&indikator={id}",
    "embed cross": "/embed/krysse?x={id}&y=barn-0-17",
    "embed index": "/embed/indeks?indikatorer={id}:1,mobbing-10-trinn:1",
}


@pytest.mark.parametrize("actor", ACTORS)
def test_own_data_is_seen_inside_the_organisation_only(
    world: World, snapshot_dir: Path, own_indicator: str, actor: str
) -> None:
    client = _client(world, actor, snapshot_dir)
    inside = actor.endswith("@own")
    for name, path in _paths(own_indicator).items():
        answer = client.get(path)
        assert answer.status_code < 500, (name, answer.status_code, answer.text[:300])
        text = answer.text
        if inside:
            if name not in NOT_200:
                assert answer.status_code == 200, (name, answer.status_code, text[:300])
            if name in MARKED:
                marked = (f"{TITLE} (egne data)", f"{SHORT} (egne data)")
                assert any(m in text for m in marked), name
            assert answer.headers["cache-control"] == "private, no-store", name
            if name == "packages":  # the list names packages, not indicators
                assert f'href="/pakker/{OWN_PACKAGE}"' in text
        else:
            assert TITLE not in text and SHORT not in text, (actor, name)
            assert f'href="/pakker/{OWN_PACKAGE}"' not in text, (actor, name)
            # (The id may be echoed in «finnes ikke»: it is what was typed, not a finding.)
            if name in ("indicator page", "frozen link", "api indicator", "chart image"):
                assert answer.status_code == 404, (actor, name, answer.status_code)
    for name, template in NEVER.items():
        answer = client.get(template.format(id=own_indicator))
        assert answer.status_code < 500, (name, answer.status_code)
        assert TITLE not in answer.text and SHORT not in answer.text, (actor, name)


def test_the_owners_values_are_the_pipelines(
    world: World, own_indicator: str, snapshot_dir: Path
) -> None:
    """The own rows come out as the pipeline makes them: value = numerator / denominator × 100,
    a Wilson interval around it (stats.intervals, not a copy)."""
    from oppvekst.stats import intervals

    answer = world.signed_in("reader@own", data_dir=snapshot_dir).get(
        f"/api/v1/data?indicator={own_indicator}&region=3201"
    )
    assert answer.status_code == 200, answer.text[:300]
    rows = answer.json()["rows"]
    expected = synthetic_rows(("3201", "3203"))
    first = expected[(expected["region"] == "3201") & (expected["period"] == "2022")].iloc[0]
    row = next(r for r in rows if r["period"] == "2022")
    assert row["value"] == pytest.approx(first["numerator"] / first["denominator"] * 100)
    wilson = intervals.interval(
        "wilson",
        value=[row["value"]],
        numerator=[first["numerator"]],
        denominator=[first["denominator"]],
        sd=[float("nan")],
        n=[float("nan")],
        margin95=[float("nan")],
        multiplier=100,
        level=intervals.LEVEL_95,
    )
    assert row["lower95"] == pytest.approx(float(wilson.lower[0]))


@pytest.mark.parametrize("actor", ["editor@own", "editor@other", "anonymous"])
def test_the_package_workbook_and_the_pdf_report_hold_it_for_the_owner_only(
    world: World, snapshot_dir: Path, own_indicator: str, actor: str, tmp_path: Path
) -> None:
    """The downloads that take work to build: the «Egne data» package's Excel file (one sheet per
    topic) and Bærum's PDF report, with the indicator in them for Bærum and for nobody else."""
    import io

    import openpyxl

    client = _client(world, actor, snapshot_dir)
    inside = actor.endswith("@own")
    workbook = client.get(f"/pakker/{OWN_PACKAGE}/3201.xlsx")
    report = client.get("/kommune/3201/rapport.pdf")
    assert report.status_code == 200, report.text[:300]
    text = pdf_text(report.content, tmp_path)
    if inside:
        assert workbook.status_code == 200, workbook.text[:300]
        assert workbook.headers["cache-control"] == "private, no-store"
        book = openpyxl.load_workbook(io.BytesIO(workbook.content), read_only=True)
        cells = {
            str(c)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for c in row
        }
        assert any(SHORT in c or TITLE in c for c in cells), sorted(cells)[:40]
        assert report.headers["cache-control"] == "private, no-store"
        assert "egne data" in text and (SHORT in text or TITLE in text)
    else:
        assert workbook.status_code == 404
        assert TITLE not in text and SHORT not in text


def test_own_rows_are_never_summed_into_a_group_value(
    world: World, own_indicator: str, snapshot_dir: Path
) -> None:
    """Bærum uploaded Bærum and Asker: no county, national or group value is made of them, so no
    sum reaches anyone, the owner included (and another organisation does not find the indicator)."""
    path = f"/api/v1/data?indicator={own_indicator}&region=3201,3203,32,0"
    rows = world.signed_in("reader@own", data_dir=snapshot_dir).get(path).json()["rows"]
    assert {r["region"] for r in rows} == {"3201", "3203"}
    assert world.signed_in("reader@other", data_dir=snapshot_dir).get(path).status_code == 404


@pytest.mark.parametrize("path", ["/kommune/3201", "/indeks?indikatorer={id}:1,mobbing-10-trinn:1"])
def test_an_owners_answer_never_reaches_the_shared_answer_cache(
    world: World, snapshot_dir: Path, own_indicator: str, path: str
) -> None:
    """A browser may split its cookies over several Cookie headers (HTTP/2 does): the session
    in the second one still signs the owner in, so their answer (with own data) must not be kept
    as the public answer to the same address, which the next anonymous visitor would get."""
    address = path.format(id=own_indicator)
    token = world.session("editor@own")
    owner = world.app(snapshot_dir).get(
        address, headers=[("cookie", "valgt=1"), ("cookie", f"oppvekst_okt={token}")]
    )
    assert owner.status_code == 200, owner.text[:300]
    assert f"{SHORT} (egne data)" in owner.text or f"{TITLE} (egne data)" in owner.text
    assert owner.headers["cache-control"] == "private, no-store"
    anonymous = world.app(snapshot_dir).get(address)
    assert TITLE not in anonymous.text and SHORT not in anonymous.text


def test_the_owners_topic_list_keeps_the_apis_shape_in_every_language(
    world: World, snapshot_dir: Path, own_indicator: str
) -> None:
    """«Egne data» is one more topic in the API's documented shape (``TopicList`` forbids any other
    field), with the portal's word for it in the reader's language."""
    from oppvekst.api.models import TopicList

    client = world.signed_in("reader@own", data_dir=snapshot_dir)
    for lang, title in (("nb", "Egne data"), ("nn", "Eigne data"), ("en", "Own data")):
        answer = client.get("/api/v1/topics", headers={"Accept-Language": lang})
        assert answer.status_code == 200, answer.text[:300]
        topics = TopicList.model_validate(answer.json()).topics
        own = next(t for t in topics if t.id == OWN_PACKAGE)
        assert (own.title, own.indicators) == (title, 1), lang
