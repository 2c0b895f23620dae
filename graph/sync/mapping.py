"""The RDF → property-graph mapping (docs/property-graph.md): rows for nodes and edges.

rdf:type → labels (the ag: classes), IRIs → an `iri` property on `:Resource` nodes, datatype
properties → properties (lists when multi-valued), object properties → relationships in
UPPER_SNAKE. Statements also give the shortcut edges `ACCUSED`, `DENIED`, `WARNED`,
`THREATENED` between actors, and each evidence span a `MENTIONED_IN` edge to its document.
Reads go to Oxigraph directly: rdflib's per-row conversion costs more than the queries.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import pyoxigraph as ox
from rdflib import URIRef

from graph.property import cypher
from graph.property.rows import EdgeRow, NodeRow
from graph.rdf.curation import CURATION_GRAPH
from graph.rdf.network import ACTORS_GRAPH
from graph.rdf.ntriples import (
    RawTriple,
    iri_term,
    iri_value,
    literal_parts,
    literal_value,
    oxigraph_text,
    triples_by_subject,
)
from ontology import ACTORS, AG, ID, OA, StatementKind, load_ontology
from ontology.namespace import OWL, RDF, RDFS, SKOS, XSD

_AG, _ID = str(AG._NS), str(ID)
_ACTORS = str(ACTORS)
_AG_TEXT, _ID_TEXT = "<" + _AG, "<" + _ID
_TYPE_IRI = str(RDF.type)
_INTEGERS = {str(XSD.integer), str(XSD.int), str(XSD.long), str(XSD.nonNegativeInteger)}
_BOOLEAN = str(XSD.boolean)
_LABEL = str(RDFS.label)
_ACT_TYPE = str(AG.actType)
_GRAPH_HASH = str(AG.graphHash)
_CLAIMANT, _TARGET, _ALLEGED_ACT = str(AG.claimant), str(AG.target), str(AG.allegedAct)
_STATED_ON, _MODALITY = str(AG.statedOn), str(AG.modality)


class _TEXT:
    """Predicates as N-Triples text, as graph texts are read (`_read_text`)."""

    type = iri_term(_TYPE_IRI)
    has_body, has_target = iri_term(str(OA.hasBody)), iri_term(str(OA.hasTarget))
    has_selector = iri_term(str(OA.hasSelector))
    start, end, exact = iri_term(str(OA.start)), iri_term(str(OA.end)), iri_term(str(OA.exact))


Pairs = list[tuple[str, str]]
"""A subject's (predicate IRI, object) pairs, each object as the N-Triples text allegraph
writes for it (`<iri>` or a quoted literal): graph texts are read without making terms."""

SpanRow = tuple[str, str, str, str, str]
"""An evidence span: annotation, body (what it is evidence of), start, end, exact text."""


@cache
def local_name(iri: str) -> str:
    """`…/ns#partOf` → `partOf` (cached: the same few predicates and classes recur)."""
    return re.split(r"[#/]", iri)[-1]


@cache
def relationship_type(predicate: str) -> str:
    """`ag:allegedAct` → `ALLEGED_ACT`, `prov:wasDerivedFrom` → `WAS_DERIVED_FROM`."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", local_name(predicate)).upper()


@dataclass
class DocumentRows:
    """Everything one document version contributes to the property graph."""

    document: str
    graph_hash: str
    nodes: list[NodeRow] = field(default_factory=list)
    edges: list[EdgeRow] = field(default_factory=list)
    # Read without uniting (`document_rows`): each shared node's pairs in this document.
    shared_pairs: dict[str, Pairs] = field(default_factory=dict)


def merged_nodes(nodes: Iterable[NodeRow]) -> dict[str, NodeRow]:
    """One row per IRI: an actor of several documents in the batch gets their union."""
    merged: dict[str, NodeRow] = {}
    for node in nodes:
        if node.iri in merged:
            merged[node.iri].documents.extend(node.documents)
        else:
            merged[node.iri] = NodeRow(node.iri, node.labels, node.props, list(node.documents))
    return merged


def merged_edges(edges: Iterable[EdgeRow]) -> list[EdgeRow]:
    """One row per (type, source, target, owner): a part-of stated in several documents."""
    merged: dict[tuple[str, str, str, str], EdgeRow] = {}
    for edge in edges:
        key = (edge.type, edge.source, edge.target, edge.owner)
        if key in merged:
            merged[key].documents.extend(edge.documents)
        else:
            merged[key] = EdgeRow(*key, list(edge.documents), edge.props)
    return list(merged.values())


