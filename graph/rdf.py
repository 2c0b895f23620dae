"""The RDF mapping: one `AnnotatedDocument` in, the triples of its named graph out.

Every IRI is minted from ids, never blank nodes, so re-ingesting a document yields the
same triples and the store stays identical. Every ``ag:`` class of a node is asserted
(``ag:Actor`` and its kind), so queries and SHACL targets need no inference.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from urllib.parse import quote

from rdflib import Literal, URIRef

from graph.ntriples import Triple, term
from loaders.model import AnnotatedDocument, Entity, Span
from loaders.names import normal_name
from ontology import AG, ID, OA, SCHEMA, WD, act_types
from ontology.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

_CONTEXT = 32  # characters of oa:prefix / oa:suffix around each quoted span


ANNOTATION_PREFIX = str(ID) + "annotation/"  # evidence spans: all minted under this


def document_iri(doc_id: str) -> URIRef:
    """The IRI of a document, which also names the graph holding its triples."""
    return ID[f"document/{quote(doc_id, safe='')}"]


def actor_iri(entity: Entity) -> URIRef:
    """One IRI per real-world actor across documents: by Wikidata id, else by name."""
    if entity.wikidata:
        return ID[f"actor/{entity.wikidata}"]
    return ID[f"actor/{name_key(entity.name)}"]


def name_key(name: str) -> str:
    """A case-, accent-, punctuation- and leading-article-insensitive key for a name
    (`Jens Stoltenberg` → `jens-stoltenberg`, `the White Helmets` → `white-helmets`)."""
    decomposed = unicodedata.normalize("NFKD", normal_name(name))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    key = re.sub(r"[\W_]+", "-", bare).strip("-")
    return quote(key, safe="-") if key else "h-" + hashlib.sha256(name.encode()).hexdigest()[:16]


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def document_triples(
    doc: AnnotatedDocument, actors: Mapping[str, URIRef] | None = None
) -> list[Triple]:
    """All triples of the document's named graph, each once (in a stable order), ending
    with the graph hash that lets a sync tell whether anything in it changed.

    `actors` gives the IRI of each entity when the store already knows the actor
    (`graph.identity`); an entity it leaves out gets `actor_iri`.
    """
    triples = list(dict.fromkeys(_DocumentMapper(doc, actors or {}).triples()))
    return with_graph_hash(document_iri(doc.id), triples)


def with_graph_hash(document: URIRef, triples: Sequence[Triple]) -> list[Triple]:
    """The triples (less any old graph hash) followed by the hash of their sorted lines."""
    graph_hash = AG.graphHash  # looked up once: a namespace attribute builds a new URIRef
    kept = [t for t in triples if t[1] != graph_hash]
    lines = sorted(f"{term(s)} {term(p)} {term(o)} .\n" for s, p, o in kept)
    digest = hashlib.sha256("".join(lines).encode("utf-8")).hexdigest()
    return [*kept, (document, graph_hash, Literal(digest))]


class _DocumentMapper:
    """Walks one document; holds the IRIs it has minted so references resolve."""

    def __init__(self, doc: AnnotatedDocument, actors: Mapping[str, URIRef]) -> None:
        self.doc = doc
        self.iri = document_iri(doc.id)
        self.scope = quote(doc.id, safe="")
        self.actors = {e.id: actors.get(e.id) or actor_iri(e) for e in doc.entities}
        self.acts = {a.id: ID[f"act/{self.scope}/{a.id}"] for a in doc.acts}
        self.statements = {s.id: ID[f"statement/{self.scope}/{s.id}"] for s in doc.statements}

    def triples(self) -> Iterator[Triple]:
        yield from self.document()
        yield from self.entities()
        yield from self.alleged_acts()
        yield from self.statement_triples()
        yield from self.relations()

    def document(self) -> Iterator[Triple]:
        doc, iri = self.doc, self.iri
        yield iri, RDF.type, AG.Document
        yield iri, DCTERMS.identifier, Literal(doc.id)
        yield iri, AG.contentHash, Literal(content_hash(doc.text))
        yield iri, AG.text, Literal(doc.text)
        if doc.title:
            yield iri, DCTERMS.title, Literal(doc.title)
        if doc.url:
            yield iri, SCHEMA.url, URIRef(doc.url)
        if doc.publisher:
            yield iri, DCTERMS.publisher, Literal(doc.publisher)
        if doc.published:
            yield iri, DCTERMS.issued, Literal(doc.published)
        if doc.language:
            yield iri, DCTERMS.language, Literal(doc.language)

    def entities(self) -> Iterator[Triple]:
        for entity in self.doc.entities:
            actor = self.actors[entity.id]
            yield actor, RDF.type, AG.Actor
            yield actor, RDF.type, entity.kind.iri
            yield actor, RDFS.label, Literal(entity.name)
            for alias in entity.aliases:
                yield actor, SKOS.altLabel, Literal(alias)
            if entity.wikidata:
                yield actor, OWL.sameAs, WD[entity.wikidata]
            yield self.iri, AG.mentions, actor
            for index, span in enumerate(entity.mentions):
                name = f"{self.scope}/{entity.id}/{index}"
                yield from self.annotation(name, actor, span, OA.identifying)

    def alleged_acts(self) -> Iterator[Triple]:
        for act in self.doc.acts:
            iri = self.acts[act.id]
            yield iri, RDF.type, AG.AllegedAct
            yield iri, RDFS.label, Literal(act.label)
            yield iri, PROV.wasDerivedFrom, self.iri
            types = act_types()
            for notation in act.types:
                yield iri, AG.actType, types[notation]
            for index, span in enumerate(act.mentions):
                name = f"{self.scope}/act-{act.id}/{index}"
                yield from self.annotation(name, iri, span, OA.identifying)

    def statement_triples(self) -> Iterator[Triple]:
        for st in self.doc.statements:
            iri, claimant = self.statements[st.id], self.actors[st.claimant]
            yield iri, RDF.type, AG.Statement
            yield iri, RDF.type, st.kind.iri
            yield iri, AG.claimant, claimant
            yield iri, AG.modality, st.modality.iri
            yield iri, AG.quote, Literal(st.quote.text)
            yield iri, PROV.wasDerivedFrom, self.iri
            if st.date:
                yield iri, AG.statedOn, Literal(st.date)
            if st.act:
                yield iri, AG.allegedAct, self.acts[st.act]
            for answered in st.responds_to:
                yield iri, AG.respondsTo, self.statements[answered]
            shortcut = st.kind.shortcut
            for target_id in st.targets:
                target = self.actors[target_id]
                yield iri, AG.target, target
                if shortcut is not None:
                    yield claimant, shortcut, target
            name = f"{self.scope}/{st.id}"
            yield from self.annotation(name, iri, st.quote, OA.classifying)

    def relations(self) -> Iterator[Triple]:
        predicates = {"part-of": AG.partOf, "speaks-for": AG.speaksFor}
        for rel in self.doc.relations:
            yield self.actors[rel.source], predicates[rel.kind], self.actors[rel.target]

    def annotation(self, name: str, body: URIRef, span: Span, motive: URIRef) -> Iterator[Triple]:
        """A W3C Web Annotation whose target is the exact span, by position and by quote."""
        iri = URIRef(ANNOTATION_PREFIX + name)
        assert span.start is not None and span.end is not None and span.text is not None
        target, position, quote_ = (URIRef(f"{iri}#{part}") for part in ("target", "pos", "quote"))
        text, a = self.doc.text, _TYPE
        yield iri, a, _OA.Annotation
        yield iri, _OA.motivatedBy, motive
        yield iri, _OA.hasBody, body
        yield iri, _OA.hasTarget, target
        yield target, a, _OA.SpecificResource
        yield target, _OA.hasSource, self.iri
        yield target, _OA.hasSelector, position
        yield target, _OA.hasSelector, quote_
        yield position, a, _OA.TextPositionSelector
        yield position, _OA.start, Literal(span.start, datatype=_OFFSET)
        yield position, _OA.end, Literal(span.end, datatype=_OFFSET)
        yield quote_, a, _OA.TextQuoteSelector
        yield quote_, _OA.exact, Literal(span.text)
        yield quote_, _OA.prefix, Literal(text[max(0, span.start - _CONTEXT) : span.start])
        yield quote_, _OA.suffix, Literal(text[span.end : span.end + _CONTEXT])


class _OA:
    """Web Annotation terms resolved once: the mapping's hot path (a namespace attribute
    lookup builds a new URIRef each time, a third of the mapping's run time)."""

    Annotation, motivatedBy, hasBody, hasTarget = (
        OA.Annotation,
        OA.motivatedBy,
        OA.hasBody,
        OA.hasTarget,
    )
    SpecificResource, hasSource, hasSelector = OA.SpecificResource, OA.hasSource, OA.hasSelector
    TextPositionSelector, start, end = OA.TextPositionSelector, OA.start, OA.end
    TextQuoteSelector, exact, prefix, suffix = (
        OA.TextQuoteSelector,
        OA.exact,
        OA.prefix,
        OA.suffix,
    )


_TYPE = RDF.type
# Offsets are xsd:integer, not the xsd:nonNegativeInteger of the Web Annotation vocabulary:
# Oxigraph stores integer subtypes as xsd:integer, and a store must give back what it took.
_OFFSET = XSD.integer
