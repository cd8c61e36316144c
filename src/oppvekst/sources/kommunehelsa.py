"""FHI Kommunehelsa statistics bank: the table export ("webview" XLSX) as FHI writes it.

The export is made for reading, not for machines: a title, a filter line, a header row whose first
cell is ``År`` with one period per column from the fourth column on, a row ``Geografi | Alder |
<dimension>``, then blocks. A region's *name* stands once at the top of its block (column 1), an age
once at the top of its sub-block (column 2), the third column holds the category (the vaccine), and
each period column a share, ``:`` (suppressed by FHI) or ``..`` (not available).

There are no codes. Names are matched to the 2019 codes of SSB's KLASS lists (kommuner 131 v1102,
fylker 104 v401, bydeler 103 v919), which is the structure the export uses:

* Sámi and Kven parallel names are written without the dash ("Kárásjohka Karasjok" for KLASS's
  "Kárášjohka - Karasjok"), sometimes in another order or spelling ("Fauske Fuosko"); a name
  matches a code when one of the code's name parts stands whole in it;
* homonyms (Våler, Nes, Os, Sande, Herøy, Bø) are told apart by the fylke block they stand in —
  the row order — and a "(Fylke)" suffix must name that same fylke;
* a name that matches no code, or several, is an error that names it: a row is never dropped.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from oppvekst.errors import MalformedResponse
from oppvekst.regions.names import search_key

CODE_LISTS = (
    "codes/klass104_fylkesinndeling_2018-2019_version401_latin1.csv",
    "codes/klass131_kommuneinndeling_2019_version1102_latin1.csv",
    "codes/klass103_bydelsinndeling_2018-2019_version919_latin1.csv",
)
COLUMNS = ("region", "navn", "alder", "kategori", "periode", "verdi")
COUNTRY = "Hele landet"
_SUFFIX = re.compile(r"^(?P<name>.*?)\s*\((?P<fylke>[^)]*)\)$")
_BYDEL = re.compile(r"^(?:Bydel\s+(?P<before>.+)|(?P<after>.+?)\s+bydel)$")
# KLASS's "not stated" codes (9999, 99, 030199 …) are never places in an export.
_UNSTATED = re.compile(r"^(?:\d\d)*99$")


@dataclass(frozen=True, slots=True)
class Place:
    """A 2019 code and the folded forms of each part of its name (one part per language)."""

    code: str
    name: str
    parts: tuple[str, ...]

    def named(self, text: str) -> bool:
        """The folded ``text`` is one of the parts, or holds one whole (words, not letters)."""
        padded = f" {text} "
        return any(part == text or f" {part} " in padded for part in self.parts)


@dataclass(frozen=True, slots=True)
class CodeLists:
    """The 2019 fylker, kommuner and bydeler the export's names are matched against."""

    fylker: tuple[Place, ...]
    kommuner: tuple[Place, ...]
    bydeler: tuple[Place, ...]

    @classmethod
    def from_mirror(cls, root: Path) -> CodeLists:
        """The KLASS lists in the ``shared/data`` layout under ``root``."""
        fylker, kommuner, bydeler = (_places(root / path) for path in CODE_LISTS)
        return cls(fylker, kommuner, bydeler)


def _places(path: Path) -> tuple[Place, ...]:
    if not path.is_file():
        raise MalformedResponse(
            f"Fant ikke kodelista {path}.", hint="Kjør med --mirror som peker på shared/data."
        )
    text = path.read_bytes().decode("latin-1")
    places = []
    for row in csv.DictReader(io.StringIO(text), delimiter=";"):
        code, name = row["code"].strip(), row["name"].strip()
        if _UNSTATED.match(code):
            continue
        # The Latin-1 export writes "?" for letters it cannot hold (š in Kárášjohka): such a part
        # can never match, which is why any other part of the name is enough.
        parts = tuple(search_key(p) for p in name.split(" - ") if "?" not in p)
        places.append(Place(code, name, parts or (search_key(name),)))
    return tuple(places)


@dataclass(frozen=True, slots=True)
class Block:
    """One region block of the export: the code found for its name, and its first row."""

    code: str
    name: str
    start: int


