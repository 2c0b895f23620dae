"""Against a real Neo4j 5 server, when one is given: ALLEGRAPH_NEO4J_URI (and _USER,
_PASSWORD, _DATABASE). The database named is emptied of allegraph's nodes first.

    docker run -p 7687:7687 -e NEO4J_AUTH=neo4j/allegraph-test neo4j:5
    ALLEGRAPH_NEO4J_URI=neo4j://localhost:7687 ALLEGRAPH_NEO4J_PASSWORD=allegraph-test \\
        .venv/bin/pytest tests/test_neo4j_server.py
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator

import pytest

from graph import queries as q
from graph.rdf.store import RDFStore
from graph.sync.run import sync_documents
from graph.sync.verify import differences
from loaders.errors import QueryError

pytestmark = pytest.mark.skipif(
    not os.environ.get("ALLEGRAPH_NEO4J_URI"), reason="no Neo4j server: set ALLEGRAPH_NEO4J_URI"
)


@pytest.fixture
def neo4j() -> Iterator[object]:
    from graph.property.neo4j_backend import Neo4jBackend

    backend = Neo4jBackend.from_environment()
    backend.clear()
    try:
        yield backend
    finally:
        backend.clear()
        backend.close()


def test_seed_syncs_verifies_and_answers_like_sparql(seed_store: RDFStore, neo4j) -> None:  # type: ignore[no-untyped-def]
    report = sync_documents(seed_store, neo4j)
    assert report.added == 1
    assert differences(seed_store, neo4j) == []
    assert sync_documents(seed_store, neo4j).elements == 0
    assert q.mirrors_cypher(neo4j) == q.mirrors_sparql(seed_store)
    actor = "https://w3id.org/allegraph/id/actor/"
    source, target = actor + "jens-stoltenberg", actor + "Q7184"
    kinds = ["accusation", "denial"]
    assert q.chains_cypher(neo4j, source, target, 3, kinds) == q.chains_sparql(
        seed_store, source, target, 3, kinds
    )
    assert q.timeline_cypher(neo4j, actor + "Q159") == q.timeline_sparql(seed_store, actor + "Q159")


def test_writes_are_refused_in_read_mode(seed_store: RDFStore, neo4j) -> None:  # type: ignore[no-untyped-def]
    sync_documents(seed_store, neo4j)
    with pytest.raises(QueryError):
        neo4j.read("CREATE (n:Actor {label: 'intruder'}) RETURN n")
    assert neo4j.read("MATCH (n:Actor {label: 'intruder'}) RETURN n") == []


def test_the_n10s_shape_syncs_verifies_and_keeps_dates(seed_store: RDFStore, neo4j) -> None:  # type: ignore[no-untyped-def]
    from graph.property import cypher
    from graph.sync import n10s

    had_prefixes = bool(neo4j.read(cypher.N10S_PREFIXES))
    try:
        assert n10s.sync_n10s(seed_store, neo4j).added == 1
        assert n10s.differences(seed_store, neo4j) == []
        assert n10s.sync_n10s(seed_store, neo4j).elements == 0
        [row] = neo4j.read(
            "MATCH (s:ag__Denial {uri: $s7}) RETURN s.ag__statedOn AS date",
            {"s7": "https://w3id.org/allegraph/id/statement/svr-nato-false-flag/s7"},
        )
        assert row["date"].to_native() == dt.date(2022, 3, 15)  # a Neo4j DATE, as n10s's
    finally:
        if not had_prefixes:
            neo4j.write("MATCH (p:`_NsPrefDef`) DELETE p")
