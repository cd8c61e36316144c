"""The files people start an upload from: a header row and example rows, with instructions.

One template per kind of data (``TEMPLATES``). The CSV is the Norwegian Excel dialect of the
downloads (``exports.tabular.csv_bytes``: UTF-8 with a byte-order mark, semicolons, decimal
commas) with instruction rows starting with ``#`` above the header, which ``read_upload`` skips.
The workbook has the same rows on the sheet «Data» (one ``#`` row on top saying the rows are
examples) and the instructions on the sheet «Veiledning». The example rows are for the
organisation's own area when it has one, and they pass ``validate`` as they stand, so a person can
see the whole path work before typing a figure.

Headers, instructions, group words and sheet names are in the reader's language
(``language.current()``; issue #16: a nynorsk or English reader gets no bokmål download), and
``guess_mapping`` and ``validate`` read a file made from the template of any of the three.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

import numpy as np
import xlsxwriter

from oppvekst.catalog import breakdown_dimensions
from oppvekst.errors import UnknownTemplate
from oppvekst.exports.formats import CSV, XLSX
from oppvekst.exports.tabular import CsvDialect, csv_bytes
from oppvekst.glossary import N_, Glossary
from oppvekst.language import _
from oppvekst.regions.history import Level
from oppvekst.regions.registry import OSLO, Region, Registry

DEFAULT_KOMMUNE = OSLO  # the directorate (no area of its own) gets Oslo's rows as examples
EXAMPLE_AREAS = 3
NOTE = "#"
# Bokmål, marked for the catalogue and translated where a template is made (``Template.header``).
AREA_COLUMNS = {
    Level.KOMMUNE: (N_("kommunenummer"), N_("kommunenavn")),
    Level.BYDEL: (N_("bydelsnummer"), N_("bydelsnavn")),
}
PERIOD_COLUMN = N_("år")
FIGURE_WORDS = Glossary(
    {"value": N_("verdi"), "numerator": N_("teller"), "denominator": N_("nevner")}
)
DATA_SHEET = N_("Data")
GUIDE_SHEET = N_("Veiledning")


@dataclass(frozen=True, slots=True)
class Template:
    kind: str
    name: str  # bokmål (marked N_), for the workspace's list of templates: see ``title``
    level: Level  # the areas of the rows
    figures: tuple[str, ...]  # ("value",) or ("numerator", "denominator")
    breakdowns: tuple[str, ...] = ()  # our breakdown names, e.g. ("sex",)

    @property
    def title(self) -> str:
        """The name in the reader's language."""
        return _(self.name)

    @property
    def header(self) -> tuple[str, ...]:
        """The column names in the reader's language."""
        names = tuple(_(name) for name in AREA_COLUMNS[self.level])
        groups = tuple(breakdown_dimensions()[name].label.lower() for name in self.breakdowns)
        return (*names, _(PERIOD_COLUMN), *groups, *(FIGURE_WORDS[f] for f in self.figures))


TEMPLATES: dict[str, Template] = {
    t.kind: t
    for t in (
        Template("kommune-verdi", N_("Verdi per kommune og år"), Level.KOMMUNE, ("value",)),
        Template(
            "kommune-teller-nevner",
            N_("Teller og nevner per kommune og år (andeler)"),
            Level.KOMMUNE,
            ("numerator", "denominator"),
        ),
        Template(
            "bydel-teller-nevner",
            N_("Teller og nevner per bydel og år (andeler)"),
            Level.BYDEL,
            ("numerator", "denominator"),
        ),
        Template(
            "kommune-kjonn-teller-nevner",
            N_("Teller og nevner per kommune, år og kjønn"),
            Level.KOMMUNE,
            ("numerator", "denominator"),
            ("sex",),
        ),
    )
}
FORMAT_NAMES = ("csv", "xlsx")


