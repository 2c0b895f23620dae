"""The SHACL gate: each constraint of the shapes, broken alone, is refused by the gate and by
pySHACL with the messages ingest gave before; mutated documents the gate passes, pySHACL
passes too; shapes the gate cannot check stop it from being built."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, find, given, settings
from pyshacl import validate
from rdflib import Graph, URIRef
from rdflib.namespace import SH

from graph.rdf.ntriples import rdflib_triples, term
from graph.rdf.shacl import GATE, shacl_problems
from graph.rdf.shacl_gate import ShaclGate
from graph.rdf.shapes_sparql import UnsupportedShape
from ontology import AG, OA, SHAPES_TTL, load_shapes
from ontology.namespace import DCTERMS, RDF, RDFS, XSD
from tests.shacl_cases import (
    BASES,
    CASES,
    DOC,
    OTHER,
    UNWRITABLE,
    VALIDATING,
    D,
    Lines,
    annotation_target,
    broken_documents,
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
    [node] = [s for s in shapes.subjects(RDF.type, SH.NodeShape) if str(s).endswith(f"#{shape}")]
    for prop in shapes.objects(node, SH.property):
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
        f'"+05"^^<{XSD.integer}>',  # Oxigraph would keep "5"
        f'"2022-01-01T24:00:00"^^<{XSD.dateTime}>',  # rdflib: ill-typed
        f'"0000-01-01"^^<{XSD.date}>',
        f'"x"^^<{XSD.string}>',  # another term than "x" in rdflib
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
    passing = find(broken_documents(), lambda t: t not in BASES and GATE.conforms(t), settings=few)
    assert pyshacl_results(passing) == set()


# Shapes the gate cannot check: it refuses to be built, whatever the shape.

_SHAPES = dict(load_shapes().namespaces())["ags"]
_PREFIXES = "".join(
    f"@prefix {prefix}: <{namespace}> .\n"
    for prefix, namespace in [
        ("sh", SH),
        ("ag", AG._NS),
        ("ags", _SHAPES),
        ("xsd", XSD),
        ("rdfs", RDFS),
    ]
)


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
