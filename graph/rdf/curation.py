"""An investigator's corrections to actor identity, kept as data: `actors merge` / `split`.

A merge of B into A is the triple `B owl:sameAs A` in the curation graph, a named graph
of its own that ingest never replaces, with B's names and Wikidata id beside it (as
`skos:hiddenLabel` and `skos:exactMatch`) so that a split knows which documents were B's.
Merging rewrites every document graph that names B to name A instead (a new graph hash,
so the next sync carries it over), and every later ingest sends B to A (`graph.rdf.identity`),
so the correction survives re-ingest. Queries, the network graph and the sync see one actor
because there is one actor IRI in the document graphs.

Split undoes a merge: the curation triples go, and each document whose actor node carries
B's Wikidata id, or B's name (then one of its aliases) as B had them, gets B back.
Both are idempotent: if one is interrupted, running it again finishes it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import Literal, URIRef

from graph.rdf.mapping import with_graph_hash
from graph.rdf.ntriples import GraphText, Triple, iri_term, literal_term, term, triples_text
from graph.rdf.store import RDFStore
from loaders.errors import StoreError, UsageError
from loaders.names import normal_name
from ontology import ACTORS, AG, ID, WD
from ontology.namespace import OWL, RDFS, SKOS, XSD

CURATION_GRAPH = ID["graph/curation"]
_ACTOR = str(ACTORS)


@dataclass
class CurationReport:
    """What a merge or split changed: the actors involved and the documents rewritten."""

    kept: str
    actors: list[str] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)


def canonical_actors(store: RDFStore) -> dict[URIRef, URIRef]:
    """Merged-away actor → the actor it was merged into (always one step)."""
    rows = store.solutions(
        f"SELECT ?b ?a WHERE {{ GRAPH {term(CURATION_GRAPH)} {{ ?b {term(OWL.sameAs)} ?a }} "
        f'FILTER (STRSTARTS(STR(?a), "{_ACTOR}")) }}'
    )
    return {URIRef(r["b"].value): URIRef(r["a"].value) for r in rows}


def merge_actors(store: RDFStore, keep: str, merged: str) -> CurationReport:
    """Make `merged` one actor with `keep`, in every document now and after."""
    canonical = canonical_actors(store)
    a, b = URIRef(keep), URIRef(merged)
    a = canonical.get(a, a)  # keeping an actor already merged away keeps what it became
    if a == b:
        raise UsageError("an actor cannot be merged with itself")
    # Curation first: if the rewrite is cut off, running the merge again finishes it.
    net, cur = term(OWL.sameAs), term(CURATION_GRAPH)
    remembered = triples_text([(b, OWL.sameAs, a), *_identity(store, b)])
    _update(
        store,
        f"DELETE {{ GRAPH {cur} {{ ?x {net} {term(b)} }} }} "
        f"INSERT {{ GRAPH {cur} {{ ?x {net} {term(a)} }} }} "
        f"WHERE {{ GRAPH {cur} {{ ?x {net} {term(b)} }} }} ;\n"
        f"INSERT DATA {{ GRAPH {cur} {{\n{remembered}}} }}",
    )
    documents = _rewrite(store, {g: {b: a} for g in _documents_naming(store, b)})
    return CurationReport(str(a), [str(b)], documents)


def split_actor(store: RDFStore, actor: str) -> CurationReport:
    """Undo the merges into `actor` (or, given a merged-away actor, just its own merge)."""
    canonical = canonical_actors(store)
    a = URIRef(actor)
    if a in canonical:
        merged, a = [a], canonical[a]
    else:
        merged = sorted(b for b, kept in canonical.items() if kept == a)
    if not merged:
        raise UsageError(f"{actor} was not merged with any other actor")
    known = {b: _remembered(store, b) for b in merged}
    changes: dict[URIRef, dict[URIRef, URIRef]] = {}
    for graph, naming in _named_in_documents(store, a):
        back = _original(known, naming)
        if back is not None:
            changes[graph] = {a: back}
    documents = _rewrite(store, changes)  # documents first, then what a rerun would need
    cur = term(CURATION_GRAPH)
    _update(
        store, " ;\n".join(f"DELETE WHERE {{ GRAPH {cur} {{ {term(b)} ?p ?o }} }}" for b in merged)
    )
    return CurationReport(str(a), [str(b) for b in merged], documents)


def _identity(store: RDFStore, actor: URIRef) -> list[Triple]:
    """The actor's names and Wikidata ids as the curation graph remembers them."""
    rows = store.solutions(
        f"SELECT DISTINCT ?p ?o WHERE {{ GRAPH ?g {{ ?g a {term(AG.Document)} . "
        f"{term(actor)} ?p ?o }} VALUES ?p {{ {term(RDFS.label)} {term(SKOS.altLabel)} "
        f"{term(OWL.sameAs)} }} }}"
    )
    triples: list[Triple] = []
    for row in rows:
        if isinstance(row["o"], ox.Literal):
            triples.append((actor, SKOS.hiddenLabel, Literal(row["o"].value)))
        elif row["o"].value.startswith(str(WD)):
            triples.append((actor, SKOS.exactMatch, URIRef(row["o"].value)))
    return triples


