"""SSB KLASS (``https://data.ssb.no/api/klass/v1``): codes, changes and correspondences.

KLASS answers XML unless asked otherwise, so every request sends ``Accept: application/json``
(or ``text/csv``). CSV exports are ISO-8859-1, ``;``-separated and quoted, and rows may stop
before the last columns (``"030101";"";"1";"Gamle Oslo";;``). ``to`` dates are exclusive.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
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
CSV_ACCEPT = "text/csv; charset=ISO-8859-1"
Future = Literal["include", "exclude"]


@dataclass(frozen=True, slots=True)
class Correspondence:
    """One source→target mapping (``correspondsAt`` items or a correspondence table's maps)."""

    source_code: str
    source_name: str
    target_code: str
    target_name: str
    valid_from: date | None = None
    valid_to: date | None = None


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


def parse_correspondence_json(content: bytes) -> tuple[Correspondence, ...]:
    """``correspondsAt`` items (``correspondenceItems``) or a table's ``correspondenceMaps``."""
    try:
        doc = orjson.loads(content)
    except orjson.JSONDecodeError as exc:
        raise _fail("correspondence", f"invalid JSON ({exc})") from exc
    key = "correspondenceItems" if "correspondenceItems" in doc else "correspondenceMaps"
    return tuple(_correspondence(row) for row in _items(content, key, "correspondence"))


def _correspondence(row: Mapping[str, Any]) -> Correspondence:
    return Correspondence(
        source_code=str(row.get("sourceCode") or ""),
        source_name=str(row.get("sourceName") or ""),
        target_code=str(row.get("targetCode") or ""),
        target_name=str(row.get("targetName") or ""),
        valid_from=_date(row.get("validFrom")),
        valid_to=_date(row.get("validTo")),
    )


def _csv_rows(content: bytes, encoding: str, what: str) -> list[dict[str, str]]:
    text = content.decode(encoding)
    reader = csv.reader(io.StringIO(text), delimiter=";", quotechar='"')
    try:
        header = next(reader)
    except StopIteration as exc:
        raise _fail(what, "empty CSV") from exc
    rows = []
    for line in reader:
        if not line:
            continue
        if len(line) > len(header):
            raise _fail(what, f"row has {len(line)} fields, header {len(header)}: {line}")
        # Short rows: KLASS omits trailing empty fields.
        rows.append(dict(zip(header, line + [""] * (len(header) - len(line)), strict=True)))
    return rows


def parse_codes_csv(content: bytes, encoding: str = "iso-8859-1") -> tuple[ClassificationCode, ...]:
    """A KLASS CSV export (``code;parentCode;level;name;shortName;notes;validFrom;validTo``)."""
    rows = _csv_rows(content, encoding, "codes CSV")
    if rows and "code" not in rows[0]:
        raise _fail("codes CSV", f"no 'code' column; header is {list(rows[0])}")
    return tuple(_code(row) for row in rows)


def parse_correspondence_csv(
    content: bytes, encoding: str = "iso-8859-1"
) -> tuple[Correspondence, ...]:
    rows = _csv_rows(content, encoding, "correspondence CSV")
    if rows and "sourceCode" not in rows[0]:
        raise _fail("correspondence CSV", f"no 'sourceCode' column; header is {list(rows[0])}")
    return tuple(_correspondence(row) for row in rows)


class KlassClient:
    def __init__(self, fetcher: Fetcher, *, base: str = BASE) -> None:
        self.fetcher = fetcher
        self.base = base

    def _get(self, path: str, params: Mapping[str, str]) -> Request:
        return Request.get(f"{self.base}{path}", params, accept="application/json")

    def codes_at(
        self, classification: int, at: date, language: str = "nb"
    ) -> Fetched[tuple[ClassificationCode, ...]]:
        request = self._get(
            f"/classifications/{classification}/codesAt",
            {"date": at.isoformat(), "language": language},
        )
        response = self.fetcher.fetch(request)
        return Fetched(parse_codes_json(response.content), response)

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

    def corresponds_at(
        self, source: int, target: int, at: date
    ) -> Fetched[tuple[Correspondence, ...]]:
        params = {"targetClassificationId": str(target), "date": at.isoformat()}
        response = self.fetcher.fetch(self._get(f"/classifications/{source}/correspondsAt", params))
        return Fetched(parse_correspondence_json(response.content), response)

    def correspondence_table_csv(self, table_id: int) -> Fetched[tuple[Correspondence, ...]]:
        # csvSeparator is sent explicitly; it also keeps the CSV request's mirror key apart.
        request = Request.get(
            f"{self.base}/correspondencetables/{table_id}",
            {"csvSeparator": ";"},
            accept=CSV_ACCEPT,
        )
        response = self.fetcher.fetch(request)
        return Fetched(parse_correspondence_csv(response.content), response)


def by_code(codes: Iterable[ClassificationCode]) -> dict[str, ClassificationCode]:
    return {c.code: c for c in codes}
