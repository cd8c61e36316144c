"""Which column of an upload is the area, the period, the figures and each breakdown.

``guess_mapping`` reads the header names (bokmål, nynorsk and English, with or without æ/ø/å, so
the templates of all three languages) and, when
no name fits, the cells; ``mapping_from_form`` takes what a person chose on the preview page.
The form may name a column per role (``region=kommunenummer``) or a role per column
(``kolonne-0=region``, the preview's one select per column); ``form_fields`` gives the latter
pre-filled from a mapping.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from oppvekst.errors import InvalidMapping
from oppvekst.glossary import N_, Glossary
from oppvekst.language import _
from oppvekst.regions.names import search_key
from oppvekst.snapshot.table import BREAKDOWNS
from oppvekst.workspace.reading import RawTable

# The roles a column can have, with the words the preview's selects show, in the order shown.
ROLE_LABELS: Mapping[str, str] = Glossary(
    {
        "region": N_("Område (kommune-, bydels- eller fylkesnummer eller navn)"),
        "period": N_("Periode (år eller skoleår)"),
        "value": N_("Verdi"),
        "numerator": N_("Teller"),
        "denominator": N_("Nevner"),
        "sex": N_("Kjønn"),
        "age": N_("Alder"),
        "background": N_("Bakgrunn"),
        "grade": N_("Trinn"),
    }
)
IGNORE = ""  # the role «ikke bruk»
IGNORE_LABEL = N_("Ikke bruk")  # translated at use
COLUMN_FIELD = "kolonne-"

# Header names per role, as ``search_key`` folds them with the spaces taken out. Earlier names win
# when two columns fit one role (a number before a name).
_NAMES: dict[str, tuple[str, ...]] = {
    "region": (
        "kommunenummer", "kommunenr", "knr", "kommunekode", "bydelsnummer", "bydelsnr",
        "bydelskode", "fylkesnummer", "fylkesnr", "fylkeskode", "regionkode", "regionnummer",
        "omradekode", "omradenummer", "municipalitycode", "municipalitynumber", "regioncode",
        "kode", "code", "kommune", "bydel", "fylke", "region", "omrade", "municipality",
        "district", "area", "sted", "kommunenavn", "bydelsnavn", "regionnavn",
        # The templates' headers in nynorsk and English (``workspace.templates``).
        "citydistrictnumber", "districtnumber", "districtcode", "kommunenamn", "bydelsnamn",
        "municipalityname", "citydistrictname", "districtname", "regionname",
    ),
    "period": (
        "ar", "aar", "arstall", "year", "periode", "period", "skolear", "schoolyear", "tid",
        "time", "aargang", "argang",
    ),
    "value": (
        "verdi", "value", "andel", "prosent", "andelprosent", "rate", "tall", "gjennomsnitt",
        "snitt", "mean", "average", "share", "percent", "percentage", "antall", "count",
    ),
    "numerator": ("teller", "teljar", "numerator", "antallmed", "antalli"),
    "denominator": (
        "nevner", "nemnar", "denominator", "antalltotalt", "totalt", "total", "befolkning", "population",
        "antallbarn", "antallelever",
    ),
    "sex": ("kjonn", "sex", "gender"),
    "age": ("alder", "aldersgruppe", "age", "agegroup"),
    "background": ("bakgrunn", "innvandringsbakgrunn", "landbakgrunn", "background"),
    "grade": ("trinn", "klassetrinn", "arstrinn", "grade", "yeargroup"),
}  # fmt: skip
_COUNTS = ("antall", "count", "tall")
_REGION_CODE = re.compile(r"^\d{2,6}$")
_PERIOD = re.compile(r"^(19|20)\d\d(\s*[-/–]\s*(\d\d|\d{4}))?$")


@dataclass(frozen=True, slots=True)
class ColumnMapping:
    """Column names per role; ``""`` for region or period means none was found (``validate`` and
    ``mapping_from_form`` refuse that with a message)."""

    region: str
    period: str
    value: str | None = None
    numerator: str | None = None
    denominator: str | None = None
    breakdowns: tuple[tuple[str, str], ...] = ()  # (our breakdown name, column)

    def roles(self) -> dict[str, str]:
        """Role → column for every role that has one."""
        chosen = {
            "region": self.region,
            "period": self.period,
            "value": self.value,
            "numerator": self.numerator,
            "denominator": self.denominator,
            **dict(self.breakdowns),
        }
        return {role: column for role, column in chosen.items() if column}


def _key(name: str) -> str:
    return search_key(name).replace(" ", "")


def guess_mapping(raw: RawTable) -> ColumnMapping:
    """The likely role of each column, from its header name, else from its cells."""
    keys = {column: _key(column) for column in raw.columns}
    taken: set[str] = set()
    chosen: dict[str, str] = {}
    for role, names in _NAMES.items():
        best: tuple[int, str] | None = None
        for column in raw.columns:
            if column in taken or keys[column] not in names:
                continue
            rank = names.index(keys[column])
            if best is None or rank < best[0]:
                best = (rank, column)
        if best is not None:
            chosen[role] = best[1]
            taken.add(best[1])
    if "region" not in chosen:
        found = _by_cells(raw, taken, _REGION_CODE)
        if found:
            chosen["region"] = found
            taken.add(found)
    if "period" not in chosen:
        found = _by_cells(raw, taken, _PERIOD)
        if found:
            chosen["period"] = found
            taken.add(found)
    # «antall» is the value of a count, but beside a nevner it is the teller.
    if "value" in chosen and "denominator" in chosen and keys[chosen["value"]] in _COUNTS:
        counted = chosen.pop("value")
        chosen.setdefault("numerator", counted)
    return _mapping(chosen)


def _by_cells(raw: RawTable, taken: set[str], pattern: re.Pattern[str]) -> str | None:
    """The first free column whose filled cells (among the first 50 rows) all fit ``pattern``."""
    for position, column in enumerate(raw.columns):
        if column in taken:
            continue
        cells = [row[position] for row in raw.rows[:50] if row[position]]
        if cells and all(pattern.match(cell) for cell in cells):
            return column
    return None


def _mapping(chosen: Mapping[str, str]) -> ColumnMapping:
    return ColumnMapping(
        region=chosen.get("region", ""),
        period=chosen.get("period", ""),
        value=chosen.get("value") or None,
        numerator=chosen.get("numerator") or None,
        denominator=chosen.get("denominator") or None,
        breakdowns=tuple((name, chosen[name]) for name in BREAKDOWNS if chosen.get(name)),
    )


def form_fields(raw: RawTable, mapping: ColumnMapping) -> dict[str, str]:
    """The preview form's fields for ``mapping``: ``kolonne-<position>`` → role (``""`` = unused)."""
    role_of = {column: role for role, column in mapping.roles().items()}
    return {
        f"{COLUMN_FIELD}{position}": role_of.get(column, IGNORE)
        for position, column in enumerate(raw.columns)
    }


