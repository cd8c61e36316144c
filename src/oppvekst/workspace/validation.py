"""Check every row and cell of an upload, and give the valid rows in the pipeline's tidy shape.

``validate`` refuses person-level data first (``workspace.persons``), then reads each row: the
area through the region registry (current codes, names in any spelling the search takes; a former
code gets «ukjent kommunenummer 0219 – mente du 3201 Bærum?»), the period («2024», school years
«2023-24», also written «2023/24» or «2023-2024»), the breakdown groups by the catalogue's codes
and words (``breakdowns.yml``: «Jenter» → female), and the figures. Numbers are parsed by the
pipeline's own parser (``pipeline.tidy``: decimal comma, space thousands, «%»), and the valid rows
go through ``pipeline.tidy.tidy`` itself, so own data reach the statistics exactly as a source's do.

Empty figures are allowed only as SSB's symbols ``..`` (not available) and ``.`` (cannot be);
counts (teller, nevner) must be whole and not negative, and the teller at most the nevner; one area,
period and group may appear once. Problems carry the row number a spreadsheet shows.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from oppvekst.catalog.schema import Breakdown, BreakdownMap, TableMapping
from oppvekst.errors import InvalidMapping
from oppvekst.glossary import N_
from oppvekst.language import _
from oppvekst.pipeline.tidy import MISSING_MARKERS, TIDY_COLUMNS, _parse_numbers, tidy
from oppvekst.regions.registry import Registry, normalise_code
from oppvekst.snapshot.table import NOT_COMPUTABLE, NOT_PUBLISHED
from oppvekst.workspace.groups import group_code
from oppvekst.workspace.mapping import ColumnMapping, require_complete
from oppvekst.workspace.persons import refuse_person_level
from oppvekst.workspace.reading import RawTable

MAX_PROBLEMS = 1000  # kept in full; beyond this only counted (``Checked.problem_count``)
ALLOWED_SYMBOLS = (NOT_PUBLISHED, NOT_COMPUTABLE)
COUNTS = ("numerator", "denominator")
# Words inside the row messages, in bokmål (marked N_), translated where a message is made.
ROLE_WORDS = {"value": N_("verdi"), "numerator": N_("teller"), "denominator": N_("nevner")}
FORMULA_STARTS = ("=", "+", "@")
_PERIOD = re.compile(r"^(\d{4})(?:\s*[-/–—]\s*(\d{4}|\d{2}))?$")
_DIGIT = re.compile(r"\d")
_CODE_AND_NAME = re.compile(r"^(\d{1,6})\s+(?=\D)")
_CODE_WORDS = {2: N_("fylkesnummer"), 4: N_("kommunenummer"), 6: N_("bydelsnummer")}
_AREA_NUMBER = N_("områdenummer")  # a number of another length


@dataclass(frozen=True, slots=True)
class RowProblem:
    """One problem in one cell (or row): ``row`` is the number a spreadsheet shows (header = 1)."""

    row: int
    column: str
    message: str

    @property
    def text(self) -> str:
        """The whole sentence, e.g. «rad 14: ukjent kommunenummer 0219 – mente du 3201 Bærum?»"""
        return _("rad {row}: {message}").format(row=self.row, message=self.message)


@dataclass(frozen=True, slots=True, eq=False)
class Checked:
    """The valid rows (``pipeline.tidy.TIDY_COLUMNS``), the problems found, and how many rows
    with content the file had. A row with any problem is left out of ``rows``."""

    rows: pd.DataFrame
    problems: tuple[RowProblem, ...]
    source_rows: int
    problem_count: int = field(default=0)  # all problems, also those beyond MAX_PROBLEMS

    @property
    def ok(self) -> bool:
        return self.problem_count == 0


def validate(raw: RawTable, mapping: ColumnMapping, registry: Registry) -> Checked:
    """Check ``raw`` as ``mapping`` reads it; raises ``UploadRefused`` for person-level data and
    ``InvalidMapping`` when the mapping is incomplete or names a column the file lacks."""
    require_complete(mapping)
    roles = mapping.roles()
    for column in roles.values():
        if column not in raw.columns:
            raise InvalidMapping(
                _("Filen har ingen kolonne «{column}».").format(column=column),
                hint=_("Velg kolonnene på nytt."),
            )
    refuse_person_level(raw, mapping)
    position = {role: raw.columns.index(column) for role, column in roles.items()}
    # The figures are parsed column by column by the pipeline's parser (one vectorised call each).
    numbers = {
        role: parse_numbers(raw.column(column))
        for role, column in roles.items()
        if role in ROLE_WORDS
    }
    reader = _CellReader(registry)
    problems: list[RowProblem] = []
    kept: list[dict[str, str]] = []
    first_row: dict[tuple[str, ...], int] = {}
    source_rows = 0
    for index, cells in enumerate(raw.rows):
        if not any(cells):
            continue
        source_rows += 1
        number = raw.row_number(index)
        found: list[RowProblem] = []
        clean: dict[str, str] = {}
        for role, at in position.items():
            if role in numbers:
                text, message = reader.figure(role, cells[at], numbers[role][index])
            else:
                text, message = reader.read(role, cells[at])
            if message:
                found.append(RowProblem(number, roles[role], message))
            else:
                clean[role] = text
        found.extend(
            _count_problems(number, clean, roles, {r: v[index] for r, v in numbers.items()})
        )
        if not found:
            key = (
                clean["region"],
                clean["period"],
                *(clean[name] for name, _column in mapping.breakdowns),
            )
            if key in first_row:
                found.append(
                    RowProblem(
                        number,
                        mapping.region,
                        _("samme område, periode og grupper som rad {row}").format(
                            row=first_row[key]
                        ),
                    )
                )
            else:
                first_row[key] = number
                kept.append(clean)
        problems.extend(found)
    problems.extend(_mixed_periods(raw, mapping, reader))
    if source_rows == 0:
        problems.append(
            RowProblem(raw.header_row + 1, "", _("ingen rader med tall under overskriften"))
        )
    problems.sort(key=lambda p: (p.row, raw.columns.index(p.column) if p.column else -1))
    rows = _tidy(kept, mapping) if kept else pd.DataFrame(columns=list(TIDY_COLUMNS))
    if problems:
        # A row with a problem anywhere (the mixed periods are found last) is not kept.
        bad = {p.row for p in problems}
        if any(n in bad for n in first_row.values()):
            keep = pd.Series([n not in bad for n in first_row.values()], dtype=bool)
            rows = rows[keep.to_numpy()].reset_index(drop=True)
    return Checked(rows, tuple(problems[:MAX_PROBLEMS]), source_rows, len(problems))


def _count_problems(
    number: int, clean: dict[str, str], roles: dict[str, str], values: dict[str, float]
) -> list[RowProblem]:
    """Counts whole and not negative, teller ≤ nevner (only for cells that read as numbers)."""
    found: list[RowProblem] = []
    parsed: dict[str, float] = {}
    for role in COUNTS:
        if role in clean and clean[role] not in ALLOWED_SYMBOLS:
            value = values[role]
            if value < 0:
                found.append(
                    RowProblem(
                        number,
                        roles[role],
                        _("{word} kan ikke være negativ ({cell})").format(
                            word=_(ROLE_WORDS[role]), cell=clean[role]
                        ),
                    )
                )
            elif not value.is_integer():
                found.append(
                    RowProblem(
                        number,
                        roles[role],
                        _("{word} må være et helt tall ({cell})").format(
                            word=_(ROLE_WORDS[role]), cell=clean[role]
                        ),
                    )
                )
            else:
                parsed[role] = value
    if len(parsed) == 2 and parsed["numerator"] > parsed["denominator"]:
        found.append(
            RowProblem(
                number,
                roles["numerator"],
                _("teller ({numerator}) er større enn nevner ({denominator})").format(
                    numerator=clean["numerator"], denominator=clean["denominator"]
                ),
            )
        )
    return found


def parse_numbers(cells: tuple[str, ...]) -> list[float]:
    """A column's cells by the pipeline's parser (NaN where a cell is no number)."""
    values, _flags = _parse_numbers(pd.Series(cells, dtype=object), MISSING_MARKERS)
    return [float(v) for v in values.to_numpy()]


def _tidy(kept: list[dict[str, str]], mapping: ColumnMapping) -> pd.DataFrame:
    """The valid rows through the pipeline's ``tidy`` (cells already cleaned to our codes)."""
    frame = pd.DataFrame(kept, dtype=object)
    table = TableMapping(
        region="region",
        period="period",
        value="value" if mapping.value else None,
        numerator="numerator" if mapping.numerator else None,
        denominator="denominator" if mapping.denominator else None,
        breakdowns=[
            BreakdownMap(name=Breakdown(name), column=name) for name, _column in mapping.breakdowns
        ],
    )
    return tidy(frame, table)


