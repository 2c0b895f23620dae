"""What a picture shows about its nodes and links, read from the RDF store: names, kinds,
the documents that mention an actor, and each statement behind a link (quote, date,
modality, alleged act, source document).

Questions answered in Cypher return IRIs only; the details always come from the store,
which keeps every statement with its provenance.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox

from graph.rdf.store import RDFStore
from graph.sync.mapping import local_name
from ontology import ActorKind
from ontology.namespace import AG
from viz.model import SHORTCUT_RELATIONS, Evidence, Source, VizEdge, VizNode

EdgeKey = tuple[str, str, str]  # (source, relation, target)
_ACTOR_KINDS = {str(kind.iri): kind.value for kind in ActorKind}
_AG = str(AG._NS)
_QUOTE_LABEL = 80  # characters of a statement's quote used as its label in a picture


def _values(iris: Iterable[str]) -> str:
    """IRIs checked by Oxigraph's parser, each once, ready for a VALUES clause."""
    return " ".join(f"<{ox.NamedNode(i).value}>" for i in sorted(set(iris)))


def _text(row: dict[str, Any], name: str) -> str | None:
    term = row.get(name)
    return None if term is None else str(term.value)


def node_details(store: RDFStore, iris: Iterable[str]) -> list[VizNode]:
    """Each resource with a label, its kind and the documents that mention it."""
    wanted = sorted(set(iris))
    if not wanted:
        return []
    labels: dict[str, str] = {}
    kinds: dict[str, set[str]] = defaultdict(set)
    query = f"""SELECT ?a ?label ?type WHERE {{ VALUES ?a {{ {_values(wanted)} }}
      OPTIONAL {{ ?a rdfs:label|dcterms:title|ag:quote ?label }} OPTIONAL {{ ?a a ?type }} }}"""
    for row in store.solutions(query):
        iri, label, kind = row["a"].value, _text(row, "label"), _text(row, "type")
        if label is not None and (iri not in labels or label < labels[iri]):
            labels[iri] = label
        if kind is not None:
            kinds[iri].add(kind)
    documents = _mentioning_documents(store, wanted)
    return [
        VizNode(
            iri,
            _short(labels.get(iri) or local_name(iri)),
            _kind(kinds[iri]),
            documents=tuple(sorted(documents.get(iri, ()))),
        )
        for iri in wanted
    ]


def _kind(types: set[str]) -> str:
    """The actor kind if there is one, else the most specific allegraph class."""
    for kind in sorted(types):
        if kind in _ACTOR_KINDS:
            return _ACTOR_KINDS[kind]
    own = sorted(local_name(t) for t in types if t.startswith(_AG))
    specific = [t for t in own if t not in ("Actor", "Statement")]
    return (specific or own or ["Resource"])[0]


def _short(label: str) -> str:
    flat = " ".join(label.split())
    return flat if len(flat) <= _QUOTE_LABEL else flat[: _QUOTE_LABEL - 1] + "…"


def _mentioning_documents(store: RDFStore, iris: list[str]) -> dict[str, set[str]]:
    query = f"""SELECT DISTINCT ?a ?g WHERE {{ VALUES ?a {{ {_values(iris)} }}
      GRAPH ?g {{ ?a a ?type . ?g a ag:Document }} }}"""
    found: dict[str, set[str]] = defaultdict(set)
    for row in store.solutions(query):
        found[row["a"].value].add(row["g"].value)
    return found


def sources(store: RDFStore, documents: Iterable[str]) -> list[Source]:
    """Title, link, publisher and date of each document, for captions and tooltips."""
    wanted = sorted(set(documents))
    if not wanted:
        return []
    query = f"""SELECT ?d (MIN(?t) AS ?title) (MIN(?u) AS ?url) (MIN(?p) AS ?publisher)
      (MIN(?i) AS ?issued) WHERE {{ VALUES ?d {{ {_values(wanted)} }}
      OPTIONAL {{ ?d dcterms:title ?t }} OPTIONAL {{ ?d schema:url ?u }}
      OPTIONAL {{ ?d dcterms:publisher ?p }} OPTIONAL {{ ?d dcterms:issued ?i }} }} GROUP BY ?d"""
    return [
        Source(
            row["d"].value,
            _text(row, "title") or local_name(row["d"].value),
            _text(row, "url"),
            _text(row, "publisher"),
            _text(row, "issued"),
        )
        for row in store.solutions(query)
    ]


