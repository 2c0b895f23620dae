"""Two graphs derived from the documents, each triple once: the actor network and the actors.

The network graph holds the links between actors: the shortcuts (`ag:accused` …), written in
each document's graph beside their statements, and `ag:partOf` / `ag:speaksFor`. Path
queries over the union of thousands of document graphs are slow in Oxigraph (an
`ag:accused+` closure over 10,000 documents took 250 ms, against 5 ms over one graph holding
the same edges). The actors graph holds every other triple about an actor (its names, kinds,
same-as links, `ag:partOf` / `ag:speaksFor`): each document restates the names of the
actors it mentions, 2.2 million quads at 100,000 documents that took 35 s to scan for the
actor list, against a fifth of a second here, and the sync reads an actor's properties from
it without walking a busy actor's thousands of shortcuts. Both are updated in the same
transaction as the documents: a triple stays while at least one document graph holds it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

import pyoxigraph as ox
from rdflib import URIRef

from graph.rdf.ntriples import GraphText, term
from ontology import ACTORS, AG, ID, shortcut_properties
from ontology.namespace import RDF

NETWORK_GRAPH = ID["graph/network"]
ACTORS_GRAPH = ID["graph/actors"]
DERIVED_GRAPHS = (NETWORK_GRAPH, ACTORS_GRAPH)


@cache
def link_predicates() -> frozenset[URIRef]:
    """The predicates of the network graph: those that link two actors."""
    return frozenset(shortcut_properties().values()) | {AG.partOf, AG.speaksFor}


@cache
def _network_predicate() -> re.Pattern[str]:
    predicates = "|".join(re.escape(term(p)) for p in sorted(link_predicates()))
    return re.compile(f" (?:{predicates}) ")


@cache
def _actor_line() -> re.Pattern[str]:
    """An N-Triples line whose subject is an actor (a subject IRI holds no space) and whose
    predicate is not a shortcut."""
    shortcuts = "|".join(re.escape(term(p)) for p in sorted(shortcut_properties().values()))
    return re.compile(
        f"^{re.escape('<' + str(ACTORS))}[^ ]*> (?!(?:{shortcuts}) ).*\n", re.MULTILINE
    )


def network_lines(texts: Iterable[str]) -> str:
    """The network triples among N-Triples texts (a graph's, or several graphs')."""
    found: list[str] = []
    for text in texts:
        for match in _network_predicate().finditer(text):
            start = text.rfind("\n", 0, match.start()) + 1
            # The predicate follows the line's first space (a subject IRI holds none);
            # later on the line the same text would be an object, or inside a literal.
            if " " not in text[start : match.start()]:
                found.append(text[start : text.index("\n", match.end()) + 1])
    return "".join(found)


def actor_lines(texts: Iterable[str]) -> str:
    """The actors graph's triples among N-Triples texts."""
    return "".join(match.group() for text in texts for match in _actor_line().finditer(text))


def derived_graphs(texts: Iterable[str]) -> list[GraphText]:
    """The derived graphs' share of new document graphs, to load with them: one load, not
    a load and then an update. Each update left a small memtable that the next bulk load
    flushed first, so every batch added small files to compact and read (the bulk loader
    takes triples the store already holds like INSERT DATA does: they are there once)."""
    texts = list(texts)
    return [(NETWORK_GRAPH, network_lines(texts)), (ACTORS_GRAPH, actor_lines(texts))]


def insert_operation(texts: Iterable[str]) -> str | None:
    """INSERT DATA of the derived triples among N-Triples texts, or None if there are none."""
    parts = [f"GRAPH {term(graph)} {{\n{body}}}" for graph, body in derived_graphs(texts) if body]
    return f"INSERT DATA {{ {' '.join(parts)} }}" if parts else None


def release_operation(document: URIRef) -> str:
    """Delete the derived triples that only `document` supports (run before dropping it)."""
    return " ;\n".join(_release(document, graph) for graph in DERIVED_GRAPHS)


def _release(document: URIRef, graph: URIRef) -> str:
    derived, doc = term(graph), term(document)
    return (
        f"DELETE {{ GRAPH {derived} {{ ?s ?p ?o }} }} WHERE {{ "
        f"GRAPH {doc} {{ ?s ?p ?o }} GRAPH {derived} {{ ?s ?p ?o }} "
        f"FILTER NOT EXISTS {{ GRAPH ?other {{ ?s ?p ?o }} "
        f"FILTER (?other NOT IN ({doc}, {_derived_list()})) }} }}"
    )


def prune_operation() -> str:
    """Delete every derived triple that no document graph holds any more (after a crash)."""
    return " ;\n".join(
        f"DELETE {{ GRAPH {term(g)} {{ ?s ?p ?o }} }} WHERE {{ GRAPH {term(g)} {{ ?s ?p ?o }} "
        f"FILTER NOT EXISTS {{ GRAPH ?other {{ ?s ?p ?o }} "
        f"FILTER (?other NOT IN ({_derived_list()})) }} }}"
        for g in DERIVED_GRAPHS
    )


def _derived_list() -> str:
    return ", ".join(term(g) for g in DERIVED_GRAPHS)


def lacks_actors_graph(store: ox.Store) -> bool:
    """Whether the store has actors but no actors graph: one written before it was kept."""
    kind, actor = ox.NamedNode(str(RDF.type)), ox.NamedNode(str(AG.Actor))
    held = ox.NamedNode(str(ACTORS_GRAPH))
    if next(iter(store.quads_for_pattern(None, kind, actor, held)), None) is not None:
        return False
    return next(iter(store.quads_for_pattern(None, kind, actor, None)), None) is not None


def fill_actors_operation() -> str:
    """Write the actors graph from the document graphs (once, for an older store)."""
    shortcuts = ", ".join(term(p) for p in sorted(shortcut_properties().values()))
    return (
        f"INSERT {{ GRAPH {term(ACTORS_GRAPH)} {{ ?s ?p ?o }} }} WHERE {{ GRAPH ?g {{ "
        f"?g a {term(AG.Document)} . ?s a {term(AG.Actor)} ; ?p ?o }} "
        f"FILTER (?p NOT IN ({shortcuts})) }}"
    )
