"""The `allegraph` command: a thin shell over loaders/ and graph/ (see DESIGN.md's contract).

Human output goes to stdout, progress and errors to stderr; `--format json` prints only
machine-readable output. Every `AllegraphError` becomes one message and a non-zero exit.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from graph.rdf.ingest import IngestReport, ingest_paths
from graph.rdf.service import ANY_ENDPOINT
from graph.rdf.stats import store_stats
from graph.rdf.store import EXPORT_FORMATS, RDFStore
from loaders import DEFAULT_MAX_BYTES, FORMATS, discover, load_mapping
from loaders.errors import AllegraphError, StoreError, UsageError
from loaders.mapping import DEFAULT as NO_MAPPING
from loaders.schema import document_schema

if TYPE_CHECKING:
    from api.forward import RunningServer
    from api.present import Presenter

app = typer.Typer(
    help="allegraph: trace allegations — who accused whom, of what, and who denied it.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
query_app = typer.Typer(help="Ask the store questions.", no_args_is_help=True)
app.add_typer(query_app, name="query")
actors_app = typer.Typer(help="Correct which names are one actor.", no_args_is_help=True)
app.add_typer(actors_app, name="actors")

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
    # The owner's own queries, on their machine: SPARQL SERVICE may call out (the server's
    # may not, see docs/api.md), as Jena's command line does where Fuseki refuses.
    with RDFStore.in_data_dir(data, allowed_services=ANY_ENDPOINT) as store:
        yield store


@contextmanager
def _store_or_server(ctx: typer.Context) -> Iterator[RDFStore | RunningServer]:
    """The store, or, when a running server holds it, that server (`api.forward`), which
    then takes the writes of ingest, remove and actor merges and splits."""
    from api.forward import RunningServer

    data: Path = ctx.obj
    try:
        store = RDFStore.in_data_dir(data)
    except StoreError:
        server = RunningServer.find(data)
        if server is None:
            raise
        err.print(f"the server at {server.url} holds {data}: sending it the work", style="dim")
        with server:
            yield server
        return
    with store:
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
    mapping: Annotated[
        Path | None,
        typer.Option(help="YAML file mapping your labels and roles onto allegraph's."),
    ] = None,
) -> None:
    """Ingest annotated documents; each replaces any earlier version of itself."""
    if format != "auto" and format not in FORMATS:
        raise UsageError(f"unknown format {format!r}; known: auto, {', '.join(FORMATS)}")
    labels = NO_MAPPING if mapping is None else load_mapping(mapping)
    files = list(discover(paths, format))
    if not files:
        raise UsageError("no files to ingest under " + ", ".join(map(str, paths)))
    quiet = report == ReportFormat.json or len(files) < 2
    with _store_or_server(ctx) as target, _progress("ingest", quiet) as update:
        done = iter(range(1, len(files) + 1))
        tick = None if update is None else (lambda _path: update(next(done), len(files)))
        if isinstance(target, RDFStore):
            result = ingest_paths(
                target,
                files,
                format=format,
                shacl=shacl,
                max_bytes=max_bytes,
                mapping=labels,
                progress=tick,
            )
        else:
            result = target.ingest(
                files,
                format=format,
                shacl=shacl,
                max_bytes=max_bytes,
                mapping=mapping,
                progress=tick,
            )
    _ingest_summary(result, report)
    if not result.ok:
        raise typer.Exit(2)


@contextmanager
def _progress(label: str, quiet: bool) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on stderr (only on a terminal) fed with `update(done, total)`."""
    if quiet or not err.is_terminal:
        yield None
        return
    columns = (TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task(label, total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)


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
    with _store_or_server(ctx) as target:
        if not isinstance(target, RDFStore):
            for doc_id in target.remove(doc_ids):
                out.print(f"removed {doc_id}")
            return
        graphs = [target.document_graph(doc_id) for doc_id in doc_ids]
        for doc_id, graph in zip(doc_ids, graphs, strict=True):
            target.remove_graph(graph)
            out.print(f"removed {doc_id}")


NETWORK_EXPORTS = "gexf, graphml, csv, stix"  # viz.exports.FORMATS, named here to spare its import


@app.command()
def export(
    ctx: typer.Context,
    format: Annotated[
        str,
        typer.Option(
            help=f"RDF: {', '.join(EXPORT_FORMATS)}; a network for Gephi, Kumu or OpenCTI: "
            f"{NETWORK_EXPORTS}."
        ),
    ] = "trig",
    document: Annotated[str | None, typer.Option(help="RDF: only this document's graph.")] = None,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="File (default stdout).")
    ] = None,
    actor: Annotated[
        str | None, typer.Option(help="Network: this actor's neighbourhood (IRI, id, name).")
    ] = None,
    depth: Annotated[int, typer.Option(min=0, max=6, help="Links out from --actor.")] = 1,
    chains: Annotated[
        tuple[str, str] | None,
        typer.Option(metavar="FROM TO", help="Network: the chains from one actor to another."),
    ] = None,
    max_hops: Annotated[int, typer.Option(min=1, max=8, help="Longest chain.")] = 4,
    kinds: Annotated[
        str, typer.Option(help="Statement kinds a chain follows, comma-separated.")
    ] = "accusation",
    mirrors: Annotated[
        bool, typer.Option("--mirrors", help="Network: mirror accusations.")
    ] = False,
) -> None:
    """Write the store (or one document's graph) as RDF, or the actor network (or one
    question's part of it) for Gephi, Kumu or OpenCTI, each statement its own edge."""
    question = [actor is not None, chains is not None, mirrors]
    if format not in EXPORT_FORMATS:
        if document is not None:
            raise UsageError(
                "--document goes with an RDF format; a network is chosen with "
                "--actor, --chains or --mirrors (or none: the whole network)"
            )
        _export_network(ctx, format, output, actor, depth, chains, max_hops, kinds, mirrors)
        return
    if any(question):
        raise UsageError(
            f"--actor, --chains and --mirrors choose a network to export as "
            f"{NETWORK_EXPORTS}, not as RDF"
        )
    with _store(ctx) as store:
        graph = store.document_graph(document) if document else None
        if output is None:
            store.export(sys.stdout.buffer, format, graph)
            return
        partial = output.with_name(output.name + ".partial")
        with partial.open("wb") as handle:
            store.export(handle, format, graph)
        partial.replace(output)  # a failed export never leaves a truncated file behind