def evidence(store: RDFStore, keys: Iterable[EdgeKey]) -> dict[EdgeKey, list[Evidence]]:
    """The statements behind each shortcut link (claimant, relation, target), by date."""
    statements = _statements_of(store, {k for k in keys if k[1] in SHORTCUT_RELATIONS})
    if not statements:
        return {}
    query = f"""SELECT ?s ?quote ?date ?modality ?act ?answered ?doc WHERE {{
      VALUES ?s {{ {_values(statements)} }}
      OPTIONAL {{ ?s ag:quote ?quote }} OPTIONAL {{ ?s ag:statedOn ?date }}
      OPTIONAL {{ ?s ag:modality ?modality }} OPTIONAL {{ ?s ag:allegedAct/rdfs:label ?act }}
      OPTIONAL {{ ?s ag:respondsTo/ag:allegedAct/rdfs:label ?answered }}
      OPTIONAL {{ ?s prov:wasDerivedFrom ?doc }} }}"""
    solutions = store.solutions(query)
    docs = {s.iri: s for s in sources(store, (r["doc"].value for r in solutions if r["doc"]))}
    found: dict[EdgeKey, dict[str, Evidence]] = defaultdict(dict)
    for row in solutions:
        statement = row["s"].value
        for key in statements[statement]:
            if statement in found[key]:
                continue  # a second act label or document: the first is enough for a picture
            found[key][statement] = _evidence(statement, row, docs)
    return {
        key: sorted(by.values(), key=lambda e: (e.date or "", e.statement))
        for key, by in found.items()
    }


def _statements_of(store: RDFStore, keys: set[EdgeKey]) -> dict[str, set[EdgeKey]]:
    """Statement IRI → the links it backs. Asked per claimant and matched here: a VALUES
    of (claimant, kind, target) rows joined three times slower in Oxigraph."""
    if not keys:
        return {}
    relation = {str(kind.iri): rel for rel, kind in SHORTCUT_RELATIONS.items()}
    query = f"""SELECT ?s ?c ?kind ?t WHERE {{ VALUES ?c {{ {_values(k[0] for k in keys)} }}
      ?s ag:claimant ?c ; ag:target ?t ; a ?kind }}"""
    found: dict[str, set[EdgeKey]] = defaultdict(set)
    for row in store.solutions(query):
        rel = relation.get(row["kind"].value)
        key = (row["c"].value, rel or "", row["t"].value)
        if rel is not None and key in keys:
            found[row["s"].value].add(key)
    return found


def _evidence(statement: str, row: dict[str, Any], docs: dict[str, Source]) -> Evidence:
    modality, answered = _text(row, "modality"), _text(row, "answered")
    return Evidence(
        statement,
        _text(row, "act") or (f"answers: {answered}" if answered else None),
        _text(row, "quote") or "",
        _text(row, "date"),
        local_name(modality).lower() if modality else None,
        docs.get(_text(row, "doc") or ""),
    )


def with_evidence(store: RDFStore, keys: Iterable[EdgeKey]) -> list[VizEdge]:
    """Edges for (source, relation, target) keys, shortcut ones with their statements."""
    wanted = sorted(set(keys))
    found = evidence(store, wanted)
    return [VizEdge(s, t, r, tuple(found.get((s, r, t), ()))) for s, r, t in wanted]


def sources_of(store: RDFStore, nodes: Iterable[VizNode], edges: Iterable[VizEdge]) -> list[Source]:
    """The documents a picture draws on: those behind its links, else those naming its
    nodes (a neighbourhood without links still says where its actor comes from)."""
    from_edges = {e.document.iri: e.document for edge in edges for e in edge.evidence if e.document}
    if from_edges:
        return list(from_edges.values())
    return sources(store, {d for node in nodes for d in node.documents})
