"""The workspace's forms as the pages show them: the metadata form (built from ``OwnMetadata``'s
own fields, so a field added there appears here without a template edit; ``parse_metadata`` checks
what is sent and words the problems), the column-mapping
selects of the preview, and the preview's table with each problem beside its cell.

Nothing here reads or writes the user store; ``web.workspace`` does that through
``workspace.library`` only.
"""

from __future__ import annotations

import enum
import types
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel

from oppvekst.glossary import N_, Glossary
from oppvekst.language import _
from oppvekst.workspace.mapping import (
    COLUMN_FIELD,
    IGNORE,
    ROLE_LABELS,
    ColumnMapping,
    form_fields,
)
from oppvekst.workspace.metadata import MEASURES, OwnMetadata
from oppvekst.workspace.reading import RawTable
from oppvekst.workspace.validation import RowProblem, problems_by_cell

# --- The metadata form --------------------------------------------------------------------------
# Bokmål labels and help for the fields we know (marked N_, translated as the form is built); a field ws-store adds later still shows, under
# its pydantic title or description.
LABELS: dict[str, tuple[str, str]] = {
    "title": (N_("Tittel"), N_("Hele navnet, slik det står over figurer og tabeller.")),
    "short_title": (N_("Kort tittel"), N_("Brukes i lister og menyer.")),
    "definition": (N_("Definisjon"), N_("Hva tallet måler, og hvem det gjelder.")),
    "source": (
        N_("Kilde"),
        N_("Hvem som har samlet inn tallene, f.eks. «Helsestasjonen, Bærum kommune»."),
    ),
    "unit": (N_("Enhet"), N_("F.eks. «prosent» eller «per 1000 barn».")),
    "measure": (N_("Måltype"), ""),
    "multiplier": (
        N_("Multiplikator"),
        N_("Teller delt på nevner ganges med dette (100 gir prosent)."),
    ),
    "decimals": (N_("Desimaler"), N_("Hvor mange desimaler som vises.")),
    "polarity": (N_("Retning"), N_("Om høye eller lave verdier er best.")),
    "numerator": (N_("Teller"), N_("Hva telleren teller.")),
    "denominator": (N_("Nevner"), N_("Hva nevneren teller.")),
    "periodicity": (N_("Periodisitet"), N_("Hvor ofte tallene kommer.")),
}
CHOICE_LABELS: Mapping[str, str] = Glossary(
    {
        # catalog.schema.Measure
        "proportion": N_("Andel (teller delt på nevner)"),
        "rate": N_("Rate (hendelser per N)"),
        "count": N_("Antall"),
        "mean": N_("Gjennomsnitt"),
        "score": N_("Skår eller indeks"),
        "change": N_("Endring i prosent"),
        # stats.comparison.Polarity
        "higher_better": N_("Høye verdier er best"),
        "lower_better": N_("Lave verdier er best"),
        "none": N_("Ingen vurdering"),
        # catalog.schema.Periodicity
        "annual": N_("Årlig"),
        "school_year": N_("Skoleår"),
        "three_year": N_("Treårig"),
        "irregular": N_("Uregelmessig"),
    }
)
LONG_TEXT = frozenset({"definition"})


@dataclass(frozen=True, slots=True)
class FormField:
    name: str
    label: str
    help: str
    kind: Literal["text", "textarea", "number", "select"]
    required: bool
    value: str
    choices: tuple[tuple[str, str], ...] = ()  # (value, label)
    problem: str = ""


def _enum_of(annotation: Any) -> type[enum.Enum] | None:
    """The enum in ``X``, ``X | None`` or ``Optional[X]``."""
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return annotation
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            found = _enum_of(arg)
            if found is not None:
                return found
    return None


def _is_number(annotation: Any) -> bool:
    args = typing.get_args(annotation) or (annotation,)
    return any(a in (int, float) for a in args)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, enum.Enum):
        return str(value.value)
    return str(value)


