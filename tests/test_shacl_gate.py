"""The SHACL gate: each constraint of the shapes, broken alone, is refused by the gate and by
pySHACL with the messages ingest gave before; mutated documents the gate passes, pySHACL
passes too; shapes the gate cannot check stop it from being built."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, find, given, settings
from hypothesis import strategies as st
from pyshacl import validate
from rdflib import Graph, URIRef
from rdflib.namespace import SH

from graph.rdf.mapping import document_ntriples
from graph.rdf.ntriples import rdflib_triples, term
from graph.rdf.shacl import GATE, shacl_problems
from graph.rdf.shacl_gate import ShaclGate
from graph.rdf.shapes_sparql import UnsupportedShape
from loaders.synthetic import generate_documents
from loaders.validation import validate_document
from ontology import AG, OA, SHAPES_TTL, load_shapes
from ontology.namespace import DCTERMS, RDF, RDFS
from tests.shacl_cases import (
    CASES,
    DOC,
    HEX,
    OTHER,
    UNWRITABLE,
    VALIDATING,
    D,
    Lines,
    annotation_target,
    full_text,
)


def constraints_in_shapes() -> set[tuple[str, URIRef | None, str]]:
    """Every (node shape, path, constraint) of ontology/shapes.ttl."""
    shapes = load_shapes()
    found: set[tuple[str, URIRef | None, str]] = set()
    for shape in set(shapes.subjects(RDF.type, SH.NodeShape)):
        assert isinstance(shape, URIRef)
        name = shape.fragment
        found |= {(name, None, key) for key in VALIDATING if (shape, SH[key], None) in shapes}
        for prop in shapes.objects(shape, SH.property):
            path = shapes.value(prop, SH.path)
            assert isinstance(path, URIRef)
            found |= {(name, path, key) for key in VALIDATING if (prop, SH[key], None) in shapes}
    return found


def pyshacl_results(text: str) -> set[tuple[object, object]]:
    """pySHACL's violations of the graph: (path, constraint component) of each."""
    data = Graph()
    data.addN((s, p, o, data) for s, p, o in rdflib_triples(text))
    _, report, _ = validate(data, shacl_graph=load_shapes(), inference="none", allow_warnings=True)
    return {
        (report.value(r, SH.resultPath), report.value(r, SH.sourceConstraintComponent))
        for r in report.subjects(SH.resultSeverity, SH.Violation)
    }


def _component(key: str) -> URIRef:
    return SH[f"{key[0].upper()}{key[1:]}ConstraintComponent"]


def test_the_cases_break_every_constraint_of_the_shapes() -> None:
    assert set(CASES) | UNWRITABLE == constraints_in_shapes()


def test_an_unbroken_document_passes_the_gate_and_pyshacl() -> None:
    for text in (full_text(), full_text() + OTHER):
        assert GATE.conforms(text)
        assert pyshacl_results(text) == set()


@pytest.mark.parametrize("case", list(CASES), ids=lambda c: f"{c[0]}-{c[1]}-{c[2]}")
def test_each_constraint_broken_alone_is_refused_with_pyshacls_messages(
    case: tuple[str, URIRef | None, str],
) -> None:
    shape, path, key = case
    text = CASES[case](Lines(full_text())).text()
    assert not GATE.conforms(text)
    assert pyshacl_results(text) == _expected(shape, path, key)
    problems = shacl_problems([(DOC, text)])
    assert problems == shacl_problems([(DOC, text)], passed=False)  # the old way, no gate
    assert list(problems) == [DOC]
    message = _message(shape, path)
    if message is not None:
        assert message in [p.reason for p in problems[DOC]]


def _expected(shape: str, path: URIRef | None, key: str) -> set[tuple[object, object]]:
    """pySHACL's violations for a constraint broken alone: a constraint of the selector's
    shape is reported twice, by itself and as the annotation's sh:node."""
    node = (OA.hasTarget, SH.NodeConstraintComponent)
    if key == "node":  # the case's target is a node with nothing: no source, no selectors
        return {
            node,
            (OA.hasSource, _component("minCount")),
            (OA.hasSelector, _component("minCount")),
        }
    if shape == "SpecificResourceShape":
        return {node, (path, _component(key))}
    return {(path, _component(key))}


def _message(shape: str, path: URIRef | None) -> str | None:
    shapes = load_shapes()
    for prop in shapes.objects(URIRef(f"https://w3id.org/allegraph/shapes#{shape}"), SH.property):
        if shapes.value(prop, SH.path) == path and shapes.value(prop, SH.message) is not None:
            return str(shapes.value(prop, SH.message))
    return None


