"""N-Triples text as allegraph writes it reads back as the terms it was written from."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from rdflib import Graph, Literal, URIRef

from graph.ntriples import iri_term, literal_term, nquads, rdflib_triples, term
from ontology.namespace import XSD

SUBJECT, PREDICATE = URIRef("https://example.org/s"), URIRef("https://example.org/p")
texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",)))


def line(value: Literal) -> str:
    return f"{term(SUBJECT)} {term(PREDICATE)} {term(value)} .\n"


@given(value=texts)
def test_any_string_reads_back_through_rdflib_and_through_allegraph(value: str) -> None:
    written = line(Literal(value))
    assert list(Graph().parse(data=written, format="nt")) == [(SUBJECT, PREDICATE, Literal(value))]
    assert list(rdflib_triples(written)) == [(SUBJECT, PREDICATE, Literal(value))]


def test_typed_and_tagged_literals_read_back() -> None:
    for value in (Literal("7", datatype=XSD.integer), Literal('a "b" \\ c', lang="en")):
        assert list(rdflib_triples(line(value))) == [(SUBJECT, PREDICATE, value)]
    assert literal_term("7", XSD.integer) == term(Literal(7, datatype=XSD.integer))


def test_nquads_names_the_graph_of_each_line_and_nowhere_else() -> None:
    tricky = Literal("ends like a line .\nand goes on")
    graph = URIRef("https://example.org/g")
    quads = nquads([(graph, line(tricky) + line(Literal("x")))])
    assert quads.count(iri_term(graph)) == 2
    parsed = Graph().parse(data=quads.replace(f" {iri_term(graph)} .", " ."), format="nt")
    assert (SUBJECT, PREDICATE, tricky) in parsed
