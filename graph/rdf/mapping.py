"""The RDF mapping: one `AnnotatedDocument` in, the N-Triples text of its named graph out.

Every IRI is minted from ids, never blank nodes, so re-ingesting a document yields the
same triples and the store stays identical. Every ``ag:`` class of a node is asserted
(``ag:Actor`` and its kind), so queries and SHACL targets need no inference.

The mapping writes each triple straight as its N-Triples line, the text that is hashed and
then loaded (`graph.rdf.ntriples`); making rdflib terms first cost more than all the rest.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from urllib.parse import quote

from rdflib import URIRef

from graph.rdf.ntriples import iri_term, literal_term, term
from loaders.model import AnnotatedDocument, Entity, Span
from loaders.names import normal_name
from ontology import ACTORS, AG, ID, OA, SCHEMA, WD, ActorKind, Modality, StatementKind, act_types
from ontology.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

_CONTEXT = 32  # characters of oa:prefix / oa:suffix around each quoted span


ANNOTATION_PREFIX = str(ID) + "annotation/"  # evidence spans: all minted under this


def document_iri(doc_id: str) -> URIRef:
    """The IRI of a document, which also names the graph holding its triples."""
    return ID[f"document/{quote(doc_id, safe='')}"]


def actor_iri(entity: Entity) -> URIRef:
    """One IRI per real-world actor across documents: by Wikidata id, else by name."""
    if entity.wikidata:
        return ACTORS[entity.wikidata]
    return ACTORS[name_key(entity.name)]


@lru_cache(maxsize=1 << 16)  # actors recur across documents; each name is worked out once
def name_key(name: str) -> str:
    """A case-, accent-, punctuation- and leading-article-insensitive key for a name
    (`Jens Stoltenberg` → `jens-stoltenberg`, `the White Helmets` → `white-helmets`)."""
    decomposed = unicodedata.normalize("NFKD", normal_name(name))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    key = re.sub(r"[\W_]+", "-", bare).strip("-")
    return quote(key, safe="-") if key else "h-" + hashlib.sha256(name.encode()).hexdigest()[:16]


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def document_ntriples(doc: AnnotatedDocument, actors: Mapping[str, URIRef] | None = None) -> str:
    """The N-Triples text of the document's named graph: each triple once, sorted, then
    the graph hash that lets a sync tell whether anything in it changed.

    `actors` gives the IRI of each entity when the store already knows the actor
    (`graph.rdf.identity`); an entity it leaves out gets `actor_iri`.
    """
    lines = set(_DocumentMapper(doc, actors or {}).lines())
    return with_graph_hash(document_iri(doc.id), lines)


_ANNOTATION_LINE = iri_term(ANNOTATION_PREFIX)[:-1]  # how each of an annotation's lines starts


def without_annotations(ntriples: str) -> str:
    """The lines of a graph `document_ntriples` wrote that the SHACL shapes still need to
    check: all but its annotations, which hold by how `annotation` writes them.

    For each span the loaders have checked (offsets ≥ 0 that fit the text, its text taken
    from them), `annotation` writes one annotation under its own IRI (the entities', the
    acts' and the statements' names have 3, 4 and 2 segments, and ids hold no `/`): one
    IRI body, one target with one source (the document, whose `ag:Document` type
    `document` always writes) and two selectors, one with a start and an end (integers ≥ 0)
    and one with an exact, a prefix and a suffix (strings). That is what the annotation
    shapes ask; nothing else in the shapes reaches those lines (no inverse paths), so a
    graph conforms exactly when the rest of it does. Left out, they are 60% of a synthetic
    batch's lines, and the SHACL gate takes a quarter of the time.

    The lines are sorted, so the annotations' are one block; when the lines between the
    first and the last annotation line are not all annotation lines (a graph from
    elsewhere), nothing is left out.
    """
    head = "\n" + _ANNOTATION_LINE
    if ntriples.startswith(_ANNOTATION_LINE):
        first = 0
    elif (found := ntriples.find(head)) == -1:
        return ntriples  # no annotation at all
    else:
        first = found + 1
    end = ntriples.find("\n", ntriples.rfind(head) + 1) + 1
    block = ntriples[first:end]
    if end == 0 or block.count("\n") != ("\n" + block).count(head):
        return ntriples
    return ntriples[:first] + ntriples[end:]


def with_graph_hash(document: URIRef, lines: Iterable[str]) -> str:
    """The lines sorted, followed by the graph hash: the SHA-256 of those sorted lines.
    The lines must not hold an old graph hash."""
    body = "".join(sorted(lines))
    digest = hashlib.sha256(body.encode("utf-8")).hexdigest()
    return f"{body}{iri_term(document)} {_T.graphHash} {literal_term(digest)} .\n"


class _T:
    """N-Triples text of the terms the mapping writes, worked out once (the hot path)."""

    a = term(RDF.type)
    Document, identifier, contentHash, text = (
        term(AG.Document),
        term(DCTERMS.identifier),
        term(AG.contentHash),
        term(AG.text),
    )
    title, url, publisher, issued, language = (
        term(DCTERMS.title),
        term(SCHEMA.url),
        term(DCTERMS.publisher),
        term(DCTERMS.issued),
        term(DCTERMS.language),
    )
    Actor, label, altLabel, sameAs, mentions = (
        term(AG.Actor),
        term(RDFS.label),
        term(SKOS.altLabel),
        term(OWL.sameAs),
        term(AG.mentions),
    )
    AllegedAct, wasDerivedFrom, actType = (
        term(AG.AllegedAct),
        term(PROV.wasDerivedFrom),
        term(AG.actType),
    )
    Statement, claimant, modality, quote, statedOn = (
        term(AG.Statement),
        term(AG.claimant),
        term(AG.modality),
        term(AG.quote),
        term(AG.statedOn),
    )
    allegedAct, respondsTo, target, partOf, speaksFor = (
        term(AG.allegedAct),
        term(AG.respondsTo),
        term(AG.target),
        term(AG.partOf),
        term(AG.speaksFor),
    )
    graphHash = term(AG.graphHash)
    Annotation, motivatedBy, hasBody, hasTarget = (
        term(OA.Annotation),
        term(OA.motivatedBy),
        term(OA.hasBody),
        term(OA.hasTarget),
    )
    identifying, classifying = term(OA.identifying), term(OA.classifying)
    SpecificResource, hasSource, hasSelector = (
        term(OA.SpecificResource),
        term(OA.hasSource),
        term(OA.hasSelector),
    )
    TextPositionSelector, start, end = (
        term(OA.TextPositionSelector),
        term(OA.start),
        term(OA.end),
    )
    TextQuoteSelector, exact, prefix, suffix = (
        term(OA.TextQuoteSelector),
        term(OA.exact),
        term(OA.prefix),
        term(OA.suffix),
    )
    # Offsets are xsd:integer, not the xsd:nonNegativeInteger of the Web Annotation
    # vocabulary: Oxigraph stores integer subtypes as xsd:integer, and a store must give
    # back what it took.
    offset = term(XSD.integer)


@dataclass(frozen=True)
class _Vocabulary:
    """The controlled vocabularies' terms as N-Triples text, by the model's values."""

    kinds: Mapping[ActorKind, str]
    statements: Mapping[StatementKind, str]
    shortcuts: Mapping[StatementKind, str]
    modalities: Mapping[Modality, str]
    act_types: Mapping[str, str]


@cache
def _vocabulary() -> _Vocabulary:
    """Read from the ontology on first use (act types and shortcuts live in the Turtle)."""
    return _Vocabulary(
        kinds={kind: term(kind.iri) for kind in ActorKind},
        statements={kind: term(kind.iri) for kind in StatementKind},
        shortcuts={k: term(s) for k in StatementKind if (s := k.shortcut) is not None},
        modalities={modality: term(modality.iri) for modality in Modality},
        act_types={notation: term(iri) for notation, iri in act_types().items()},
    )


def _when(value: dt.date) -> str:
    """A date or date-time literal, typed as rdflib types a Python date or datetime."""
    datatype = XSD.dateTime if isinstance(value, dt.datetime) else XSD.date
    return literal_term(value.isoformat(), datatype)


class _DocumentMapper:
    """Walks one document; holds the IRIs it has minted (as text) so references resolve."""

    def __init__(self, doc: AnnotatedDocument, actors: Mapping[str, URIRef]) -> None:
        self.doc = doc
        self.iri = iri_term(document_iri(doc.id))
        self.scope = quote(doc.id, safe="")
        self.vocabulary = _vocabulary()
        self.actors = {e.id: iri_term(actors.get(e.id) or actor_iri(e)) for e in doc.entities}
        self.acts = {a.id: iri_term(f"{ID}act/{self.scope}/{a.id}") for a in doc.acts}
        self.statements = {
            s.id: iri_term(f"{ID}statement/{self.scope}/{s.id}") for s in doc.statements
        }

    def lines(self) -> Iterator[str]:
        yield from self.document()
        yield from self.entities()
        yield from self.alleged_acts()
        yield from self.statement_lines()
        yield from self.relations()

    def document(self) -> Iterator[str]:
        doc, iri, t = self.doc, self.iri, _T
        yield f"{iri} {t.a} {t.Document} .\n"
        yield f"{iri} {t.identifier} {literal_term(doc.id)} .\n"
        yield f"{iri} {t.contentHash} {literal_term(content_hash(doc.text))} .\n"
        yield f"{iri} {t.text} {literal_term(doc.text)} .\n"
        if doc.title:
            yield f"{iri} {t.title} {literal_term(doc.title)} .\n"
        if doc.url:
            yield f"{iri} {t.url} {iri_term(doc.url)} .\n"
        if doc.publisher:
            yield f"{iri} {t.publisher} {literal_term(doc.publisher)} .\n"
        if doc.published:
            yield f"{iri} {t.issued} {_when(doc.published)} .\n"
        if doc.language:
            yield f"{iri} {t.language} {literal_term(doc.language)} .\n"

    def entities(self) -> Iterator[str]:
        t, kinds = _T, self.vocabulary.kinds
        for entity in self.doc.entities:
            actor = self.actors[entity.id]
            yield f"{actor} {t.a} {t.Actor} .\n"
            yield f"{actor} {t.a} {kinds[entity.kind]} .\n"
            yield f"{actor} {t.label} {literal_term(entity.name)} .\n"
            for alias in entity.aliases:
                yield f"{actor} {t.altLabel} {literal_term(alias)} .\n"
            if entity.wikidata:
                yield f"{actor} {t.sameAs} {iri_term(f'{WD}{entity.wikidata}')} .\n"
            yield f"{self.iri} {t.mentions} {actor} .\n"
            for index, span in enumerate(entity.mentions):
                name = f"{self.scope}/{entity.id}/{index}"
                yield from self.annotation(name, actor, span, t.identifying)

    def alleged_acts(self) -> Iterator[str]:
        t, types = _T, self.vocabulary.act_types
        for act in self.doc.acts:
            iri = self.acts[act.id]
            yield f"{iri} {t.a} {t.AllegedAct} .\n"
            yield f"{iri} {t.label} {literal_term(act.label)} .\n"
            yield f"{iri} {t.wasDerivedFrom} {self.iri} .\n"
            for notation in act.types:
                yield f"{iri} {t.actType} {types[notation]} .\n"
            for index, span in enumerate(act.mentions):
                name = f"{self.scope}/acts/{act.id}/{index}"
                yield from self.annotation(name, iri, span, t.identifying)

    def statement_lines(self) -> Iterator[str]:
        t, vocabulary = _T, self.vocabulary
        for st in self.doc.statements:
            iri, claimant = self.statements[st.id], self.actors[st.claimant]
            yield f"{iri} {t.a} {t.Statement} .\n"
            yield f"{iri} {t.a} {vocabulary.statements[st.kind]} .\n"
            yield f"{iri} {t.claimant} {claimant} .\n"
            yield f"{iri} {t.modality} {vocabulary.modalities[st.modality]} .\n"
            assert st.quote.text is not None  # spans are resolved by validation
            yield f"{iri} {t.quote} {literal_term(st.quote.text)} .\n"
            yield f"{iri} {t.wasDerivedFrom} {self.iri} .\n"
            if st.date:
                yield f"{iri} {t.statedOn} {_when(st.date)} .\n"
            if st.act:
                yield f"{iri} {t.allegedAct} {self.acts[st.act]} .\n"
            for answered in st.responds_to:
                yield f"{iri} {t.respondsTo} {self.statements[answered]} .\n"
            shortcut = vocabulary.shortcuts.get(st.kind)
            for target_id in st.targets:
                target = self.actors[target_id]
                yield f"{iri} {t.target} {target} .\n"
                if shortcut is not None:
                    yield f"{claimant} {shortcut} {target} .\n"
            yield from self.annotation(f"{self.scope}/{st.id}", iri, st.quote, t.classifying)

    def relations(self) -> Iterator[str]:
        predicates = {"part-of": _T.partOf, "speaks-for": _T.speaksFor}
        for rel in self.doc.relations:
            source, target = self.actors[rel.source], self.actors[rel.target]
            yield f"{source} {predicates[rel.kind]} {target} .\n"

    def annotation(self, name: str, body: str, span: Span, motive: str) -> Iterator[str]:
        """A W3C Web Annotation whose target is the exact span, by position and by quote."""
        assert span.start is not None and span.end is not None and span.text is not None
        base = ANNOTATION_PREFIX + name
        iri, target, position, quote_ = (
            iri_term(base),
            iri_term(f"{base}#target"),
            iri_term(f"{base}#pos"),
            iri_term(f"{base}#quote"),
        )
        text, t = self.doc.text, _T
        yield f"{iri} {t.a} {t.Annotation} .\n"
        yield f"{iri} {t.motivatedBy} {motive} .\n"
        yield f"{iri} {t.hasBody} {body} .\n"
        yield f"{iri} {t.hasTarget} {target} .\n"
        yield f"{target} {t.a} {t.SpecificResource} .\n"
        yield f"{target} {t.hasSource} {self.iri} .\n"
        yield f"{target} {t.hasSelector} {position} .\n"
        yield f"{target} {t.hasSelector} {quote_} .\n"
        yield f"{position} {t.a} {t.TextPositionSelector} .\n"
        yield f'{position} {t.start} "{span.start}"^^{t.offset} .\n'
        yield f'{position} {t.end} "{span.end}"^^{t.offset} .\n'
        yield f"{quote_} {t.a} {t.TextQuoteSelector} .\n"
        yield f"{quote_} {t.exact} {literal_term(span.text)} .\n"
        prefix = text[max(0, span.start - _CONTEXT) : span.start]
        yield f"{quote_} {t.prefix} {literal_term(prefix)} .\n"
        yield f"{quote_} {t.suffix} {literal_term(text[span.end : span.end + _CONTEXT])} .\n"
