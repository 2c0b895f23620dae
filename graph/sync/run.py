"""Sync: the RDF store → a Cypher database, incremental per document and provenance-aware.

A document is (re)synced when its `ag:graphHash` differs from the one on its `:Document`
node, and withdrawn when its node has no graph any more. Withdrawing a version removes the
document from the `documents` list of every node and edge it supported and deletes what is
left unsupported; writing a version merges its rows and adds the document back. The graph
hash is written last, so a sync cut off half-way is simply redone by the next one.
"""

from __future__ import annotations

import gc
import time
from collections import defaultdict
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from rdflib import URIRef

from graph.background import BackgroundWriter
from graph.property import cypher
from graph.property.backend import CypherBackend, GraphBuilder
from graph.property.rows import NodeRow
from graph.rdf.changes import Position
from graph.rdf.store import RDFStore
from graph.sync import rolled_up_graph
from graph.sync.bulk import BulkBuild
from graph.sync.mapping import (
    DocumentRows,
    SharedProperties,
    merged_edges,
    merged_nodes,
    ontology_nodes,
    shared_by_documents,
)
from graph.sync.readers import as_read, read_batches

BATCH_DOCUMENTS = 200
ROWS_PER_STATEMENT = 2000
COMPARE_NAMED_UP_TO = 20_000  # documents looked up one by one; beyond, every hash is listed


@dataclass
class SyncReport:
    added: int = 0
    changed: int = 0
    removed: int = 0
    nodes: int = 0
    edges: int = 0
    seconds: float = 0.0
    built_in_bulk: bool = False  # made from nothing by the backend's graph builder
    rolled_up_seconds: float = 0.0  # of `seconds`, keeping the rolled-up network
    rolled_up_built_whole: bool = False  # rather than kept batch by batch
    differences: list[str] = field(default_factory=list)

    @property
    def elements(self) -> int:
        return self.nodes + self.edges


def sync_documents(
    store: RDFStore,
    backend: CypherBackend,
    *,
    full: bool = False,
    bulk: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> SyncReport:
    """Bring the graph database in line with the RDF store; return what was done.

    A graph made from nothing is built in bulk where the backend can (`bulk` off: with
    the same Cypher statements as an incremental sync; the graph is the same)."""
    with _cyclic_gc_paused():
        return _sync(store, backend, full, bulk, progress)


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while a sync runs. The rows are millions
    of short-lived tuples, lists and dicts, none of them in a cycle (reference counting
    frees them), and each collection walked them all: a 1,000-document sync ran 1.2 to
    1.6 times faster without it."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _sync(
    store: RDFStore,
    backend: CypherBackend,
    full: bool,
    bulk: bool,
    progress: Callable[[int, int], None] | None,
) -> SyncReport:
    started = time.perf_counter()
    if full:
        backend.clear()
    end = store.changes.end()  # before the store is read: what is written after, syncs next
    named = _named_since_sync(store, backend, end)
    if named is None:
        wanted = _rdf_documents(store)
        build, synced = _begin(backend, full, bulk and bool(wanted))
    else:
        build, (wanted, synced) = None, _hashes_of(store, backend, named)
        _prepare(backend)
    todo, gone = _differing(wanted, synced)
    added = sum(1 for d in todo if d not in synced)
    report = SyncReport(added, len(todo) - added, len(gone), built_in_bulk=build is not None)
    documents = [*gone, *todo]
    batches = list(_batches(documents, BATCH_DOCUMENTS))
    to_read = [[(d, wanted[d]) for d in batch if d in wanted] for batch in batches]
    keeper = None
    if build is None:
        # The change log is only read for a graph that holds documents already.
        has_documents = bool(synced) or named is not None
        keeper = _begin_rolled_up(backend, bool(documents), has_documents)
        writes = _incremental_writes(store, backend, batches, to_read, synced, keeper)
    else:
        writes = _bulk_writes(store, build, to_read)
    done = 0
    with BackgroundWriter("sync") as pipeline, closing(writes):
        for batch, ((nodes, edges), write) in zip(batches, writes, strict=True):
            report.nodes, report.edges = report.nodes + nodes, report.edges + edges
            pipeline.submit(write)
            done += len(batch)
            if progress is not None:
                progress(done, len(documents))
    if build is not None:
        _finish_build(backend, build)
    report.rolled_up_seconds, report.rolled_up_built_whole = _end_rolled_up(
        backend, keeper, bool(documents)
    )
    backend.write(cypher.SET_SYNC_POSITION, {"log": end.log, "read": end.read})
    report.seconds = time.perf_counter() - started
    return report


