"""Package downloads over HTTP: the Excel file equals /api/v1/data, the ZIP holds exactly its parts."""

from __future__ import annotations

import io
import math
import zipfile

import httpx
import openpyxl
import pytest

from oppvekst.exports import SYNTHETIC_WARNING
from oppvekst.reports.figures import chart_areas
from oppvekst.snapshot.store import Store
from oppvekst.views.numbers import rounded
from oppvekst.views.packages import package
from oppvekst.views.regions import region_ref

PACKAGE = "tilstandsrapport-barnevern"


def _sheet(book: openpyxl.Workbook, name: str) -> list[tuple[object, ...]]:
    return [tuple(row) for row in book[name].iter_rows(values_only=True)]


def test_package_xlsx_reads_back_to_the_apis_numbers(live_server: str, store: Store) -> None:
    response = httpx.get(f"{live_server}/pakker/{PACKAGE}/4203.xlsx", timeout=60)
    assert response.status_code == 200
    assert "attachment" in response.headers["content-disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    summary = package(store, PACKAGE)
    # One sheet per topic, in the package's order, then the metadata.
    topics = list(dict.fromkeys(i.topic_title for i in summary.indicators))
    assert book.sheetnames == [*(t[:31] for t in topics), "Metadata"]
    header = list(_sheet(book, book.sheetnames[0])[0])
    body = [row for name in book.sheetnames[:-1] for row in _sheet(book, name)[1:]]
    ids = ",".join(i.indicator_id for i in summary.indicators)
    decimals = {
        i.indicator_id: store.indicator(i.indicator_id).decimals for i in summary.indicators
    }
    api = httpx.get(
        f"{live_server}/api/v1/data",
        params={"indicator": ids, "region": "4203,42,0", "limit": 50000},
        timeout=60,
    ).json()
    assert len(body) == api["count"] == len(api["rows"]) > 0
    col = {name: header.index(name) for name in ("indikator", "region", "periode", "verdi")}
    from_xlsx = {
        (r[col["indikator"]], r[col["region"]], r[col["periode"]]): r[col["verdi"]] for r in body
    }
    for row in api["rows"]:
        key = (row["indicator_id"], row["region"], row["period"])
        got, want = from_xlsx[key], row["value"]
        if want is None:
            assert got is None, key
        else:
            # At the published decimals, as the indicator page shows it.
            want = float(rounded(want, decimals[row["indicator_id"]]))
            assert math.isclose(float(got), want, rel_tol=1e-12), key  # type: ignore[arg-type]
    meta = [" ".join(str(c) for c in r if c is not None) for r in _sheet(book, "Metadata")]
    joined = "\n".join(meta)
    assert "Tilstandsrapport barnevern – Arendal" in joined
    assert "Symboler" in joined and "Lisens" in joined
    assert (SYNTHETIC_WARNING in joined) is api["synthetic"]


def test_package_zip_holds_exactly_the_expected_files(live_server: str, store: Store) -> None:
    response = httpx.get(f"{live_server}/pakker/{PACKAGE}/4203.zip", timeout=120)
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    summary = package(store, PACKAGE)
    region = region_ref(store, "4203")
    charts = [
        f"figurer/{n:02d}-{m.indicator_id}.png"
        for n, m in enumerate(summary.indicators, start=1)
        if m.has_data and chart_areas(store, region, store.indicators[m.indicator_id])
    ]
    expected = {"README.txt", f"{PACKAGE}-4203.xlsx", f"{PACKAGE}-4203.pdf", *charts}
    assert set(archive.namelist()) == expected
    assert len(archive.namelist()) == len(expected)
    assert archive.read(f"{PACKAGE}-4203.pdf").startswith(b"%PDF")
    for name in charts:
        assert archive.read(name).startswith(b"\x89PNG"), name
    readme = archive.read("README.txt").decode("utf-8-sig")
    for member in summary.indicators:
        assert store.indicators[member.indicator_id].attribution in readme
        assert store.indicators[member.indicator_id].licence in readme
    assert (SYNTHETIC_WARNING in readme) is summary.synthetic


@pytest.mark.parametrize(
    ("path", "code"),
    [
        ("/pakker/finnes-ikke/4203.xlsx", "unknown-package"),
        ("/pakker/finnes-ikke/4203.zip", "unknown-package"),
        (f"/pakker/{PACKAGE}/9999.xlsx", "unknown-region"),
        ("/kommune/9999/rapport.pdf", "unknown-region"),
        ("/kommune/1507/rapport.pdf", "unknown-region"),  # former Ålesund: says what it is now
    ],
)
def test_unknown_packages_and_areas_are_explained(live_server: str, path: str, code: str) -> None:
    response = httpx.get(live_server + path, headers={"Accept": "application/json"}, timeout=30)
    assert response.status_code == 404
    assert response.json()["code"] == code
    if path.startswith("/kommune/1507"):
        assert "Ålesund" in response.json()["title"]


def test_pdf_route_takes_the_benchmark_like_the_page(live_server: str) -> None:
    response = httpx.get(
        f"{live_server}/kommune/4203/rapport.pdf", params={"sammenligning": "fylke"}, timeout=60
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    bad = httpx.get(
        f"{live_server}/kommune/4203/rapport.pdf",
        params={"sammenligning": "tull"},
        headers={"Accept": "application/json"},
        timeout=30,
    )
    assert bad.status_code == 400
