"""The RDF store: an rdflib `Dataset` on Oxigraph, persisted in the data directory.

One named graph per document, and a document is either entirely in the store or not at all.
Replacements are one SPARQL update (one transaction). New documents go through Oxigraph's
bulk loader, three times faster than a transactional load but not atomic, so their graph
names are written to a journal first (one per load: loads of new graphs may run at once)
and any graph still named in a journal when the store is next opened (a crash mid-load) is
removed again: it did not exist before the load began.
"""

from __future__ import annotations

import itertools
import logging
import os
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox
from rdflib import Dataset, URIRef
from rdflib.query import Result

from graph.native_memory import keep_large_buffers_mapped
from graph.rdf.changes import CHANGE_LOG, ChangeLog
from graph.rdf.mapping import document_iri
from graph.rdf.network import (
    derived_graphs,
    fill_actors_operation,
    insert_operation,
    lacks_actors_graph,
    prune_operation,
    release_operation,
)
from graph.rdf.ntriples import Graphs, nquads, term
from graph.rdf.service import check_services
from graph.rdf.texts import TEXTS_DIR, GraphTexts, Packed, pack
from loaders.errors import NotFoundError, QueryError, StoreError
from ontology import AG, ONTOLOGY_TTL
from ontology.namespace import ONTOLOGY_IRI, PREFIXES

log = logging.getLogger("allegraph.store")
RDF_DIR = "rdf"
JOURNAL = "bulk-load.journal"
JOURNALS = JOURNAL.replace(".", "*.", 1)  # one per load under way, numbered
EXPORT_FORMATS = {
    "trig": ox.RdfFormat.TRIG,
    "nquads": ox.RdfFormat.N_QUADS,
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
}
_UNION = "CONSTRUCT { ?s ?p ?o } WHERE { SELECT DISTINCT ?s ?p ?o { GRAPH ?g { ?s ?p ?o } } }"


