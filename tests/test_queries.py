"""Each investigator query gives the same answer in SPARQL and in Cypher."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from graph import queries as q
from graph.rdf.actors import resolve_actor
from graph.rdf.ingest import ingest_paths
from graph.rdf.stats import top_actors
from graph.rdf.store import RDFStore
from graph.sync.run import sync_documents
from loaders import discover
from loaders.errors import UsageError
from loaders.synthetic import write_corpus
from ontology import StatementKind
from tests.conftest import SEED_YAML

ACTOR = "https://w3id.org/allegraph/id/actor/"


def test_seed_mirror_is_russia_and_nato_on_a_false_flag(seed_store: RDFStore, graph_db) -> None:  # type: ignore[no-untyped-def]
    sync_documents(seed_store, graph_db)
    sparql, cypher = q.mirrors_sparql(seed_store), q.mirrors_cypher(graph_db)
    assert sparql == cypher
    assert (
        q.Mirror(ACTOR + "Q159", ACTOR + "Q7184", "https://w3id.org/allegraph/ns#FalseFlag")
        in sparql
    )
    for same, roll in ((True, False), (False, True), (False, False)):
        assert q.mirrors_sparql(seed_store, same, roll) == q.mirrors_cypher(graph_db, same, roll)
    assert q.mirrors_sparql(seed_store, True, False) == []  # only rolled up do they mirror


def test_seed_chain_timeline_and_neighbourhood_agree(seed_store: RDFStore, graph_db) -> None:  # type: ignore[no-untyped-def]
    sync_documents(seed_store, graph_db)
    stoltenberg = resolve_actor(seed_store, "jens STOLTENBERG")
    nato = resolve_actor(seed_store, "North Atlantic Treaty Organization")
    kinds = ["accusation", "denial"]
    chains = q.chains_sparql(seed_store, stoltenberg, nato, 3, kinds)
    assert chains == q.chains_cypher(graph_db, stoltenberg, nato, 3, kinds)
    assert chains == [(stoltenberg, ACTOR + "Q159", nato)]
    russia = resolve_actor(seed_store, "Moscow")
    assert q.timeline_sparql(seed_store, russia) == q.timeline_cypher(graph_db, russia)
    for depth in (0, 1, 2):
        assert q.neighbourhood_sparql(seed_store, russia, depth) == q.neighbourhood_cypher(
            graph_db, russia, depth
        )
    assert q.neighbourhood_sparql(seed_store, russia, 0).actors == (russia,)


def test_actor_names_resolve_case_and_accent_insensitively(seed_store: RDFStore) -> None:
    assert resolve_actor(seed_store, "svr").endswith("/actor/svr")
    assert resolve_actor(seed_store, "Q159") == ACTOR + "Q159"
    assert resolve_actor(seed_store, "white   helmets") == resolve_actor(
        seed_store, "White Helmets"
    )
    with pytest.raises(UsageError, match="no actor named"):
        resolve_actor(seed_store, "Kremlin cat")


def _synced_corpus_accusers(
    store: RDFStore, graph_db, tmp_path: Path, offset: int, limit: int
) -> list[str]:  # type: ignore[no-untyped-def]
    """Ingest and sync a generated corpus; the accusers ranked offset+1 … offset+limit."""
    write_corpus(150, tmp_path / "corpus", seed=5)
    assert ingest_paths(store, discover([tmp_path / "corpus"]), shacl=False).ok
    sync_documents(store, graph_db)
    top = store.solutions(
        "SELECT ?a (COUNT(*) AS ?n) WHERE { ?a ag:accused ?b } GROUP BY ?a "
        f"ORDER BY DESC(?n) ?a OFFSET {offset} LIMIT {limit}"
    )
    return [row["a"].value for row in top]


def test_generated_corpus_answers_agree(store: RDFStore, graph_db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    actors = _synced_corpus_accusers(store, graph_db, tmp_path, 0, 3)
    for same in (True, False):
        for roll in (True, False):
            mirrors = q.mirrors_sparql(store, same, roll)
            assert mirrors and mirrors == q.mirrors_cypher(graph_db, same, roll)
    for source in actors:
        for target in actors:
            if source != target:
                assert q.chains_sparql(store, source, target, 3) == q.chains_cypher(
                    graph_db, source, target, 3
                )
        assert q.timeline_sparql(store, source) == q.timeline_cypher(graph_db, source)
        assert q.neighbourhood_sparql(store, source, 1) == q.neighbourhood_cypher(
            graph_db, source, 1
        )


def test_long_chains_agree_on_a_generated_corpus(store: RDFStore, graph_db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Four and five hops, with limits that cut inside a length: the Cypher form joins the
    last two steps differently from the first, so the longer paths are checked too."""
    actors = _synced_corpus_accusers(store, graph_db, tmp_path, 10, 5)
    lengths = set()
    for source in actors:
        for target in actors:
            if source != target:
                for hops, limit in ((4, 1000), (5, 60), (4, 7), (4, 3)):
                    sparql = q.chains_sparql(store, source, target, hops, limit=limit)
                    assert sparql == q.chains_cypher(graph_db, source, target, hops, limit=limit)
                    lengths |= {len(p) - 1 for p in sparql}
    assert {3, 4, 5} <= lengths