PERIOD_KINDS = {
    "year": N_("et kalenderår"),
    "school": N_("et skoleår"),
    "span": N_("en flerårsperiode"),
}


def period_kind(period: str) -> str:
    """«2024» a year, «2023-24» a school year, «2016-2018» a span of years."""
    if "-" not in period:
        return "year"
    return "school" if len(period) == len("2023-24") else "span"


def _mixed_periods(raw: RawTable, mapping: ColumnMapping, reader: _CellReader) -> list[RowProblem]:
    """Periods of different kinds in one file: the rows not of the most common kind are named."""
    at = raw.columns.index(mapping.period)
    kinds: dict[str, list[int]] = {}
    for index, cells in enumerate(raw.rows):
        if any(cells):
            text, message = reader.read("period", cells[at])
            if not message:
                kinds.setdefault(period_kind(text), []).append(raw.row_number(index))
    if len(kinds) < 2:
        return []
    common = max(kinds, key=lambda kind: len(kinds[kind]))
    return [
        RowProblem(
            number,
            mapping.period,
            _(
                "perioden er {kind}, men de fleste radene har {common}"
                " – bruk samme slags periode i hele filen"
            ).format(kind=_(PERIOD_KINDS[kind]), common=_(PERIOD_KINDS[common])),
        )
        for kind, numbers in kinds.items()
        if kind != common
        for number in numbers
    ]