def _begin_rolled_up(
    backend: CypherBackend, work: bool, has_documents: bool
) -> rolled_up_graph.Keeper | None:
    """What keeps the rolled-up network up to date batch by batch, if this sync does: only
    when the graph holds it exact and already has documents (a graph filled from nothing
    gets it whole at the end). It is marked inexact while the batches are written."""
    exact = rolled_up_graph.is_exact(backend)
    if exact and work:
        rolled_up_graph.mark(backend, False)
    return rolled_up_graph.Keeper() if exact and has_documents else None


def _end_rolled_up(
    backend: CypherBackend, keeper: rolled_up_graph.Keeper | None, work: bool
) -> tuple[float, bool]:
    """The network marked exact again after batches that kept it, else built whole
    (when the graph was built or filled from nothing, or held it inexact or not at all);
    the seconds its upkeep took in this sync, and whether it was built whole."""
    started = time.perf_counter()
    if keeper is not None:
        if work:
            rolled_up_graph.mark(backend, True)
        return keeper.seconds + time.perf_counter() - started, False
    whole = work or not rolled_up_graph.is_exact(backend)
    if whole:
        rolled_up_graph.rebuild(backend)
    return time.perf_counter() - started, whole


Write = tuple[tuple[int, int], Callable[[], None]]
"""A batch read: how many nodes and edges it has, and what writes it."""


def _incremental_writes(
    store: RDFStore,
    backend: CypherBackend,
    batches: list[Sequence[str]],
    to_read: list[list[tuple[str, str]]],
    synced: dict[str, str],
    keeper: rolled_up_graph.Keeper | None,
) -> Generator[Write, None, None]:
    with closing(read_batches(store, to_read, as_read)) as reads:
        for batch, rows in zip(batches, reads, strict=True):
            counts = sum(len(d.nodes) for d in rows), sum(len(d.edges) for d in rows)
            withdrawn = [d for d in batch if d in synced]
            yield counts, partial(_apply, store, backend, withdrawn, rows, keeper)


def _bulk_writes(
    store: RDFStore, build: BulkBuild, to_read: list[list[tuple[str, str]]]
) -> Generator[Write, None, None]:
    with closing(read_batches(store, to_read, build.prepare, unite=False)) as reads:
        for parts in reads:
            yield (parts.nodes, parts.edges), partial(build.add, (), parts)


def _begin(
    backend: CypherBackend, cleared: bool, bulk: bool
) -> tuple[BulkBuild | None, dict[str, str]]:
    """A bulk build of a new graph, or the schema and what the graph holds already (each
    synced document's graph hash); the ontology's nodes written either way."""
    builder = _graph_builder(backend, cleared) if bulk else None
    if builder is None:
        _prepare(backend)
        return None, _all_synced(backend)
    build = BulkBuild(builder)
    build.add(ontology_nodes())
    return build, {}


def _graph_builder(backend: CypherBackend, cleared: bool) -> GraphBuilder | None:
    """A bulk builder when the graph is to be made from nothing: a first sync, a full one,
    or one after a build that was cut off (no document in the graph carries its graph
    hash yet, so nothing synced is lost by starting again)."""
    builder = backend.graph_builder()
    if builder is None and not cleared and not backend.read(cypher.ANY_SYNCED_DOCUMENT):
        backend.clear()
        builder = backend.graph_builder()
    return builder


def _finish_build(backend: CypherBackend, build: BulkBuild) -> None:
    """After a bulk build: the index, what later batches added to nodes and edges built
    earlier (the incremental sync's own statements), and the graph hashes last."""
    backend.ensure_schema()
    again = build.nodes_again
    relabelled = _relabelled(backend, list(again.values()))
    same = [n.as_param() for iri, n in again.items() if iri not in relabelled]
    _write_rows(backend, cypher.UPDATE_NODES, same)
    _write_nodes(backend, (n for iri, n in again.items() if iri in relabelled))
    edges = ((e.type, e.as_param()) for e in build.edges_again.values())
    _write_grouped(backend, cypher.merge_edges, edges)
    _write_rows(backend, cypher.SET_GRAPH_HASHES, build.hashes)


def _relabelled(backend: CypherBackend, nodes: list[NodeRow]) -> set[str]:
    """The IRIs of these nodes whose labels in the graph are not theirs."""
    held: dict[str, set[str]] = {}
    for chunk in _batches([n.iri for n in nodes], ROWS_PER_STATEMENT):
        for row in backend.read(cypher.NODE_LABELS_OF, {"iris": list(chunk)}):
            held[row["iri"]] = set(row["labels"]) - {"Resource"}
    return {n.iri for n in nodes if held.get(n.iri) != set(n.labels)}


