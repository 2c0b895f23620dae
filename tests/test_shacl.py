"""SHACL refuses a graph that breaks the shapes, and names the one document at fault."""

from __future__ import annotations

from rdflib import Literal

from graph.rdf import document_iri, document_triples
from graph.shacl import shacl_problems
from loaders.validation import validate_document
from ontology import AG
from tests.docs import minimal


def test_conforming_documents_have_no_problems() -> None:
    doc = validate_document("mem", minimal())
    assert shacl_problems([(document_iri(doc.id), document_triples(doc))]) == {}


def test_statement_without_claimant_is_blamed_on_its_document() -> None:
    good = validate_document("mem", minimal())
    other = validate_document("mem", minimal() | {"id": "other"})
    broken = [t for t in document_triples(other) if t[1] != AG.claimant]
    broken.append((document_iri("other"), AG.contentHash, Literal("not-a-hash")))
    problems = shacl_problems(
        [
            (document_iri(good.id), document_triples(good)),
            (document_iri("other"), broken),
        ]
    )
    assert list(problems) == [document_iri("other")]
    reasons = " | ".join(p.reason for p in problems[document_iri("other")])
    assert "exactly one claimant" in reasons
    assert "SHA-256" in reasons
