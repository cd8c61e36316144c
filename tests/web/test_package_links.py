"""The package ZIP (README, Excel, PDF, print figures) is linked from the profile and the package
page, and the link answers. Before, it existed but was linked from nowhere."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from oppvekst.settings import Settings
from oppvekst.snapshot.files import DataDir
from oppvekst.web.app import create_app


@pytest.fixture(scope="module")
def client(snapshot_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    settings = Settings(rate_limit="off", figure_cache=tmp_path_factory.mktemp("figurer"))
    return TestClient(create_app(DataDir(snapshot_dir), settings))


def _zip_link(html: str) -> str:
    found = re.search(r'href="(/pakker/[^"]+\.zip)"', html)
    assert found, "no ZIP link on the page"
    return found.group(1)


@pytest.mark.parametrize("page", ["/kommune/4601", "/pakker/oppvekstprofil-nokkeltall?omrade=4601"])
def test_the_package_zip_is_linked_and_holds_what_a_planner_takes_away(
    client: TestClient, page: str
) -> None:
    link = _zip_link(client.get(page).text)
    response = client.get(link)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert any(n.lower().startswith("les") or "readme" in n.lower() for n in names), names
    assert any(n.endswith(".xlsx") for n in names) and any(n.endswith(".pdf") for n in names)
    assert sum(n.endswith((".png", ".svg")) for n in names) >= 5
