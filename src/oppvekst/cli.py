"""The ``oppvekst`` command: update the data, serve the portal, build reports."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import duckdb
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from oppvekst.accounts.cli import admin
from oppvekst.catalog import default_catalog
from oppvekst.errors import OppvekstError, UnknownIndicator
from oppvekst.pipeline import build
from oppvekst.pipeline.setup import SourceChoice, choose_sources, default_mirror, load_regions
from oppvekst.reports.cli import report
from oppvekst.settings import get_settings
from oppvekst.snapshot.files import DataDir

if TYPE_CHECKING:
    from fastapi import FastAPI

app = typer.Typer(
    add_completion=False, help="Oppvekststatus: statistikk om barn og unge i kommunene."
)
console = Console(stderr=True)
app.command("report")(report)
app.add_typer(admin, name="admin")

DataDirOption = Annotated[
    Path | None,
    typer.Option(
        "--data-dir", help="Where snapshots live (default: $OPPVEKST_DATA_DIR or ./data)."
    ),
]
MirrorOption = Annotated[
    Path | None,
    typer.Option(
        "--mirror", help="Replay recorded responses and offline files from this directory."
    ),
]


def _data_dir(path: Path | None) -> DataDir:
    return DataDir((path or get_settings().data_dir).resolve())


def _run_update(
    data_dir: DataDir, choice: SourceChoice, *, demo: bool, only: frozenset[str]
) -> build.UpdateSummary:
    catalog = default_catalog()
    unknown = sorted(i for i in only if not catalog.has(i))
    if unknown:
        raise UnknownIndicator(f"Ukjente indikatorer: {unknown}", hint="Se «oppvekst list».")
    console.print(f"[bold]Kilder:[/] {choice.description}")
    regions = load_regions(choice)
    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as bar:
        task = bar.add_task("Indikatorer", total=None)
        progress = build.Progress(
            start=lambda total: bar.update(task, total=total),
            step=lambda label: bar.update(task, advance=1, description=f"Indikatorer: {label}"),
        )
        summary = build.run_update(
            catalog,
            regions,
            choice.context,
            data_dir,
            fill_with_demo=demo,
            only=only,
            progress=progress,
        )
    _print_summary(summary)
    return summary


def _print_summary(summary: build.UpdateSummary) -> None:
    table = Table(title=f"Oppdatering {summary.snapshot_id} ({summary.data_mode})")
    # Fixed minimum widths: on a narrow or piped console rich would otherwise squeeze the short
    # columns to nothing. Full failure messages are printed below the table.
    table.add_column("Indikator", no_wrap=True, overflow="ellipsis", max_width=34)
    table.add_column("Resultat", no_wrap=True, min_width=9)
    table.add_column("Rader", no_wrap=True, min_width=6, justify="right")
    table.add_column("Kilde", no_wrap=True, overflow="ellipsis", max_width=22)
    table.add_column("Melding", overflow="ellipsis", no_wrap=True, max_width=60)
    for result in summary.results:
        style = {"feilet": "red", "demotall": "yellow"}.get(result.outcome.value, "")
        table.add_row(
            result.indicator_id,
            f"[{style}]{result.outcome.value}[/]" if style else result.outcome.value,
            str(result.rows),
            result.source,
            result.message,
        )
    console.print(table)
    for result in summary.results:
        if result.outcome is build.Outcome.FAILED:
            console.print(f"[red]{result.indicator_id}:[/] {result.message}")
    if not summary.published:
        console.print(
            "[red bold]Ingen indikatorer kunne oppdateres, så ingen ny datasamling ble publisert."
            f"[/] Den forrige ({summary.snapshot_id or 'ingen'}) brukes fortsatt."
        )
        return
    _print_audits(summary)
    console.print(
        f"[bold]{summary.count(build.Outcome.UPDATED)}[/] indikatorer oppdatert, "
        f"[bold]{summary.count(build.Outcome.DEMO)}[/] med syntetiske demotall, "
        f"[bold red]{summary.count(build.Outcome.FAILED)}[/] feilet "
        "(de beholder forrige tall der det fantes). "
        f"Publisert: {summary.path}"
    )
    if summary.count(build.Outcome.DEMO):
        console.print(
            "[yellow bold]Merk:[/] noen indikatorer viser SYNTETISKE DEMOTALL, ikke statistikk. "
            "Portalen sier det på hver side."
        )


def _print_audits(summary: build.UpdateSummary) -> None:
    """The audits at publish: how many findings per audit and reason (kept in the snapshot's
    ``audit_findings`` table, one row per indicator, region, period and reason)."""
    if not summary.audits:
        console.print("[bold]Kontroller ved publisering:[/] ingen merknader.")
        return
    console.print("[bold]Kontroller ved publisering[/] (funn per grunn):")
    for count in summary.audits:
        console.print(f"  {count.label}: [bold]{count.findings}[/]")


@app.command()
def update(
    mirror: MirrorOption = None,
    demo: Annotated[
        bool,
        typer.Option("--demo", help="Fill indicators without data with labelled synthetic values."),
    ] = False,
    only: Annotated[
        list[str] | None, typer.Option("--only", help="Update only these indicator ids.")
    ] = None,
    data_dir: DataDirOption = None,
    record: Annotated[
        bool, typer.Option("--record", help="Fetch live and write every response to --mirror.")
    ] = False,
) -> None:
    """Fetch, harmonise, derive and publish a new snapshot (the old one serves until it is done)."""
    try:
        choice = choose_sources(mirror, record_into_mirror=record, probe=False)
        summary = _run_update(_data_dir(data_dir), choice, demo=demo, only=frozenset(only or ()))
    except OppvekstError as exc:
        console.print(f"[red bold]Feil:[/] {exc.message}\n{exc.hint}")
        raise typer.Exit(2) from exc
    except (OSError, duckdb.Error) as exc:
        # A full disk or an unwritable data directory: say what still serves, if anything does.
        previous = _data_dir(data_dir).current_id()
        still = (
            f"Den forrige datasamlingen ({previous}) brukes fortsatt."
            if previous
            else "Det finnes ingen tidligere datasamling, så portalen har ingen tall før en "
            "oppdatering lykkes."
        )
        console.print(
            f"[red bold]Feil:[/] kunne ikke skrive den nye datasamlingen ({exc}).\n"
            f"Sjekk ledig plass og skrivetilgang i datamappen. {still}"
        )
        raise typer.Exit(2) from exc
    if not summary.published:
        raise typer.Exit(1)


@app.command()
def serve(
    data_dir: DataDirOption = None,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    mirror: MirrorOption = None,
    workers: Annotated[
        int,
        typer.Option(
            min=1, help="Worker processes on the port (they share the snapshots and kept answers)."
        ),
    ] = 1,
) -> None:
    """Serve the portal and the API; builds a snapshot first when there is none."""
    import uvicorn

    from oppvekst.charts.drawing import POOL
    from oppvekst.web.app import create_app
    from oppvekst.web.connections import protocol_with_head_timeout

    directory = _data_dir(data_dir)
    if directory.current_id() is None:
        console.print("[bold]Ingen datasamling ennå: bygger en først.[/]")
        try:
            choice = choose_sources(
                mirror or default_mirror(), record_into_mirror=False, probe=True
            )
            if choice.offline_reason:
                console.print(f"[yellow bold]{choice.offline_reason}[/]")
            _run_update(directory, choice, demo=choice.fill_with_demo, only=frozenset())
        except OppvekstError as exc:
            console.print(f"[red bold]Feil:[/] {exc.message}\n{exc.hint}")
            raise typer.Exit(2) from exc
    console.print(
        f"Portalen: [bold]http://{host}:{port}/[/]  (API: /api/v1, dokumentasjon: /api/docs)"
    )
    if workers > 1:
        from oppvekst.settings import hand_to_workers
        from oppvekst.web.workers import APP, PROTOCOL

        # Each worker is a new process that builds its own app from the settings.
        hand_to_workers(data_dir=str(directory.root))
        uvicorn.run(
            APP,
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="warning",
            http=PROTOCOL,
        )
        return
    # Our h11 protocol, not uvicorn's default: it closes connections that never finish a request
    # head (see web/connections.py).
    head_deadline = protocol_with_head_timeout(get_settings().request_header_timeout_seconds)
    # The chart workers load vl-convert while the server starts, not during the first download.
    POOL.start()
    uvicorn.run(
        create_app(directory), host=host, port=port, log_level="warning", http=head_deadline
    )


def worker_app() -> FastAPI:
    """The app of one ``serve --workers`` process, on the data directory of its settings."""
    from oppvekst.web.app import create_app

    return create_app(DataDir(get_settings().data_dir.resolve()))


@app.command("list")
def list_indicators() -> None:
    """List the indicators in the catalogue."""
    table = Table()
    for column in ("id", "Tittel", "Tema", "Kilde", "Verifisert"):
        table.add_column(column)
    for ind in default_catalog():
        table.add_row(
            ind.id,
            ind.short_title,
            ind.topic,
            ind.source.publisher,
            "ja" if ind.source.verified else "nei",
        )
    Console().print(table)


def main() -> None:  # pragma: no cover - console entry point
    sys.exit(app())