def mapping_from_form(raw: RawTable, fields: Mapping[str, str]) -> ColumnMapping:
    """The mapping a person chose; raises ``InvalidMapping`` naming what is missing or doubled.

    ``fields`` holds either ``kolonne-<position>`` → role, or role → column name (or both, the
    per-column fields winning). Unknown field names are ignored (the form also carries a CSRF
    token and the draft's id)."""
    chosen: dict[str, str] = {}
    for role in ROLE_LABELS:
        column = fields.get(role, "").strip()
        if column:
            if column not in raw.columns:
                raise InvalidMapping(
                    _("Filen har ingen kolonne «{column}».").format(column=column),
                    hint=_("Velg en av kolonnene i forhåndsvisningen."),
                )
            chosen[role] = column
    by_column: dict[str, list[str]] = {}
    for position, column in enumerate(raw.columns):
        role = fields.get(f"{COLUMN_FIELD}{position}", "").strip()
        if not role:
            continue
        if role not in ROLE_LABELS:
            raise InvalidMapping(
                _("«{role}» er ikke et valg for kolonnen «{column}».").format(
                    role=role, column=column
                ),
                hint=_("Velg hva kolonnen inneholder fra listen."),
            )
        by_column.setdefault(role, []).append(column)
    for role, columns in by_column.items():
        if len(columns) > 1:
            raise InvalidMapping(
                _("Kolonnene {columns} er alle valgt som «{role}».").format(
                    columns=_names(columns), role=ROLE_LABELS[role]
                ),
                hint=_("Velg én kolonne per rolle, og «Ikke bruk» for de andre."),
            )
        chosen[role] = columns[0]
    doubled = _doubled(chosen)
    if doubled:
        raise InvalidMapping(
            _("Kolonnen «{column}» er valgt for mer enn én rolle.").format(column=doubled),
            hint=_("Hver kolonne kan bare ha én rolle."),
        )
    mapping = _mapping(chosen)
    require_complete(mapping)
    return mapping


def require_complete(mapping: ColumnMapping) -> None:
    """Raise ``InvalidMapping`` unless the area, the period and the figures all have a column."""
    missing = []
    if not mapping.region:
        missing.append(_("område"))
    if not mapping.period:
        missing.append(_("periode"))
    if bool(mapping.numerator) != bool(mapping.denominator):
        missing.append(_("nevner") if mapping.numerator else _("teller"))
    elif not (mapping.value or mapping.numerator):
        missing.append(_("verdi (eller teller og nevner)"))
    if missing:
        raise InvalidMapping(
            _("Velg hvilken kolonne som er {roles}.").format(roles=_names(missing, quote=False)),
            hint=_(
                "Hver rad trenger et område, en periode og enten en verdi eller teller og nevner."
            ),
        )


def _doubled(chosen: Mapping[str, str]) -> str | None:
    seen: set[str] = set()
    for column in chosen.values():
        if column in seen:
            return column
        seen.add(column)
    return None


def _names(items: list[str], *, quote: bool = True) -> str:
    shown = [f"«{item}»" if quote else item for item in items]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + _(" og ") + shown[-1]
