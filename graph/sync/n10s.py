"""The n10s shape: the property graph neosemantics (n10s) makes of the same RDF.

What `n10s.rdf.import` gives for the ontology and every document graph with its default
graph config (`handleVocabUris: 'SHORTEN'`, `handleRDFTypes: 'LABELS'`, no language tags,
no custom datatypes), the allegraph prefixes declared first as `n10s.nsprefixes.add` would:
every IRI a `:Resource` node with `uri`; rdf:type a label (`ag__Accusation`); a literal a
property (`rdfs__label`, `ag__quote`); any other IRI object a relationship named by the
predicate (`ag__claimant`, `owl__sameAs`); the prefixes in n10s's `_NsPrefDef` node.
One choice differs from the default: skos:altLabel is kept as an array (`handleMultival:
'ARRAY'` with it as the `multivalPropList`), so no alias is lost; any other property keeps
one value. docs/property-graph.md ("The n10s shape") says what is left out and why.

There are no `documents` lists to withdraw a document by, so a sync that finds any
document changed builds the whole graph again; one that finds none does nothing.
"""

from __future__ import annotations

import re
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import pyoxigraph as ox
from rdflib.namespace import DC, SH

from graph.property import cypher
from graph.property.backend import CypherBackend
from graph.rdf.curation import CURATION_GRAPH
from graph.rdf.network import DERIVED_GRAPHS
from graph.rdf.store import RDFStore
from graph.sync.mapping import shared_by_documents
from graph.sync.run import BATCH_DOCUMENTS, ROWS_PER_STATEMENT, SyncReport, _rdf_documents
from loaders.errors import BackendError, QueryError, UsageError
from ontology import AG
from ontology.namespace import DCTERMS, ONTOLOGY_IRI, OWL, PREFIXES, RDF, RDFS, SKOS, XSD

# n10s's standard prefixes (its NsPrefixMap): `n10s.nsprefixes.add` refuses any other prefix
# for these namespaces, and these prefixes for any other namespace.
N10S_STANDARD_PREFIXES: dict[str, str] = {
    "http://schema.org/": "sch",
    str(DC): "dc",
    str(DCTERMS): "dct",
    str(SKOS): "skos",
    "http://www.w3.org/2008/05/skos-xl#": "skosxl",
    str(RDFS): "rdfs",
    str(OWL): "owl",
    str(RDF): "rdf",
    str(SH): "sh",
}
SEPARATOR = "__"  # between prefix and local name, as n10s shortens (`ag__claimant`)
ARRAY_PREDICATES = frozenset({str(SKOS.altLabel)})  # n10s's multivalPropList, as arrays
NOT_READ = (*DERIVED_GRAPHS, CURATION_GRAPH)  # derived from the documents, or bookkeeping

_TYPE = str(RDF.type)
_GRAPH_HASH = str(AG.graphHash)
# n10s's integer types (stored as integers), and those it stores as floats
_LONGS = frozenset(
    str(t)
    for t in (
        *(XSD.integer, XSD.long, XSD.int, XSD.short, XSD.byte),
        *(XSD.nonNegativeInteger, XSD.positiveInteger, XSD.nonPositiveInteger),
        *(XSD.negativeInteger, XSD.unsignedLong, XSD.unsignedInt, XSD.unsignedShort),
        XSD.unsignedByte,
    )
)
_DOUBLES = frozenset({str(XSD.decimal), str(XSD.double), str(XSD.float)})
_OFFSET = re.compile(r"(Z|[+-]\d\d:\d\d)$")


@cache
def n10s_prefixes() -> dict[str, str]:
    """Prefix → namespace: allegraph's own, except that a namespace n10s has a standard
    prefix for gets n10s's (dcterms is `dct`), which is the only one n10s accepts."""
    return {N10S_STANDARD_PREFIXES.get(ns, prefix): ns for prefix, ns in PREFIXES.items()}