def _export_network(
    ctx: typer.Context,
    format: str,
    output: Path | None,
    actor: str | None,
    depth: int,
    chains: tuple[str, str] | None,
    max_hops: int,
    kinds: str,
    mirrors: bool,
) -> None:
    """One question's network (else the whole one), answered from the store, in `format`."""
    import viz as pictures
    from graph.rdf.actors import resolve_actor
    from viz.exports import FORMATS, export_format
    from viz.exports.links import statement_links

    if format not in FORMATS:
        known = ", ".join([*EXPORT_FORMATS, *FORMATS])
        raise UsageError(f"unknown export format {format!r}; known: {known}")
    chosen = export_format(format)
    if sum([actor is not None, chains is not None, mirrors]) > 1:
        raise UsageError("give at most one of --actor, --chains, --mirrors")
    wanted = [k.strip() for k in kinds.split(",") if k.strip()]
    with _store(ctx) as store:
        if actor is not None:
            network = pictures.neighbourhood_subgraph(store, resolve_actor(store, actor), depth)
        elif chains is not None:
            a, b = (resolve_actor(store, name) for name in chains)
            network = pictures.chains_subgraph(store, a, b, max_hops, wanted)
        elif mirrors:
            network = pictures.mirrors_subgraph(store)
        else:
            network = pictures.network_subgraph(store)
    data = chosen.write(network)
    if output is None:
        sys.stdout.buffer.write(data)
        return
    _write_atomically(output, data)
    edges = len(statement_links(network))
    err.print(f"wrote {output}: {len(network.nodes)} node(s), {edges} edge(s)")


# dump / restore -----------------------------------------------------------------------