def metadata_fields(
    values: Mapping[str, str] | OwnMetadata | None = None,
    problems: Mapping[str, str] | None = None,
) -> list[FormField]:
    """The metadata form's fields, in ``OwnMetadata``'s order, filled with ``values`` (what was
    sent, or a saved record) and each field's problem."""
    if isinstance(values, BaseModel):
        filled = {name: _text(getattr(values, name)) for name in type(values).model_fields}
    else:
        filled = dict(values or {})
    fields = []
    for name, info in OwnMetadata.model_fields.items():
        if name in LABELS:
            label, help_text = (_(text) if text else text for text in LABELS[name])
        else:
            label, help_text = info.title or name, info.description or ""
        choices_enum = _enum_of(info.annotation)
        default = "" if info.is_required() or info.default is None else _text(info.default)
        value = filled.get(name, default)
        if choices_enum is not None:
            offered = MEASURES if name == "measure" else tuple(choices_enum)
            choices = tuple(
                (str(m.value), CHOICE_LABELS.get(str(m.value), str(m.value))) for m in offered
            )
            fields.append(
                FormField(name, label, help_text, "select", info.is_required(), value, choices)
            )
            continue
        kind: Literal["text", "textarea", "number"] = (
            "textarea" if name in LONG_TEXT else "number" if _is_number(info.annotation) else "text"
        )
        fields.append(FormField(name, label, help_text, kind, info.is_required(), value))
    return [
        FormField(f.name, f.label, f.help, f.kind, f.required, f.value, f.choices, p)
        if (p := (problems or {}).get(f.name, ""))
        else f
        for f in fields
    ]


# --- The column mapping -------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ColumnSelect:
    """One select of the preview: a column of the file and the role chosen for it ("" = unused)."""

    field: str  # the form field, ``kolonne-<position>`` (``workspace.mapping.COLUMN_FIELD``)
    column: str
    chosen: str


def column_selects(
    raw: RawTable, mapping: ColumnMapping | None, sent: Mapping[str, str] | None = None
) -> list[ColumnSelect]:
    """A select per column, pre-filled from ``mapping`` (the guess or the accepted choice), or
    with what was ``sent`` when that could not be made a mapping (so nothing chosen is lost)."""
    fields = form_fields(raw, mapping) if mapping is not None else dict(sent or {})
    return [
        ColumnSelect(name, column, fields.get(name, IGNORE))
        for position, column in enumerate(raw.columns)
        if (name := f"{COLUMN_FIELD}{position}")
    ]


def sent_mapping(form: Mapping[str, str]) -> dict[str, str] | None:
    """The mapping fields a request sent (the preview's GET form or the confirm POST), or None
    when it sent none: then the guess stands."""
    sent = {
        key: value
        for key, value in form.items()
        if key.startswith(COLUMN_FIELD) or key in ROLE_LABELS
    }
    return sent or None


# --- The preview table --------------------------------------------------------------------------
PREVIEW_ROWS = 20
MORE_WRONG_ROWS = 100  # rows with a problem shown after the first ones


@dataclass(frozen=True, slots=True)
class PreviewCell:
    text: str
    problem: str  # "" when the cell is fine


@dataclass(frozen=True, slots=True)
class PreviewRow:
    number: int  # the spreadsheet row number a person sees (``RawTable.row_number``)
    cells: tuple[PreviewCell, ...]


def preview_rows(
    raw: RawTable, problems: Sequence[RowProblem], limit: int = PREVIEW_ROWS
) -> list[PreviewRow]:
    """The first rows as written, then the rows with a problem (so each message can be seen on
    its cell), each cell with its problems (``problems_by_cell``); a problem of the whole row,
    whose column is not one of the file's, stands in the row's first cell."""
    by_cell = problems_by_cell(
        RowProblem(p.row, p.column if p.column in raw.columns else raw.columns[0], p.message)
        for p in problems
    )
    wrong = {row for row, _column in by_cell}
    rows: list[PreviewRow] = []
    for index, row in enumerate(raw.rows):
        number = raw.row_number(index)
        if len(rows) >= limit + MORE_WRONG_ROWS:
            break
        if index >= limit and number not in wrong:
            continue  # past the first rows, only those with a problem
        cells = tuple(
            PreviewCell(text, " ".join(by_cell.get((number, column), ())))
            for column, text in zip(raw.columns, row, strict=False)
        )
        rows.append(PreviewRow(number, cells))
    return rows