def template_file(
    kind: str,
    fmt: Literal["csv", "xlsx"],
    registry: Registry,
    region_code: str | None = None,
) -> tuple[bytes, str, str]:
    """The template ``kind`` as (file bytes, media type, file name), with example rows for
    ``region_code`` (the organisation's area) when given; raises ``UnknownTemplate``."""
    template = TEMPLATES.get(kind)
    if template is None or fmt not in FORMAT_NAMES:
        raise UnknownTemplate(
            _("Det finnes ingen mal «{name}».").format(name=f"{kind}.{fmt}"),
            hint=_("Velg en av malene på siden Arbeidsrom."),
        )
    columns = example_columns(template, example_areas(template, registry, region_code))
    notes = instructions(template)
    if fmt == "csv":
        return _csv(columns, notes), CSV.media_type, f"mal-{kind}.csv"
    return _xlsx(template, columns, notes), XLSX.media_type, f"mal-{kind}.xlsx"


def example_areas(template: Template, registry: Registry, region_code: str | None) -> list[Region]:
    """Up to three areas of the template's level: the organisation's own first, then its
    neighbours in the same kommune (bydeler) or county (kommuner)."""
    own = registry.get(region_code) if region_code and region_code in registry else None
    if template.level is Level.BYDEL:
        parent = own.parent if own and own.level is Level.BYDEL else own.code if own else OSLO
        areas = [r for r in registry.children(parent) if r.level is Level.BYDEL] if parent else []
        if not areas:  # a kommune without bydeler in the registry: Oslo's show the shape
            areas = [r for r in registry.children(OSLO) if r.level is Level.BYDEL]
    elif own and own.level is Level.KOMMUNE:
        county = registry.county_of(own.code)
        areas = registry.members_of_county(county.code) if county else [own]
    elif own and own.level is Level.BYDEL and own.parent:
        areas = [registry.get(own.parent)]
    elif own and own.level is Level.FYLKE:
        areas = registry.members_of_county(own.code)
    else:
        areas = [registry.get(DEFAULT_KOMMUNE)]
    if own in areas:
        areas.remove(own)
        areas.insert(0, own)
    return areas[:EXAMPLE_AREAS]


def example_columns(template: Template, areas: list[Region]) -> dict[str, np.ndarray]:
    """The example rows, column by column: each area for the two last whole years (and, with a
    breakdown by sex, girls, boys and both, named as the catalogue names them in the reader's
    language), with made-up figures that are plainly round."""
    years = [date.today().year - 2, date.today().year - 1]
    sex = breakdown_dimensions()["sex"]
    girls_word, boys_word, all_word = (
        sex.label_of(code) or code for code in ("female", "male", "total")
    )
    rows: list[tuple[str, str, int, str, float, float]] = []
    for area_index, area in enumerate(areas):
        for year_index, year in enumerate(years):
            seed = 1 + area_index * 4 + year_index * 2
            if "sex" in template.breakdowns:
                girls = (10.0 * seed, 100.0 + 20 * seed)
                boys = (10.0 * (seed + 1), 100.0 + 20 * (seed + 1))
                both = (girls[0] + boys[0], girls[1] + boys[1])  # the total is the sum
                groups = [(girls_word, girls), (boys_word, boys), (all_word, both)]
            else:
                groups = [("", (10.0 * seed, 100.0 + 20 * seed))]
            for group, (numerator, denominator) in groups:
                rows.append((area.code, area.name, year, group, numerator, denominator))
    header = template.header
    columns: dict[str, np.ndarray] = {
        header[0]: np.array([r[0] for r in rows], dtype=object),
        header[1]: np.array([r[1] for r in rows], dtype=object),
        header[2]: np.array([r[2] for r in rows], dtype=np.int64),
    }
    position = 3
    if template.breakdowns:
        columns[header[position]] = np.array([r[3] for r in rows], dtype=object)
        position += 1
    if template.figures == ("value",):
        # A share in per cent with one decimal, so the decimal comma shows.
        columns[header[position]] = np.array([round(100 * r[4] / r[5], 1) for r in rows])
    else:
        columns[header[position]] = np.array([r[4] for r in rows])
        columns[header[position + 1]] = np.array([r[5] for r in rows])
    return columns