@app.command()
def dump(
    ctx: typer.Context,
    format: Annotated[
        str | None, typer.Option(help="nquads or trig (default: from -o's suffix, else nquads).")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="File (default stdout).")
    ] = None,
) -> None:
    """Write every graph of the store (documents, network, curation, ontology) to restore
    from; works while a server holds the store (what it held when the dump began)."""
    from graph.rdf.dump import dump_store, format_for

    chosen = format_for(output.name if output else None, format)
    if output is None:
        done = dump_store(ctx.obj, sys.stdout.buffer, chosen)
    else:
        done = _dump_atomically(ctx.obj, output, chosen)
    where = "stdout" if output is None else str(output)
    err.print(f"dumped {done.quads:,} quads to {where} in {done.seconds:.2f} s", highlight=False)


def _dump_atomically(data: Path, output: Path, format: str) -> Any:
    """Write beside the target, flush it to disk, then rename: never half a dump."""
    from graph.rdf.dump import dump_store

    partial = output.with_name(output.name + ".partial")
    try:
        with partial.open("wb") as handle:
            done = dump_store(data, handle, format)
            handle.flush()
            os.fsync(handle.fileno())
        partial.replace(output)
    except OSError as exc:
        raise UsageError(f"cannot write {output}: {exc.strerror or exc}") from None
    finally:
        partial.unlink(missing_ok=True)
    return done


@app.command()
def restore(
    ctx: typer.Context,
    source: Annotated[str, typer.Argument(metavar="FILE", help="A dump, or - for stdin.")],
    format: Annotated[
        str | None, typer.Option(help="nquads or trig (default: from FILE's suffix, else nquads).")
    ] = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="Put the dump in place of a store that is not empty.")
    ] = False,
) -> None:
    """Load a dump into an empty data directory (or, with --replace, in place of its store);
    a corrupt dump is refused with its line and nothing is written."""
    from graph.rdf.dump import format_for, restore_store

    chosen = format_for(None if source == "-" else source, format)
    if source == "-":
        done = restore_store(ctx.obj, sys.stdin.buffer, "<stdin>", chosen, replace=replace)
    else:
        path = Path(source)
        if not path.is_file() or not os.access(path, os.R_OK):
            raise UsageError(f"cannot read {source}: not a readable file")
        with path.open("rb") as handle:
            done = restore_store(ctx.obj, handle, source, chosen, replace=replace)
    out.print(
        f"restored {done.quads:,} quads into {ctx.obj} in {done.seconds:.2f} s; "
        f"`allegraph sync{' --full' if replace else ''}` builds the graph from them",
        highlight=False,
    )


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


# property graph ------------------------------------------------------------------------

BackendOption = Annotated[
    str | None,
    typer.Option("--backend", help="falkordb (embedded default) or neo4j (ALLEGRAPH_NEO4J_URI)."),
]


@contextmanager
def _graph(ctx: typer.Context, backend: str | None) -> Iterator[tuple[RDFStore, Any]]:
    from graph.property.backend import open_backend

    with _store(ctx) as store:
        opened = open_backend(backend, ctx.obj)
        try:
            yield store, opened
        finally:
            opened.close()


@app.command()
def sync(
    ctx: typer.Context,
    backend: BackendOption = None,
    full: Annotated[bool, typer.Option(help="Rebuild the whole graph from the RDF store.")] = False,
    verify: Annotated[bool, typer.Option(help="Compare label and type counts afterwards.")] = False,
    shape: Annotated[
        str,
        typer.Option(
            help="allegraph (default) or n10s: the graph neosemantics makes of the same RDF "
            "(docs/property-graph.md)."
        ),
    ] = "allegraph",
) -> None:
    """Bring the Cypher database in line with the RDF store (only what changed)."""
    from graph.sync.shapes import shape_named

    chosen = shape_named(shape)
    with _graph(ctx, backend) as (store, graph), _progress("sync", quiet=False) as update:
        report = chosen.sync(store, graph, full=full, progress=update)
        problems = chosen.differences(store, graph) if verify else []
    rate = report.elements / report.seconds if report.seconds else 0.0
    out.print(
        f"synced {report.added} added, {report.changed} changed, {report.removed} removed "
        f"document(s): {report.nodes:,} nodes, {report.edges:,} edges in "
        f"{report.seconds:.2f} s ({rate:,.0f} elements/s"
        f"{', built in bulk' if report.built_in_bulk else ''})"
    )
    if verify:
        if problems:
            err.print("[bold red]the graph differs from the RDF store:[/]")
            for line in problems:
                err.print(line, markup=False)
            raise typer.Exit(4)
        out.print("verified: every label and relationship count matches the RDF store")


