"""Report parts kept once per snapshot (``reports.parts``): a PDF, a chart, a workbook or a figure
is made once and read back by the next report, ZIP or process, never across identities (an
overlay with own data) or languages, and dropped with a snapshot that is no longer published."""

from __future__ import annotations

import copy
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest

from oppvekst import language
from oppvekst.charts.drawing import POOL
from oppvekst.charts.options import Spec
from oppvekst.charts.render import FigureCache, ImageFormat, Rendered, Renderer
from oppvekst.reports import bundle, figures, parts, report
from oppvekst.reports.typesetter import typesetter
from oppvekst.snapshot.store import Store
from oppvekst.views.benchmark import parse_benchmark

CODE = "1106"  # Haugesund: in no other report test, so its parts are this module's own


class Counting:
    """Stands in for a callable and counts the calls (``refuse`` makes any call fail)."""

    def __init__(self, wrapped: Any, refuse: bool = False) -> None:
        self.wrapped, self.refuse, self.calls = wrapped, refuse, 0

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if args and args[0] == []:  # an empty batch: nothing made
            return self.wrapped(*args, **kwargs)
        self.calls += 1
        if self.refuse:
            raise AssertionError("made again instead of read back")
        return self.wrapped(*args, **kwargs)


@dataclass(frozen=True)
class CountingRenderer(Renderer):
    """Notes how many figures each batch asks for."""

    drawn: list[int] = field(default_factory=list)

    def render_many(
        self, figure_specs: Sequence[Spec], size: tuple[int, int], fmt: ImageFormat, scale: int = 1
    ) -> list[Rendered]:
        self.drawn.append(len(figure_specs))
        return super().render_many(figure_specs, size, fmt, scale)


def _restarted() -> None:
    """As in a new process: nothing in memory, only what is on disk."""
    figures.CACHE.clear()
    parts.forget_processes()


def _build(store: Store) -> report.Report:
    return report.build(store, CODE, parse_benchmark(store, None, CODE))


def test_a_second_report_reads_the_kept_pdf_and_draws_nothing(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    figures.forget(store)
    first = _build(store)
    _restarted()
    monkeypatch.setattr(POOL, "run", Counting(POOL.run, refuse=True))
    monkeypatch.setattr(typesetter(), "pdf", Counting(typesetter().pdf, refuse=True))
    second = _build(store)
    assert second.pdf == first.pdf
    assert second.filename == first.filename
    assert second.profile == first.profile
    assert second.figures == first.figures


def test_kept_parts_are_never_shared_across_identities_or_languages(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    _build(store)  # kept (by this test or the one before)
    typeset, drawing = Counting(typesetter().pdf), Counting(POOL.run)
    monkeypatch.setattr(typesetter(), "pdf", typeset)
    monkeypatch.setattr(POOL, "run", drawing)
    _build(store)
    assert (typeset.calls, drawing.calls) == (0, 0)
    # An overlay of the same snapshot with an organisation's own data mixed in.
    own = copy.copy(store)
    own.cache_identity = f"{store.snapshot_id}+own-data"
    _build(own)
    assert typeset.calls == 1
    assert drawing.calls > 0  # its charts too: none of the snapshot's own were taken
    with language.use(language.Language.en):
        english = _build(store)
    assert typeset.calls == 2
    assert english.pdf != _build(store).pdf


def test_a_second_package_zip_draws_only_the_figures_the_first_did_not(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    figures.forget(store)
    renderer = CountingRenderer(FigureCache(tmp_path))
    drawn = renderer.drawn

    def zipped(package_id: str) -> bundle.PackageFile:
        benchmark = parse_benchmark(store, None, CODE)
        return bundle.archive(store, package_id, CODE, benchmark, renderer, site="http://x/")

    first = zipped("tilstandsrapport-barnevern")
    second = zipped("oppvekstprofil-nokkeltall")
    pngs = [
        {n for n in zipfile.ZipFile(io.BytesIO(z.content)).namelist() if n.endswith(".png")}
        for z in (first, second)
    ]
    shared = {n.split("-", 1)[1] for n in pngs[0]} & {n.split("-", 1)[1] for n in pngs[1]}
    assert shared  # the two packages have indicators in common
    assert drawn == [len(pngs[0]), len(pngs[1]) - len(shared)]
    # Assembled from kept parts, the same archive byte for byte, with nothing drawn.
    _restarted()
    monkeypatch.setattr(POOL, "run", Counting(POOL.run, refuse=True))
    assert zipped("oppvekstprofil-nokkeltall").content == second.content
    assert drawn[2:] == [0]


def _fake(root: Path, snapshot: str, identity: str | None = None) -> Store:
    path = root / "snapshots" / f"{snapshot}.duckdb"
    fake = SimpleNamespace(path=path, snapshot_id=snapshot, cache_identity=identity or snapshot)
    return cast(Store, fake)


def test_the_parts_of_a_retired_snapshot_go_when_a_new_one_is_seen(tmp_path: Path) -> None:
    (tmp_path / "snapshots").mkdir()
    (tmp_path / "snapshots" / "new.duckdb").touch()
    kept = parts.KeptParts(tmp_path / "cache" / "deler")
    old, old_own = _fake(tmp_path, "old"), _fake(tmp_path, "old", "old+own")
    kept.put(old, "pdf", b"old")
    kept.put(old_own, "pdf", b"old own")
    new, new_own = _fake(tmp_path, "new"), _fake(tmp_path, "new", "new+own")
    kept.put(new_own, "pdf", b"new own")
    assert kept.retiring is not None
    kept.retiring.join()
    kept.put(new, "pdf", b"new")  # the same snapshot: nothing more to retire
    restarted = parts.KeptParts(tmp_path / "cache" / "deler")
    assert restarted.get(new, "pdf") == b"new"
    assert restarted.get(new_own, "pdf") == b"new own"
    assert restarted.get(old, "pdf") is None
    assert restarted.get(old_own, "pdf") is None
