"""rdflib terms written as N-Triples text: the input of Oxigraph's loader and, unchanged,
the data blocks of SPARQL updates (so the same text serves a remote SPARQL store)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.term import Node

Triple = tuple[URIRef, URIRef, Node]

Graphs = Sequence[tuple[URIRef, Sequence[Triple]]]


def iri_text(value: str) -> str:
    """An IRI from a request or a query result, checked by Oxigraph's parser, as `<…>` text
    that is safe to put into a SPARQL query."""
    return f"<{ox.NamedNode(value).value}>"


def term(node: object) -> str:
    """N-Triples form of an rdflib IRI or literal (allegraph writes no blank nodes)."""
    if isinstance(node, URIRef):
        return f"<{node}>"
    if isinstance(node, Literal):
        lexical = (
            str(node)
            .replace("\\", "\\\\")
            .replace('"', '\\"')
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
        if node.language:
            return f'"{lexical}"@{node.language}'
        if node.datatype:
            return f'"{lexical}"^^<{node.datatype}>'
        return f'"{lexical}"'
    raise TypeError(f"allegraph writes no blank nodes, got {node!r}")


def triples_text(triples: Iterable[Triple]) -> str:
    """Triples as the body of an INSERT DATA or a GRAPH block."""
    return "".join(f"{term(s)} {term(p)} {term(o)} .\n" for s, p, o in triples)


def nquads(graphs: Graphs) -> str:
    lines: list[str] = []
    for graph, triples in graphs:
        g = term(graph)
        lines.extend(f"{term(s)} {term(p)} {term(o)} {g} .\n" for s, p, o in triples)
    return "".join(lines)