class Engine(StrEnum):
    cypher = "cypher"
    sparql = "sparql"


EngineOption = Annotated[Engine, typer.Option(help="Answer with Cypher (synced first) or SPARQL.")]


@app.command()
def chains(
    ctx: typer.Context,
    source: Annotated[str, typer.Argument(metavar="FROM", help="Actor IRI, id, name or alias.")],
    target: Annotated[str, typer.Argument(metavar="TO", help="Actor IRI, id, name or alias.")],
    max_hops: Annotated[int, typer.Option(min=1, max=8, help="Longest chain.")] = 4,
    limit: Annotated[int, typer.Option(min=1, help="Most chains to list, shortest first.")] = 100,
    kinds: Annotated[
        str, typer.Option(help="Statement kinds to follow, comma-separated.")
    ] = "accusation",
    engine: EngineOption = Engine.cypher,
    backend: BackendOption = None,
    format: Annotated[Output, typer.Option(help="table, json or csv.")] = Output.table,
) -> None:
    """Who-accused-whom chains from one actor to another, shortest first."""
    from api.schemas import Chain
    from graph import queries
    from graph.rdf.actors import resolve_actor

    wanted = [k.strip() for k in kinds.split(",") if k.strip()]
    unknown = [k for k in wanted if k not in queries.SHORTCUT_KINDS]
    if unknown:
        raise UsageError(f"unknown kind {unknown[0]!r}; known: {', '.join(queries.SHORTCUT_KINDS)}")
    with _answering(ctx, engine, backend) as (store, graph):
        a, b = resolve_actor(store, source), resolve_actor(store, target)
        if graph is None:
            paths = queries.chains_sparql(store, a, b, max_hops, wanted, limit)
        else:
            paths = queries.chains_cypher(graph, a, b, max_hops, wanted, limit)
        present = _presenter(store)
    named = [Chain(hops=len(p) - 1, actors=[present.actor_ref(i) for i in p]) for p in paths]
    if format == Output.json:
        _print_json([chain.model_dump() for chain in named])
        return
    if format == Output.csv:
        _write_csv(
            ["chain", "hops", "position", "id", "iri", "name"],
            [
                [n, chain.hops, i, actor.id, actor.iri, actor.name]
                for n, chain in enumerate(named, 1)
                for i, actor in enumerate(chain.actors)
            ],
        )
        return
    for chain in named:
        out.print(" → ".join(actor.name for actor in chain.actors), markup=False)
    err.print(f"{len(paths)} chain(s)")


@app.command()
def mirrors(
    ctx: typer.Context,
    same_act_type: Annotated[
        bool, typer.Option(help="Only accusations of the same act type.")
    ] = True,
    roll_up: Annotated[
        bool, typer.Option(help="Roll actors up through part-of / speaks-for.")
    ] = True,
    engine: EngineOption = Engine.cypher,
    backend: BackendOption = None,
    format: Annotated[Output, typer.Option(help="table, json or csv.")] = Output.table,
) -> None:
    """Mirror accusations: A accused B and B accused A."""
    from api.schemas import Mirror
    from graph import queries

    with _answering(ctx, engine, backend) as (store, graph):
        if graph is None:
            found = queries.mirrors_sparql(store, same_act_type, roll_up)
        else:
            found = queries.mirrors_cypher(graph, same_act_type, roll_up)
        present = _presenter(store)
    named = [
        Mirror(
            a=present.actor_ref(m.a),
            b=present.actor_ref(m.b),
            act_type=present.act_type(m.act_type) if m.act_type else None,
        )
        for m in found
    ]
    if format == Output.json:
        _print_json([mirror.model_dump() for mirror in named])
        return
    if format == Output.csv:
        columns = ["a_id", "a_iri", "a_name", "b_id", "b_iri", "b_name", "act_type"]
        _write_csv(
            columns,
            [[m.a.id, m.a.iri, m.a.name, m.b.id, m.b.iri, m.b.name, m.act_type] for m in named],
        )
        return
    table = Table("side", "and side", "accuse each other of")
    for m in named:
        table.add_row(m.a.name, m.b.name, m.act_type or "(any act)")
    out.print(table)