def test_blank_nodes_are_refused() -> None:
    actor = f'_:actor {term(RDF.type)} {term(AG.Actor)} .\n_:actor {term(RDFS.label)} "X" .\n'
    assert not GATE.conforms(full_text() + actor)
    assert not GATE.conforms(full_text().replace(annotation_target(Lines(full_text())), "_:target"))


@pytest.mark.parametrize(
    "literal",
    [
        '"+05"^^<http://www.w3.org/2001/XMLSchema#integer>',  # Oxigraph would keep "5"
        '"2022-01-01T24:00:00"^^<http://www.w3.org/2001/XMLSchema#dateTime>',  # rdflib: ill-typed
        '"0000-01-01"^^<http://www.w3.org/2001/XMLSchema#date>',
        '"x"^^<http://www.w3.org/2001/XMLSchema#string>',  # another term than "x" in rdflib
        '"x"@EN',  # Oxigraph lowers the tag
        '"a\\tb"',  # Oxigraph reads a tab, rdflib the two characters
    ],
)
def test_literals_read_differently_by_oxigraph_and_rdflib_are_refused(literal: str) -> None:
    extra = f"{D} {term(DCTERMS.publisher)} {literal} .\n"  # a property no shape constrains
    assert GATE.conforms(full_text() + f'{D} {term(DCTERMS.publisher)} "x" .\n')
    assert not GATE.conforms(full_text() + extra)


# Property-based: real document graphs, broken at random. Whenever pySHACL refuses one, the
# gate must have refused it too.

_BASES = [
    full_text(),
    *(
        document_ntriples(validate_document("synthetic", d.model_dump(exclude_none=True)))
        for d in generate_documents(2, seed=7)
    ),
]
_CLASSES = [AG.Document, AG.Actor, AG.Statement, AG.Accusation, AG.AllegedAct, OA.Annotation]
_CLASSES += [OA.TextPositionSelector, OA.TextQuoteSelector]
_X = "http://www.w3.org/2001/XMLSchema#"
_VALUES = [
    '""',
    '"x"',
    '"x"@en',
    '"x"@EN',
    f'"x"^^<{_X}string>',
    f'"5"^^<{_X}integer>',
    f'"+05"^^<{_X}integer>',
    f'"-1"^^<{_X}integer>',
    f'"abc"^^<{_X}integer>',
    f'"1.0"^^<{_X}decimal>',
    f'"99999999999999999999"^^<{_X}integer>',
    f'"2020-01-01"^^<{_X}date>',
    f'"2020-02-30"^^<{_X}date>',
    f'"2020-01-01T24:00:00"^^<{_X}dateTime>',
    f'"2020-01-01T10:00:00Z"^^<{_X}dateTime>',
    f'"{HEX}"',
    f'"{HEX}\\n"',
    '"a\\tb"',
    term(AG.Asserted),
    term(DOC),
    term(URIRef("https://w3id.org/allegraph/id/actor/nobody")),
    *(term(c) for c in _CLASSES),
]


_TRICKY = [  # lexical forms on which Oxigraph, rdflib and XSD part ways
    *("+05", "05", "-1", "abc", "", " 5", "1.0", "9223372036854775808"),
    *("2020-02-30", "0000-01-01", "2020-01-01+00:00", "2020-13-01", "20200101"),
    *("2020-01-01T24:00:00", "2020-01-01T10:00:00+00:00", "2020-01-01T10:00:00.000"),
]
_DATATYPES = ["integer", "decimal", "date", "dateTime", "string", "nonNegativeInteger"]
_CHANGES = ["drop", "object", "copy", "predicate", "subject", "type", "lexical", "datatype"]


