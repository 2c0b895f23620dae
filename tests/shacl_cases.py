"""Document graphs with one constraint of `ontology/shapes.ttl` broken each, for the SHACL
gate's tests and bench/shacl.py: a case per (node shape, path, constraint component)."""

from __future__ import annotations

from collections.abc import Callable

from rdflib import Literal, URIRef

from graph.rdf.mapping import document_iri, document_ntriples
from graph.rdf.ntriples import term
from loaders.validation import validate_document
from ontology import AG, OA, SCHEMA
from ontology.namespace import DCTERMS, OWL, PROV, RDF, RDFS, WD, XSD
from tests.docs import minimal

DOC = document_iri("mini")
VALIDATING = ["minCount", "maxCount", "datatype", "pattern", "nodeKind", "class", "in", "or"]
VALIDATING += ["minLength", "minInclusive", "node"]


def full_text(doc_id: str = "mini") -> str:
    """The minimal document with every optional part the shapes constrain filled in."""
    data = minimal() | {"id": doc_id, "url": "https://example.org/a", "published": "2022-03-16"}
    data["entities"][0]["wikidata"] = "Q1"
    return document_ntriples(validate_document("mem", data))


class Lines:
    """A document graph's N-Triples lines, to break one thing in."""

    def __init__(self, text: str) -> None:
        self.lines = [f"{line}\n" for line in text.split("\n")[:-1]]

    def text(self) -> str:
        return "".join(self.lines)

    def first(self, cls: URIRef) -> str:
        """The first node of a class, as N-Triples text."""
        typed = f" {term(RDF.type)} {term(cls)} .\n"
        return next(line.split(" ")[0] for line in self.lines if line.endswith(typed))

    def object(self, subject: str, predicate: URIRef) -> str:
        prefix = f"{subject} {term(predicate)} "
        return next(line[len(prefix) : -3] for line in self.lines if line.startswith(prefix))

    def drop(self, subject: str, predicate: URIRef) -> Lines:
        prefix = f"{subject} {term(predicate)} "
        self.lines = [line for line in self.lines if not line.startswith(prefix)]
        return self

    def add(self, subject: str, predicate: URIRef, obj: str) -> Lines:
        self.lines.append(f"{subject} {term(predicate)} {obj} .\n")
        return self

    def replace(self, subject: str, predicate: URIRef, obj: str) -> Lines:
        return self.drop(subject, predicate).add(subject, predicate, obj)


def _lit(value: str, datatype: URIRef | None = None, lang: str | None = None) -> str:
    return term(Literal(value, datatype=datatype, lang=lang))


def _int(value: str) -> str:
    return f'"{value}"^^{term(XSD.integer)}'


OTHER = full_text("other")  # a second valid document, for a second value that is valid
D = term(DOC)
Break = Callable[[Lines], Lines]


def _statement(lines: Lines) -> str:
    return lines.first(AG.Accusation)  # s1: it has a date and an act


def annotation_target(lines: Lines) -> str:
    return lines.object(lines.first(OA.Annotation), OA.hasTarget)


def _second(lines: Lines, cls: URIRef) -> str:
    first = lines.first(cls)
    typed = f" {term(RDF.type)} {term(cls)} .\n"
    return next(
        line.split(" ")[0]
        for line in lines.lines
        if line.endswith(typed) and not line.startswith(first)
    )


def _with_other(lines: Lines) -> Lines:
    lines.lines += Lines(OTHER).lines
    return lines


def _selector(cls: URIRef, predicate: URIRef, value: str) -> Break:
    return lambda x: x.replace(x.first(cls), predicate, value)


_OTHER_DOC = term(document_iri("other"))
HEX = "0" * 64