class RDFStore:
    """A persistent (or, with no path, in-memory) dataset of document graphs."""

    def __init__(
        self, path: Path | None = None, allowed_services: Collection[str] | None = frozenset()
    ) -> None:
        """`allowed_services`: the endpoints a query's SERVICE may call (None: any, for the
        owner's own command line; by default none, see `graph.rdf.service`)."""
        keep_large_buffers_mapped()  # else bulk loads' freed buffers pile up in the heap
        self.path = path
        self.allowed_services = allowed_services
        self.dataset = Dataset(store="Oxigraph", default_union=True)
        if path is not None:
            try:
                path.mkdir(parents=True, exist_ok=True)
                self.dataset.open(str(path))
            except OSError as exc:
                raise StoreError(_open_failure(path, exc)) from None
        self._ox: ox.Store = self.dataset.store._inner  # type: ignore[attr-defined]
        self.texts = GraphTexts(None if path is None else path.parent / TEXTS_DIR)
        self.changes = ChangeLog(None if path is None else path.parent / CHANGE_LOG)
        self._loads = itertools.count()
        for prefix, namespace in PREFIXES.items():
            self.dataset.bind(prefix, namespace, override=True)
        self._roll_back_interrupted_load()
        self._ensure_ontology()
        if lacks_actors_graph(self._ox):
            log.warning("writing the actors graph of a store from before it was kept (once)")
            self._ox.update(fill_actors_operation())

    def _new_journal(self) -> Path | None:
        """A journal of its own for a load about to begin (None for an in-memory store)."""
        if self.path is None:
            return None
        return self.path.parent / JOURNAL.replace(".", f"-{next(self._loads)}.", 1)

    def _roll_back_interrupted_load(self) -> None:
        journals = [] if self.path is None else sorted(self.path.parent.glob(JOURNALS))
        if not journals:
            return
        for journal in journals:
            for line in journal.read_text(encoding="utf-8").splitlines():
                if line:
                    self._ox.remove_graph(ox.NamedNode(line))
        self._ox.update(prune_operation())
        for journal in journals:
            journal.unlink()

    def _ensure_ontology(self) -> None:
        """Keep the ontology in its own named graph, so queries can use its labels and
        class hierarchy; reloaded only when `allegraph.ttl` has changed."""
        graph = ox.NamedNode(str(ONTOLOGY_IRI))
        wanted = {
            ox.Quad(t.subject, t.predicate, t.object, graph)
            for t in ox.parse(path=ONTOLOGY_TTL, format=ox.RdfFormat.TURTLE)
        }
        if set(self._ox.quads_for_pattern(None, None, None, graph)) == wanted:
            return
        try:
            self._ox.remove_graph(graph)
            self._ox.extend(wanted)
        except OSError as exc:
            raise StoreError(f"could not write the ontology into the RDF store: {exc}") from None

    @classmethod
    def in_data_dir(
        cls, data_dir: Path, allowed_services: Collection[str] | None = frozenset()
    ) -> RDFStore:
        return cls(data_dir / RDF_DIR, allowed_services)

    def close(self) -> None:
        """Flush and release the store; the directory lock goes with the last reference."""
        if self.path is not None:
            self._ox.flush()
        self.dataset.close()
        del self._ox

    def __enter__(self) -> RDFStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # writing ---------------------------------------------------------------------------

    def write_documents(self, graphs: Graphs, prepared: Prepared | None = None) -> None:
        """Put each graph (its N-Triples text) in the store, replacing any earlier version
        of it atomically; `prepared` is `prepare(graphs)`, done ahead by the caller.

        Calls whose graphs are all new may run at once on several threads (each is a bulk
        load of its own); a call that replaces a graph must run alone, as its update reads
        what the other graphs hold."""
        packed, quads = prepared or (None, None)
        held = [self.has_graph(g) for g, _ in graphs]
        fresh = [graph for graph, there in zip(graphs, held, strict=True) if not there]
        replaced = [graph for graph, there in zip(graphs, held, strict=True) if there]
        before = [self.graph_hash(g) for g, _ in replaced]
        self.changes.record(g for g, _ in graphs)
        try:
            if fresh:
                self._insert_new(fresh, quads if len(fresh) == len(graphs) else None)
            if replaced:
                self._ox.update(" ;\n".join(_replace_operations(replaced)))
        except (OSError, SyntaxError, ValueError) as exc:
            raise StoreError(f"could not write to the RDF store: {exc}") from None
        kept = self.texts.keep(graphs, packed)  # a version written again keeps its text
        self.texts.discard([h for h in before if h is not None and h not in kept])

    def _insert_new(self, graphs: Graphs, quads: bytes | None = None) -> None:
        # Lenient parsing skips IRI validation: every IRI was minted from checked ids.
        quads = quads or _new_quads(graphs)
        journal = self._new_journal()
        if journal is None:
            self._ox.load(quads, format=ox.RdfFormat.N_QUADS, lenient=True)
        else:
            with journal.open("w", encoding="utf-8") as handle:
                handle.writelines(f"{graph}\n" for graph, _ in graphs)
                handle.flush()
                os.fsync(handle.fileno())
            self._ox.bulk_load(quads, format=ox.RdfFormat.N_QUADS, lenient=True)
        if journal is not None:
            journal.unlink()

    def compact(self) -> None:
        """Merge the files that bulk loads leave (Oxigraph's `optimize`). Until background
        compaction has caught up, queries read every one of them: after a 10,000-document
        ingest the `ag:accused+` closure took 120 ms uncompacted and 13 to 25 ms compacted."""
        try:
            self._ox.optimize()
        except OSError as exc:
            raise StoreError(f"could not compact the RDF store: {exc}") from None

    def remove_graph(self, graph: URIRef) -> bool:
        """Withdraw one document's graph (and what only it said); False if there was none."""
        if not self.has_graph(graph):
            return False
        graph_hash = self.graph_hash(graph)
        self.changes.record([graph])
        self._ox.update(f"{release_operation(graph)} ;\nDROP GRAPH {term(graph)}")
        self.texts.discard([graph_hash] if graph_hash is not None else [])
        return True

    # reading ---------------------------------------------------------------------------

    def solutions(
        self, sparql: str, prefixes: dict[str, str] | None = None
    ) -> list[dict[str, Any]]:
        """Rows of a SELECT over the union of all graphs, as variable → Oxigraph term, read
        straight from Oxigraph (for bulk reads, where rdflib's conversion costs most)."""
        result = self._ox.query(
            sparql, use_default_graph_as_union=True, prefixes=prefixes or PREFIXES
        )
        if not isinstance(result, ox.QuerySolutions):
            raise QueryError("expected a SELECT query")
        names = [v.value for v in result.variables]
        return [dict(zip(names, row, strict=True)) for row in result]

    @property
    def oxigraph(self) -> ox.Store:
        """The Oxigraph store itself, for bulk reads (the property-graph sync)."""
        return self._ox

    def has_graph(self, graph: URIRef) -> bool:
        try:
            name = ox.NamedNode(str(graph))
        except ValueError:  # not even an IRI (a mistyped id), so not a graph here
            return False
        return bool(self._ox.contains_named_graph(name))

    def document_graph(self, doc_id_or_iri: str) -> URIRef:
        """The graph IRI for a document id or IRI, or `NotFoundError` if it is not stored."""
        graph = URIRef(doc_id_or_iri) if ":" in doc_id_or_iri else document_iri(doc_id_or_iri)
        if not self.has_graph(graph):
            raise NotFoundError(f"no document {doc_id_or_iri!r} in the store")
        return graph

    def content_hash(self, graph: URIRef) -> str | None:
        """The SHA-256 of the document's text, as its graph records it."""
        return self._own_literal(graph, AG.contentHash)

    def graph_hash(self, graph: URIRef) -> str | None:
        """The SHA-256 of the graph's own lines (`graph.rdf.mapping.with_graph_hash`)."""
        return self._own_literal(graph, AG.graphHash)

    def _own_literal(self, graph: URIRef, predicate: URIRef) -> str | None:
        name = ox.NamedNode(str(graph))
        found = list(self._ox.quads_for_pattern(name, ox.NamedNode(str(predicate)), None, name))
        if not found or not isinstance(found[0].object, ox.Literal):
            return None
        return found[0].object.value

    def quad_count(self) -> int:
        return len(self._ox)

    def document_ids(self) -> list[str]:
        rows = self.query(
            "SELECT ?id { GRAPH ?g { ?g a ag:Document ; dcterms:identifier ?id } } ORDER BY ?id"
        )
        return [str(row[0]) for row in self.rows(rows)]

    @staticmethod
    def rows(result: Result) -> list[tuple[Any, ...]]:
        """A SELECT result's rows as plain tuples (rdflib types them loosely)."""
        return [tuple(row) for row in result]  # type: ignore[arg-type]

    def query(self, sparql: str) -> Result:
        """Run a SPARQL query over the union of all document graphs."""
        check_services(sparql, self.allowed_services, PREFIXES)
        try:
            return self.dataset.query(sparql)
        except (SyntaxError, ValueError, RuntimeError, NotImplementedError) as exc:
            raise QueryError(f"SPARQL query failed: {exc}") from None
        except OSError as exc:
            raise StoreError(f"the RDF store could not answer: {exc}") from None

    def export(self, output: IO[bytes], format: str, graph: URIRef | None = None) -> None:
        """Serialise the dataset, or one document's graph, with Oxigraph's writers.

        Triple formats (Turtle, N-Triples) of the whole dataset get the union of all graphs.
        """
        rdf_format = EXPORT_FORMATS[format]
        prefixes = PREFIXES if rdf_format in (ox.RdfFormat.TRIG, ox.RdfFormat.TURTLE) else None
        if graph is not None:
            source = ox.NamedNode(str(graph))
            self._ox.dump(output, format=rdf_format, from_graph=source, prefixes=prefixes)
        elif rdf_format.supports_datasets:
            self._ox.dump(output, format=rdf_format, prefixes=prefixes)
        else:
            triples = self._ox.query(_UNION)
            assert isinstance(triples, ox.QueryTriples)
            triples.serialize(output, format=rdf_format)