class _CellReader:
    """Reads one cell for one role: the clean text, or the problem. Each distinct text is read once
    (a file repeats its codes, periods and groups many times)."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self.this_year = date.today().year
        self._seen: dict[tuple[str, str], tuple[str, str]] = {}

    def read(self, role: str, text: str) -> tuple[str, str]:
        key = (role, text)
        if key not in self._seen:
            self._seen[key] = self._read(role, text)
        return self._seen[key]

    def figure(self, role: str, text: str, value: float) -> tuple[str, str]:
        key = (role, text)
        if key not in self._seen:
            self._seen[key] = _figure(role, text, value)
        return self._seen[key]

    def _read(self, role: str, text: str) -> tuple[str, str]:
        if role == "region":
            return self._region(text)
        if role == "period":
            return self._period(text)
        return group_code(role, text)

    def _region(self, text: str) -> tuple[str, str]:
        if not text:
            return "", _("tomt område – skriv kommunenummeret (for eksempel 3201) eller navnet")
        compact = text.replace(" ", "")
        with_name = _CODE_AND_NAME.match(text)
        if with_name:  # «0301 Oslo», as SSB's tables write areas: the code decides
            compact = with_name.group(1)
        if compact.isdigit():
            code = normalise_code(compact)
            if code in self.registry:
                return self.registry.get(code).code, ""
            word = _(_CODE_WORDS.get(len(code), _AREA_NUMBER))
            former = self.registry.former(code)
            if former is not None:
                meant = _(" eller ").join(f"{r.code} {r.name}" for r, _when in former.current)
                return "", _("ukjent {word} {code} – mente du {meant}?").format(
                    word=word, code=code, meant=meant
                )
            near = self.registry.suggestions(code)
            if near:
                meant = _(" eller ").join(f"{r.code} {r.name}" for r in near)
                return "", _("ukjent {word} {code} – mente du {meant}?").format(
                    word=word, code=code, meant=meant
                )
            return (
                "",
                _(
                    "ukjent {word} {code} – bruk et gjeldende nummer, for eksempel 3201 for Bærum"
                ).format(word=word, code=code),
            )
        identified = self.registry.identify(text)
        if identified.found is not None:
            return identified.found.code, ""
        if identified.candidates:
            # A name several regions share (Oslo the kommune and the fylke, the two Herøy) or close
            # spellings: the codes settle it.
            meant = _(" eller ").join(f"{r.code} {r.name}" for r in identified.candidates[:3])
            if len(identified.candidates) == 1:
                return "", _("ukjent område «{text}» – mente du {meant}?").format(
                    text=text, meant=meant
                )
            return "", _(
                "«{text}» kan være flere områder – mente du {meant}? Skriv nummeret"
            ).format(text=text, meant=meant)
        return "", _("ukjent område «{text}» – skriv kommunenummeret (for eksempel 3201)").format(
            text=text
        )

    def _period(self, text: str) -> tuple[str, str]:
        match = _PERIOD.match(text)
        if not match:
            hint = _("skriv årstallet (2024) eller skoleåret (2023-24)")
            return "", (
                _("periode «{text}» kan ikke leses – {hint}").format(text=text, hint=hint)
                if text
                else _("tom periode – {hint}").format(hint=hint)
            )
        start = int(match.group(1))
        if not 1900 <= start <= self.this_year + 1:
            return "", _("periode «{text}» ligger utenfor årene 1900–{last}").format(
                text=text, last=self.this_year + 1
            )
        end_text = match.group(2)
        if end_text is None:
            return str(start), ""
        end = int(end_text) if len(end_text) == 4 else start // 100 * 100 + int(end_text)
        if end == start + 1:
            return f"{start}-{end % 100:02d}", ""
        if len(end_text) == 4 and start < end <= self.this_year + 1:
            return f"{start}-{end}", ""  # a span of years, as FHI's «2016-2018»
        return "", _("periode «{text}» kan ikke leses – skoleår skrives som 2023-24").format(
            text=text
        )


def _figure(role: str, text: str, value: float) -> tuple[str, str]:
    """The cell's text when it is a number or an allowed symbol; ``value`` is what the pipeline's
    parser made of it."""
    word = _(ROLE_WORDS[role])
    if text in ALLOWED_SYMBOLS:
        return text, ""
    if not text:
        return (
            "",
            _(
                "tom {word} – skriv tallet, eller .. når det mangler (. når det ikke kan finnes)"
            ).format(word=word),
        )
    if text in MISSING_MARKERS:
        return "", (
            _(
                "{word} «{text}» – skriv det virkelige tallet (små tall skjules etter de nasjonale "
                "reglene), eller .. når det mangler"
            ).format(word=word, text=text)
        )
    if text.startswith(FORMULA_STARTS) or (text.startswith("-") and math.isnan(value)):
        return "", _("{word} «{text}» ser ut som en formel – skriv selve tallet").format(
            word=word, text=_short(text)
        )
    if math.isnan(value) or math.isinf(value) or not _DIGIT.search(text) or "e" in text.lower():
        return "", _(
            "{word} «{text}» er ikke et tall – bruk desimalkomma, for eksempel 12,5"
        ).format(word=word, text=_short(text))
    return text, ""


def _short(text: str) -> str:
    return text if len(text) <= 30 else text[:29] + "…"


def problems_by_cell(problems: Iterable[RowProblem]) -> dict[tuple[int, str], list[str]]:
    """(row, column) → messages: what the preview marks each cell with."""
    cells: dict[tuple[int, str], list[str]] = {}
    for problem in problems:
        cells.setdefault((problem.row, problem.column), []).append(problem.message)
    return cells