CASES: dict[tuple[str, URIRef | None, str], Break] = {
    ("DocumentShape", DCTERMS.identifier, "minCount"): lambda x: x.drop(D, DCTERMS.identifier),
    ("DocumentShape", DCTERMS.identifier, "maxCount"): lambda x: x.add(
        D, DCTERMS.identifier, _lit("twice")
    ),
    ("DocumentShape", DCTERMS.identifier, "datatype"): lambda x: x.replace(
        D, DCTERMS.identifier, _lit("mini", lang="en")
    ),
    ("DocumentShape", AG.contentHash, "minCount"): lambda x: x.drop(D, AG.contentHash),
    ("DocumentShape", AG.contentHash, "maxCount"): lambda x: x.add(D, AG.contentHash, _lit(HEX)),
    ("DocumentShape", AG.contentHash, "pattern"): lambda x: x.replace(
        D, AG.contentHash, _lit("not-a-hash")
    ),
    ("DocumentShape", AG.graphHash, "minCount"): lambda x: x.drop(D, AG.graphHash),
    ("DocumentShape", AG.graphHash, "maxCount"): lambda x: x.add(D, AG.graphHash, _lit(HEX)),
    ("DocumentShape", AG.graphHash, "pattern"): lambda x: x.replace(
        D, AG.graphHash, _lit(HEX.upper().replace("0", "A"))
    ),
    ("DocumentShape", AG.text, "minCount"): lambda x: x.drop(D, AG.text),
    ("DocumentShape", AG.text, "maxCount"): lambda x: x.add(D, AG.text, _lit("Another text.")),
    ("DocumentShape", AG.text, "datatype"): lambda x: x.replace(
        D, AG.text, _lit("The text.", lang="en")
    ),
    ("DocumentShape", DCTERMS.title, "maxCount"): lambda x: x.add(D, DCTERMS.title, _lit("B")),
    ("DocumentShape", SCHEMA.url, "maxCount"): lambda x: x.add(
        D, SCHEMA.url, term(URIRef("https://example.org/b"))
    ),
    ("DocumentShape", SCHEMA.url, "nodeKind"): lambda x: x.replace(
        D, SCHEMA.url, _lit("https://example.org/a")
    ),
    ("DocumentShape", DCTERMS.issued, "maxCount"): lambda x: x.add(
        D, DCTERMS.issued, _lit("2022-03-17", XSD.date)
    ),
    ("DocumentShape", DCTERMS.issued, "or"): lambda x: x.replace(D, DCTERMS.issued, _lit("soon")),
    ("ActorShape", RDFS.label, "minCount"): lambda x: x.drop(x.first(AG.Actor), RDFS.label),
    ("ActorShape", OWL.sameAs, "nodeKind"): lambda x: x.replace(
        x.first(AG.Actor), OWL.sameAs, _lit(str(WD.Q1))
    ),
    ("ActorShape", AG.partOf, "class"): lambda x: x.add(x.first(AG.Actor), AG.partOf, D),
    ("ActorShape", AG.speaksFor, "class"): lambda x: x.add(x.first(AG.Actor), AG.speaksFor, D),
    ("StatementShape", AG.claimant, "minCount"): lambda x: x.drop(_statement(x), AG.claimant),
    ("StatementShape", AG.claimant, "maxCount"): lambda x: x.add(
        _statement(x), AG.claimant, _second(x, AG.Actor)
    ),
    ("StatementShape", AG.claimant, "class"): lambda x: x.replace(_statement(x), AG.claimant, D),
    ("StatementShape", AG.target, "class"): lambda x: x.add(_statement(x), AG.target, D),
    ("StatementShape", AG.allegedAct, "maxCount"): lambda x: (
        x.add(_statement(x), AG.allegedAct, "<https://w3id.org/allegraph/id/act/mini/other>")
        .add("<https://w3id.org/allegraph/id/act/mini/other>", RDF.type, term(AG.AllegedAct))
        .add("<https://w3id.org/allegraph/id/act/mini/other>", RDFS.label, _lit("another act"))
    ),
    ("StatementShape", AG.allegedAct, "class"): lambda x: x.replace(
        _statement(x), AG.allegedAct, D
    ),
    ("StatementShape", AG.respondsTo, "class"): lambda x: x.add(_statement(x), AG.respondsTo, D),
    ("StatementShape", AG.quote, "minCount"): lambda x: x.drop(_statement(x), AG.quote),
    ("StatementShape", AG.quote, "maxCount"): lambda x: x.add(
        _statement(x), AG.quote, _lit("Another quote.")
    ),
    ("StatementShape", AG.quote, "datatype"): lambda x: x.replace(
        _statement(x), AG.quote, _int("42")
    ),
    ("StatementShape", AG.quote, "minLength"): lambda x: x.replace(
        _statement(x), AG.quote, _lit("")
    ),
    ("StatementShape", AG.modality, "minCount"): lambda x: x.drop(_statement(x), AG.modality),
    ("StatementShape", AG.modality, "maxCount"): lambda x: x.add(
        _statement(x), AG.modality, term(AG.Hedged)
    ),
    ("StatementShape", AG.modality, "in"): lambda x: x.replace(
        _statement(x), AG.modality, term(AG.Accusation)
    ),
    ("StatementShape", AG.statedOn, "maxCount"): lambda x: x.add(
        _statement(x), AG.statedOn, _lit("2022-03-17", XSD.date)
    ),
    ("StatementShape", AG.statedOn, "or"): lambda x: x.replace(
        _statement(x), AG.statedOn, _lit("2022-03-15", lang="en")
    ),
    ("StatementShape", PROV.wasDerivedFrom, "minCount"): lambda x: x.drop(
        _statement(x), PROV.wasDerivedFrom
    ),
    ("StatementShape", PROV.wasDerivedFrom, "maxCount"): lambda x: _with_other(x).add(
        _statement(x), PROV.wasDerivedFrom, _OTHER_DOC
    ),
    ("StatementShape", PROV.wasDerivedFrom, "class"): lambda x: x.replace(
        _statement(x), PROV.wasDerivedFrom, x.first(AG.Actor)
    ),
    ("TargetedStatementShape", AG.target, "minCount"): lambda x: x.drop(_statement(x), AG.target),
    ("AllegedActShape", RDFS.label, "minCount"): lambda x: x.drop(
        x.first(AG.AllegedAct), RDFS.label
    ),
    ("AllegedActShape", RDFS.label, "maxCount"): lambda x: x.add(
        x.first(AG.AllegedAct), RDFS.label, _lit("a second name")
    ),
    ("AllegedActShape", AG.actType, "nodeKind"): lambda x: x.replace(
        x.first(AG.AllegedAct), AG.actType, _lit("false-flag")
    ),
    ("AnnotationShape", OA.hasBody, "minCount"): lambda x: x.drop(
        x.first(OA.Annotation), OA.hasBody
    ),
    ("AnnotationShape", OA.hasBody, "nodeKind"): lambda x: x.replace(
        x.first(OA.Annotation), OA.hasBody, _lit("SVR")
    ),
    ("AnnotationShape", OA.hasTarget, "minCount"): lambda x: x.drop(
        x.first(OA.Annotation), OA.hasTarget
    ),
    ("AnnotationShape", OA.hasTarget, "maxCount"): lambda x: x.add(
        x.first(OA.Annotation), OA.hasTarget, x.object(_second(x, OA.Annotation), OA.hasTarget)
    ),
    ("AnnotationShape", OA.hasTarget, "node"): lambda x: x.replace(
        x.first(OA.Annotation), OA.hasTarget, "<https://w3id.org/allegraph/id/nowhere>"
    ),
    ("SpecificResourceShape", OA.hasSource, "minCount"): lambda x: x.drop(
        annotation_target(x), OA.hasSource
    ),
    ("SpecificResourceShape", OA.hasSource, "maxCount"): lambda x: _with_other(x).add(
        annotation_target(x), OA.hasSource, _OTHER_DOC
    ),
    ("SpecificResourceShape", OA.hasSource, "class"): lambda x: x.replace(
        annotation_target(x), OA.hasSource, x.first(AG.Actor)
    ),
    ("SpecificResourceShape", OA.hasSelector, "minCount"): lambda x: x.replace(
        annotation_target(x), OA.hasSelector, x.first(OA.TextQuoteSelector)
    ),
    ("SpecificResourceShape", OA.hasSelector, "maxCount"): lambda x: x.add(
        annotation_target(x), OA.hasSelector, _second(x, OA.TextQuoteSelector)
    ),
    ("TextPositionSelectorShape", OA.start, "minCount"): lambda x: x.drop(
        x.first(OA.TextPositionSelector), OA.start
    ),
    ("TextPositionSelectorShape", OA.start, "maxCount"): lambda x: x.add(
        x.first(OA.TextPositionSelector), OA.start, _int("99")
    ),
    ("TextPositionSelectorShape", OA.start, "datatype"): _selector(
        OA.TextPositionSelector, OA.start, _lit("4.5", XSD.decimal)
    ),
    ("TextPositionSelectorShape", OA.start, "minInclusive"): _selector(
        OA.TextPositionSelector, OA.start, _int("-1")
    ),
    ("TextPositionSelectorShape", OA.end, "minCount"): lambda x: x.drop(
        x.first(OA.TextPositionSelector), OA.end
    ),
    ("TextPositionSelectorShape", OA.end, "maxCount"): lambda x: x.add(
        x.first(OA.TextPositionSelector), OA.end, _int("99")
    ),
    ("TextPositionSelectorShape", OA.end, "datatype"): _selector(
        OA.TextPositionSelector, OA.end, _lit("7.0", XSD.decimal)
    ),
    ("TextPositionSelectorShape", OA.end, "minInclusive"): _selector(
        OA.TextPositionSelector, OA.end, _int("-7")
    ),
    ("TextQuoteSelectorShape", OA.exact, "minCount"): lambda x: x.drop(
        x.first(OA.TextQuoteSelector), OA.exact
    ),
    ("TextQuoteSelectorShape", OA.exact, "maxCount"): lambda x: x.add(
        x.first(OA.TextQuoteSelector), OA.exact, _lit("SVR again")
    ),
    ("TextQuoteSelectorShape", OA.exact, "datatype"): _selector(
        OA.TextQuoteSelector, OA.exact, _lit("SVR", lang="ru")
    ),
    ("TextQuoteSelectorShape", OA.prefix, "maxCount"): lambda x: x.add(
        x.first(OA.TextQuoteSelector), OA.prefix, _lit("another prefix")
    ),
    ("TextQuoteSelectorShape", OA.suffix, "maxCount"): lambda x: x.add(
        x.first(OA.TextQuoteSelector), OA.suffix, _lit("another suffix")
    ),
}

# allegraph's N-Triples hold no blank nodes and a literal cannot be a subject, so an actor or
# a statement that is not an IRI cannot be written: the gate refuses blank nodes outright.
UNWRITABLE = {
    ("ActorShape", None, "nodeKind"),
    ("StatementShape", None, "nodeKind"),
}
