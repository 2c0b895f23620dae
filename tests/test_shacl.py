"""SHACL refuses a graph that breaks the shapes, and names the one document at fault."""

from __future__ import annotations

from rdflib import Literal

from graph.rdf.mapping import document_iri, document_ntriples
from graph.rdf.ntriples import term
from graph.rdf.shacl import shacl_problems
from loaders.validation import validate_document
from ontology import AG
from tests.docs import minimal


def test_conforming_documents_have_no_problems() -> None:
    doc = validate_document("mem", minimal())
    assert shacl_problems([(document_iri(doc.id), document_ntriples(doc))]) == {}


def test_annotation_iris_of_entities_acts_and_statements_never_meet() -> None:
    """Each of a document's spans gets an annotation of its own, whatever the ids: an
    entity `act-plot` and an act `plot` once shared one (and SHACL refused the document)."""
    doc = minimal()
    doc["entities"][0]["id"] = "act-plot"
    for statement in doc["statements"]:
        statement["claimant"] = statement["claimant"].replace("svr", "act-plot")
        statement["targets"] = [t.replace("svr", "act-plot") for t in statement["targets"]]
    doc["acts"][0]["mentions"] = [{"start": 26, "end": 30}]
    valid = validate_document("mem", doc)
    assert shacl_problems([(document_iri(valid.id), document_ntriples(valid))]) == {}


def test_statement_without_claimant_is_blamed_on_its_document() -> None:
    good = validate_document("mem", minimal())
    other = validate_document("mem", minimal() | {"id": "other"})
    lines = document_ntriples(other).split("\n")[:-1]
    broken = "".join(f"{line}\n" for line in lines if f" {term(AG.claimant)} " not in line)
    broken += (
        f"{term(document_iri('other'))} {term(AG.contentHash)} {term(Literal('not-a-hash'))} .\n"
    )
    problems = shacl_problems(
        [
            (document_iri(good.id), document_ntriples(good)),
            (document_iri("other"), broken),
        ]
    )
    assert list(problems) == [document_iri("other")]
    reasons = " | ".join(p.reason for p in problems[document_iri("other")])
    assert "exactly one claimant" in reasons
    assert "SHA-256" in reasons
