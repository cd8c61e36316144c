"""SSB KLASS (``https://data.ssb.no/api/klass/v1``): codes, changes and correspondences.

KLASS answers XML unless asked otherwise, so every request sends ``Accept: application/json``
(or ``text/csv``). CSV exports are ISO-8859-1, ``;``-separated and quoted, and rows may stop
before the last columns (``"030101";"";"1";"Gamle Oslo";;``). ``to`` dates are exclusive.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any, Literal

import orjson

from oppvekst.errors import MalformedResponse
from oppvekst.regions.codes import ClassificationCode, CodeChange
from oppvekst.sources.http import Fetched, Fetcher, Request

BASE = "https://data.ssb.no/api/klass/v1"
KOMMUNER = 131
FYLKER = 104
BYDELER = 103
Future = Literal["include", "exclude"]


def _fail(what: str, detail: str) -> MalformedResponse:
    return MalformedResponse(
        f"KLASS {what}: {detail}", hint="Re-fetch with Accept: application/json; check the id."
    )


def _date(value: object) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError as exc:
        raise _fail("date", f"{value!r} is not yyyy-mm-dd") from exc


def _opt(value: object) -> str | None:
    return None if value in (None, "") else str(value)


def _items(content: bytes, key: str, what: str) -> list[Mapping[str, Any]]:
    try:
        doc = orjson.loads(content)
    except orjson.JSONDecodeError as exc:
        raise _fail(
            what, f"invalid JSON ({exc}); was XML returned (missing Accept header)?"
        ) from exc
    items = doc.get(key) if isinstance(doc, dict) else None
    if not isinstance(items, list):
        raise _fail(what, f"no '{key}' list in the response")
    return items


def _code(row: Mapping[str, Any]) -> ClassificationCode:
    return ClassificationCode(
        code=str(row["code"]),
        name=str(row.get("name") or ""),
        level=str(row.get("level") or ""),
        parent_code=_opt(row.get("parentCode")),
        short_name=str(row.get("shortName") or ""),
        valid_from=_date(row.get("validFrom")),
        valid_to=_date(row.get("validTo")),
    )


def parse_codes_json(content: bytes) -> tuple[ClassificationCode, ...]:
    """``codes`` and ``codesAt`` responses: ``{"codes": [{code, parentCode, level, name, …}]}``."""
    return tuple(_code(row) for row in _items(content, "codes", "codes"))


def parse_changes_json(content: bytes) -> tuple[CodeChange, ...]:
    """``changes``: a missing oldCode is a new unit; a missing newCode is a unit that ceased."""
    changes = []
    for row in _items(content, "codeChanges", "changes"):
        changed_on = _date(row.get("changeOccurred"))
        if changed_on is None:
            raise _fail("changes", f"row without changeOccurred: {dict(row)}")
        changes.append(
            CodeChange(
                old_code=_opt(row.get("oldCode")),
                old_name=str(row.get("oldName") or ""),
                new_code=_opt(row.get("newCode")),
                new_name=str(row.get("newName") or ""),
                changed_on=changed_on,
            )
        )
    return tuple(changes)


class KlassClient:
    def __init__(self, fetcher: Fetcher, *, base: str = BASE) -> None:
        self.fetcher = fetcher
        self.base = base

    def _get(self, path: str, params: Mapping[str, str]) -> Request:
        return Request.get(f"{self.base}{path}", params, accept="application/json")

    def codes(
        self, classification: int, start: date, end: date | None = None, language: str = "nb"
    ) -> Fetched[tuple[ClassificationCode, ...]]:
        params = {"from": start.isoformat(), "language": language}
        if end is not None:
            params["to"] = end.isoformat()  # exclusive
        response = self.fetcher.fetch(self._get(f"/classifications/{classification}/codes", params))
        return Fetched(parse_codes_json(response.content), response)

    def changes(
        self, classification: int, start: date, end: date | None = None, future: Future = "include"
    ) -> Fetched[tuple[CodeChange, ...]]:
        params = {"from": start.isoformat(), "includeFuture": str(future == "include").lower()}
        if end is not None:
            params["to"] = end.isoformat()
        response = self.fetcher.fetch(
            self._get(f"/classifications/{classification}/changes", params)
        )
        return Fetched(parse_changes_json(response.content), response)


def by_code(codes: Iterable[ClassificationCode]) -> dict[str, ClassificationCode]:
    return {c.code: c for c in codes}