def _remembered(store: RDFStore, actor: URIRef) -> tuple[set[str], set[str]]:
    rows = store.solutions(
        f"SELECT ?p ?o WHERE {{ GRAPH {term(CURATION_GRAPH)} {{ {term(actor)} ?p ?o }} }}"
    )
    names = {normal_name(r["o"].value) for r in rows if r["p"].value == str(SKOS.hiddenLabel)}
    items = {r["o"].value for r in rows if r["p"].value == str(SKOS.exactMatch)}
    return names, items


@dataclass
class _Naming:
    """How one document names an actor: its name, its aliases, its Wikidata ids."""

    labels: set[str] = field(default_factory=set)
    aliases: set[str] = field(default_factory=set)
    items: set[str] = field(default_factory=set)


def _named_in_documents(store: RDFStore, actor: URIRef) -> list[tuple[URIRef, _Naming]]:
    rows = store.solutions(
        f"SELECT ?g ?p ?o WHERE {{ GRAPH ?g {{ ?g a {term(AG.Document)} ; "
        f"{term(AG.mentions)} {term(actor)} . {term(actor)} ?p ?o }} "
        f"VALUES ?p {{ {term(RDFS.label)} {term(SKOS.altLabel)} {term(OWL.sameAs)} }} }}"
    )
    found: dict[URIRef, _Naming] = {}
    for row in rows:
        naming = found.setdefault(URIRef(row["g"].value), _Naming())
        value = row["o"].value
        if row["p"].value == str(RDFS.label):
            naming.labels.add(normal_name(value))
        elif row["p"].value == str(SKOS.altLabel):
            naming.aliases.add(normal_name(value))
        else:
            naming.items.add(value)
    return sorted(found.items())


def _original(known: Mapping[URIRef, tuple[set[str], set[str]]], naming: _Naming) -> URIRef | None:
    """Which merged-away actor a document's node was: by Wikidata id, else by its name,
    else by an alias (never one whose Wikidata id the document contradicts)."""
    for b, (_, b_items) in known.items():
        if naming.items & b_items:
            return b
    for names in (naming.labels, naming.aliases):
        for b, (b_names, b_items) in known.items():
            contradicted = naming.items and b_items and not naming.items & b_items
            if names & b_names and not contradicted:
                return b
    return None


def _documents_naming(store: RDFStore, actor: URIRef) -> list[URIRef]:
    rows = store.solutions(
        f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?g a {term(AG.Document)} . "
        f"{{ {term(actor)} ?p ?o }} UNION {{ ?s ?p {term(actor)} }} }} }}"
    )
    return sorted(URIRef(r["g"].value) for r in rows)


def _rewrite(store: RDFStore, changes: Mapping[URIRef, Mapping[URIRef, URIRef]]) -> list[str]:
    """Replace each document graph by its copy with actor IRIs swapped (and a new hash)."""
    graph_hash = ox.NamedNode(str(AG.graphHash))
    graphs: list[GraphText] = []
    for graph, swap in sorted(changes.items()):
        texts: dict[object, str] = {ox.NamedNode(str(b)): iri_term(a) for b, a in swap.items()}
        lines: list[str] = []
        for quad in store.oxigraph.quads_for_pattern(None, None, None, ox.NamedNode(str(graph))):
            if quad.predicate == graph_hash:
                continue
            if not isinstance(quad.subject, ox.NamedNode):
                raise StoreError(f"unexpected subject in {graph}: {quad.subject!r}")
            s = texts.get(quad.subject) or _term(quad.subject)
            o = texts.get(quad.object) or _term(quad.object)
            lines.append(f"{s} {iri_term(quad.predicate.value)} {o} .\n")
        # Once B is A, two lines can say the same (a statement about A and B, a document
        # mentioning both): the store keeps one, so the kept text must too, or the sync,
        # which reads the text, would count the document twice on that edge.
        graphs.append((graph, with_graph_hash(graph, set(lines))))
    store.write_documents(graphs)
    return [str(g) for g, _ in graphs]


def _term(value: object) -> str:
    """An Oxigraph term as the RDF mapping wrote it (so the graph hash agrees)."""
    if isinstance(value, ox.NamedNode):
        return iri_term(value.value)
    if isinstance(value, ox.Literal):
        datatype = value.datatype.value
        plain = datatype == str(XSD.string) or value.language
        return literal_term(value.value, None if plain else datatype, value.language)
    raise StoreError(f"unexpected term in a document graph: {value!r}")


def _update(store: RDFStore, sparql: str) -> None:
    try:
        store.oxigraph.update(sparql)
    except (OSError, SyntaxError, ValueError) as exc:
        raise StoreError(f"could not write the curation graph: {exc}") from None
