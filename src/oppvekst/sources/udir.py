"""Udir: the statistikkportalen report API.

The report API (``statistikkportalen.udir.no/api/rapportering``) is "not meant for external use
and will change without notice", so report numbers and versions are always read from
``Rapportside/{kode}`` at run time. Its data rows carry Norwegian-formatted strings: decimal comma,
space thousands, ``"*"`` for suppressed and ``""`` for no value.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import quote

import numpy as np
import orjson
import pandas as pd

from oppvekst.errors import MalformedResponse
from oppvekst.sources.http import Fetched, Fetcher, Request, Response

PORTAL_BASE = "https://statistikkportalen.udir.no/api/rapportering"
ALL = -10  # Udir's "alle" in filters
SUPPRESSED = "*"
REPORT_COLUMNS = (
    "region", "code", "name", "row_id", "level", "level_name",
    "period", "header", "kjonn", "trinn", "measure", "value", "status",
)  # fmt: skip
# The report puts sex and grade in the column headers, as words («Alle kjønn», «Jenter», «Gutter»;
# «Alle trinn», «5. årstrinn», «10. trinn»), whichever filter IDs asked for them: they are read
# from there into the ``kjonn`` and ``trinn`` columns for the catalogue's breakdown mappings.
SEX_HEADERS = frozenset({"Alle kjønn", "Jenter", "Gutter"})
_GRADE_HEADER = re.compile(r"^(Alle trinn|\d{1,2}\.\s*(års)?trinn)$", re.IGNORECASE)

_ENDPOINT = re.compile(
    r"rest/v1/Statistikk/(?P<skjema>[^/]+)/(?P<tabell>[^/]+)/(?P<nr>\d+)/(?P<ver>\d+)/"
)
_SPACES = re.compile(r"[\s\u00a0\u202f]")


def _fail(what: str, detail: str) -> MalformedResponse:
    return MalformedResponse(
        f"Udir {what}: {detail}", hint="Re-fetch it; the Udir API may have changed."
    )


@dataclass(frozen=True, slots=True)
class ReportEndpoint:
    skjema: str
    tabell: str
    rapport_nr: int
    versjon: int

    @classmethod
    def parse(cls, endpoint: str) -> ReportEndpoint:
        match = _ENDPOINT.search(endpoint)
        if match is None:
            raise _fail(
                "Rapportside", f"cannot read skjema/tabell/rapportNr/versjon from {endpoint!r}"
            )
        return cls(match["skjema"], match["tabell"], int(match["nr"]), int(match["ver"]))

    def path(self) -> str:
        return f"/rest/v1/Statistikk/{self.skjema}/{self.tabell}/{self.rapport_nr}/{self.versjon}"


@dataclass(frozen=True, slots=True)
class ReportPage:
    code: str
    name: str
    endpoint: ReportEndpoint
    valid_filters: tuple[str, ...]
    default_filters: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    default_row_path: str = "*.*"
    suppressed: bool = True  # Rapportside "erPrikket"


def parse_rapportside(content: bytes) -> ReportPage:
    doc = _json(content, "Rapportside")
    page = doc.get("rappside") if isinstance(doc, dict) else None
    if not isinstance(page, dict) or not page.get("rapportElementer"):
        raise _fail("Rapportside", "no 'rappside.rapportElementer' in the response")
    element = page["rapportElementer"][0]
    defaults = {
        str(k): tuple(int(x) for x in (v if isinstance(v, list) else [v]))
        for k, v in (page.get("filterDefaultVerdier") or {}).items()
    }
    return ReportPage(
        code=str(page.get("kode", "")),
        name=str(page.get("navn", "")),
        endpoint=ReportEndpoint.parse(str(element["dataEndepunkt"])),
        valid_filters=tuple(
            str(f) for f in element.get("gyldigeFiltre") or page.get("gyldigeFiltre") or ()
        ),
        default_filters=defaults,
        default_row_path=str(element.get("defaultRadsti") or "*.*"),
        suppressed=bool(page.get("erPrikket", True)),
    )


def udir_filter(filters: Mapping[str, Sequence[str | int] | str | int]) -> str:
    """``{"TidID": [202510], "TrinnID": [-10]}`` → ``TidID(202510)_TrinnID(-10)``."""
    parts = []
    for name, values in filters.items():
        items = [values] if isinstance(values, str | int) else list(values)
        if not items:
            raise ValueError(f"filter {name} has no values")
        parts.append(f"{name}({'_'.join(str(v) for v in items)})")
    return "_".join(parts)


def _q(value: str) -> str:
    # Udir's own client sends ( ) encoded and keeps * and - as they are.
    return quote(value, safe="*-_.")


def report_data_url(
    endpoint: ReportEndpoint, filters: Mapping[str, Any], row_path: str, base: str = PORTAL_BASE
) -> str:
    query = f"filter={_q(udir_filter(filters))}&radSti={_q(row_path)}&inkluderKoder=true"
    return f"{base}{endpoint.path()}/data?{query}"


def parse_number(text: str) -> tuple[float | None, str | None]:
    """``"4 277"`` → 4277.0; ``"9,0"`` → 9.0; ``"*"`` → (None, "*"); ``""`` → (None, None)."""
    cleaned = _SPACES.sub("", text)
    if cleaned == "":
        return None, None
    if cleaned == SUPPRESSED:
        return None, SUPPRESSED
    try:
        return float(cleaned.replace(",", ".")), None
    except ValueError:
        return None, cleaned  # an unknown symbol: keep it as status, never guess a number


def parse_report(content: bytes) -> pd.DataFrame:
    """The report ``data`` shape into one row per (row, measure column); empty → no rows."""
    doc = _json(content, "report data")
    meta = doc.get("metadata") if isinstance(doc, dict) else None
    rows = doc.get("rows") if isinstance(doc, dict) else None
    if not isinstance(meta, dict) or not isinstance(rows, list):
        raise _fail("report data", "expected {'metadata': {...}, 'rows': [...]}")
    levels = meta.get("columns") or []
    hierarchy = [str(h) for h in meta.get("rowHierarchy") or []]
    if not levels or not rows:
        empty = {c: pd.Series([], dtype=object) for c in REPORT_COLUMNS}
        empty["value"] = pd.Series([], dtype="float64")
        empty["level"] = pd.Series([], dtype="int64")
        return pd.DataFrame(empty)
    paths = _column_paths(levels)
    geographic = bool(hierarchy) and hierarchy[0] == "Nasjonalt"
    records: dict[str, list[Any]] = {c: [] for c in REPORT_COLUMNS}
    for row in rows:
        data = row.get("data") or []
        if len(data) != len(paths):
            raise _fail(
                "report data", f"row {row.get('kode')} has {len(data)} cells, {len(paths)} columns"
            )
        row_id = str(row.get("id", ""))
        depth = row_id.count(".") + 1 if row_id else 0
        for cell, path in zip(data, paths, strict=True):
            value, status = parse_number(str(cell))
            records["region"].append(str(row.get("kode")) if geographic else None)
            records["code"].append(str(row.get("kode", "")))
            records["name"].append(str(row.get("navn", "")))
            records["row_id"].append(row_id)
            records["level"].append(depth)
            records["level_name"].append(
                hierarchy[depth - 1] if 0 < depth <= len(hierarchy) else None
            )
            # Every Udir report seen puts the school year outermost in the column header.
            records["period"].append(path[0])
            records["header"].append(" / ".join(path[:-1]))
            records["kjonn"].append(_header_of(path[:-1], SEX_HEADERS.__contains__))
            records["trinn"].append(_header_of(path[:-1], _is_grade))
            records["measure"].append(path[-1])
            records["value"].append(np.nan if value is None else value)
            records["status"].append(status)
    frame = pd.DataFrame(records)
    frame["value"] = frame["value"].astype("float64")
    frame["status"] = pd.Series(records["status"], dtype=object)
    frame["region"] = pd.Series(records["region"], dtype=object)
    return frame


def _is_grade(label: str) -> bool:
    return _GRADE_HEADER.match(label) is not None


def _header_of(path: Sequence[str], wanted: Callable[[str], bool]) -> str | None:
    """The innermost header label of one kind (a report can repeat «Alle trinn» on two levels,
    grade band and grade: the inner one is the grade)."""
    return next((label for label in reversed(path) if wanted(label.strip())), None)


def _column_paths(levels: Sequence[Sequence[Mapping[str, Any]]]) -> list[tuple[str, ...]]:
    expanded: list[list[str]] = []
    for level in levels:
        names: list[str] = []
        for entry in level:
            names.extend([str(entry["name"])] * int(entry.get("columnCount", 1)))
        expanded.append(names)
    widths = {len(names) for names in expanded}
    if len(widths) != 1:
        raise _fail("report data", f"column header levels have different widths {sorted(widths)}")
    return [tuple(names[i] for names in expanded) for i in range(widths.pop())]


def last_updated(response: Response) -> str | None:
    """The report's last change as an ISO date, from ``Last-Modified`` (its body states none)."""
    header = response.headers.get("last-modified")
    if not header:
        return None
    try:
        return parsedate_to_datetime(header).date().isoformat()
    except (TypeError, ValueError):
        return None  # an unreadable header says nothing; never guess a date


def _json(content: bytes, what: str) -> Any:
    try:
        return orjson.loads(content)
    except orjson.JSONDecodeError as exc:
        raise _fail(what, f"invalid JSON ({exc})") from exc


class UdirClient:
    def __init__(self, fetcher: Fetcher, *, portal: str = PORTAL_BASE) -> None:
        self.fetcher = fetcher
        self.portal = portal

    def rapportside(self, code: str) -> Fetched[ReportPage]:
        response = self.fetcher.fetch(Request.get(f"{self.portal}/rest/v1/Rapportside/{code}"))
        return Fetched(parse_rapportside(response.content), response)

    def report(
        self, page: ReportPage, filters: Mapping[str, Any], row_path: str
    ) -> Fetched[pd.DataFrame]:
        url = report_data_url(page.endpoint, filters, row_path, self.portal)
        response = self.fetcher.fetch(Request("GET", url, None, (("Accept", "application/json"),)))
        return Fetched(parse_report(response.content), response)
