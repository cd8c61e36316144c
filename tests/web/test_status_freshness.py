"""Each source's last update on /status and in the indicator's metadata (issue #12): from the
response where the source states it, else from the date the mirror declares for the file."""

from __future__ import annotations

import html
import re
from datetime import datetime

from fastapi.testclient import TestClient

from oppvekst.catalog import default_catalog
from oppvekst.catalog.schema import FileFetch
from oppvekst.sources.mirror import declared_file_dates


def _declared(indicator_id: str) -> set[str]:
    specs = default_catalog().indicator(indicator_id).source.offline
    dates = declared_file_dates()
    return {dates[s.path] for s in specs if isinstance(s, FileFetch) and s.path in dates}


def test_every_offline_file_the_catalogue_reads_has_a_declared_date() -> None:
    dates = declared_file_dates()
    paths = {
        spec.path
        for ind in default_catalog().indicators
        for spec in ind.source.offline
        if isinstance(spec, FileFetch)
    }
    assert paths and paths <= set(dates), sorted(paths - set(dates))
    for date in dates.values():
        datetime.strptime(date, "%Y-%m-%d")  # a date, not free text


def test_status_shows_the_sources_last_update(client: TestClient) -> None:
    page = html.unescape(client.get("/status").text)
    children = re.search(r'<a href="/indikator/barn-0-17">.*?</tr>', page, re.S)
    assert children, "barn-0-17 is not on the status page"
    (declared,) = _declared("barn-0-17")
    assert f"kilden oppdatert {declared}" in children.group(0)
    # The publisher table: SSB's row no longer says «Oppgis ikke» when a file states its date.
    ssb = re.search(r'<th scope="row">SSB</th>(.*?)</tr>', page, re.S)
    assert ssb and "Oppgis ikke" not in ssb.group(1)
    api = client.get("/api/v1/status").json()
    assert any(s.get("source_updated") == declared for s in _flatten(api))


def _flatten(body: object) -> list[dict[str, object]]:
    found: list[dict[str, object]] = []
    if isinstance(body, dict):
        if "source_updated" in body:
            found.append(body)
        for value in body.values():
            found.extend(_flatten(value))
    elif isinstance(body, list):
        for value in body:
            found.extend(_flatten(value))
    return found


def test_the_indicator_metadata_shows_the_last_update(client: TestClient) -> None:
    about = html.unescape(client.get("/indikator/barn-0-17", params={"fane": "om"}).text)
    updated = re.search(r"<dt>Sist oppdatert</dt><dd>(.*?)</dd>", about, re.S)
    assert updated
    (declared,) = _declared("barn-0-17")
    assert updated.group(1).startswith(declared)
