"""SHACL refuses a graph that breaks the shapes, and names the one document at fault."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Literal

from graph.rdf.mapping import (
    ANNOTATION_PREFIX,
    document_iri,
    document_ntriples,
    without_annotations,
)
from graph.rdf.ntriples import term
from graph.rdf.shacl import GATE, gate_passes, pyshacl_conforms, shacl_problems
from loaders.validation import validate_document
from ontology import AG, ActorKind, Modality, StatementKind, act_types
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


# Ids that once made two spans share an annotation (`act-a` beside the act `a`), and others
# on the edges of the identifier pattern.
_IDS = ["a", "act-a", "acts", "x.y", "A~-"]
_TEXTS = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\0"),
    min_size=2,
    max_size=60,
)


@st.composite
def valid_documents(draw: st.DrawFn) -> dict[str, Any]:
    """Native documents that pass the loaders' checks, with spans anywhere in the text and
    ids drawn from a small pool, so entities, acts and statements share ids."""
    text = draw(_TEXTS)

    def spans(least: int = 0) -> list[dict[str, int]]:
        found = []
        for _ in range(draw(st.integers(least, 2))):
            start = draw(st.integers(0, len(text) - 1))
            found.append({"start": start, "end": draw(st.integers(start + 1, len(text)))})
        return found

    entity_ids = draw(st.lists(st.sampled_from(_IDS), min_size=1, max_size=3, unique=True))
    act_ids = draw(st.lists(st.sampled_from(_IDS), max_size=2, unique=True))
    statement_ids = draw(st.lists(st.sampled_from(_IDS), min_size=1, max_size=3, unique=True))
    kinds = st.sampled_from([k.value for k in StatementKind])
    return {
        "id": draw(st.sampled_from(_IDS)),
        "text": text,
        "entities": [
            {
                "id": e,
                "kind": draw(st.sampled_from([k.value for k in ActorKind])),
                "name": draw(_TEXTS),
                "mentions": spans(),
            }
            for e in entity_ids
        ],
        "acts": [
            {
                "id": a,
                "label": draw(_TEXTS),
                "types": [draw(st.sampled_from(sorted(act_types())))],
                "mentions": spans(),
            }
            for a in act_ids
        ],
        "statements": [
            {
                "id": s,
                "kind": draw(kinds),
                "claimant": draw(st.sampled_from(entity_ids)),
                "targets": [draw(st.sampled_from(entity_ids))],
                "act": draw(st.sampled_from([None, *act_ids])),
                "quote": spans(1)[0],
                "modality": draw(st.sampled_from([m.value for m in Modality])),
            }
            for s in statement_ids
        ],
    }


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=valid_documents())
def test_what_the_mapping_writes_of_a_valid_document_conforms(data: dict[str, Any]) -> None:
    """pySHACL passes every graph the mapping writes of a document the loaders passed, and
    the gate, which leaves the annotations out, passes it too."""
    doc = validate_document("mem", data)
    graphs = [(document_iri(doc.id), document_ntriples(doc))]
    assert pyshacl_conforms(graphs)
    assert gate_passes(graphs)


def test_the_annotations_left_out_are_exactly_the_annotation_lines() -> None:
    text = document_ntriples(validate_document("mem", minimal()))
    head = "<" + ANNOTATION_PREFIX
    lines = text.splitlines(keepends=True)
    kept = without_annotations(text).splitlines(keepends=True)
    assert kept == [line for line in lines if not line.startswith(head)]
    assert len(kept) < len(lines) and GATE.conforms("".join(kept))


def test_lines_not_in_the_mapping_s_order_are_all_checked() -> None:
    """A graph from elsewhere whose annotation lines are not one block keeps them all: a
    broken annotation there is still refused."""
    text = document_ntriples(validate_document("mem", minimal()))
    lines = text.splitlines(keepends=True)
    head = "<" + ANNOTATION_PREFIX
    at = next(i for i, line in enumerate(lines) if line.startswith(head))
    moved = [*lines[: at + 1], lines[-1], *lines[at + 1 : -1]]  # the graph hash inside
    assert without_annotations("".join(moved)) == "".join(moved)
    broken = "".join(moved).replace("#pos> <http://www.w3.org/ns/oa#start>", "#pos> <x:y>", 1)
    assert broken != "".join(moved)
    assert not gate_passes([(document_iri("mini"), broken)])
