"""The workspace's forms as the pages show them: the metadata form (built from ``OwnMetadata``'s
own fields, so a field added there appears here without a template edit), the column-mapping
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

from pydantic import BaseModel, ValidationError

from oppvekst.snapshot.table import BREAKDOWNS
from oppvekst.workspace.mapping import ColumnMapping
from oppvekst.workspace.metadata import OwnMetadata
from oppvekst.workspace.reading import RawTable
from oppvekst.workspace.validation import RowProblem

# --- The metadata form --------------------------------------------------------------------------
# Norwegian labels and help for the fields we know; a field ws-store adds later still shows, under
# its pydantic title or description.
LABELS: dict[str, tuple[str, str]] = {
    "title": ("Tittel", "Hele navnet, slik det står over figurer og tabeller."),
    "short_title": ("Kort tittel", "Brukes i lister og menyer."),
    "definition": ("Definisjon", "Hva tallet måler, og hvem det gjelder."),
    "source": ("Kilde", "Hvem som har samlet inn tallene, f.eks. «Helsestasjonen, Bærum kommune»."),
    "unit": ("Enhet", "F.eks. «prosent» eller «per 1000 barn»."),
    "measure": ("Måltype", ""),
    "multiplier": ("Multiplikator", "Teller delt på nevner ganges med dette (100 gir prosent)."),
    "decimals": ("Desimaler", "Hvor mange desimaler som vises."),
    "polarity": ("Retning", "Om høye eller lave verdier er best."),
    "numerator": ("Teller", "Hva telleren teller."),
    "numerator_text": ("Teller", "Hva telleren teller."),
    "denominator": ("Nevner", "Hva nevneren teller."),
    "denominator_text": ("Nevner", "Hva nevneren teller."),
    "periodicity": ("Periodisitet", "Hvor ofte tallene kommer."),
}
CHOICE_LABELS: dict[str, str] = {
    # catalog.schema.Measure
    "proportion": "Andel (teller delt på nevner)",
    "rate": "Rate (hendelser per N)",
    "count": "Antall",
    "mean": "Gjennomsnitt",
    "score": "Skår eller indeks",
    "change": "Endring i prosent",
    # stats.comparison.Polarity
    "higher_better": "Høye verdier er best",
    "lower_better": "Lave verdier er best",
    "none": "Ingen vurdering",
    # catalog.schema.Periodicity
    "annual": "Årlig",
    "school_year": "Skoleår",
    "three_year": "Treårig",
    "irregular": "Uregelmessig",
}
LONG_TEXT = frozenset({"definition"})

# pydantic's own messages (English) for the kinds of mistakes a form can hold.
PYDANTIC_NORWEGIAN: dict[str, str] = {
    "missing": "Fyll ut feltet.",
    "string_too_short": "Fyll ut feltet.",
    "string_too_long": "Teksten er for lang.",
    "int_parsing": "Skriv et helt tall.",
    "int_from_float": "Skriv et helt tall.",
    "float_parsing": "Skriv et tall.",
    "enum": "Velg en av verdiene i listen.",
    "literal_error": "Velg en av verdiene i listen.",
    "greater_than_equal": "Tallet er for lite.",
    "greater_than": "Tallet er for lite.",
    "less_than_equal": "Tallet er for stort.",
    "less_than": "Tallet er for stort.",
}


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
        label, help_text = LABELS.get(name, (info.title or name, info.description or ""))
        choices_enum = _enum_of(info.annotation)
        default = "" if info.is_required() or info.default is None else _text(info.default)
        value = filled.get(name, default)
        if choices_enum is not None:
            choices = tuple(
                (str(m.value), CHOICE_LABELS.get(str(m.value), str(m.value)))
                for m in choices_enum
            )
            fields.append(
                FormField(name, label, help_text, "select", info.is_required(), value, choices)
            )
            continue
        kind: Literal["text", "textarea", "number"] = (
            "textarea"
            if name in LONG_TEXT
            else "number"
            if _is_number(info.annotation)
            else "text"
        )
        fields.append(FormField(name, label, help_text, kind, info.is_required(), value))
    return [
        FormField(f.name, f.label, f.help, f.kind, f.required, f.value, f.choices, p)
        if (p := (problems or {}).get(f.name, ""))
        else f
        for f in fields
    ]


def metadata_from_form(form: Mapping[str, str]) -> OwnMetadata:
    """``OwnMetadata`` from the posted fields; an empty optional field takes its default."""
    sent = {
        name: value.strip()
        for name in OwnMetadata.model_fields
        if (value := form.get(name)) is not None and value.strip()
    }
    return OwnMetadata.model_validate(sent)


def metadata_problems(error: ValidationError) -> dict[str, str]:
    """One Norwegian message per field (the first, when a field breaks several rules)."""
    problems: dict[str, str] = {}
    for entry in error.errors():
        location = entry.get("loc", ())
        field = str(location[0]) if location else ""
        message = str(entry.get("msg", ""))
        if entry.get("type") == "value_error":
            # Our own validators' Norwegian text, without pydantic's English prefix.
            message = message.removeprefix("Value error, ")
        else:
            message = PYDANTIC_NORWEGIAN.get(str(entry.get("type")), message)
        problems.setdefault(field or "_", message)
    return problems


# --- The column mapping -------------------------------------------------------------------------
ROLE_LABELS: dict[str, str] = {
    "region": "Område (kommune- eller bydelsnummer)",
    "period": "Periode (år eller skoleår)",
    "value": "Verdi",
    "numerator": "Teller",
    "denominator": "Nevner",
    "sex": "Kjønn",
    "age": "Alder",
    "background": "Bakgrunn",
    "grade": "Trinn",
}
ROLES: tuple[str, ...] = ("region", "period", "value", "numerator", "denominator", *BREAKDOWNS)


@dataclass(frozen=True, slots=True)
class RoleSelect:
    """One select of the preview: a role and the file's column chosen for it ("" = none)."""

    role: str
    label: str
    chosen: str
    required: bool


