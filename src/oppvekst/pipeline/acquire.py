"""Fetch step: get an indicator's source tables, live or from the mirror, as tidy frames.

Live runs send the catalogue's requests through the shared HTTP client (rate limits, back-off);
``--mirror DIR`` replays recorded responses keyed by request, and where the mirror has no recorded
response it reads the files the catalogue declares under ``offline`` (real figures kept as files,
like ``shared/data``). Every part keeps its provenance: source, request, the source's "updated"
time, fetch time and the checksum of what was received.
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from oppvekst.catalog.schema import FhiFetch, FileFetch, Indicator, PxWebFetch, UdirFetch
from oppvekst.errors import MalformedResponse, NotInMirror, SourceError
from oppvekst.pipeline.tidy import MISSING_MARKERS, tidy
from oppvekst.settings import Settings, get_settings
from oppvekst.sources import fhi, klass, kommunehelsa, pxweb, udir
from oppvekst.sources.cohorts import cohort_weights
from oppvekst.sources.fhi import DimensionFilter, FhiClient, FhiQuery
from oppvekst.sources.http import Response
from oppvekst.sources.mirror import Gateway, MirrorMode, declared_file_dates
from oppvekst.sources.pxweb import PxWebClient, TableQuery, VariableSelection
from oppvekst.sources.udir import UdirClient

_FILTER = re.compile(r"([A-Za-z][A-Za-z0-9]*)\(([^)]*)\)")


@dataclass(frozen=True, slots=True)
class SourceBases:
    """Where each official API lives. Overridable (``OPPVEKST_SSB_BASE`` …) so that tests and the
    fault-injection harness can point the real connectors at a local fake server."""

    pxweb: str = pxweb.BASE
    klass: str = klass.BASE
    fhi: str = fhi.BASE
    udir: str = udir.PORTAL_BASE

    @classmethod
    def from_settings(cls, settings: Settings) -> SourceBases:
        return cls(
            pxweb=settings.ssb_base or pxweb.BASE,
            klass=settings.klass_base or klass.BASE,
            fhi=settings.fhi_base or fhi.BASE,
            udir=settings.udir_base or udir.PORTAL_BASE,
        )


@dataclass(frozen=True, slots=True)
class SourceContext:
    gateway: Gateway
    mirror_dir: Path | None
    bases: SourceBases = field(default_factory=lambda: SourceBases.from_settings(get_settings()))

    @property
    def mode(self) -> MirrorMode:
        return self.gateway.mode

    @property
    def mode_label(self) -> str:
        return {
            MirrorMode.LIVE: "live",
            MirrorMode.RECORD: "live (tatt opp i speil)",
            MirrorMode.REPLAY: "offline-speil",
        }[self.gateway.mode]


@dataclass(frozen=True, slots=True)
class AcquiredPart:
    frame: pd.DataFrame  # tidy, codes as published
    geography_year: int | None  # None: current borders
    provenance_id: str


@dataclass(frozen=True, slots=True)
class Acquired:
    parts: tuple[AcquiredPart, ...]
    provenance: tuple[dict[str, Any], ...]
    label: str


def _provenance(
    indicator: Indicator,
    source: str,
    request: str,
    checksum: str,
    updated: str | None,
    at: datetime,
) -> dict[str, Any]:
    return {
        "id": f"{indicator.id}:{checksum[:16]}",
        "indicator_id": indicator.id,
        "source": source,
        "publisher": indicator.source.publisher,
        "table_id": indicator.source.table,
        "request": request,
        "source_updated": updated,
        "fetched_at": at.astimezone(UTC).replace(tzinfo=None),
        "checksum": checksum,
        "synthetic": False,
    }


def _from_response(indicator: Indicator, response: Response, updated: str | None) -> dict[str, Any]:
    body = f" {response.request_body.decode('utf-8', 'replace')}" if response.request_body else ""
    return _provenance(
        indicator,
        indicator.source.publisher,
        f"{response.method} {response.url}{body}",
        response.sha256,
        updated,
        response.received_at,
    )


def acquire(indicator: Indicator, context: SourceContext) -> Acquired:
    """All parts of one indicator; raises a SourceError subclass with a clear message on failure."""
    specs = indicator.source.fetch
    if context.mode is MirrorMode.REPLAY:
        try:
            return (
                _run(indicator, specs, context, "offline-speil: opptak")
                if specs
                else _offline(indicator, context)
            )
        except NotInMirror:
            return _offline(indicator, context)
    if not specs:
        raise SourceError(
            f"{indicator.id} har ingen direkte kilde i katalogen (bare offline-filer).",
            hint="Kjør med --mirror for å bruke filene.",
        )
    return _run(indicator, specs, context, context.mode_label)


def _offline(indicator: Indicator, context: SourceContext) -> Acquired:
    if not indicator.source.offline or context.mirror_dir is None:
        raise NotInMirror(
            f"Speilet har ingen opptak eller fil for {indicator.id}.",
            hint="Kjør mot kilden med nett, eller bruk --demo for å fylle med merkede demotall.",
        )
    return _run(indicator, indicator.source.offline, context, "offline-speil")


def _run(indicator: Indicator, specs: Any, context: SourceContext, label: str) -> Acquired:
    parts: list[AcquiredPart] = []
    provenance: list[dict[str, Any]] = []
    for spec in specs:
        if isinstance(spec, FileFetch):
            part_frames = [_file(indicator, spec, context, provenance)]
        elif isinstance(spec, PxWebFetch):
            part_frames = [_pxweb(indicator, spec, context, provenance)]
        elif isinstance(spec, UdirFetch):
            part_frames = _udir(indicator, spec, context, provenance)
        elif isinstance(spec, FhiFetch):
            part_frames = [_fhi(indicator, spec, context, provenance)]
        else:  # pragma: no cover - the schema's union is closed
            raise SourceError(f"unknown connector {spec!r}")
        for frame, year in part_frames:
            parts.append(AcquiredPart(frame, year, provenance[-1]["id"]))
    return Acquired(tuple(parts), tuple(provenance), label)


def _file(
    indicator: Indicator, spec: FileFetch, context: SourceContext, provenance: list[dict[str, Any]]
) -> tuple[pd.DataFrame, int | None]:
    if context.mirror_dir is None:
        raise NotInMirror(f"{indicator.id}: filkilden {spec.path} trenger --mirror.")
    path = context.mirror_dir / spec.path
    if not path.is_file():
        raise NotInMirror(f"{indicator.id}: fant ikke {path}.", hint="Sjekk stien i katalogposten.")
    content = path.read_bytes()
    if spec.format == "fhi_kommunehelsa":
        # Names, not codes: matched to the KLASS lists of the export's year in the same mirror.
        raw = kommunehelsa.read_export(
            content, kommunehelsa.CodeLists.from_mirror(context.mirror_dir)
        )
    else:
        raw = read_table_file(content, spec)
    checksum = hashlib.sha256(content).hexdigest()
    modified = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    updated = declared_file_dates().get(spec.path)  # the file's own date, as its origin declares
    provenance.append(
        _provenance(
            indicator, f"fil: {spec.path}", f"FILE {spec.path}", checksum, updated, modified
        )
    )
    frame = tidy(raw, spec.mapping, frozenset(spec.missing) | MISSING_MARKERS)
    if spec.weights is not None:
        # A column beside the tidy ones, read by the harmonise step only (never published).
        year = spec.geography_year or datetime.now(UTC).year
        frame["weight"] = frame["region"].map(cohort_weights(context.mirror_dir, year))
    return frame, spec.geography_year


def read_table_file(content: bytes, spec: FileFetch) -> pd.DataFrame:
    """A declared CSV/XLSX file as a frame of strings (numbers are parsed by ``tidy``)."""
    try:
        if spec.format == "xlsx":
            return pd.read_excel(
                io.BytesIO(content), sheet_name=spec.sheet or 0, dtype=str, engine="calamine"
            ).fillna("")
        if spec.format == "tsv_utf16":
            text = content.decode("utf-16")
            lines = text.splitlines()
            if lines and lines[0].startswith("sep="):
                lines = lines[1:]
            return pd.read_csv(
                io.StringIO("\n".join(lines)), sep="\t", dtype=str, keep_default_na=False
            )
        return pd.read_csv(
            io.BytesIO(content),
            sep=spec.separator,
            encoding=spec.encoding,
            dtype=str,
            keep_default_na=False,
        )
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise MalformedResponse(f"Kunne ikke lese {spec.path}: {exc}") from exc


def _pxweb(
    indicator: Indicator, spec: PxWebFetch, context: SourceContext, provenance: list[dict[str, Any]]
) -> tuple[pd.DataFrame, int | None]:
    client = PxWebClient(context.gateway, base=context.bases.pxweb)
    selections = tuple(
        VariableSelection(
            variable, tuple(values), spec.codelists.get(variable), spec.output_values.get(variable)
        )
        for variable, values in spec.selection.items()
    )
    result = client.data(TableQuery(spec.table, selections))
    for response, dataset in zip(result.responses, result.datasets, strict=True):
        provenance.append(_from_response(indicator, response, dataset.updated))
    return tidy(result.to_frame(), spec.mapping), None


def udir_filters(template: str, period: str) -> dict[str, list[str]]:
    """``TidID({period})_TrinnID(6_9)`` → ``{"TidID": ["202510"], "TrinnID": ["6", "9"]}``."""
    text = template.replace("{period}", period)
    return {name: values.split("_") for name, values in _FILTER.findall(text)}


def _udir(
    indicator: Indicator, spec: UdirFetch, context: SourceContext, provenance: list[dict[str, Any]]
) -> list[tuple[pd.DataFrame, int | None]]:
    client = UdirClient(context.gateway, portal=context.bases.udir)
    page = client.rapportside(spec.rapportside).value
    out: list[tuple[pd.DataFrame, int | None]] = []
    for period in spec.periods:
        fetched = client.report(page, udir_filters(spec.filter, period), spec.rad_sti)
        updated = udir.last_updated(fetched.response)
        provenance.append(_from_response(indicator, fetched.response, updated))
        frame = fetched.value
        frame = frame[frame["region"].notna()]
        out.append((tidy(frame, spec.mapping), None))
    return out


def _fhi_filter(code: str, values: list[str]) -> DimensionFilter:
    """Catalogue shorthand → FHI filter: ``['*']`` all, ``['bottom:N']`` newest N, else items."""
    if values == ["*"]:
        return DimensionFilter(code, "all", ("*",))
    if len(values) == 1 and values[0].startswith(("bottom:", "top:")):
        kind, n = values[0].split(":", 1)
        return DimensionFilter(code, kind, (n,))  # type: ignore[arg-type]
    return DimensionFilter(code, "item", tuple(values))


def _fhi(
    indicator: Indicator, spec: FhiFetch, context: SourceContext, provenance: list[dict[str, Any]]
) -> tuple[pd.DataFrame, int | None]:
    client = FhiClient(context.gateway, base=context.bases.fhi)
    table_id = spec.table_id
    if table_id is None:
        wanted = (spec.title_match or "").casefold()
        listing = client.tables(spec.source).value
        hits = [t for t in listing if wanted and wanted in t.title.casefold()]
        if len(hits) != 1:
            raise SourceError(
                f"{indicator.id}: fant {len(hits)} FHI-tabeller med tittel «{spec.title_match}».",
                hint="Sett table_id i katalogposten.",
            )
        table_id = hits[0].table_id
    # The table's own dimension list says which breakdowns it has (not every table is published
    # by sex): the request asks only for those, and a breakdown it lacks is read as «alle».
    dimensions = client.dimensions(table_id, spec.source).value
    known = [d.code for d in dimensions]
    breakdowns = {b.column or b.name.value for b in spec.mapping.breakdowns}
    filters = fhi.within_table(
        [_fhi_filter(code, values) for code, values in spec.dimensions.items()],
        dimensions,
        breakdowns,
    )
    mapping = spec.mapping.model_copy(
        update={
            "breakdowns": [
                b for b in spec.mapping.breakdowns if (b.column or b.name.value) in known
            ]
        }
    )
    fetched = client.data(FhiQuery(table_id, filters, spec.source), known)
    provenance.append(_from_response(indicator, fetched.response, fetched.value.updated))
    return tidy(fetched.value.to_frame(), mapping), None
