"""The ontology files are well-formed and the Python names match the Turtle exactly."""

from __future__ import annotations

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from ontology import (
    AG,
    ActorKind,
    Modality,
    StatementKind,
    act_types,
    load_ontology,
    load_shapes,
    shortcut_properties,
)

NS = str(AG._NS)


def _defined_terms(graph: Graph) -> set[URIRef]:
    return {s for s in graph.subjects(RDF.type, None) if isinstance(s, URIRef) and s.startswith(NS)}


def test_every_python_term_is_defined_in_the_turtle() -> None:
    defined = _defined_terms(load_ontology())
    named = {AG[name] for name in AG.__annotations__}
    assert named - defined == set()


def test_every_turtle_term_has_a_python_name() -> None:
    defined = _defined_terms(load_ontology())
    named = {AG[name] for name in AG.__annotations__}
    assert defined - named == set()


def test_every_term_has_an_english_label_and_comment() -> None:
    graph = load_ontology()
    for term in _defined_terms(graph):
        assert graph.value(term, RDFS.label) is not None, term
        assert graph.value(term, RDFS.comment) is not None, term


def test_the_issue_core_terms_exist() -> None:
    required = [
        "Actor",
        "Statement",
        "Accusation",
        "Denial",
        "Warning",
        "Threat",
        "Claim",
        "Retraction",
        "AllegedAct",
        "Document",
        "claimant",
        "target",
        "allegedAct",
        "respondsTo",
        "quote",
        "statedOn",
        "modality",
        "partOf",
        "speaksFor",
        "accused",
        "denied",
        "warned",
        "threatened",
    ]
    defined = _defined_terms(load_ontology())
    assert {AG[name] for name in required} <= defined


def test_actor_kinds_are_the_subclasses_of_actor() -> None:
    graph = load_ontology()
    below_actor = set(graph.transitive_subjects(RDFS.subClassOf, AG.Actor)) - {AG.Actor}
    assert {kind.iri for kind in ActorKind} == below_actor


def test_statement_kinds_and_modalities_are_ontology_terms() -> None:
    graph = load_ontology()
    for kind in StatementKind:
        assert (kind.iri, RDFS.subClassOf, AG.Statement) in graph
    for modality in Modality:
        assert (modality.iri, RDF.type, AG.Modality) in graph


def test_shortcuts_cover_accusation_denial_warning_threat() -> None:
    assert shortcut_properties() == {
        AG.Accusation: AG.accused,
        AG.Denial: AG.denied,
        AG.Warning: AG.warned,
        AG.Threat: AG.threatened,
    }
    assert StatementKind.claim.shortcut is None


def test_act_types_come_from_the_concept_scheme() -> None:
    types = act_types()
    assert types["false-flag"] == AG.FalseFlag
    graph = load_ontology()
    assert all((iri, RDF.type, SKOS.Concept) in graph for iri in types.values())


def test_ontology_header_and_shapes_parse() -> None:
    assert (URIRef(NS.rstrip("#")), RDF.type, OWL.Ontology) in load_ontology()
    assert len(load_shapes()) > 50
