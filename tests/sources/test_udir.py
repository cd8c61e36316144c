"""Udir report API: every recorded atlas response, URL building and the export API paging."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from oppvekst.catalog import default_catalog
from oppvekst.catalog.schema import UdirFetch
from oppvekst.pipeline.tidy import tidy
from oppvekst.sources.http import Request, Response
from oppvekst.sources.udir import last_updated, parse_report
from oppvekst.stats.intervals import IntervalMethod, interval

ATLAS = "api_fixtures/atlas"

NATIONAL_TESTS = ["nasjonale-prover-lesing-5", "nasjonale-prover-lesing-8"]
RECORDED = {
    "nasjonale-prover-lesing-5": "udir_nasjonale_prover/data.trinn5.NPLES.anchor12.json",
    "nasjonale-prover-lesing-8": "udir_nasjonale_prover/data.ungdomstrinn.grade8.NPLES.anchor12.json",
}


@pytest.mark.parametrize("indicator_id", NATIONAL_TESTS)
def test_national_tests_keep_udirs_published_uncertainty(
    shared_data: Path, indicator_id: str
) -> None:
    # The recorded response has «Skalapoeng», «Usikkerhet» and «Antall elever deltatt» per row;
    # the catalogue maps «Usikkerhet» to the 95 % margin instead of dropping it.
    indicator = default_catalog().indicator(indicator_id)
    assert indicator.interval is IntervalMethod.PUBLISHED
    spec = indicator.source.offline[0]
    assert isinstance(spec, UdirFetch) and spec.mapping.margin95 == "Usikkerhet"
    raw = parse_report((shared_data / ATLAS / RECORDED[indicator_id]).read_bytes())
    assert "Usikkerhet" in set(raw["measure"])
    frame = tidy(raw[raw["region"].notna()], spec.mapping)
    published = raw[raw["measure"] == "Usikkerhet"].set_index("code")["value"]
    by_region = frame.set_index("region")
    shared = [c for c in by_region.index if c in published.index and published[c] == published[c]]
    assert len(shared) > 300  # every kommune with a result has its uncertainty
    assert np.allclose(by_region.loc[shared, "margin95"], published[shared])


def test_arendals_5th_grade_reading_interval_is_udirs(shared_data: Path) -> None:
    raw = parse_report((shared_data / ATLAS / RECORDED["nasjonale-prover-lesing-5"]).read_bytes())
    row = raw[raw["code"] == "4203"].set_index("measure")["value"]
    assert (row["Skalapoeng"], row["Usikkerhet"]) == (48.0, 0.8)  # as Udir published them
    limits = interval("published", value=row["Skalapoeng"], margin95=row["Usikkerhet"])
    assert (float(limits.lower), float(limits.upper)) == pytest.approx((47.2, 48.8))
    wider = interval("published", value=48.0, margin95=0.8, level=0.998)
    assert float(wider.lower) < 47.2 and float(wider.upper) > 48.8


def test_the_snapshot_compares_national_tests_with_udirs_interval(store) -> None:  # type: ignore[no-untyped-def]
    rows = store.observations(["nasjonale-prover-lesing-5"], ["4203"], ["2025-26"])
    assert rows["lower95"].tolist() == pytest.approx([47.2])
    assert rows["upper95"].tolist() == pytest.approx([48.8])


def test_udir_last_modified_becomes_an_iso_date() -> None:
    def response(headers: dict[str, str]) -> Response:
        request = Request.get("https://statistikkportalen.udir.no/api/rapportering/x")
        return Response.build(request, 200, headers, b"{}", datetime.now(UTC))

    assert last_updated(response({"Last-Modified": "Tue, 03 Nov 2026 08:15:00 GMT"})) == (
        "2026-11-03"
    )
    assert last_updated(response({})) is None
    assert last_updated(response({"Last-Modified": "i går"})) is None
