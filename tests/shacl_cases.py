"""Document graphs with one constraint of `ontology/shapes.ttl` broken each, for the SHACL
gate's tests and bench/shacl.py: a case per (node shape, path, constraint component)."""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import strategies as st
from rdflib import Literal, URIRef

from graph.rdf.mapping import document_iri, document_ntriples
from graph.rdf.ntriples import term
from loaders.synthetic import generate_documents
from loaders.validation import validate_document
from ontology import AG, ID, OA, SCHEMA
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
_ACT2 = term(ID["act/mini/other"])  # a second alleged act
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
        x.add(_statement(x), AG.allegedAct, _ACT2)
        .add(_ACT2, RDF.type, term(AG.AllegedAct))
        .add(_ACT2, RDFS.label, _lit("another act"))
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
        x.first(OA.Annotation), OA.hasTarget, term(ID["nowhere"])
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


# Real document graphs broken at random, for the property test (the gate never passes what
# pySHACL refuses) and for bench/shacl.py.

BASES = [
    full_text(),
    *(
        document_ntriples(validate_document("synthetic", d.model_dump(exclude_none=True)))
        for d in generate_documents(2, seed=7)
    ),
]
_CLASSES = [AG.Document, AG.Actor, AG.Statement, AG.Accusation, AG.AllegedAct, OA.Annotation]
_CLASSES += [OA.TextPositionSelector, OA.TextQuoteSelector]
_X = str(XSD)
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
    term(ID["actor/nobody"]),
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
    lines = Lines(draw(st.sampled_from(BASES))).lines
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
