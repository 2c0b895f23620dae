"""The actor network graph: every actor-to-actor triple of every document, once.

The shortcuts (`ag:accused` …) and `ag:partOf` / `ag:speaksFor` are written in each
document's graph, beside their statements. Path queries over the union of thousands of
document graphs are slow in Oxigraph (an `ag:accused+` closure over 10,000 documents took
250 ms, against 5 ms over one graph holding the same edges), so the store also keeps these
triples in one derived graph, `NETWORK_GRAPH`, updated in the same transaction as the
documents: a triple stays there while at least one document graph still holds it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from rdflib import URIRef

from graph.rdf.ntriples import GraphText, term
from ontology import AG, ID, shortcut_properties

NETWORK_GRAPH = ID["graph/network"]


@cache
def network_predicates() -> frozenset[URIRef]:
    return frozenset(shortcut_properties().values()) | {AG.partOf, AG.speaksFor}


@cache
def _network_predicate() -> re.Pattern[str]:
    predicates = "|".join(re.escape(term(p)) for p in sorted(network_predicates()))
    return re.compile(f" (?:{predicates}) ")


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


def network_graph(texts: Iterable[str]) -> GraphText:
    """The network graph's share of new document graphs, to load with them: one load, not
    a load and then an update. Each update left a small memtable that the next bulk load
    flushed first, so every batch added small files to compact and read (the bulk loader
    takes triples the store already holds like INSERT DATA does: they are there once)."""
    return NETWORK_GRAPH, network_lines(texts)


def insert_operation(texts: Iterable[str]) -> str | None:
    """INSERT DATA of the network triples among N-Triples texts, or None if there are none."""
    body = network_lines(texts)
    return f"INSERT DATA {{ GRAPH {term(NETWORK_GRAPH)} {{\n{body}}} }}" if body else None


def release_operation(document: URIRef) -> str:
    """Delete the network triples that only `document` supports (run before dropping it)."""
    net, doc = term(NETWORK_GRAPH), term(document)
    predicates = " ".join(term(p) for p in sorted(network_predicates()))
    return (
        f"DELETE {{ GRAPH {net} {{ ?s ?p ?o }} }} WHERE {{ VALUES ?p {{ {predicates} }} "
        f"GRAPH {doc} {{ ?s ?p ?o }} "
        f"FILTER NOT EXISTS {{ GRAPH ?other {{ ?s ?p ?o }} "
        f"FILTER (?other != {doc} && ?other != {net}) }} }}"
    )


def prune_operation() -> str:
    """Delete every network triple that no document graph holds any more (after a crash)."""
    net = term(NETWORK_GRAPH)
    return (
        f"DELETE {{ GRAPH {net} {{ ?s ?p ?o }} }} WHERE {{ GRAPH {net} {{ ?s ?p ?o }} "
        f"FILTER NOT EXISTS {{ GRAPH ?other {{ ?s ?p ?o }} FILTER (?other != {net}) }} }}"
    )