@cache
def _prefix_of() -> dict[str, str]:
    return {ns: prefix for prefix, ns in n10s_prefixes().items()}


def split_iri(iri: str) -> tuple[str, str]:
    """Namespace and local name as RDF4J (and so n10s) splits an IRI: after the last `#`,
    else the last `/`, else the last `:`."""
    for separator in "#/:":
        at = iri.rfind(separator)
        if at >= 0:
            return iri[: at + 1], iri[at + 1 :]
    return "", iri


@cache
def short_name(iri: str) -> str:
    """`https://w3id.org/allegraph/ns#claimant` → `ag__claimant`. A namespace without a
    prefix is refused, as n10s's SHORTEN_STRICT does: a made-up `ns0` would name the same
    term differently from one graph to the next."""
    namespace, local = split_iri(iri)
    prefix = _prefix_of().get(namespace)
    if prefix is None:
        raise UsageError(
            f"no prefix for the namespace <{namespace}> of <{iri}>: the n10s shape names "
            "every term with a prefix of ontology/namespace.py's PREFIXES"
        )
    return f"{prefix}{SEPARATOR}{local}"


@dataclass(frozen=True)
class Temporal:
    """A date or date-time, sent as text and made by a Cypher function (`date`,
    `localdatetime`, `datetime`): FalkorDB's client cannot send temporal parameters."""

    function: str
    text: str


def literal_value(literal: ox.Literal) -> Any:
    """A literal's value as n10s stores it: integers as integers, decimals and doubles
    as floats, booleans, xsd:date as a date, xsd:dateTime as a date-time (zoned when it
    has an offset), and anything else as its text (a language tag dropped)."""
    datatype, text = literal.datatype.value, literal.value
    if datatype in _LONGS:
        return int(text)
    if datatype in _DOUBLES:
        return float(text)
    if datatype == str(XSD.boolean):
        return text in ("true", "1")
    if datatype == str(XSD.date):
        return Temporal("date", text)
    if datatype == str(XSD.dateTime):
        return Temporal("datetime" if _OFFSET.search(text) else "localdatetime", text)
    return text


def node_uri(term: ox.NamedNode | ox.BlankNode) -> str:
    """A node's `uri`: the IRI, or n10s's `bnode://` name for a blank node."""
    return "bnode://" + term.value if isinstance(term, ox.BlankNode) else term.value


@dataclass
class Node:
    """A node's labels and literal values (by predicate IRI) as read from the triples."""

    labels: set[str] = field(default_factory=set)
    values: dict[str, set[Any]] = field(default_factory=lambda: defaultdict(set))

    def update(self, other: Node) -> None:
        self.labels |= other.labels
        for predicate, values in other.values.items():
            self.values[predicate] |= values


Edge = tuple[str, str, str]  # source uri, relationship type, target uri


@dataclass
class GraphRows:
    """What one RDF graph gives: its subjects as nodes, its relationships (each triple
    once, as n10s merges them), and the IRIs that are only ever objects in it."""

    nodes: dict[str, Node] = field(default_factory=lambda: defaultdict(Node))
    edges: set[Edge] = field(default_factory=set)
    objects: set[str] = field(default_factory=set)


def graph_rows(quads: Iterable[ox.Quad]) -> GraphRows:
    rows = GraphRows()
    for quad in quads:
        subject, predicate, obj = quad.subject, quad.predicate.value, quad.object
        if not isinstance(subject, ox.NamedNode | ox.BlankNode):
            continue  # an RDF-star subject: allegraph writes none
        node = rows.nodes[node_uri(subject)]
        if isinstance(obj, ox.Literal):
            node.values[predicate].add(literal_value(obj))
        elif predicate == _TYPE and isinstance(obj, ox.NamedNode):
            node.labels.add(short_name(obj.value))
        elif isinstance(obj, ox.NamedNode | ox.BlankNode):
            target = node_uri(obj)
            rows.edges.add((node_uri(subject), short_name(predicate), target))
            rows.objects.add(target)
    rows.objects -= rows.nodes.keys()
    return rows