@cache
def shortcut_predicates() -> frozenset[str]:
    return frozenset(str(k.shortcut) for k in StatementKind if k.shortcut is not None)


def shortcut_type(kind: StatementKind) -> str:
    """The relationship type of a statement kind's shortcut (`ag:accused` → `ACCUSED`)."""
    return local_name(str(kind.shortcut)).upper()


@cache
def shortcut_types() -> dict[str, str]:
    """Statement class IRI → shortcut relationship type (`ag:Accusation` → `ACCUSED`)."""
    return {str(k.iri): shortcut_type(k) for k in StatementKind if k.shortcut is not None}


@cache
def ontology_nodes() -> tuple[NodeRow, ...]:
    """Act-type concepts and modalities: the ontology's individuals that edges point to."""
    graph = load_ontology()
    rows = []
    for cls, label in ((SKOS.Concept, "Concept"), (AG.Modality, "Modality")):
        for subject in sorted(str(x) for x in graph.subjects(RDF.type, cls)):
            props = {
                local_name(str(p)): str(o)
                for p, o in graph.predicate_objects(URIRef(subject))
                if str(p) in (str(SKOS.prefLabel), str(SKOS.notation))
            }
            props["label"] = props.pop("prefLabel", local_name(subject))
            rows.append(NodeRow(subject, (label,), props, []))
    return tuple(rows)


@cache
def _ontology_node_texts() -> frozenset[str]:
    return frozenset(iri_term(row.iri) for row in ontology_nodes())


@cache
def ag_classes() -> tuple[str, ...]:
    """Every class the ontology declares in the ag: namespace: the labels a node can get."""
    graph = load_ontology()
    return tuple(
        sorted(str(c) for c in graph.subjects(RDF.type, OWL.Class) if str(c).startswith(_AG))
    )


@cache
def _ag_class_texts() -> frozenset[str]:
    return frozenset(iri_term(c) for c in ag_classes())


def _is_node(obj: str) -> bool:
    """Objects that become relationships: minted instances and the ontology's individuals;
    any other IRI (a Wikidata item, a source URL) and every literal stay property values."""
    return obj.startswith(_ID_TEXT) or obj in _ontology_node_texts()


def _value(obj: str) -> Any:
    """An object's value: an IRI's, or a literal's (integers and booleans as such)."""
    if obj[0] == "<":
        return obj[1:-1]
    lexical, _, datatype = literal_parts(obj)
    if datatype in _INTEGERS:
        return int(lexical)
    if datatype == _BOOLEAN:
        return lexical == "true"
    return lexical


def _gives_property(predicate: str, obj: str) -> bool:
    """Whether a pair gives its subject a label (an ag: class) or a property, not a
    relationship."""
    if predicate == _TYPE_IRI:
        return obj.startswith(_AG_TEXT)
    return predicate not in shortcut_predicates() and not _is_node(obj)


def property_pairs(pairs: Pairs) -> Pairs:
    """The pairs that give a subject labels and properties (not relationships)."""
    return [(p, o) for p, o in pairs if _gives_property(p, o)]


def labels_and_properties(
    pairs: Iterable[tuple[str, str]],
) -> tuple[tuple[str, ...], dict[str, Any]]:
    """Labels and properties of a subject from its (predicate, object) pairs."""
    labels: set[str] = set()
    values: dict[str, set[Any]] = defaultdict(set)
    for predicate, obj in pairs:
        if not _gives_property(predicate, obj):
            continue
        if predicate == _TYPE_IRI:
            labels.add(local_name(obj[1:-1]))
        else:
            values[local_name(predicate)].add(_value(obj))
    props = {k: (next(iter(v)) if len(v) == 1 else sorted(v, key=str)) for k, v in values.items()}
    return tuple(sorted(labels)), props


def shared_by_documents(iri: str) -> bool:
    """Whether more than one document can give this node: an actor (its IRI is made from
    its name or Wikidata id). Any other node a document gives is minted in the document's
    own scope (its statements, acts and itself)."""
    return iri.startswith(_ACTORS)


