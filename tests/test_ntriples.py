"""N-Triples text as allegraph writes it reads back as the terms it was written from."""

from __future__ import annotations

import pyoxigraph as ox
from hypothesis import given
from hypothesis import strategies as st
from rdflib import Graph, Literal, URIRef

from graph.rdf.ntriples import (
    iri_term,
    literal_term,
    literal_value,
    nquads,
    oxigraph_text,
    rdflib_triples,
    term,
    triples_by_subject,
)
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
    [parsed] = ox.parse(written, format=ox.RdfFormat.N_TRIPLES)
    grouped = triples_by_subject(written)
    assert grouped is not None
    [(_, _, obj)] = grouped[term(SUBJECT)]
    assert parsed.object == ox.Literal(value)
    assert literal_value(obj) == value
    assert oxigraph_text(parsed.object) == obj


def test_lines_are_grouped_by_subject_in_any_order() -> None:
    other = URIRef("https://example.org/t")
    text = "".join(
        f"{term(s)} {term(PREDICATE)} {term(Literal(v))} .\n"
        for s, v in ((SUBJECT, "a"), (other, "b"), (SUBJECT, "c .\nd"))
    )
    grouped = triples_by_subject(text)
    assert grouped is not None
    assert [literal_value(o) for _, _, o in grouped[term(SUBJECT)]] == ["a", "c .\nd"]
    assert [o for _, _, o in grouped[term(other)]] == ['"b"']


def test_oxigraph_terms_read_back_as_the_text_allegraph_writes() -> None:
    for written in (
        Literal("7", datatype=XSD.integer),
        Literal("x", lang="de"),
        Literal('a "b"\\c\nd'),
        URIRef("https://example.org/x"),
    ):
        [parsed] = ox.parse(line(written), format=ox.RdfFormat.N_TRIPLES)
        assert oxigraph_text(parsed.object) == term(written)


def test_a_line_allegraph_does_not_write_is_not_read_as_one() -> None:
    blank = f"_:b {term(PREDICATE)} {term(Literal('x'))} .\n"
    assert triples_by_subject(line(Literal("ok")) + blank) is None


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