@contextmanager
def _answering(ctx: typer.Context, engine: Engine, backend: str | None) -> Iterator[Any]:
    """The store, and for Cypher a graph brought up to date first (a no-op when it is)."""
    if engine == Engine.sparql:
        with _store(ctx) as store:
            yield store, None
        return
    from graph.sync.run import sync_documents

    with _graph(ctx, backend) as (store, graph):
        sync_documents(store, graph)
        yield store, graph


def _presenter(store: RDFStore) -> Presenter:
    """Names actors and act types as the API's JSON does (`api.present`), so the command's
    `--format json` and the API answer alike."""
    from api.present import Presenter
    from graph.rdf import catalog

    return Presenter(catalog.actors(store))


def _write_csv(columns: list[str], rows: list[list[Any]]) -> None:
    import csv

    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)


@app.command()
def viz(
    ctx: typer.Context,
    output: Annotated[Path, typer.Option("-o", "--output", help="HTML file to write.")],
    actor: Annotated[
        str | None, typer.Option(help="Draw this actor's network (IRI, id, name or alias).")
    ] = None,
    depth: Annotated[int, typer.Option(min=0, max=6, help="Links out from --actor.")] = 1,
    chains: Annotated[
        tuple[str, str] | None,
        typer.Option(metavar="FROM TO", help="Draw the chains from one actor to another."),
    ] = None,
    mirrors: Annotated[bool, typer.Option("--mirrors", help="Draw mirror accusations.")] = False,
    cypher: Annotated[
        str | None, typer.Option(help="Draw what a read-only Cypher query returns (@FILE, -).")
    ] = None,
    sparql: Annotated[
        str | None, typer.Option(help="Draw a SPARQL CONSTRUCT query's graph (@FILE, -).")
    ] = None,
    max_hops: Annotated[int, typer.Option(min=1, max=8, help="Longest chain.")] = 4,
    title: Annotated[str | None, typer.Option(help="Title above the picture.")] = None,
    caption: Annotated[str | None, typer.Option(help="Caption under the picture.")] = None,
    fragment: Annotated[
        bool, typer.Option("--fragment", help="Write a snippet to paste into a page.")
    ] = False,
    engine: EngineOption = Engine.cypher,
    backend: BackendOption = None,
) -> None:
    """Draw a network of who accused whom as one offline HTML file (pyvis)."""
    import viz as pictures
    from graph.rdf.actors import resolve_actor

    chosen = [actor is not None, chains is not None, mirrors, cypher is not None, sparql]
    if sum(bool(c) for c in chosen) != 1:
        raise UsageError("give exactly one of --actor, --chains, --mirrors, --cypher, --sparql")
    if sparql is not None:
        with _store(ctx) as store:
            picture = pictures.sparql_subgraph(store, _read_query(sparql))
    else:
        use_graph = engine == Engine.cypher or cypher is not None
        with _answering(ctx, Engine.cypher if use_graph else engine, backend) as (store, graph):
            if actor is not None:
                iri = resolve_actor(store, actor)
                picture = pictures.neighbourhood_subgraph(store, iri, depth, graph)
            elif chains is not None:
                a, b = (resolve_actor(store, name) for name in chains)
                picture = pictures.chains_subgraph(store, a, b, max_hops, backend=graph)
            elif mirrors:
                picture = pictures.mirrors_subgraph(store, graph)
            else:
                picture = pictures.cypher_subgraph(store, graph, _read_query(cypher or ""))
    html = pictures.render_network(picture, title=title, caption=caption, fragment=fragment)
    _write_atomically(output, html)
    err.print(f"wrote {output}: {len(picture.nodes)} node(s), {len(picture.edges)} link(s)")