CUTS = (1, 2, 3, 7, 8, 9, 31, 33, 64, 150)


def _sparql_chains_of_length(
    store: RDFStore, source: str, target: str, hops: int, count: int
) -> list[q.Path]:
    """The first `count` chains of exactly `hops` hops in order, from the SPARQL form (which
    gives every shorter chain first)."""
    shorter = len(q.chains_sparql(store, source, target, hops - 1, limit=10**6))
    paths = q.chains_sparql(store, source, target, hops, limit=shorter + count)
    return [p for p in paths if len(p) == hops + 1]


def test_chains_of_each_length_agree_under_every_cut(
    store: RDFStore,
    graph_db,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    """Exactly 2 to 5 hops between the busiest accusers, each cut at many limits: the first
    chains in order, the same as SPARQL's, whichever limit stops the search."""
    actors = _synced_corpus_accusers(store, graph_db, tmp_path, 0, 4)
    cut = 0
    for source in actors:
        for target in actors:
            for hops in (2, 3, 4, 5):
                if source == target:
                    assert q.chains_of_length_cypher(graph_db, source, target, hops) == []
                    continue
                expected = _sparql_chains_of_length(store, source, target, hops, max(CUTS))
                for limit in CUTS:
                    found = q.chains_of_length_cypher(graph_db, source, target, hops, limit=limit)
                    assert found == expected[:limit], (source, target, hops, limit)
                    cut += len(expected) > limit
    assert cut > 50


class RowCounting:
    """A real backend that also counts the rows its reads return."""

    def __init__(self, backend: Any) -> None:
        self.backend, self.rows = backend, 0
        self.dialect, self.name = backend.dialect, backend.name

    def read(self, query: str, parameters: Any = None, timeout_ms: Any = None) -> Any:
        rows = self.backend.read(query, parameters, timeout_ms)
        self.rows += len(rows)
        return rows


def test_chain_search_walks_batches_and_stops_at_the_limit(
    store: RDFStore,
    graph_db,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    """The Cypher walk reads the graph a batch at a time and stops once the limit is met:
    the same chains with the smallest batches (every stem's steps split over queries) as
    with the usual ones, and far fewer rows read for the first chains than for all."""
    actors = _synced_corpus_accusers(store, graph_db, tmp_path, 0, 4)
    pairs = [(s, t) for s in actors for t in actors if s != t]
    usual = {
        (s, t, hops): q.chains_of_length_cypher(graph_db, s, t, hops, limit=10**6)
        for s, t in pairs
        for hops in (3, 4, 5)
    }
    for first_steps, first_ends in ((1, 1), (2, 3)):
        monkeypatch.setattr(q, "_FIRST_STEPS", first_steps)
        monkeypatch.setattr(q, "_FIRST_ENDS", first_ends)
        for (s, t, hops), chains in usual.items():
            for limit in (1, 5, 10**6):
                found = q.chains_of_length_cypher(graph_db, s, t, hops, limit=limit)
                assert found == chains[:limit], (s, t, hops, limit, first_steps)
    monkeypatch.undo()
    for s, t in pairs:  # about 600 five-hop chains each in this corpus
        first, every = RowCounting(graph_db), RowCounting(graph_db)
        q.chains_of_length_cypher(first, s, t, 5, limit=1)  # type: ignore[arg-type]
        q.chains_of_length_cypher(every, s, t, 5, limit=10**6)  # type: ignore[arg-type]
        assert len(usual[s, t, 5]) > 300
        assert first.rows * 10 < every.rows


def test_timeline_months_count_what_the_timeline_lists(seed_store: RDFStore, graph_db) -> None:  # type: ignore[no-untyped-def]
    sync_documents(seed_store, graph_db)
    for name in ("Moscow", "jens stoltenberg", "NATO"):
        actor = resolve_actor(seed_store, name)
        entries = q.timeline_sparql(seed_store, actor)
        months = {m.month: m for m in q.timeline_months_cypher(graph_db, actor)}
        for month in {(e.date or "")[:7] for e in entries}:
            listed = [e for e in entries if (e.date or "")[:7] == month]
            assert months[month].made == sum(e.claimant == actor for e in listed)
            assert months[month].received == sum(actor in e.targets for e in listed)
        assert set(months) == {(e.date or "")[:7] for e in entries}


def test_top_actors_agree_in_sparql_and_cypher(tmp_path: Path, store: RDFStore, graph_db) -> None:  # type: ignore[no-untyped-def]
    write_corpus(40, tmp_path / "corpus", seed=5)
    ingest_paths(store, [SEED_YAML, *discover([tmp_path / "corpus"])], shacl=False)
    sync_documents(store, graph_db)
    for kind in (StatementKind.accusation, StatementKind.denial):
        for role in ("claimant", "target"):
            ranked = top_actors(store, role, kind, 5)
            assert ranked and ranked == q.top_actors_cypher(graph_db, role, kind, 5)