class SharedProperties:
    """The labels and union properties of actors (shared by documents), fetched and mapped
    once per sync: a popular actor's quads span thousands of graphs, too many to scan for
    every document, and it is named in thousands of them. The properties are shared by
    every row of the actor: nothing may change them."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self.cache: dict[str, tuple[tuple[str, ...], dict[str, Any]]] = {}

    def of(self, subjects: list[str]) -> dict[str, tuple[tuple[str, ...], dict[str, Any]]]:
        missing = [s for s in subjects if s not in self.cache]
        if missing:
            fetched = union_pairs(self.store, missing)
            self.cache.update({s: labels_and_properties(fetched.get(s, [])) for s in missing})
        return {s: self.cache[s] for s in subjects}


def document_rows(
    store: ox.Store,
    document: str,
    shared: SharedProperties | None = None,
    text: str | None = None,
    *,
    unite: bool = True,
) -> DocumentRows:
    """Rows for one document's current graph; shared actors get their union properties.

    The graph is read from `text`, its N-Triples text (`graph.rdf.texts`), when given,
    and otherwise from the store; both give the same rows. Without `unite`, an actor gets
    the properties this document gives it, and its pairs are kept in `shared_pairs`, for
    a reader of every document that unites them itself (a bulk build) and so needs no
    query per actor.
    """
    read = None if text is None else _read_text(text)
    if read is None:
        by_subject = _typed_subjects(store, document)
        spans: Iterable[SpanRow] = (
            tuple(term.value for term in row)
            for row in _solutions(store, _SPANS.format(graph=document))
        )
    else:
        by_subject, spans = read
    actors = [s for s in by_subject if shared_by_documents(s)]
    rows = DocumentRows(document, _graph_hash(by_subject.get(document, [])))
    if unite:
        union = (shared or SharedProperties(store)).of(actors)
    else:
        union, rows.shared_pairs = {}, {a: property_pairs(by_subject[a]) for a in actors}
    for subject, pairs in by_subject.items():
        labels, props = union[subject] if subject in union else labels_and_properties(pairs)
        if labels:
            if "graphHash" in props:  # set last, once everything else is written
                props = {k: v for k, v in props.items() if k != "graphHash"}
            rows.nodes.append(NodeRow(subject, labels, props, [document]))
            rows.edges.extend(_object_edges(subject, pairs, document))
    rows.edges.extend(_shortcut_edges(by_subject, document))
    for span, body, start, end, exact in spans:
        props = {"start": int(start), "end": int(end), "exact": exact}
        rows.edges.append(EdgeRow(cypher.MENTIONED_IN, body, document, span, [document], props))
    return rows


def _typed_subjects(store: ox.Store, document: str) -> dict[str, Pairs]:
    """(predicate, object) pairs of each subject of the graph that has an ag: class.

    Only those become nodes. Evidence spans (most of a graph's triples) are left to
    Oxigraph to skip, and handed over as one row per span by `_SPANS`: reading terms out
    of the store is most of a sync's time.
    """
    by_subject: dict[str, Pairs] = defaultdict(list)
    for subject, predicate, obj in _solutions(store, _typed_quads().format(graph=document)):
        by_subject[subject.value].append((predicate.value, oxigraph_text(obj)))
    return by_subject


def _read_text(text: str) -> tuple[dict[str, Pairs], list[SpanRow]] | None:
    """What `_typed_subjects` and `_SPANS` read from the store, from the graph's text
    (None if the text is not as allegraph writes it). Only the typed subjects' objects
    become terms."""
    subjects = triples_by_subject(text)
    if subjects is None:
        return None
    typed: list[str] = []
    annotations: list[tuple[str, str]] = []
    type_text, has_body, classes = _TEXT.type, _TEXT.has_body, _ag_class_texts()
    for subject, triples in subjects.items():
        for _, predicate, obj in triples:
            if predicate == type_text:
                if obj in classes:
                    typed.append(subject)
            elif predicate == has_body:
                annotations.append((subject, obj))
    by_subject = {
        iri_value(s): [(iri_value(p), o) for _, p, o in subjects[s]] for s in dict.fromkeys(typed)
    }
    return by_subject, list(_text_spans(subjects, annotations))


def _text_spans(
    subjects: dict[str, list[RawTriple]], annotations: list[tuple[str, str]]
) -> Iterator[SpanRow]:
    """The rows `_SPANS` gives: each annotation's body with the start, end and exact text
    of its target's selectors (every combination, as the query's join gives them)."""

    def values(subject: str, predicate: str) -> list[str]:
        return [o for _, p, o in subjects.get(subject, ()) if p == predicate]

    for annotation, body in annotations:
        for target in values(annotation, _TEXT.has_target):
            selectors = values(target, _TEXT.has_selector)
            positions = [
                (literal_value(start), literal_value(end))
                for p in selectors
                for start in values(p, _TEXT.start)
                for end in values(p, _TEXT.end)
            ]
            exacts = [literal_value(x) for q in selectors for x in values(q, _TEXT.exact)]
            for start, end in positions:
                for exact in exacts:
                    yield iri_value(annotation), iri_value(body), start, end, exact


@cache
def _typed_quads() -> str:
    """The query of `_typed_subjects`, its `{graph}` left to fill."""
    classes = " ".join(f"<{c}>" for c in ag_classes())
    return (
        f"SELECT DISTINCT ?s ?p ?o {{{{ GRAPH <{{graph}}> {{{{ "
        f"VALUES ?t {{{{ {classes} }}}} ?s a ?t . ?s ?p ?o }}}} }}}}"
    )


# Each selector's values joined right after the selector: with both selectors bound first
# (`?t oa:hasSelector ?p, ?q`) Oxigraph took about a quarter longer.
_SPANS = (
    f"SELECT ?a ?body ?start ?end ?exact {{{{ GRAPH <{{graph}}> {{{{ "
    f"?a <{OA.hasBody}> ?body ; <{OA.hasTarget}> ?t . ?t <{OA.hasSelector}> ?p . "
    f"?p <{OA.start}> ?start ; <{OA.end}> ?end . ?t <{OA.hasSelector}> ?q . "
    f"?q <{OA.exact}> ?exact }}}} }}}}"
)


def _solutions(store: ox.Store, query: str) -> ox.QuerySolutions:
    result = store.query(query)
    assert isinstance(result, ox.QuerySolutions)
    return result


def union_pairs(store: ox.Store, subjects: list[str]) -> dict[str, Pairs]:
    """Distinct (predicate, object) pairs of each actor across all document graphs (and the
    curation graph), shortcuts aside: the actors graph holds each once (`graph.rdf.network`)."""
    if not subjects:
        return {}
    assert all(shared_by_documents(s) for s in subjects), "only actors are shared by documents"
    values = " ".join(f"<{s}>" for s in subjects)
    graphs = f"<{ACTORS_GRAPH}> <{CURATION_GRAPH}>"
    shortcuts = ", ".join(f"<{p}>" for p in sorted(shortcut_predicates()))
    result = _solutions(
        store,
        f"SELECT DISTINCT ?s ?p ?o WHERE {{ VALUES ?s {{ {values} }} VALUES ?g {{ {graphs} }} "
        f"GRAPH ?g {{ ?s ?p ?o }} FILTER (?p NOT IN ({shortcuts})) }}",
    )
    found: dict[str, Pairs] = defaultdict(list)
    for solution in result:
        found[solution["s"].value].append((solution["p"].value, oxigraph_text(solution["o"])))
    return found


def _graph_hash(pairs: Pairs) -> str:
    return next((literal_value(o) for p, o in pairs if p == _GRAPH_HASH), "")


def _object_edges(subject: str, pairs: Pairs, document: str) -> Iterator[EdgeRow]:
    skip = shortcut_predicates()
    for predicate, obj in pairs:
        if predicate != _TYPE_IRI and predicate not in skip and _is_node(obj):
            yield EdgeRow(relationship_type(predicate), subject, obj[1:-1], subject, [document])


def _one(pairs: Pairs, predicate: str) -> str | None:
    return next((o for p, o in pairs if p == predicate), None)


def _shortcut_edges(by_subject: dict[str, Pairs], document: str) -> Iterator[EdgeRow]:
    types = shortcut_types()
    for subject, pairs in by_subject.items():
        kinds = [types[o[1:-1]] for p, o in pairs if p == _TYPE_IRI and o[1:-1] in types]
        claimant = _one(pairs, _CLAIMANT) if kinds else None
        if claimant is None:
            continue
        act = _one(pairs, _ALLEGED_ACT)
        props: dict[str, Any] = {"statement": subject}
        date, modality = _one(pairs, _STATED_ON), _one(pairs, _MODALITY)
        if date is not None:
            props["date"] = _value(date)
        if modality is not None:
            props["modality"] = local_name(_value(modality)).lower()
        if act is not None:
            props["act"] = _value(act)
            act_pairs = by_subject.get(props["act"], [])
            act_label = _one(act_pairs, _LABEL)
            if act_label is not None:
                props["actLabel"] = _value(act_label)
            # The act types ride on the edge too, so mirrors match edge to edge.
            props["actTypes"] = sorted(_value(o) for p, o in act_pairs if p == _ACT_TYPE)
        source = _value(claimant)
        for predicate, target in pairs:
            if predicate == _TARGET:
                yield EdgeRow(kinds[0], source, _value(target), subject, [document], props)