@app.command()
def report(
    ctx: typer.Context,
    output: Annotated[Path, typer.Option("-o", "--output", help="HTML file to write.")],
    actor: Annotated[
        str | None, typer.Option(help="An actor's network (IRI, id, name or alias).")
    ] = None,
    depth: Annotated[int, typer.Option(min=0, max=6, help="Links out from --actor.")] = 1,
    chains: Annotated[
        tuple[str, str] | None,
        typer.Option(metavar="FROM TO", help="The chains from one actor to another."),
    ] = None,
    max_hops: Annotated[int, typer.Option(min=1, max=8, help="Longest chain.")] = 4,
    kinds: Annotated[
        str, typer.Option(help="Statement kinds a chain follows, comma-separated.")
    ] = "accusation",
    mirrors: Annotated[bool, typer.Option("--mirrors", help="Mirror accusations.")] = False,
    same_act_type: Annotated[
        bool, typer.Option(help="Mirrors: only accusations of the same act type.")
    ] = True,
    roll_up: Annotated[
        bool, typer.Option(help="Mirrors: roll actors up through part-of / speaks-for.")
    ] = True,
    engine: EngineOption = Engine.cypher,
    backend: BackendOption = None,
) -> None:
    """Write an evidence dossier: the picture, every statement behind it, how it was asked."""
    from graph.rdf.actors import resolve_actor
    from viz import dossier

    if sum([actor is not None, chains is not None, mirrors]) != 1:
        raise UsageError("give exactly one of --actor, --chains, --mirrors")
    wanted = [k.strip() for k in kinds.split(",") if k.strip()]
    with _answering(ctx, engine, backend) as (store, graph):
        if actor is not None:
            found = dossier.actor_dossier(store, resolve_actor(store, actor), depth, graph)
        elif chains is not None:
            a, b = (resolve_actor(store, name) for name in chains)
            found = dossier.chains_dossier(store, a, b, max_hops, wanted, graph)
        else:
            found = dossier.mirrors_dossier(store, graph, same_act_type, roll_up)
    _write_atomically(output, dossier.render_dossier(found))
    err.print(f"wrote {output}: {len(found.evidence)} statement(s) as evidence")


def _write_atomically(output: Path, content: str | bytes) -> None:
    """Write beside the target, then rename: a failure never leaves half a file behind."""
    partial = output.with_name(output.name + ".partial")
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        partial.write_bytes(data)
        partial.replace(output)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise UsageError(f"cannot write {output}: {exc.strerror or exc}") from None


@query_app.command("cypher")
def query_cypher(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="Cypher text, @FILE, or - for stdin.")],
    backend: BackendOption = None,
    format: Annotated[
        Output, typer.Option(help="table, json (list of row objects), csv.")
    ] = Output.table,
    timeout_ms: Annotated[int, typer.Option(help="Give up after this many milliseconds.")] = 30_000,
) -> None:
    """Run a read-only Cypher query (the database refuses writes) on the synced graph."""
    with _graph(ctx, backend) as (_, graph):
        rows = graph.read(_read_query(query), {}, timeout_ms)
    if format == Output.json:
        _print_json(rows)
    elif format == Output.csv:
        _print_csv(rows)
    else:
        table = Table(*(rows[0].keys() if rows else []))
        for row in rows:
            table.add_row(
                *(
                    json.dumps(v, ensure_ascii=False) if not isinstance(v, str) else v
                    for v in row.values()
                )
            )
        out.print(table)
        err.print(f"{len(rows)} row(s)")


def _print_csv(rows: list[dict[str, Any]]) -> None:
    import csv

    writer = csv.writer(sys.stdout)
    if rows:
        writer.writerow(rows[0].keys())
    for row in rows:
        writer.writerow(
            v
            if isinstance(v, str | int | float) or v is None
            else json.dumps(v, ensure_ascii=False)
            for v in row.values()
        )


# serve ---------------------------------------------------------------------------------


