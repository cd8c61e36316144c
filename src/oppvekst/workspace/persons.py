"""Refuse uploads that hold data about individual people.

Own data are aggregates per area and period. A file is refused, with the reason, when:

* a cell holds an 11-digit number whose two mod-11 control digits are right and whose first six
  digits are a possible date (fødselsnummer, D-nummer +40 on the day, H-nummer +40 on the month,
  Skatteetaten's synthetic numbers +80 on the month) — or 10 such digits, a fødselsnummer that a
  spreadsheet stored as a number and so lost its leading zero;
* a header is named like a person's identity: fødselsnummer, personnummer, fnr, D-nummer,
  fødselsdato, or a person's name (navn, fornavn, etternavn …; «kommunenavn» is an area and allowed);
* the rows are individuals (or units such as schools): ``PERSON_ROWS`` or more rows share one
  area, period and breakdown groups. An aggregate table has one row per such key; a few repeats
  are typing mistakes that validation reports as duplicates, but ten rows for one kommune and year
  are records to be summed before they are uploaded.
"""

from __future__ import annotations

import re
from collections import Counter

from oppvekst.errors import UploadRefused
from oppvekst.language import _
from oppvekst.regions.names import search_key
from oppvekst.workspace.mapping import ColumnMapping, guess_mapping
from oppvekst.workspace.reading import RawTable

PERSON_ROWS = 10
_WEIGHTS_1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_WEIGHTS_2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
_DIGITS = re.compile(r"^\d{6}\s?\d{5}$|^\d{10}$")
# Folded header names (``search_key`` without spaces) that name a person's identity or name.
PERSON_HEADERS = frozenset(
    {
        "navn", "name", "fornavn", "etternavn", "mellomnavn", "fulltnavn", "fullname",
        "firstname", "lastname", "surname", "givenname", "elevnavn", "barnetsnavn", "barnenavn",
        "personnavn", "pasientnavn", "brukernavn", "fnr", "pnr", "fodselsnr", "personnr", "ssn",
        "dnr", "dnummer", "hnummer", "fodt", "dob", "birthdate", "dateofbirth", "personid",
        "elevid", "pasientid",
    }
)  # fmt: skip
PERSON_HEADER_PARTS = ("fodselsnummer", "personnummer", "fodselsdato", "personidentitet")


def refuse_person_level(raw: RawTable, mapping: ColumnMapping | None = None) -> None:
    """Raise ``UploadRefused`` when ``raw`` looks like person-level data (see the module doc).

    ``mapping`` gives the area, period and breakdown columns for the rows-of-individuals rule; the
    guessed mapping is used without one."""
    _refuse_headers(raw)
    _refuse_identity_numbers(raw)
    _refuse_individual_rows(raw, mapping or guess_mapping(raw))


def _refuse_headers(raw: RawTable) -> None:
    for column in raw.columns:
        key = search_key(column).replace(" ", "")
        if key in PERSON_HEADERS or any(part in key for part in PERSON_HEADER_PARTS):
            raise UploadRefused(
                _("Kolonnen «{column}» ser ut til å holde opplysninger om enkeltpersoner.").format(
                    column=column
                ),
                hint=_(
                    "Last bare opp tall summert per område og periode, uten navn, "
                    "fødselsnummer eller fødselsdato."
                ),
            )


def _refuse_identity_numbers(raw: RawTable) -> None:
    for index, row in enumerate(raw.rows):
        for position, cell in enumerate(row):
            if len(cell) in (10, 11, 12) and _DIGITS.match(cell) and is_fodselsnummer(cell):
                raise UploadRefused(
                    _("Rad {row}, kolonne «{column}» ser ut som et fødselsnummer.").format(
                        row=raw.row_number(index), column=raw.columns[position]
                    ),
                    hint=_(
                        "Filer med opplysninger om enkeltpersoner tas ikke imot. Fjern "
                        "kolonnen, og last opp tall summert per område og periode."
                    ),
                )


def is_fodselsnummer(text: str) -> bool:
    """Whether ``text`` (11 digits, maybe a space after the date; or 10 digits that lost a
    leading zero) has valid control digits and a possible date."""
    digits = [int(ch) for ch in text.replace(" ", "").zfill(11)]
    if len(digits) != 11:
        return False
    for weights, position in ((_WEIGHTS_1, 9), (_WEIGHTS_2, 10)):
        control = 11 - sum(w * d for w, d in zip(weights, digits, strict=False)) % 11
        if control == 11:
            control = 0
        if control == 10 or control != digits[position]:
            return False
    day = digits[0] * 10 + digits[1]
    month = digits[2] * 10 + digits[3]
    day -= 40 if day > 40 else 0  # D-nummer
    month -= 80 if month > 80 else 40 if month > 40 else 0  # synthetic, H-nummer
    return 1 <= day <= 31 and 1 <= month <= 12


def _refuse_individual_rows(raw: RawTable, mapping: ColumnMapping) -> None:
    key_columns = [
        mapping.region,
        mapping.period,
        *(column for _name, column in mapping.breakdowns),
    ]
    if not mapping.region or not mapping.period or any(c not in raw.columns for c in key_columns):
        return
    positions = [raw.columns.index(column) for column in key_columns]
    counts = Counter(
        tuple(row[p] for p in positions) for row in raw.rows if any(row[p] for p in positions)
    )
    if not counts:
        return
    key, repeated = counts.most_common(1)[0]
    if repeated >= PERSON_ROWS:
        raise UploadRefused(
            (
                _(
                    "{count} rader har samme område («{region}»), periode («{period}») og de "
                    "samme gruppene. Filen ser ut til å ha én rad per person eller enhet."
                )
                if len(key) > 2
                else _(
                    "{count} rader har samme område («{region}») og periode («{period}»). "
                    "Filen ser ut til å ha én rad per person eller enhet."
                )
            ).format(count=repeated, region=key[0], period=key[1]),
            hint=_(
                "Summer tallene per område og periode (og eventuelt kjønn eller alder) før "
                "opplasting. Skiller radene seg på en annen kolonne, velg den som gruppe."
            ),
        )