def _one(values: set[Any]) -> Any:
    """n10s's OVERWRITE keeps the last value it reads; here the last in a fixed order, so
    the graph does not depend on the order the documents were read in."""
    return max(values, key=lambda v: (type(v).__name__, repr(v)))


NodeGroup = tuple[tuple[str, ...], tuple[tuple[str, str], ...]]
"""What a node statement's text depends on: its labels and its temporal properties."""


def node_param(uri: str, node: Node) -> tuple[NodeGroup, dict[str, Any]]:
    """The statement group and the `$rows` entry of one node (`cypher.n10s_merge_nodes`)."""
    props: dict[str, Any] = {"uri": uri}
    temporal: list[tuple[str, Temporal]] = []
    for predicate, values in sorted(node.values.items()):
        name = short_name(predicate)
        if predicate in ARRAY_PREDICATES:
            props[name] = sorted(v.text if isinstance(v, Temporal) else v for v in values)
        elif isinstance(value := _one(values), Temporal):
            temporal.append((name, value))
        else:
            props[name] = value
    group = (tuple(sorted(node.labels)), tuple((n, t.function) for n, t in temporal))
    return group, {"uri": uri, "props": props, "temporal": [t.text for _, t in temporal]}


def sync_n10s(
    store: RDFStore,
    backend: CypherBackend,
    *,
    full: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> SyncReport:
    """Build the n10s shape from the store, unless the graph holds every document's
    current version already (`full` builds it regardless)."""
    started = time.perf_counter()
    wanted = _rdf_documents(store)
    statement = cypher.n10s_synced_documents(short_name(str(AG.Document)), short_name(_GRAPH_HASH))
    synced = {r["iri"]: r["hash"] for r in backend.read(statement)}
    changed = sum(1 for d in wanted.keys() & synced.keys() if synced[d] != wanted[d])
    report = SyncReport(len(wanted.keys() - synced.keys()), changed)
    report.removed = len(synced.keys() - wanted.keys())
    if synced == wanted and not full:
        report.seconds = time.perf_counter() - started
        return report
    _check_prefixes(backend)
    backend.clear()
    _ensure_schema(backend)
    backend.write(cypher.N10S_DECLARE_PREFIXES, {"prefixes": n10s_prefixes()})
    build = _Build(backend)
    build.add([_quads(store, str(ONTOLOGY_IRI))])
    documents = sorted(wanted)
    for start in range(0, len(documents), BATCH_DOCUMENTS):
        build.add(_quads(store, d) for d in documents[start : start + BATCH_DOCUMENTS])
        if progress is not None:
            progress(min(start + BATCH_DOCUMENTS, len(documents)), len(documents))
    build.finish()
    report.nodes, report.edges = build.nodes, build.edges
    report.seconds = time.perf_counter() - started
    return report


def _quads(store: RDFStore, graph: str) -> Iterator[ox.Quad]:
    return store.oxigraph.quads_for_pattern(None, None, None, ox.NamedNode(graph))


def _check_prefixes(backend: CypherBackend) -> None:
    """Refuse to write prefixes n10s would then find in conflict with those it holds (a
    prefix for two namespaces, or two prefixes for one): n10s stops on such a definition."""
    held: dict[str, str] = {}
    for row in backend.read(cypher.N10S_PREFIXES):
        held |= row["prefixes"]
    ours = n10s_prefixes()
    conflicts = [
        f"{prefix}: <{held[prefix]}> held, <{ns}> wanted"
        for prefix, ns in ours.items()
        if held.get(prefix, ns) != ns
    ] + [
        f"<{ns}>: prefix {prefix} held, {_prefix_of()[ns]} wanted"
        for prefix, ns in held.items()
        if ns in _prefix_of() and prefix != _prefix_of()[ns]
    ]
    if conflicts:
        raise BackendError(
            "the graph's n10s prefixes (_NsPrefDef) differ from allegraph's: "
            + "; ".join(sorted(conflicts))
        )


def _ensure_schema(backend: CypherBackend) -> None:
    """The unique (Neo4j) or indexed (FalkorDB) `uri` every node is merged on. FalkorDB
    has no `IF NOT EXISTS` and says so when the index is there already."""
    for statement in backend.dialect.n10s_schema:
        try:
            backend.write(statement)
        except QueryError as exc:
            if "already indexed" not in str(exc):
                raise


class _Build:
    """Writes the graph a batch of graphs at a time. A node other than an actor belongs to
    one document graph (or to the ontology) and is written with its batch. An actor is
    named in many documents: it is written as the first one has it, and its labels,
    values and relationships, united over every document, at the end. An IRI that is
    only an object (a Wikidata item, an act type) is written as a bare node once."""

    def __init__(self, backend: CypherBackend) -> None:
        self.backend = backend
        self.bare: set[str] = set()  # IRIs written as objects only, so far
        self.actors: dict[str, Node] = defaultdict(Node)
        self.actor_labels: dict[str, set[str]] = {}  # as first written
        self.actor_edges: set[Edge] = set()
        self.hashes: list[dict[str, Any]] = []
        self.nodes = self.edges = 0

    def add(self, graphs: Iterable[Iterable[ox.Quad]]) -> None:
        nodes: dict[str, Node] = defaultdict(Node)
        edges: set[Edge] = set()
        objects: set[str] = set()
        for quads in graphs:
            rows = graph_rows(quads)
            for uri, node in rows.nodes.items():
                for graph_hash in node.values.pop(_GRAPH_HASH, ()):  # written last
                    self.hashes.append({"uri": uri, "hash": graph_hash})
                if shared_by_documents(uri):
                    if uri not in self.actors:
                        nodes[uri].update(node)
                    self.actors[uri].update(node)
                else:
                    nodes[uri].update(node)
            for edge in rows.edges:
                (self.actor_edges if shared_by_documents(edge[0]) else edges).add(edge)
            objects |= rows.objects
        bare = objects - nodes.keys() - self.actors.keys() - self.bare
        self.bare |= bare
        self.actor_labels |= {u: set(n.labels) for u, n in nodes.items() if shared_by_documents(u)}
        self._write_nodes({**dict.fromkeys(sorted(bare), Node()), **nodes})
        self._write_edges(edges)

    def finish(self) -> None:
        """The actors as every document has them, their relationships, the graph hashes."""
        groups: dict[NodeGroup, list[dict[str, Any]]] = defaultdict(list)
        for uri, node in self.actors.items():
            (labels, temporal), param = node_param(uri, node)
            same = set(labels) == self.actor_labels[uri]  # setting labels again is slow
            groups[((() if same else labels), temporal)].append(param)
        for (labels, temporal), rows in groups.items():
            self._write(cypher.n10s_update_nodes(labels, self._made(temporal)), rows)
        self._write_edges(self.actor_edges)
        statement = cypher.n10s_set_graph_hashes(short_name(_GRAPH_HASH))
        self._write(statement, self.hashes)

    def _write_nodes(self, nodes: dict[str, Node]) -> None:
        """Nodes the graph does not hold are created with their labels; those it holds (met
        in an earlier batch) get what this one adds."""
        held = self._held(list(nodes))
        groups: dict[tuple[bool, NodeGroup], list[dict[str, Any]]] = defaultdict(list)
        for uri, node in nodes.items():
            if uri not in held or node.labels or node.values:
                group, param = node_param(uri, node)
                groups[uri in held, group].append(param)
        for (update, (labels, temporal)), rows in groups.items():
            statement = cypher.n10s_update_nodes if update else cypher.n10s_create_nodes
            self._write(statement(labels, self._made(temporal)), rows)
        self.nodes += len(nodes.keys() - held)

    def _held(self, uris: list[str]) -> set[str]:
        held: set[str] = set()
        for start in range(0, len(uris), ROWS_PER_STATEMENT * 5):
            chunk = uris[start : start + ROWS_PER_STATEMENT * 5]
            held.update(
                r["uri"] for r in self.backend.read(cypher.N10S_EXISTING_NODES, {"uris": chunk})
            )
        return held

    def _made(self, temporal: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
        """The temporal properties, each with a function the database has."""
        missing = {f for _, f in temporal} - self.backend.dialect.temporal
        if missing:
            raise BackendError(
                f"{self.backend.name} has no {', '.join(sorted(missing))}() for the "
                f"n10s shape's {', '.join(n for n, _ in temporal)}: sync it to Neo4j"
            )
        return temporal

    def _write_edges(self, edges: Iterable[Edge]) -> None:
        groups: dict[str, list[dict[str, str]]] = defaultdict(list)
        for source, rel_type, target in sorted(edges):
            groups[rel_type].append({"source": source, "target": target})
        for rel_type, rows in groups.items():
            self._write(cypher.n10s_create_edges(rel_type), rows)
            self.edges += len(rows)

    def _write(self, statement: str, rows: Sequence[Any]) -> None:
        for start in range(0, len(rows), ROWS_PER_STATEMENT):
            self.backend.write(statement, {"rows": list(rows[start : start + ROWS_PER_STATEMENT])})


# verify -------------------------------------------------------------------------------------

_READ_GRAPHS = f"FILTER (?g NOT IN ({', '.join(f'<{g}>' for g in NOT_READ)}))"


def expected_counts(store: RDFStore) -> dict[str, int]:
    """`label:X` and `type:Y` counts as n10s would make them of the store's ontology and
    document graphs, counted in SPARQL: each typed subject once per type, each IRI once,
    each triple between IRIs once."""
    counts: dict[str, int] = {}
    labels = store.solutions(
        f"SELECT ?t (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH ?g {{ ?s a ?t }} "
        f"FILTER isIRI(?t) {_READ_GRAPHS} }} GROUP BY ?t"
    )
    for row in labels:
        counts[f"label:{short_name(row['t'].value)}"] = int(row["n"].value)
    resources = store.solutions(
        f"SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE {{ GRAPH ?g {{ {{ ?r ?p ?o }} UNION "
        f"{{ ?s ?p ?r FILTER (!isLiteral(?r) && ?p != <{_TYPE}>) }} }} {_READ_GRAPHS} }}"
    )
    counts["label:Resource"] = int(resources[0]["n"].value)
    edges = store.solutions(
        f"SELECT ?p (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?p ?o WHERE {{ "
        f"GRAPH ?g {{ ?s ?p ?o }} FILTER (!isLiteral(?o) && ?p != <{_TYPE}>) {_READ_GRAPHS} "
        f"}} }} GROUP BY ?p"
    )
    for row in edges:
        counts[f"type:{short_name(row['p'].value)}"] = int(row["n"].value)
    return {k: v for k, v in counts.items() if v}


def differences(store: RDFStore, backend: CypherBackend) -> list[str]:
    """One line per count that differs between the store (as n10s would import it) and
    the graph; empty when they match."""
    want = expected_counts(store)
    have = {f"label:{r['label']}": r["n"] for r in backend.read(cypher.LABEL_COUNTS)}
    have |= {f"type:{r['type']}": r["n"] for r in backend.read(cypher.TYPE_COUNTS)}
    return [
        f"{key}: RDF store {want.get(key, 0):,}, graph {have.get(key, 0):,}"
        for key in sorted(want.keys() | have.keys())
        if want.get(key, 0) != have.get(key, 0)
    ]
