"""The region registry from the offline files (``shared/data``), read at run time.

Current codes and names come from the KLASS 2024 hierarchy
(``codes/norgeo_geo_hierarchy_2024.csv``), code history from csdata's location table, per-year
crosswalks from csdata's redistricting table, historic names from SSB's harmonised grouping, KOSTRA
group and centrality from ``stats/kommune_classification/``, and the 2026 changes declared in
``regions_declared.yml``.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from oppvekst.regions.codes import ClassificationCode
from oppvekst.regions.history import (
    ChangeKind,
    CodeVersion,
    CrosswalkLink,
    Level,
    RegionChange,
    RegistryHistory,
    classify_steps,
)
from oppvekst.regions.registry import COUNTRY_CODE, OSLO, KostraGroup, Registry
from oppvekst.regions.tree import COUNTRY_NAME, KommuneClassification, assemble, declared_changes

ROUGH_SPLIT = "Grov tilnærming fra csdata (ikke befolkningsandeler)."
SSB_ALESUND = "SSB fører hele Ålesund 2020–2023 til 1508 i sine harmoniserte serier."
VERSION_RENAME = (
    "Navnet skiftet mellom KLASS-versjonene for 2020 og 2024; datoen er versjonsskiftet."
)
_PREFIX = re.compile(r"^[a-z]+_nor")
_YEARS_SUFFIX = re.compile(r"\s*\((?:\d{4})?-(?:\d{4})?\)$")


def registry_from_offline(data_dir: Path) -> Registry:
    """The registry from ``data_dir``, laid out like ``shared/data`` (read at run time)."""
    declared = declared_changes()
    renames = [c for c in declared["kommune_changes"] if c.old_code == c.new_code]
    kommuner, fylker, bydeler = _current_codes(data_dir, renames, declared["oslo_bydeler_excluded"])
    history = _offline_history(data_dir, kommuner + fylker, declared["kommune_changes"])
    validity = {code: history.version(code) for code in (c.code for c in kommuner + fylker)}
    dated = [_with_validity(c, validity[c.code]) for c in kommuner + fylker]
    return assemble(
        [c for c in dated if len(c.code) == 4],
        [c for c in dated if len(c.code) == 2],
        bydeler,
        history,
        read_kommune_classification(data_dir),
        read_kostra_groups(data_dir),
    )


def read_kommune_classification(data_dir: Path) -> dict[str, KommuneClassification]:
    """KOSTRA group and centrality per 2024 kommune (latest year of the newsroom compilation)."""
    path = (
        data_dir
        / "stats/kommune_classification/samarbeidsdesken_app_flyktninger_oppsummert_2022-2024.xlsx"
    )
    rows = _xlsx_rows(path)
    latest = max(int(r["År"]) for r in rows)
    return {
        # The workbook stores the code as a number, so "0301" arrives as 301.
        str(r["Kommunenummer"]).zfill(4): KommuneClassification(
            str(r["kostranr"]), str(r["kostranavn"]), int(r["sentralitet"])
        )
        for r in rows
        if int(r["År"]) == latest
    }


def read_kostra_groups(data_dir: Path) -> list[KostraGroup]:
    path = data_dir / "stats/kommune_classification/samarbeidsdesken_kostra_description.xlsx"
    groups = []
    for row in _xlsx_rows(path):
        number = int(str(row["kostragruppe"]).rsplit(" ", 1)[-1])
        count = row.get("antall_kommuner")
        groups.append(
            KostraGroup(
                code=f"EKG{number:02d}",
                name=str(row["kostragruppe"]),
                population_band=str(row["folkemengde"]),
                bound_costs=str(row["bundekostnader"] or ""),
                free_income=str(row["frie_disponible_inntekter"] or ""),
                kommuner_count=int(count) if count is not None else None,
            )
        )
    return groups


def _current_codes(
    data_dir: Path, renames: Sequence[RegionChange], excluded_bydeler: Sequence[str]
) -> tuple[list[ClassificationCode], list[ClassificationCode], list[ClassificationCode]]:
    renamed = {c.old_code: c.new_name for c in renames}
    by_level: dict[str, list[ClassificationCode]] = defaultdict(list)
    for row in _csv_rows(data_dir / "codes/norgeo_geo_hierarchy_2024.csv"):
        level, code = row["level"], row["code"]
        if level not in ("kommune", "fylke", "bydel") or code.endswith("99"):
            continue
        if level == "bydel" and (not code.startswith(OSLO) or code in excluded_bydeler):
            continue
        parent = {"kommune": row["fylke"], "fylke": COUNTRY_CODE, "bydel": row["kommune"]}[level]
        name = renamed.get(code, row["name"])
        by_level[level].append(ClassificationCode(code, name, level, parent_code=parent))
    return by_level["kommune"], by_level["fylke"], by_level["bydel"]


def _offline_history(
    data_dir: Path, current: Sequence[ClassificationCode], declared: Sequence[RegionChange]
) -> RegistryHistory:
    corr = data_dir / "correspondence"
    locations = [
        r
        for r in _csv_rows(corr / "csdata_norway_locations_1838-2024.csv")
        if r["municip_code"].startswith("municip_nor")
    ]
    ssb_names = {
        r["KODE"]: _YEARS_SUFFIX.sub("", r["TEKST"])
        for r in _csv_rows(corr / "ssb_kommuner_1994-2024_harmonisert_til_2024.csv")
    }
    current_names = {c.code: c.name for c in current}
    versions: dict[str, CodeVersion] = {}
    spans: dict[str, list[tuple[int, int | None]]] = defaultdict(list)  # county -> kommune spans
    for row in locations:
        code = _strip(row["municip_code"])
        # csdata dates the 2024 codes from 2023 (it back-casts 2023 on 2024 borders); KLASS: 2024.
        start = 2024 if int(row["year_start"]) == 2023 else int(row["year_start"])
        end = int(row["year_end"]) if row["year_end"] else None
        name = current_names.get(code) or ssb_names.get(code) or row["municip_name"]
        versions[code] = CodeVersion(code, name, Level.KOMMUNE, _jan1(start), _jan1(end, 1))
        spans[_strip(row["county_code"])].append((start, end))
    county_names = {_strip(r["county_code"]): r["county_name"] for r in locations}
    for county, county_spans in spans.items():
        ends = [end for _, end in county_spans]
        last = None if None in ends else max(e for e in ends if e is not None)
        name = current_names.get(county) or county_names[county]
        first = min(start for start, _ in county_spans)
        versions[county] = CodeVersion(county, name, Level.FYLKE, _jan1(first), _jan1(last, 1))
    versions[COUNTRY_CODE] = CodeVersion(COUNTRY_CODE, COUNTRY_NAME, Level.LAND, None, None)

    declared_renames = [c for c in declared if c.kind is ChangeKind.RENAME]
    # Compare the 2020 names with the 2024 ones, before the declared 2026 renames.
    names_2024 = {**current_names, **{c.old_code: c.old_name for c in declared_renames}}
    renames = _version_renames(data_dir, names_2024) + declared_renames
    changes = _kommune_changes(locations, versions, declared, renames)
    changes += _fylke_changes(locations, versions, _fylke_weights(corr), renames)
    changes += [c for c in renames if c not in declared]
    year_links = _year_links(
        corr,
        locations,
        ssb_group={
            r["KODE"]: r["GRUPPEKODE"].removeprefix("K.")
            for r in _csv_rows(corr / "ssb_kommuner_1994-2024_harmonisert_til_2024.csv")
        },
    )
    current_codes = [c.code for c in current] + [COUNTRY_CODE]
    return RegistryHistory(versions.values(), changes, current_codes, year_links)


def _kommune_changes(
    locations: Sequence[Mapping[str, str]],
    versions: Mapping[str, CodeVersion],
    declared: Sequence[RegionChange],
    renames: Sequence[RegionChange],
) -> list[RegionChange]:
    by_day: dict[date, list[tuple[str, str, float | None]]] = defaultdict(list)
    for row in locations:
        if row["year_end"]:
            weight = float(row["weighting"]) if row["weighting"] else None
            day = date(int(row["year_end"]) + 1, 1, 1)
            by_day[day].append(
                (_strip(row["municip_code"]), _strip(row["municip_code_end"]), weight)
            )
    changes: list[RegionChange] = []
    for day, steps in by_day.items():
        continuing = frozenset(c for c, v in versions.items() if v.valid_on(day))
        named = [
            (o, _name_at(o, day, renames, versions), n, _name_at(n, day, renames, versions))
            for o, n, _ in steps
        ]
        for (old, old_name, new, new_name), (_, _, weight), kind in zip(
            named, steps, classify_steps(named, continuing), strict=True
        ):
            if kind is None:
                continue
            note = ""
            if kind is ChangeKind.SPLIT:
                note = ROUGH_SPLIT + (" " + SSB_ALESUND if old == "1507" else "")
            changes.append(
                RegionChange(
                    old,
                    old_name,
                    new,
                    new_name,
                    day,
                    kind,
                    weight if weight is not None else 1.0,
                    Level.KOMMUNE,
                    note,
                )
            )
    return changes + list(declared)


def _fylke_changes(
    locations: Sequence[Mapping[str, str]],
    versions: Mapping[str, CodeVersion],
    weights: Mapping[tuple[str, str], float],
    renames: Sequence[RegionChange],
) -> list[RegionChange]:
    """County steps: kommune steps that crossed into another county as the old county ended."""
    county_of = {_strip(r["municip_code"]): _strip(r["county_code"]) for r in locations}
    pairs: dict[date, set[tuple[str, str]]] = defaultdict(set)
    for row in locations:
        if not row["year_end"]:
            continue
        day = date(int(row["year_end"]) + 1, 1, 1)
        old, new = _strip(row["county_code"]), county_of[_strip(row["municip_code_end"])]
        if old != new and not versions[old].valid_on(day):
            pairs[day].add((old, new))
    changes = []
    for day, found in pairs.items():
        steps = sorted(
            (o, _name_at(o, day, renames, versions), n, _name_at(n, day, renames, versions))
            for o, n in found
        )
        for (old, old_name, new, new_name), kind in zip(
            steps, classify_steps(steps, frozenset()), strict=True
        ):
            if kind is None:
                continue
            weight = weights.get((old, new), None if kind is ChangeKind.SPLIT else 1.0)
            note = "Vekt fra csdata (andel, tilnærmet)." if (old, new) in weights else ""
            changes.append(
                RegionChange(old, old_name, new, new_name, day, kind, weight, Level.FYLKE, note)
            )
    return changes


def _fylke_weights(corr: Path) -> dict[tuple[str, str], float]:
    rows = _csv_rows(corr / "fylker_2020_til_2024_derived.csv")
    return {
        (r["fylkesnummer_2020"], r["fylkesnummer_2024"]): float(r["vekt"])
        for r in rows
        if r["fylkesnummer_2020"] != r["fylkesnummer_2024"]
    }


def _version_renames(data_dir: Path, current_names: Mapping[str, str]) -> list[RegionChange]:
    """Same code, new name between the KLASS 2020 versions (131 v1160, 104 v1158) and 2024."""
    changes = []
    for file, level in (
        ("klass131_kommuneinndeling_2020_version1160_latin1.csv", Level.KOMMUNE),
        ("klass104_fylkesinndeling_2020_version1158_latin1.csv", Level.FYLKE),
    ):
        for row in _csv_rows(data_dir / "codes" / file, encoding="latin-1", delimiter=";"):
            code, old = row["code"], row["name"]
            new = current_names.get(code)
            # "?" marks letters the Latin-1 export could not hold; such a name proves nothing.
            if new is None or "?" in old or old == new:
                continue
            changes.append(
                RegionChange(
                    code,
                    old,
                    code,
                    new,
                    date(2024, 1, 1),
                    ChangeKind.RENAME,
                    1.0,
                    level,
                    VERSION_RENAME,
                )
            )
    return changes


def _year_links(
    corr: Path, locations: Sequence[Mapping[str, str]], ssb_group: Mapping[str, str]
) -> dict[tuple[Level, int], list[CrosswalkLink]]:
    levels = {
        "nation": Level.LAND,
        "county": Level.FYLKE,
        "municip": Level.KOMMUNE,
        "wardoslo": Level.BYDEL,
    }
    last_year = {_strip(r["municip_code"]): int(r["year_end"]) for r in locations if r["year_end"]}
    grouped: dict[tuple[Level, int, str], list[tuple[str, float]]] = defaultdict(list)
    for row in _csv_rows(corr / "csdata_redistricting_to_2024_borders_2005-2026.csv"):
        key = (
            levels[row["granularity_geo"]],
            int(row["calyear"]),
            _strip(row["location_code_original"]),
        )
        grouped[key].append((_strip(row["location_code_current"]), float(row["weighting"])))
    links: dict[tuple[Level, int], list[CrosswalkLink]] = defaultdict(list)
    for (level, year, original), targets in sorted(grouped.items()):
        note = ""
        if len(targets) > 1 and level is Level.KOMMUNE:
            whole = ssb_group.get(original)
            # csdata spreads the 2024 Ålesund/Haram split back over every kommune that formed
            # Ålesund in 2020. SSB's harmonised grouping places each of them wholly (Haram 2024 got
            # back old Haram's area); trust SSB for codes that ended before 2020.
            if whole in {t for t, _ in targets} and last_year.get(original, 9999) < 2020:
                targets, note = [(whole, 1.0)], "Hele kommunen etter SSBs harmoniserte gruppering."
            else:
                note = ROUGH_SPLIT + (" " + SSB_ALESUND if original == "1507" else "")
        elif len(targets) > 1:
            note = "Vekt fra csdata (andel, tilnærmet)."
        for current, weight in targets:
            links[(level, year)].append(CrosswalkLink(original, current, weight, note))
    return dict(links)


def _name_at(
    code: str, day: date, renames: Sequence[RegionChange], versions: Mapping[str, CodeVersion]
) -> str:
    """The name ``code`` had on ``day``: its latest name, unwound through later renames."""
    name = versions[code].name
    for change in sorted(renames, key=lambda c: c.changed_on, reverse=True):
        if change.old_code == code and change.changed_on > day:
            name = change.old_name
    return name


def _with_validity(code: ClassificationCode, version: CodeVersion | None) -> ClassificationCode:
    if version is None:
        return code
    return ClassificationCode(
        code.code,
        code.name,
        code.level,
        code.parent_code,
        code.short_name,
        version.valid_from,
        version.valid_to,
    )


def _strip(location_code: str) -> str:
    stripped = _PREFIX.sub("", location_code)
    return COUNTRY_CODE if location_code == "nation_nor" else stripped


def _jan1(year: int | None, offset: int = 0) -> date | None:
    return date(year + offset, 1, 1) if year is not None else None


def _csv_rows(path: Path, encoding: str = "utf-8", delimiter: str = ",") -> list[dict[str, str]]:
    with path.open(encoding=encoding, newline="") as handle:
        return list(csv.DictReader(handle, delimiter=delimiter))


def _xlsx_rows(path: Path) -> list[dict[str, Any]]:
    # calamine reads the 1 071-row workbook in milliseconds where openpyxl takes seconds.
    frame = pd.read_excel(path, sheet_name=0, engine="calamine")
    frame = frame.dropna(how="all").astype(object).where(frame.notna(), None)
    return [{str(k): v for k, v in row.items()} for row in frame.to_dict("records")]