Prepared = tuple[Packed, bytes]
"""New graphs' texts compressed for keeping, and their N-Quads with the network graph's
share: the CPU part of writing them (`prepare`)."""


def prepare(graphs: Graphs) -> Prepared:
    """What `write_documents` would work out for new graphs, done ahead: ingest does it on
    its reading thread, while the store loads the batch before (the slower side)."""
    return pack(graphs), _new_quads(graphs)


def _new_quads(graphs: Graphs) -> bytes:
    """As UTF-8, which the loader reads anyway: a text with one non-Latin-1 character is
    held by Python at four bytes a character, and a batch waits while the one before loads."""
    return nquads([*graphs, *derived_graphs(text for _, text in graphs)]).encode("utf-8")


def _open_failure(path: Path, exc: OSError) -> str:
    if "lock" in str(exc).lower():
        return (
            f"the data directory {path.parent} is in use by another allegraph process "
            "(stop it, or use another --data directory)"
        )
    return f"cannot open the RDF store in {path}: {exc}"


def _replace_operations(graphs: Graphs) -> Iterator[str]:
    """Update operations that swap each graph for its new version, network included."""
    for graph, text in graphs:
        yield release_operation(graph)
        yield f"DROP SILENT GRAPH {term(graph)}"
        yield f"INSERT DATA {{ GRAPH {term(graph)} {{\n{text}}} }}"
        network = insert_operation([text])
        if network:
            yield network