def instructions(template: Template) -> list[str]:
    """The instructions in the reader's language, one line each, the first saying that the rows
    are examples."""
    lines = [
        _("Mal for egne data: {title}.").format(title=template.title),
        _("Radene under overskriften er EKSEMPLER – bytt dem ut med egne tall før du laster opp."),
        _area_line(template),
        _("År skrives som 2024, skoleår som 2023-24. Bruk desimalkomma, for eksempel 12,5."),
        _("Mangler et tall, skriv .. (og . når det ikke kan finnes). Ikke lag formler."),
    ]
    if "numerator" in template.figures:
        lines.append(
            _(
                "Teller og nevner er antall (hele tall): teller er dem det gjelder, nevner alle. "
                "Andelen regnes ut av portalen, og små tall skjules etter de nasjonale reglene."
            )
        )
    for name in template.breakdowns:
        dimension = breakdown_dimensions()[name]
        labels = ", ".join(c.label for c in dimension.categories)
        lines.append(
            _("{dimension}: skriv {labels}.").format(dimension=dimension.label, labels=labels)
        )
    lines.append(
        _("Ingen opplysninger om enkeltpersoner: ikke navn, fødselsnummer eller fødselsdato.")
    )
    return lines


def _area_line(template: Template) -> str:
    # Whole sentences per level and shape, so a translator never pieces words together.
    grouped = bool(template.breakdowns)
    if template.level is Level.BYDEL:
        if grouped:
            return _("Én rad per bydel og år og gruppe. Bydelsnummeret kan også skrives som navn.")
        return _("Én rad per bydel og år. Bydelsnummeret kan også skrives som navn.")
    if grouped:
        return _("Én rad per kommune og år og gruppe. Kommunenummeret kan også skrives som navn.")
    return _("Én rad per kommune og år. Kommunenummeret kan også skrives som navn.")


def _csv(columns: dict[str, np.ndarray], notes: list[str]) -> bytes:
    table = csv_bytes(columns, CsvDialect.NORWEGIAN)
    mark = "\ufeff".encode()
    # The notes go after the byte-order mark and before the header; they hold no separator.
    lines = "".join(f"{NOTE} {line.replace(';', ',')}\r\n" for line in notes)
    return mark + lines.encode("utf-8") + table.removeprefix(mark)


def _xlsx(template: Template, columns: dict[str, np.ndarray], notes: list[str]) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer,
        {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False},
    )
    bold = book.add_format({"bold": True})
    note = book.add_format({"italic": True, "font_color": "#595959"})
    text = book.add_format({"num_format": "@"})  # area numbers keep their leading zero
    guide_name = _(GUIDE_SHEET)
    data: Any = book.add_worksheet(_(DATA_SHEET))
    see_guide = _("Se arket «{sheet}».").format(sheet=guide_name)
    data.write_string(0, 0, f"{NOTE} {notes[1]} {see_guide}", note)
    data.write_row(1, 0, list(columns), bold)
    for index, (name, values) in enumerate(columns.items()):
        data.set_column(index, index, max(len(name), 10) + 2, text if index == 0 else None)
        for row, value in enumerate(values.tolist(), start=2):
            if isinstance(value, str):
                data.write_string(row, index, value, text if index == 0 else None)
            else:
                data.write_number(row, index, value)
    data.freeze_panes(2, 0)
    guide: Any = book.add_worksheet(guide_name)
    guide.set_column(0, 0, 110)
    guide.write_string(0, 0, template.title, bold)
    for row, line in enumerate(notes, start=1):
        guide.write_string(row, 0, line)
    book.close()
    return buffer.getvalue()
