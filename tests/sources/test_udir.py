"""Udir report API: every recorded atlas response, URL building and the export API paging."""

from __future__ import annotations

ATLAS = "api_fixtures/atlas"
