"""N-Triples text: the form in which allegraph builds, hashes and stores document graphs.

A document graph is built as N-Triples lines (`graph.rdf.mapping`), hashed as those lines, and
handed to Oxigraph's loader as the same text; the lines are also, unchanged, the data
blocks of SPARQL updates (so the same text serves a remote SPARQL store). Writing the text
once, without rdflib terms in between, is most of what makes ingest fast. rdflib terms are
made from the text only where rdflib is needed (SHACL validation).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from itertools import groupby
from operator import itemgetter

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.term import Node

from ontology.namespace import XSD

Triple = tuple[URIRef, URIRef, Node]

_XSD_STRING = str(XSD.string)

GraphText = tuple[URIRef, str]
"""A named graph: its IRI and its triples as N-Triples lines (each ending in ' .\\n')."""

Graphs = Sequence[GraphText]


def iri_text(value: str) -> str:
    """An IRI from a request or a query result, checked by Oxigraph's parser, as `<…>` text
    that is safe to put into a SPARQL query."""
    return f"<{ox.NamedNode(value).value}>"


def iri_term(value: str) -> str:
    """An IRI allegraph minted (from checked ids) as N-Triples text."""
    return f"<{value}>"


def literal_term(lexical: str, datatype: str | None = None, language: str | None = None) -> str:
    """A literal as N-Triples text; `datatype` is the IRI, absent for a plain string."""
    escaped = (
        lexical.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    )
    quoted = f'"{escaped}"'
    if language:
        return f"{quoted}@{language}"
    if datatype:
        return f"{quoted}^^<{datatype}>"
    return quoted


def term(node: object) -> str:
    """N-Triples form of an rdflib IRI or literal (allegraph writes no blank nodes)."""
    if isinstance(node, URIRef):
        return iri_term(node)
    if isinstance(node, Literal):
        return literal_term(str(node), node.datatype, node.language)
    raise TypeError(f"allegraph writes no blank nodes, got {node!r}")


def triples_text(triples: Iterable[Triple]) -> str:
    """Triples as the body of an INSERT DATA or a GRAPH block."""
    return "".join(f"{term(s)} {term(p)} {term(o)} .\n" for s, p, o in triples)


def nquads(graphs: Graphs) -> str:
    """The graphs as one N-Quads text for Oxigraph's loader."""
    # Each line of a graph's text ends in " .\n" and nowhere else has a raw line break
    # (literals escape theirs), so naming the graph is one replace per graph, in C.
    return "".join(text.replace(" .\n", f" {iri_term(g)} .\n") for g, text in graphs)


def rdflib_triples(text: str) -> Iterator[Triple]:
    """The rdflib triples of N-Triples lines allegraph wrote (for rdflib's tools)."""
    iris: dict[str, URIRef] = {}  # IRIs recur: each is made once
    for line in text.split("\n")[:-1]:  # not splitlines(): a literal may hold U+2028
        s, p, o = line[:-2].split(" ", 2)
        yield _iri(s, iris), _iri(p, iris), _node(o, iris)


def _iri(text: str, iris: dict[str, URIRef]) -> URIRef:
    iri = iris.get(text)
    if iri is None:
        iri = iris[text] = URIRef(text[1:-1])
    return iri


def _node(text: str, iris: dict[str, URIRef]) -> Node:
    if text.startswith("<"):
        return _iri(text, iris)
    lexical, language, datatype = literal_parts(text)
    if language:
        return Literal(lexical, lang=language)
    if datatype:
        return Literal(lexical, datatype=URIRef(datatype))
    return Literal(lexical)


RawTriple = tuple[str, str, str]
"""A triple as the N-Triples text of its subject, predicate and object."""

# One line allegraph wrote: IRIs as subject and predicate (it writes no blank nodes); a
# literal object may hold spaces and " ." but no raw line break.
_LINE = re.compile(r"(<[^>]*>) (<[^>]*>) (.*) \.\n")


def triples_by_subject(text: str) -> dict[str, list[RawTriple]] | None:
    """The lines allegraph wrote, each still in its N-Triples form, grouped by subject (a
    reader converts only the terms it needs); None if a line is not of that form.

    The lines are matched in one pass of the regular expression engine and grouped as
    runs (they are sorted, so a subject's lines are one run): a loop in Python over the
    lines cost twice as much.
    """
    lines = _LINE.findall(text)
    if len(lines) != text.count("\n"):
        return None
    grouped: dict[str, list[RawTriple]] = {}
    for subject, run in groupby(lines, itemgetter(0)):
        grouped.setdefault(subject, []).extend(run)
    return grouped


def iri_value(text: str) -> str:
    """`<iri>` → `iri`."""
    return text[1:-1]


def literal_value(text: str) -> str:
    """The lexical form of an N-Triples literal allegraph wrote."""
    return literal_parts(text)[0]


def oxigraph_text(node: ox.NamedNode | ox.Literal) -> str:
    """An Oxigraph term (a query result) as the N-Triples text allegraph writes for it, so
    that terms read from the store and from a graph's text are mapped by the same code."""
    if type(node) is ox.NamedNode:
        return iri_term(node.value)
    assert isinstance(node, ox.Literal), f"allegraph writes no blank nodes, got {node!r}"
    datatype = node.datatype.value
    if node.language:
        return literal_term(node.value, language=node.language)
    return literal_term(node.value, None if datatype == _XSD_STRING else datatype)


def literal_parts(text: str) -> tuple[str, str | None, str | None]:
    """A literal's lexical form (unescaped), language tag and datatype IRI."""
    end = text.rindex('"')
    lexical = _unescape(text[1:end])
    suffix = text[end + 1 :]
    if suffix.startswith("@"):
        return lexical, suffix[1:], None
    if suffix.startswith("^^"):
        return lexical, None, suffix[3:-1]
    return lexical, None, None


def _unescape(lexical: str) -> str:
    if "\\" not in lexical:
        return lexical
    parts = lexical.split("\\\\")  # an escaped backslash first, so it cannot start another
    return "\\".join(
        part.replace('\\"', '"').replace("\\n", "\n").replace("\\r", "\r") for part in parts
    )