def mapping_fields(mapping: ColumnMapping) -> dict[str, str]:
    """A mapping as the form's fields (role → column; "" = not used): the inverse of
    ``workspace.mapping.mapping_from_form``."""
    fields = {
        "region": mapping.region,
        "period": mapping.period,
        "value": mapping.value or "",
        "numerator": mapping.numerator or "",
        "denominator": mapping.denominator or "",
    }
    chosen = dict(mapping.breakdowns)
    for name in BREAKDOWNS:
        fields[name] = chosen.get(name, "")
    return fields


def role_selects(mapping: ColumnMapping) -> list[RoleSelect]:
    fields = mapping_fields(mapping)
    return [
        RoleSelect(role, ROLE_LABELS[role], fields[role], role in ("region", "period"))
        for role in ROLES
    ]


def sent_mapping(form: Mapping[str, str]) -> dict[str, str] | None:
    """The roles a request sent (the preview's GET form or the confirm POST), or None when it
    sent none: then the guess stands."""
    if not any(role in form for role in ROLES):
        return None
    return {role: form.get(role, "").strip() for role in ROLES}


# --- The preview table --------------------------------------------------------------------------
PREVIEW_ROWS = 20
SHOWN_PROBLEMS = 500  # more than a person reads; the count says how many there were


@dataclass(frozen=True, slots=True)
class PreviewCell:
    text: str
    problem: str  # "" when the cell is fine


@dataclass(frozen=True, slots=True)
class PreviewRow:
    number: int  # the spreadsheet row number a person sees (header = 1)
    cells: tuple[PreviewCell, ...]


def preview_rows(
    raw: RawTable, problems: Sequence[RowProblem], limit: int = PREVIEW_ROWS
) -> list[PreviewRow]:
    """The first rows as written, each cell with its problem (a problem of the whole row, whose
    column is not one of the file's, stands in the first cell)."""
    by_cell: dict[tuple[int, str], str] = {}
    for problem in problems:
        column = problem.column if problem.column in raw.columns else raw.columns[0]
        key = (problem.row, column)
        by_cell[key] = f"{by_cell[key]} {problem.message}" if key in by_cell else problem.message
    rows = []
    for index, row in enumerate(raw.rows[:limit]):
        number = index + 2
        cells = tuple(
            PreviewCell(text, by_cell.get((number, column), ""))
            for column, text in zip(raw.columns, row, strict=False)
        )
        rows.append(PreviewRow(number, cells))
    return rows