def unsynced_documents(store: RDFStore, backend: CypherBackend) -> int:
    """How many documents the next sync would write or withdraw: the store's whose current
    version the graph does not hold, and the graph's that the store no longer has."""
    named = _named_since_sync(store, backend, store.changes.end())
    if named is None:
        wanted, synced = _rdf_documents(store), _all_synced(backend)
    else:
        wanted, synced = _hashes_of(store, backend, named)
    todo, gone = _differing(wanted, synced)
    return len(todo) + len(gone)


def _differing(wanted: dict[str, str], synced: dict[str, str]) -> tuple[list[str], list[str]]:
    """The documents to write (the store's whose version the graph does not hold) and to
    withdraw (the graph's that the store no longer has), each sorted."""
    todo = sorted(d for d, h in wanted.items() if synced.get(d) != h)
    return todo, sorted(synced.keys() - wanted.keys())


def _prepare(backend: CypherBackend) -> None:
    """The schema and the ontology's nodes, before an incremental sync's batches."""
    backend.ensure_schema()
    _write_nodes(backend, ontology_nodes())


def _named_since_sync(store: RDFStore, backend: CypherBackend, end: Position) -> set[str] | None:
    """The document graphs the store's change log names since the graph's last sync, or
    None when they must all be compared: no sync read this log (a first sync, a full one,
    a restored store), so many are named that listing every hash is quicker, or the graph
    holds no document yet (it is then built as a first sync builds it: in bulk, and its
    rolled-up network whole, not kept a batch at a time)."""
    rows = backend.read(cypher.READ_SYNC_POSITION)
    held = rows[0] if len(rows) == 1 else {}
    log, read = held.get("log"), held.get("read")
    start = Position(log, read) if isinstance(log, str) and isinstance(read, int) else None
    named = store.changes.named_between(start, end)
    if named is None or len(named) > COMPARE_NAMED_UP_TO:
        return None
    return named if not named or backend.read(cypher.ANY_SYNCED_DOCUMENT) else None


def _hashes_of(
    store: RDFStore, backend: CypherBackend, documents: set[str]
) -> tuple[dict[str, str], dict[str, str]]:
    """The graph hashes of these documents in the store (those it still has) and in the
    graph database (those synced), each looked up by name."""
    wanted = {d: h for d in documents if (h := store.graph_hash(URIRef(d))) is not None}
    synced: dict[str, str] = {}
    for chunk in _batches(sorted(documents), ROWS_PER_STATEMENT):
        rows = backend.read(cypher.SYNCED_DOCUMENTS_OF, {"iris": list(chunk)})
        synced.update({r["iri"]: r["hash"] for r in rows})
    return wanted, synced


def _all_synced(backend: CypherBackend) -> dict[str, str]:
    return {r["iri"]: r["hash"] for r in backend.read(cypher.SYNCED_DOCUMENTS)}


def _rdf_documents(store: RDFStore) -> dict[str, str]:
    """Each document's graph hash, which only the document node of its own graph carries
    (read straight from Oxigraph: 100,000 rows through rdflib took about 10 s)."""
    rows = store.solutions("SELECT ?d ?h WHERE { GRAPH ?d { ?d ag:graphHash ?h } }")
    return {row["d"].value: row["h"].value for row in rows}


