"""A fake SSB/KLASS/FHI/Udir on 127.0.0.1 that the real connectors reach through
``OPPVEKST_*_BASE``, with switchable faults.

KLASS answers the current kommuner, fylker and Oslo bydeler (from the offline registry built from
``shared/data``, so codes match the snapshot) and no code changes. SSB table 07459 answers a real
JSON-stat 2.0 dataset built from the offline population file (2024–2026, split evenly by sex), so a
healthy update gives real figures. ``fault`` breaks the 07459 data answer in one of the ways real
sources do (``klass_fault`` takes KLASS down instead); everything else keeps answering normally.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pandas as pd

from .loopback import LoopbackServer

YEARS = ("2024", "2025", "2026")
AGES = tuple(f"{a:03d}" for a in range(18))
FAULTS = ("truncated", "wrong-shape", "wrong-encoding", "429-storm", "503")


def klass_codes(shared_data: Path) -> dict[int, list[dict[str, Any]]]:
    from oppvekst.regions.offline import registry_from_offline

    registry = registry_from_offline(shared_data)

    def row(region: Any) -> dict[str, Any]:
        return {
            "code": region.code,
            "parentCode": region.parent if region.level.value != "fylke" else None,
            "level": "1",
            "name": region.name,
            "shortName": "",
            "validFrom": "2024-01-01",
            "validTo": None,
        }

    return {
        131: [row(r) for r in registry.kommuner()],
        104: [row(r) for r in registry.fylker()],
        103: [row(r) for r in registry.bydeler()],
    }


def population_dataset(shared_data: Path, scale: float = 1.0) -> bytes:
    """07459 as PxWebApi v2 answers it: Region (K-code) × Kjonn × Alder × ContentsCode × Tid."""
    raw = pd.read_csv(
        shared_data / "stats/population_0-17_by_single_age_2024borders_2005-2026.csv",
        dtype={"region_code": str},
    )
    raw = raw[raw["region_level"] == "municip"]
    raw = raw[raw["year"].astype(str).isin(YEARS)]
    regions = sorted(raw["region_code"].unique())
    table = raw.set_index(["region_code", "age", "year"])["population_jan1"]
    values: list[int | None] = []
    for region in regions:
        for sex in ("1", "2"):
            for age in range(18):
                for year in YEARS:
                    total = table.get((region, age, int(year)))
                    if total is None or pd.isna(total):
                        values.append(None)
                        continue
                    total = round(float(total) * scale)
                    half = total // 2
                    values.append(half if sex == "1" else total - half)
    doc = {
        "version": "2.0",
        "class": "dataset",
        "label": "07459: Befolkning, etter region, kjønn, alder, statistikkvariabel og år",
        "source": "Statistisk sentralbyrå",
        "updated": "2026-02-20T07:00:00Z",
        "id": ["Region", "Kjonn", "Alder", "ContentsCode", "Tid"],
        "size": [len(regions), 2, 18, 1, len(YEARS)],
        "role": {"geo": ["Region"], "time": ["Tid"], "metric": ["ContentsCode"]},
        "dimension": {
            "Region": _dim("region", [f"K-{r}" for r in regions]),
            "Kjonn": _dim("kjønn", ["1", "2"]),
            "Alder": _dim("alder", list(AGES)),
            "ContentsCode": _dim("statistikkvariabel", ["Personer1"]),
            "Tid": _dim("år", list(YEARS)),
        },
        "value": values,
    }
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def _dim(label: str, codes: list[str]) -> dict[str, Any]:
    return {
        "label": label,
        "category": {"index": {c: i for i, c in enumerate(codes)}, "label": {c: c for c in codes}},
    }


@dataclass
class FakeSources:
    shared_data: Path
    fault: str | None = None  # breaks SSB 07459 data
    klass_fault: str | None = None  # "503": KLASS (the region list) is down
    hits: Counter[str] = field(default_factory=Counter)
    _server: LoopbackServer | None = None

    def __post_init__(self) -> None:
        self.codes = klass_codes(self.shared_data)
        self.population = population_dataset(self.shared_data)

    @property
    def base(self) -> str:
        assert self._server is not None
        return self._server.base

    def environment(self) -> dict[str, str]:
        return {
            "OPPVEKST_SSB_BASE": f"{self.base}/ssb",
            "OPPVEKST_KLASS_BASE": f"{self.base}/klass",
            "OPPVEKST_FHI_BASE": f"{self.base}/fhi",
            "OPPVEKST_UDIR_BASE": f"{self.base}/udir",
            # Back-off in tenths of seconds: the retry logic is real, the waiting is short.
            "OPPVEKST_HTTP_RETRY_ATTEMPTS": "4",
            "OPPVEKST_HTTP_RETRY_BASE_DELAY": "0.05",
            "OPPVEKST_HTTP_RETRY_MAX_DELAY": "0.2",
        }

    def start(self) -> FakeSources:
        self._server = LoopbackServer(self.answer)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()

    def answer(self, handler: BaseHTTPRequestHandler) -> None:
        path = urlsplit(handler.path).path
        self.hits[path] += 1
        if path.startswith("/klass/") and self.klass_fault == "503":
            self._send(handler, 503, b"<html>Service Unavailable</html>", "text/html")
        elif path.startswith("/klass/classifications/"):
            number = int(path.split("/")[3])
            if path.endswith("/changes"):
                self._send(handler, 200, json.dumps({"codeChanges": []}).encode())
            else:
                body = json.dumps({"codes": self.codes.get(number, [])}, ensure_ascii=False)
                self._send(handler, 200, body.encode("utf-8"))
        elif path == "/ssb/tables/07459/data":
            self._data(handler)
        else:
            self._send(handler, 404, b'{"detail": "ukjent tabell i den falske kilden"}')

    def _data(self, handler: BaseHTTPRequestHandler) -> None:
        body = self.population
        if self.fault == "truncated":
            self._send(handler, 200, body[: len(body) // 2])
        elif self.fault == "wrong-shape":
            doc = json.loads(body)
            doc["size"] = doc["size"][:-1]  # five ids, four sizes: not a dataset we can trust
            self._send(handler, 200, json.dumps(doc).encode())
        elif self.fault == "wrong-encoding":
            text = body.decode("utf-8")
            self._send(handler, 200, text.encode("utf-16"), "application/json; charset=utf-8")
        elif self.fault == "429-storm":
            self._send(handler, 429, b'{"detail": "Too many requests"}', retry_after="1")
        elif self.fault == "503":
            self._send(handler, 503, b"<html>Service Unavailable</html>", "text/html")
        else:
            self._send(handler, 200, body)

    @staticmethod
    def _send(
        handler: BaseHTTPRequestHandler,
        status: int,
        body: bytes,
        content_type: str = "application/json; charset=utf-8",
        retry_after: str | None = None,
    ) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body)))
        if retry_after is not None:
            handler.send_header("Retry-After", retry_after)
        handler.end_headers()
        handler.wfile.write(body)
