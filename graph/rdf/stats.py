"""Counts that tell an investigator what the store holds."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from rdflib import URIRef

from graph.rdf.store import RDFStore
from ontology import AG, StatementKind

_COUNT_BY_CLASS = """
SELECT ?class (COUNT(DISTINCT ?x) AS ?n) WHERE { GRAPH ?g { ?x a ?class } } GROUP BY ?class
"""


@dataclass(frozen=True)
class StoreStats:
    documents: int
    quads: int
    actors: int
    alleged_acts: int
    statements: int
    statements_by_kind: dict[str, int]

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def store_stats(store: RDFStore) -> StoreStats:
    counts: dict[URIRef, int] = {cls: int(n) for cls, n in store.rows(store.query(_COUNT_BY_CLASS))}
    return StoreStats(
        documents=counts.get(AG.Document, 0),
        quads=store.quad_count(),
        actors=counts.get(AG.Actor, 0),
        alleged_acts=counts.get(AG.AllegedAct, 0),
        statements=counts.get(AG.Statement, 0),
        statements_by_kind={kind.value: counts.get(kind.iri, 0) for kind in StatementKind},
    )


def top_actors(
    store: RDFStore, role: str, kind: StatementKind, limit: int
) -> list[tuple[str, int]]:
    """The actors that made (`role="claimant"`) or received (`role="target"`) the most
    statements of one kind: (actor IRI, count), most first."""
    predicate = {"claimant": AG.claimant, "target": AG.target}[role]
    query = (
        f"SELECT ?a (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH ?g {{ ?s a <{kind.iri}> ; "
        f"<{predicate}> ?a }} }} GROUP BY ?a ORDER BY DESC(?n) STR(?a) LIMIT {int(limit)}"
    )
    return [(str(a), int(n)) for a, n in store.rows(store.query(query))]