def _batches(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _owned_types(backend: CypherBackend) -> list[str]:
    """The graph's relationship types that a subject may own (all but the few whose source
    never owns them), sorted."""
    rows = backend.read(cypher.RELATIONSHIP_TYPES)
    found = {row["relationshipType"] for row in rows}
    return sorted(found - set(cypher.NOT_OWNED_BY_SOURCE))


def _withdraw(backend: CypherBackend, documents: list[str]) -> list[str]:
    """Take back everything these documents' synced versions contributed; the actors they
    named, which other documents may still give."""
    if not documents:
        return []
    pairs: list[dict[str, str]] = []
    statements: list[str] = []
    for row in backend.read(cypher.DOCUMENT_SUBJECTS, {"documents": documents}):
        subjects = [*row["actors"], *row["derived"]]
        statements.extend(row["derived"])
        pairs.extend({"subject": s, "document": row["doc"]} for s in subjects)
    backend.write(cypher.DELETE_SHORTCUTS, {"statements": statements})
    backend.write(cypher.DELETE_MENTIONS, {"documents": documents})
    owned = _owned_types(backend)
    if owned:
        release, delete = cypher.release_edges(owned), cypher.delete_unsupported_edges(owned)
        for chunk in _batches(pairs, ROWS_PER_STATEMENT):
            backend.write(release, {"pairs": list(chunk)})
        subjects = sorted({p["subject"] for p in pairs})
        for chunk in _batches(subjects, ROWS_PER_STATEMENT):
            backend.write(delete, {"subjects": list(chunk)})
    # Actors and derived nodes first, the document nodes last: a cut-off withdrawal
    # still finds everything through the document node when it is redone.
    others = _by_subject(p for p in pairs if p["subject"] != p["document"])
    for chunk in _batches(others, ROWS_PER_STATEMENT):
        backend.write(cypher.RELEASE_NODES, {"groups": list(chunk)})
        chunk_subjects = [group["subject"] for group in chunk]
        backend.write(cypher.DELETE_UNSUPPORTED_NODES, {"subjects": chunk_subjects})
    own = [{"subject": d, "documents": [d]} for d in documents]
    backend.write(cypher.RELEASE_NODES, {"groups": own})
    backend.write(cypher.DELETE_UNSUPPORTED_NODES, {"subjects": documents})
    return [group["subject"] for group in others if shared_by_documents(group["subject"])]


def _by_subject(pairs: Iterable[dict[str, str]]) -> list[dict[str, Any]]:
    """(subject, document) pairs as one row per subject with its documents, by subject."""
    documents: defaultdict[str, list[str]] = defaultdict(list)
    for pair in pairs:
        documents[pair["subject"]].append(pair["document"])
    return [{"subject": s, "documents": documents[s]} for s in sorted(documents)]


def _apply(
    store: RDFStore,
    backend: CypherBackend,
    withdrawn: list[str],
    documents: list[DocumentRows],
    keeper: rolled_up_graph.Keeper | None,
) -> None:
    """One batch: take back the old versions, then write the current ones (and, with a
    `keeper`, bring the rolled-up network up to date with what they changed)."""
    before = keeper.before(backend, withdrawn, documents) if keeper is not None else None
    released = _withdraw(backend, withdrawn)
    nodes = merged_nodes(n for d in documents for n in d.nodes)
    _refresh_actors(store, backend, [a for a in released if a not in nodes])
    edges = merged_edges(e for d in documents for e in d.edges)
    absent = _absent(backend, list(nodes))
    _write_nodes(backend, [n for iri, n in nodes.items() if iri not in absent])
    new_nodes = ((n.labels, n.as_param()) for iri, n in nodes.items() if iri in absent)
    _write_grouped(backend, cypher.create_nodes, new_nodes)
    old: list[tuple[str, dict[str, Any]]] = []
    new: list[tuple[str, dict[str, Any]]] = []
    for edge in edges:  # an edge at a node that did not exist cannot exist yet either
        fresh = edge.source in absent or edge.target in absent or edge.owner in absent
        (new if fresh else old).append((edge.type, edge.as_param()))
    _write_grouped(backend, cypher.merge_edges, old)
    _write_grouped(backend, cypher.create_edges, new)
    if keeper is not None and before is not None:
        keeper.after(backend, before)
    hashes = [{"iri": d.document, "hash": d.graph_hash} for d in documents]
    backend.write(cypher.SET_GRAPH_HASHES, {"rows": hashes})


def _refresh_actors(store: RDFStore, backend: CypherBackend, actors: list[str]) -> None:
    """Actors a withdrawn version named and this batch does not name again get their labels
    and properties from what the store's documents give them now: a label or a name only
    the withdrawn version gave (an actor split off again, say) would otherwise stay."""
    kept = sorted(set(actors) - _absent(backend, actors))
    if not kept:
        return
    current = SharedProperties(store.oxigraph).of(kept)
    _write_nodes(backend, [NodeRow(a, *current[a], documents=[]) for a in kept])


def _absent(backend: CypherBackend, iris: list[str]) -> set[str]:
    """The IRIs among these that no node of the graph has."""
    found: set[str] = set()
    for chunk in _batches(iris, ROWS_PER_STATEMENT * 5):
        found.update(r["iri"] for r in backend.read(cypher.EXISTING_NODES, {"iris": list(chunk)}))
    return set(iris) - found


def _write_nodes(backend: CypherBackend, nodes: Iterable[NodeRow]) -> None:
    _write_grouped(backend, cypher.upsert_nodes, ((n.labels, n.as_param()) for n in nodes))


def _write_grouped(
    backend: CypherBackend,
    statement_for: Callable[[Any], str],
    rows: Iterable[tuple[Any, dict[str, Any]]],
) -> None:
    """Rows grouped by what their statement's text depends on (a label set, a relationship
    type), each group sent in UNWIND batches."""
    groups: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for key, row in rows:
        groups[key].append(row)
    for key, group in groups.items():
        _write_rows(backend, statement_for(key), group)


def _write_rows(backend: CypherBackend, statement: str, rows: Sequence[dict[str, Any]]) -> None:
    """One statement over `$rows`, sent in UNWIND batches."""
    for chunk in _batches(rows, ROWS_PER_STATEMENT):
        backend.write(statement, {"rows": list(chunk)})
