"""The `allegraph` command: a thin shell over loaders/ and graph/ (see DESIGN.md's contract).

Human output goes to stdout, progress and errors to stderr; `--format json` prints only
machine-readable output. Every `AllegraphError` becomes one message and a non-zero exit.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from graph.ingest import IngestReport, ingest_paths
from graph.stats import store_stats
from graph.store import EXPORT_FORMATS, RDFStore
from loaders import DEFAULT_MAX_BYTES, FORMATS, discover
from loaders.errors import AllegraphError, UsageError
from loaders.schema import document_schema

app = typer.Typer(
    help="allegraph: trace allegations — who accused whom, of what, and who denied it.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
query_app = typer.Typer(help="Ask the store questions.", no_args_is_help=True)
app.add_typer(query_app, name="query")

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


class Output(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class ReportFormat(StrEnum):
    text = "text"
    json = "json"


DataOption = Annotated[
    Path,
    typer.Option("--data", envvar="ALLEGRAPH_DATA", help="Data directory.", show_default=True),
]


@app.callback()
def _main(ctx: typer.Context, data: DataOption = Path("allegraph-data")) -> None:
    ctx.obj = data


@contextmanager
def _store(ctx: typer.Context) -> Iterator[RDFStore]:
    data: Path = ctx.obj
    with RDFStore.in_data_dir(data) as store:
        yield store


def _print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")


# ingest / remove / export ---------------------------------------------------------------


@app.command()
def ingest(
    ctx: typer.Context,
    paths: Annotated[list[Path], typer.Argument(help="Files or directories.", show_default=False)],
    format: Annotated[
        str, typer.Option(help=f"Input format: auto, {', '.join(FORMATS)}.")
    ] = "auto",
    shacl: Annotated[
        bool, typer.Option(help="Validate each document against the SHACL shapes.")
    ] = True,
    max_bytes: Annotated[
        int, typer.Option(help="Refuse files larger than this.")
    ] = DEFAULT_MAX_BYTES,
    report: Annotated[
        ReportFormat, typer.Option(help="Summary as text or JSON.")
    ] = ReportFormat.text,
) -> None:
    """Ingest annotated documents; each replaces any earlier version of itself."""
    if format != "auto" and format not in FORMATS:
        raise UsageError(f"unknown format {format!r}; known: auto, {', '.join(FORMATS)}")
    files = list(discover(paths, format))
    if not files:
        raise UsageError("no files to ingest under " + ", ".join(map(str, paths)))
    with _store(ctx) as store, _progress(len(files), quiet=report == ReportFormat.json) as tick:
        result = ingest_paths(
            store, files, format=format, shacl=shacl, max_bytes=max_bytes, progress=tick
        )
    _ingest_summary(result, report)
    if not result.ok:
        raise typer.Exit(2)


@contextmanager
def _progress(total: int, quiet: bool) -> Iterator[Any]:
    if quiet or total < 2 or not err.is_terminal:
        yield None
        return
    columns = (TextColumn("ingest"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task("ingest", total=total)
        yield lambda _path: bar.advance(task)


def _ingest_summary(result: IngestReport, report: ReportFormat) -> None:
    if report == ReportFormat.json:
        _print_json(
            {
                "ingested": result.ingested,
                "triples": result.triples,
                "seconds": round(result.seconds, 3),
                "failed": [
                    {
                        "file": e.source,
                        "problems": [{"place": p.place, "reason": p.reason} for p in e.problems],
                    }
                    for e in result.failed
                ],
            }
        )
        return
    rate = result.triples / result.seconds if result.seconds else 0.0
    out.print(
        f"ingested {len(result.ingested)} document(s), {result.triples:,} triples "
        f"in {result.seconds:.2f} s ({rate:,.0f} triples/s)"
    )
    if result.failed:
        err.print(f"[bold red]refused {len(result.failed)} file(s):[/]")
        for failure in result.failed:
            err.print(failure.describe(), markup=False, highlight=False)


@app.command()
def remove(
    ctx: typer.Context,
    doc_ids: Annotated[list[str], typer.Argument(metavar="DOC_ID...", show_default=False)],
) -> None:
    """Withdraw documents (by id or IRI) and everything read from them."""
    with _store(ctx) as store:
        graphs = [store.document_graph(doc_id) for doc_id in doc_ids]
        for doc_id, graph in zip(doc_ids, graphs, strict=True):
            store.remove_graph(graph)
            out.print(f"removed {doc_id}")


@app.command()
def export(
    ctx: typer.Context,
    format: Annotated[str, typer.Option(help=f"One of {', '.join(EXPORT_FORMATS)}.")] = "trig",
    document: Annotated[str | None, typer.Option(help="Only this document's graph.")] = None,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="File (default stdout).")
    ] = None,
) -> None:
    """Write the store (or one document's graph) as RDF."""
    if format not in EXPORT_FORMATS:
        raise UsageError(f"unknown export format {format!r}; known: {', '.join(EXPORT_FORMATS)}")
    with _store(ctx) as store:
        graph = store.document_graph(document) if document else None
        if output is None:
            store.export(sys.stdout.buffer, format, graph)
            return
        partial = output.with_name(output.name + ".partial")
        with partial.open("wb") as handle:
            store.export(handle, format, graph)
        partial.replace(output)  # a failed export never leaves a truncated file behind


# query ---------------------------------------------------------------------------------


def _read_query(query: str) -> str:
    if query == "-":
        return sys.stdin.read()
    if query.startswith("@"):
        try:
            return Path(query[1:]).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"cannot read query file {query[1:]}: {exc}") from None
    return query