@app.command()
def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(envvar="ALLEGRAPH_HOST", help="Address to listen on.")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, typer.Option(envvar="ALLEGRAPH_PORT", help="Port to listen on.")] = 8000,
    backend: BackendOption = None,
) -> None:
    """Serve the HTTP API (SPARQL, Cypher, investigator endpoints) with uvicorn."""
    import uvicorn

    from api.announce import AnnouncingServer
    from api.app import create_app
    from api.services import Services
    from api.settings import Settings

    overrides: dict[str, Any] = {"data": ctx.obj, "host": host, "port": port}
    if backend:
        overrides["backend"] = backend
    settings = Settings(**overrides)
    # The store and the SPARQL workers: fail here, clearly. The graph database starts once
    # the app does, while it listens; a failure of it is told here, once.
    opened = Services(settings, report_failure=_tell_graph_failure)
    base = f"http://{host}:{port}"
    for what, path in SERVED_PAGES:
        err.print(f"{what:<20} {base}{path}", highlight=False)
    app = create_app(settings, opened)
    config = uvicorn.Config(app, host=host, port=port, log_level="warning")
    AnnouncingServer(config, app, settings.data, settings.max_upload_bytes).run()


def _tell_graph_failure(reason: str) -> None:
    err.print(f"error: {reason}; what needs it answers 503", markup=False, highlight=False)


SERVED_PAGES = [
    ("Workbench", "/"),
    ("API docs", "/docs"),
    ("SPARQL endpoint", "/sparql"),
    ("Mirror accusations", "/mirrors"),
    ("Picture of them", "/viz/mirrors"),
]


# actors ----------------------------------------------------------------------------------


@actors_app.command("merge")
def actors_merge(
    ctx: typer.Context,
    keep: Annotated[str, typer.Argument(metavar="A", help="The actor to keep.")],
    merged: Annotated[str, typer.Argument(metavar="B", help="The actor merged into A.")],
) -> None:
    """Make B the same actor as A, in every document now and after (undo with split)."""
    from graph.rdf.actors import resolve_actor
    from graph.rdf.curation import merge_actors

    with _store_or_server(ctx) as target:
        if isinstance(target, RDFStore):
            done = merge_actors(target, resolve_actor(target, keep), resolve_actor(target, merged))
        else:
            done = target.merge(keep, merged)
    out.print(f"merged {done.actors[0]} into {done.kept}; {len(done.documents)} document(s)")


@actors_app.command("split")
def actors_split(
    ctx: typer.Context,
    actor: Annotated[str, typer.Argument(metavar="A", help="An actor others were merged into.")],
) -> None:
    """Undo the merges into A: each merged actor gets its documents back."""
    from graph.rdf.actors import resolve_actor
    from graph.rdf.curation import split_actor

    with _store_or_server(ctx) as target:
        if isinstance(target, RDFStore):
            done = split_actor(target, resolve_actor(target, actor))
        else:
            done = target.split(actor)
    for restored in done.actors:
        out.print(f"split {restored} from {done.kept}")
    out.print(f"{len(done.documents)} document(s) rewritten")


# stats / schema / generate -------------------------------------------------------------


@app.command()
def stats(
    ctx: typer.Context,
    format: Annotated[Output, typer.Option(help="table, json or csv.")] = Output.table,
) -> None:
    """Count documents, actors, acts and statements in the store."""
    with _store(ctx) as store:
        figures = store_stats(store)
    if format == Output.json:
        _print_json(figures.as_dict())
        return
    if format == Output.csv:
        _write_csv(["what", "count"], list(_flat(figures.as_dict())))
        return
    table = Table("what", "count")
    for name, value in figures.as_dict().items():
        if isinstance(value, dict):
            for kind, n in value.items():
                table.add_row(f"  {kind}", f"{n:,}")
        else:
            table.add_row(name.replace("_", " "), f"{value:,}")
    out.print(table)


def _flat(figures: dict[str, Any], prefix: str = "") -> Iterator[list[Any]]:
    """(name, count) rows, a nested count named `statements_by_kind.accusation`."""
    for name, value in figures.items():
        if isinstance(value, dict):
            yield from _flat(value, f"{prefix}{name}.")
        else:
            yield [f"{prefix}{name}", value]


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