@st.composite
def broken_documents(draw: st.DrawFn) -> str:
    """A document graph with one to three lines dropped, copied, or given another part
    (half the time a line with a typed literal, given another lexical form or datatype)."""
    lines = Lines(draw(st.sampled_from(_BASES))).lines
    for _ in range(draw(st.integers(1, 3))):
        typed = [k for k, line in enumerate(lines) if '"^^<' in line]
        typed_line: bool = bool(typed) and draw(st.booleans())
        i = draw(st.sampled_from(typed) if typed_line else st.integers(0, len(lines) - 1))
        s, p, o = lines[i][:-3].split(" ", 2)
        other = draw(st.sampled_from(lines))[:-3].split(" ", 2)
        change = draw(st.sampled_from(_CHANGES))
        lexical, _, datatype = o.rpartition("^^")
        if change == "drop":
            del lines[i]
        elif change in ("object", "copy"):
            line = f"{s} {p} {draw(st.sampled_from([*_VALUES, other[2]]))} .\n"
            lines[i : i + (change == "object")] = [line]
        elif change == "predicate":
            lines[i] = f"{s} {other[1]} {o} .\n"
        elif change == "subject":
            lines[i] = f"{other[0]} {p} {o} .\n"
        elif change == "type":
            lines.append(f"{s} {term(RDF.type)} {term(draw(st.sampled_from(_CLASSES)))} .\n")
        elif change == "lexical" and lexical:
            lines[i] = f'{s} {p} "{draw(st.sampled_from(_TRICKY))}"^^{datatype} .\n'
        elif change == "datatype" and lexical:
            lines[i] = f"{s} {p} {lexical}^^<{_X}{draw(st.sampled_from(_DATATYPES))}> .\n"
        if not lines:
            break
    return "".join(lines)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(broken_documents())
def test_the_gate_never_passes_what_pyshacl_refuses(text: str) -> None:
    refused = bool(pyshacl_results(text))
    if GATE.conforms(text):
        assert not refused, "the gate passed a graph pySHACL refuses"


def test_the_mutations_reach_graphs_pyshacl_refuses_and_the_gate_passes() -> None:
    """The property above is not empty: some broken graphs are refused by pySHACL (the gate
    must refuse them), and some still conform (the gate may pass them)."""
    few = settings(max_examples=200, deadline=None, database=None)
    assert pyshacl_results(
        find(broken_documents(), lambda t: bool(pyshacl_results(t)), settings=few)
    )
    passing = find(broken_documents(), lambda t: t not in _BASES and GATE.conforms(t), settings=few)
    assert pyshacl_results(passing) == set()


# Shapes the gate cannot check: it refuses to be built, whatever the shape.

_PREFIXES = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ag: <https://w3id.org/allegraph/ns#> .
@prefix ags: <https://w3id.org/allegraph/shapes#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
"""


@pytest.mark.parametrize(
    "shape",
    [
        "ags:New a sh:NodeShape ; sh:targetClass ag:Actor ; "
        "sh:property [ sh:path rdfs:label ; sh:maxLength 80 ] .",
        "ags:New a sh:NodeShape ; sh:targetNode ag:Actor ; "
        "sh:property [ sh:path rdfs:label ; sh:minCount 1 ] .",
        "ags:New a sh:NodeShape ; sh:targetSubjectsOf ag:claimant ; sh:nodeKind sh:IRI .",
        "ags:New a sh:NodeShape ; sh:targetClass ag:Actor ; "
        "sh:property [ sh:path ( rdfs:label rdfs:label ) ; sh:minCount 1 ] .",
        "ags:New a sh:NodeShape ; sh:targetClass ag:Actor ; "
        'sh:property [ sh:path rdfs:label ; sh:pattern "^a" ; sh:flags "i" ] .',
        "ags:New a sh:NodeShape ; sh:targetClass ag:Actor ; "
        "sh:property [ sh:path rdfs:label ; sh:minCount 2 ; sh:severity sh:Warning ] .",
        "ags:New a sh:NodeShape ; sh:targetClass ag:Actor ; "
        'sh:property [ sh:path rdfs:label ; sh:in ( "a" "b" ) ] .',
        "ags:New a sh:NodeShape ; sh:targetClass ag:Actor ; "
        "sh:property [ sh:path rdfs:label ; sh:datatype rdfs:Literal ] .",
        "ags:New a sh:NodeShape ; sh:targetClass ag:Actor ; "
        "sh:property [ sh:path rdfs:label ; sh:or ( [ sh:path rdfs:label ; sh:minCount 1 ] ) ] .",
        "ags:New a sh:NodeShape, rdfs:Class ; sh:property [ sh:path rdfs:label ; sh:minCount 1 ] .",
        "ags:New a sh:NodeShape ; sh:targetClass ag:Actor ; sh:node ags:New .",
    ],
)
def test_a_shape_the_gate_cannot_check_stops_it_from_being_built(shape: str) -> None:
    shapes = Graph().parse(SHAPES_TTL, format="turtle")
    shapes.parse(data=_PREFIXES + shape, format="turtle")
    with pytest.raises(UnsupportedShape):
        ShaclGate(shapes)


def test_the_shapes_of_today_build() -> None:
    assert ShaclGate(Graph().parse(SHAPES_TTL, format="turtle")).compiled.patterns
