"""`sync --verify`: the counts the mapping promises, from the RDF store, against the graph's."""

from __future__ import annotations

from graph.property import cypher
from graph.property.backend import CypherBackend
from graph.rdf.network import DERIVED_GRAPHS
from graph.rdf.store import RDFStore
from graph.sync import rolled_up_graph
from graph.sync.mapping import (
    ontology_nodes,
    relationship_type,
    shortcut_predicates,
    shortcut_types,
)
from ontology import AG, ID, OA
from ontology.namespace import ONTOLOGY_IRI, RDF

_NOT_DOCUMENTS = ", ".join(f"<{g}>" for g in (*DERIVED_GRAPHS, ONTOLOGY_IRI))
_DOCUMENT_GRAPHS = f"FILTER (?g NOT IN ({_NOT_DOCUMENTS}))"


def expected_counts(store: RDFStore) -> dict[str, int]:
    """`label:X` and `type:Y` counts as the mapping of the current RDF store gives them."""
    counts: dict[str, int] = {}
    labels = store.solutions(
        f"SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH ?g {{ ?s a ?c }} {_DOCUMENT_GRAPHS} "
        f'FILTER STRSTARTS(STR(?c), "{AG._NS}") }} GROUP BY ?c'
    )
    for row in labels:
        counts[f"label:{row['c'].value.rsplit('#', 1)[1]}"] = int(row["n"].value)
    nodes = " ".join(f"<{n.iri}>" for n in ontology_nodes())
    skip = " ".join(f"<{p}>" for p in sorted(shortcut_predicates()))
    edges = store.solutions(
        f"SELECT ?p (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?p ?o WHERE {{ "
        f"GRAPH ?g {{ ?s ?p ?o . ?s a ?type }} {_DOCUMENT_GRAPHS} "
        f'FILTER STRSTARTS(STR(?type), "{AG._NS}") FILTER (?p != <{RDF_TYPE}>) '
        f"FILTER (?p NOT IN ({skip.replace(' ', ', ')})) "
        f'FILTER (isIRI(?o) && (STRSTARTS(STR(?o), "{ID}") || ?o IN ({nodes.replace(" ", ", ")}))) '
        f"}} }} GROUP BY ?p"
    )
    for row in edges:
        counts[f"type:{relationship_type(row['p'].value)}"] = int(row["n"].value)
    for kind, rel in _shortcut_kinds():
        found = store.solutions(
            f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?t WHERE {{ "
            f"GRAPH ?g {{ ?s a <{kind}> ; <{AG.target}> ?t }} }} }}"
        )
        counts[f"type:{rel}"] = int(found[0]["n"].value)
    mentions = store.solutions(
        f"SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE {{ GRAPH ?g {{ ?a a <{OA.Annotation}> }} }}"
    )
    counts["type:MENTIONED_IN"] = int(mentions[0]["n"].value)
    return {k: v for k, v in counts.items() if v}


def graph_counts(backend: CypherBackend) -> dict[str, int]:
    counts = {f"label:{r['label']}": r["n"] for r in backend.read(cypher.LABEL_COUNTS)}
    counts |= {f"type:{r['type']}": r["n"] for r in backend.read(cypher.TYPE_COUNTS)}
    ontology = {"label:Resource", "label:Concept", "label:Modality"}
    derived = {f"type:{t}" for t in cypher.DERIVED_TYPES}  # checked by `rolled_up_graph`
    return {k: v for k, v in counts.items() if k not in ontology | derived and v}


def differences(store: RDFStore, backend: CypherBackend) -> list[str]:
    """One line per count that differs, then what is wrong with the rolled-up network the
    sync derives (against one computed whole from the graph); empty when all is right."""
    want, have = expected_counts(store), graph_counts(backend)
    return [
        f"{key}: RDF store {want.get(key, 0):,}, graph {have.get(key, 0):,}"
        for key in sorted(set(want) | set(have))
        if want.get(key, 0) != have.get(key, 0)
    ] + rolled_up_graph.differences(backend)


def _shortcut_kinds() -> list[tuple[str, str]]:
    return sorted(shortcut_types().items())


RDF_TYPE = str(RDF.type)
