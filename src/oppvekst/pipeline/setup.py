"""Choosing where the data come from: the official sources, the offline mirror or the demo source.

``serve`` with no snapshot probes the official sources first; when they cannot be reached it builds
from the offline mirror if one is given (or ``../shared/data`` beside the checkout exists), and says
so plainly on the console and on every page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TypeVar

import httpx

from oppvekst.errors import SourceUnavailable
from oppvekst.pipeline.acquire import SourceBases, SourceContext
from oppvekst.pipeline.regions_step import RegionTables
from oppvekst.regions.klass import registry_from_klass
from oppvekst.regions.offline import registry_from_offline
from oppvekst.settings import get_settings
from oppvekst.sources.http import HttpClient, RetryPolicy
from oppvekst.sources.klass import KlassClient
from oppvekst.sources.mirror import Gateway, Mirror, MirrorMode

PROBE_PATH = "/config"
HISTORY_FROM = date(2005, 1, 1)
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class SourceChoice:
    context: SourceContext
    description: str
    offline_reason: str = ""  # set when the official sources could not be reached
    fill_with_demo: bool = False


def default_mirror() -> Path | None:
    """``$OPPVEKST_MIRROR``, else ``../shared/data`` beside the checkout when it exists."""
    configured = get_settings().mirror
    if configured:
        return configured
    beside = Path(__file__).resolve().parents[3].parent / "shared" / "data"
    return beside if beside.is_dir() else None


def http_client() -> HttpClient:
    """The live client; ``OPPVEKST_HTTP_RETRY_ATTEMPTS``, ``…_BASE_DELAY`` and ``…_MAX_DELAY``
    shorten the back-off so fault-injection tests against a local fake server do not wait minutes."""
    default, settings = RetryPolicy(), get_settings()
    retry = RetryPolicy(
        attempts=_given(settings.http_retry_attempts, default.attempts),
        base_delay=_given(settings.http_retry_base_delay, default.base_delay),
        max_delay=_given(settings.http_retry_max_delay, default.max_delay),
    )
    return HttpClient(retry=retry)


def _given(value: T | None, default: T) -> T:
    return default if value is None else value


def sources_reachable(timeout: float = 4.0) -> bool:
    try:
        httpx.get(SourceBases.from_settings(get_settings()).pxweb + PROBE_PATH, timeout=timeout)
    except httpx.HTTPError:
        return False
    return True


def choose_sources(mirror: Path | None, *, record_into_mirror: bool, probe: bool) -> SourceChoice:
    if mirror is not None and not mirror.is_dir():
        raise SourceUnavailable(f"Speilet {mirror} finnes ikke.", hint="Oppgi en mappe som finnes.")
    if record_into_mirror:
        if mirror is None:
            raise SourceUnavailable("--record trenger --mirror DIR å skrive til.")
        gateway = Gateway(MirrorMode.RECORD, Mirror(mirror), http_client())
        return SourceChoice(
            SourceContext(gateway, mirror), f"live fra kildene, tatt opp i {mirror}"
        )
    if probe:
        if sources_reachable():
            return SourceChoice(
                SourceContext(Gateway(MirrorMode.LIVE, None, http_client()), mirror),
                "live fra SSB, FHI og Udir",
                fill_with_demo=True,
            )
        if mirror is None:
            raise SourceUnavailable(
                "De offisielle kildene kan ikke nås, og det finnes ikke noe offline-speil.",
                hint="Koble til nettet, eller oppgi et speil med --mirror DIR (f.eks. ../shared/data).",
            )
        reason = (
            "De offisielle kildene (SSB, FHI, Udir) kan ikke nås. Bygger fra offline-speilet "
            f"{mirror}; indikatorer uten tall der fylles med tydelig merkede SYNTETISKE DEMOTALL."
        )
        gateway = Gateway(MirrorMode.REPLAY, Mirror(mirror), None)
        return SourceChoice(SourceContext(gateway, mirror), f"offline-speil {mirror}", reason, True)
    if mirror is not None:
        gateway = Gateway(MirrorMode.REPLAY, Mirror(mirror), None)
        return SourceChoice(SourceContext(gateway, mirror), f"offline-speil {mirror}")
    gateway = Gateway(MirrorMode.LIVE, None, http_client())
    return SourceChoice(SourceContext(gateway, None), "live fra SSB, FHI og Udir")


def load_regions(choice: SourceChoice) -> RegionTables:
    """The registry from the mirror's code files when there are any, else from KLASS."""
    mirror = choice.context.mirror_dir
    if (
        mirror is not None
        and (mirror / "codes").is_dir()
        and choice.context.mode is MirrorMode.REPLAY
    ):
        return RegionTables(registry_from_offline(mirror))
    klass = KlassClient(choice.context.gateway, base=choice.context.bases.klass)
    today = date.today()
    kommuner = klass.codes(131, HISTORY_FROM).value
    fylker = klass.codes(104, HISTORY_FROM).value
    bydeler = klass.codes(103, HISTORY_FROM).value
    changes = klass.changes(131, HISTORY_FROM).value
    fylke_changes = klass.changes(104, HISTORY_FROM).value
    registry = registry_from_klass(
        kommuner, fylker, bydeler, changes, on=today, fylke_changes=fylke_changes
    )
    return RegionTables(registry)