def read_export(content: bytes, codes: CodeLists) -> pd.DataFrame:
    """Every cell of the export, one row each, with the 2019 code of its region.

    Columns: ``region`` (2019 code), ``navn`` (the name as written), ``alder``, ``kategori`` (the
    third column's category, e.g. the vaccine), ``periode`` (``2014-2018``) and ``verdi`` (the cell
    as text: a number, ``:`` or ``..``). Oslo stands twice, as fylke and as kommune; both keep
    their rows under their own code (03 and 0301).
    """
    try:
        sheet = pd.read_excel(
            io.BytesIO(content), header=None, dtype=str, engine="calamine"
        ).fillna("")
    except ValueError as exc:
        raise MalformedResponse(f"Kunne ikke lese Kommunehelsa-eksporten: {exc}") from exc
    header = _header_row(sheet)
    periods = {i: p.strip() for i, p in enumerate(sheet.iloc[header]) if i >= 3 and p.strip()}
    body = sheet.iloc[header + 2 :].reset_index(drop=True)
    blocks = list(_blocks(body, codes))
    if not blocks:
        raise MalformedResponse("Kommunehelsa-eksporten har ingen regioner under overskriftene.")
    named: dict[str, str] = {}
    for block in blocks:
        # Two blocks on one code would be two figures for one place: neither can be trusted.
        if block.code in named:
            raise _unmatched(block.name, f"gir samme kode ({block.code}) som «{named[block.code]}»")
        named[block.code] = block.name
    # Each row belongs to the block above it; the age stands once per sub-block within a block.
    block_of = pd.Series(pd.NA, index=body.index, dtype=object)
    for n, block in enumerate(blocks):
        block_of.iloc[block.start] = n
    block_of = block_of.ffill()
    body = body[block_of.notna()]
    block_of = block_of[block_of.notna()].astype(int)
    age = body[1].str.strip().where(body[1].str.strip() != "").groupby(block_of).ffill()
    cells = pd.DataFrame(
        {
            "region": [blocks[n].code for n in block_of],
            "navn": [blocks[n].name for n in block_of],
            "alder": age,
            "kategori": body[2].str.strip(),
        }
    )
    for column, period in periods.items():
        cells[period] = body[column].str.strip()
    long = cells.melt(
        id_vars=["region", "navn", "alder", "kategori"], var_name="periode", value_name="verdi"
    )
    return long[list(COLUMNS)]


def _header_row(sheet: pd.DataFrame) -> int:
    first = sheet[0].str.strip()
    found = first.index[first == "År"]
    if len(found) == 0 or found[0] + 1 >= len(sheet) or first.iloc[found[0] + 1] != "Geografi":
        raise MalformedResponse(
            "Kommunehelsa-eksporten mangler overskriftene «År» og «Geografi».",
            hint="Lagre tabellen fra statistikkbanken som Excel uten å endre oppsettet.",
        )
    return int(found[0])


def _blocks(body: pd.DataFrame, codes: CodeLists) -> Iterator[Block]:
    """The region blocks in row order, each with its code; the fylke and kommune carry on."""
    fylke: Place | None = None
    kommune: Place | None = None
    for start, cell in enumerate(body[0].tolist()):
        name = str(cell).strip()
        if not name:
            continue
        if name == COUNTRY:
            yield Block("0", name, start)
            continue
        new_fylke = _fylke(name, codes.fylker)
        if new_fylke is not None and new_fylke != fylke:
            fylke = kommune = new_fylke
            yield Block(fylke.code, name, start)
            continue
        if fylke is None:
            raise _unmatched(name, "står før første fylke")
        bydel = _BYDEL.match(name)
        if bydel:
            if kommune is None or kommune is fylke:
                raise _unmatched(name, f"står ikke under en kommune i {fylke.name}")
            place = _one(name, bydel["before"] or bydel["after"], codes.bydeler, kommune)
            yield Block(place.code, name, start)
            continue
        kommune = _kommune(name, codes.kommuner, fylke)
        yield Block(kommune.code, name, start)


def _fylke(name: str, fylker: Sequence[Place]) -> Place | None:
    key = search_key(name)
    hits = [f for f in fylker if key in (*f.parts, search_key(f.name))]
    return hits[0] if len(hits) == 1 else None


def _kommune(name: str, kommuner: Sequence[Place], fylke: Place) -> Place:
    bare = name
    suffix = _SUFFIX.match(name)
    if suffix:
        # "Våler (Østfold)": the export's own hint must agree with the block it stands in.
        if not fylke.named(search_key(suffix["fylke"])):
            raise _unmatched(name, f"står i blokken for {fylke.name}")
        bare = suffix["name"]
    try:
        return _one(name, bare, kommuner, fylke)
    except MalformedResponse:
        # The blocks follow the 2018 fylker: Rindal stands under Møre og Romsdal, though it had
        # moved to Trøndelag (5061) on 1.1.2019. A name found nowhere in its block may stand for
        # a kommune of another fylke, but only when that name is unique in the whole country.
        moved = [k for k in kommuner if search_key(bare) in k.parts]
        if len(moved) == 1 and not suffix:
            return moved[0]
        raise


def _one(name: str, bare: str, places: Sequence[Place], parent: Place) -> Place:
    """The single place under ``parent`` (by code prefix) that ``bare`` names."""
    key = search_key(bare)
    under = [p for p in places if p.code.startswith(parent.code) and p.code != parent.code]
    exact = [p for p in under if key in p.parts or key == search_key(p.name)]
    hits = exact or [p for p in under if p.named(key)]
    if len(hits) == 1:
        return hits[0]
    if not hits:
        raise _unmatched(name, f"finnes ikke blant 2019-kodene i {parent.name} ({parent.code})")
    found = ", ".join(f"{p.name} ({p.code})" for p in hits)
    raise _unmatched(name, f"passer til flere koder i {parent.name}: {found}")


def _unmatched(name: str, why: str) -> MalformedResponse:
    return MalformedResponse(
        f"Kommunehelsa-eksporten: regionnavnet «{name}» {why}.",
        hint="Navnet må kunne kobles til én kode i KLASS-listene for 2019.",
    )