@query_app.command("sparql")
def query_sparql(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="SPARQL text, @FILE, or - for stdin.")],
    format: Annotated[
        Output, typer.Option(help="table, json (SPARQL 1.1 JSON results), csv.")
    ] = Output.table,
) -> None:
    """Run a SPARQL query over all documents (prefixes ag:, id:, oa:, prov: … are predefined)."""
    with _store(ctx) as store:
        result = store.query(_read_query(query))
        if format == Output.table:
            _print_result_table(store, result)
        elif result.type in ("CONSTRUCT", "DESCRIBE"):
            graph_format = "json-ld" if format == Output.json else "nt"
            sys.stdout.write(result.graph.serialize(format=graph_format))  # type: ignore[union-attr]
        else:
            sys.stdout.buffer.write(result.serialize(format=format.value) or b"")


def _print_result_table(store: RDFStore, result: Any) -> None:
    if result.type == "ASK":
        out.print("true" if result.askAnswer else "false")
        return
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        sys.stdout.write(result.graph.serialize(format="turtle"))
        return
    table = Table(*[str(v) for v in result.vars], show_lines=False)
    names = store.dataset.namespace_manager
    rows = 0
    for row in result:
        table.add_row(*["" if v is None else _short(names, v) for v in row])
        rows += 1
    out.print(table)
    err.print(f"{rows} row(s)")


def _short(names: Any, value: Any) -> str:
    from rdflib import URIRef

    if isinstance(value, URIRef):
        compact: str = names.normalizeUri(value)
        return compact
    return str(value)


# stats / schema / generate -------------------------------------------------------------


@app.command()
def stats(
    ctx: typer.Context,
    format: Annotated[Output, typer.Option(help="table or json.")] = Output.table,
) -> None:
    """Count documents, actors, acts and statements in the store."""
    with _store(ctx) as store:
        figures = store_stats(store)
    if format == Output.json:
        _print_json(figures.as_dict())
        return
    table = Table("what", "count")
    for name, value in figures.as_dict().items():
        if isinstance(value, dict):
            for kind, n in value.items():
                table.add_row(f"  {kind}", f"{n:,}")
        else:
            table.add_row(name.replace("_", " "), f"{value:,}")
    out.print(table)


@app.command()
def schema() -> None:
    """Print the JSON Schema of the native annotated-document format."""
    _print_json(document_schema())


@app.command()
def generate(
    documents: Annotated[int, typer.Option("--documents", min=1, help="How many documents.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Directory to write into.")],
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same corpus).")] = 0,
) -> None:
    """Write a synthetic corpus of native documents, for benchmarks."""
    from loaders.synthetic import write_corpus

    written = write_corpus(documents, output, seed=seed)
    out.print(f"wrote {written:,} documents to {output}")


def main() -> None:
    """Console entry point: run the app, turning allegraph's errors into exit codes."""
    try:
        app()
    except AllegraphError as exc:
        err.print(f"error: {exc}", markup=False, highlight=False)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
