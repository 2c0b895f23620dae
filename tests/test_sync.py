"""Sync into a real FalkorDB: idempotent, incremental, provenance-aware, verifiable."""

from __future__ import annotations

import gc
import json
import shutil
from pathlib import Path

import pytest

from graph.property import cypher
from graph.rdf.ingest import ingest_paths
from graph.rdf.mapping import document_iri
from graph.rdf.store import RDFStore
from graph.sync.run import sync_documents
from graph.sync.verify import differences
from loaders.synthetic import write_corpus
from tests.conftest import SEED_YAML, graph_dump
from tests.docs import minimal, write


def test_first_sync_writes_everything_and_verifies(seed_store: RDFStore, graph_db) -> None:  # type: ignore[no-untyped-def]
    report = sync_documents(seed_store, graph_db)
    assert (report.added, report.changed, report.removed) == (1, 0, 0)
    assert differences(seed_store, graph_db) == []
    [row] = graph_db.read(
        "MATCH (s:Actor {label: 'SVR'})-[r:ACCUSED]->(n:Actor {label: 'NATO'}) "
        "RETURN r.statement AS st, r.documents AS docs, labels(s) AS labels"
    )
    assert row["docs"] == [str(document_iri("svr-nato-false-flag"))]
    assert set(row["labels"]) == {"Resource", "Actor", "IntelligenceService"}
    assert row["st"].endswith("/statement/svr-nato-false-flag/s1")


def test_second_sync_changes_nothing(seed_store: RDFStore, graph_db) -> None:  # type: ignore[no-untyped-def]
    sync_documents(seed_store, graph_db)
    before = graph_dump(graph_db)
    again = sync_documents(seed_store, graph_db)
    assert (again.added, again.changed, again.removed, again.elements) == (0, 0, 0, 0)
    assert graph_dump(graph_db) == before


def test_full_resync_rebuilds_the_same_graph(seed_store: RDFStore, graph_db) -> None:  # type: ignore[no-untyped-def]
    sync_documents(seed_store, graph_db)
    before = graph_dump(graph_db)
    sync_documents(seed_store, graph_db, full=True)
    assert graph_dump(graph_db) == before


def test_edge_backed_by_two_documents_survives_one_and_goes_with_the_last(
    store: RDFStore,
    graph_db,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    ingest_paths(
        store,
        [
            write(tmp_path / "a.json", minimal() | {"id": "a"}),
            write(tmp_path / "b.json", minimal() | {"id": "b"}),
        ],
    )
    sync_documents(store, graph_db)
    query = (
        "MATCH (:Actor {label: 'SVR'})-[r:PART_OF|ACCUSED]->(:Actor {label: 'NATO'}) "
        "RETURN r.documents AS docs"
    )
    assert sorted(len(r["docs"]) for r in graph_db.read(query)) == [1, 1]
    svr = "MATCH (a:Actor {label: 'SVR'}) RETURN a.documents AS docs"
    assert len(graph_db.read(svr)[0]["docs"]) == 2
    store.remove_graph(document_iri("a"))
    report = sync_documents(store, graph_db)
    assert report.removed == 1
    assert graph_db.read(svr)[0]["docs"] == [str(document_iri("b"))]
    assert len(graph_db.read(query)) == 1
    store.remove_graph(document_iri("b"))
    sync_documents(store, graph_db)
    assert graph_db.read(svr) == []
    assert differences(store, graph_db) == []


def test_changed_document_is_resynced_and_stale_parts_go(
    store: RDFStore,
    graph_db,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    doc = minimal()
    path = write(tmp_path / "d.json", doc)
    ingest_paths(store, [path])
    sync_documents(store, graph_db)
    doc["statements"] = doc["statements"][:1]
    doc["entities"][0]["kind"] = "GovernmentAgency"
    write(path, doc)
    ingest_paths(store, [path])
    report = sync_documents(store, graph_db)
    assert (report.added, report.changed) == (0, 1)
    assert graph_db.read("MATCH ()-[r:DENIED]->() RETURN r") == []
    [row] = graph_db.read("MATCH (a:Actor {label: 'SVR'}) RETURN labels(a) AS labels")
    assert "IntelligenceService" not in row["labels"] and "GovernmentAgency" in row["labels"]
    assert differences(store, graph_db) == []


def test_verify_reports_a_difference(seed_store: RDFStore, graph_db) -> None:  # type: ignore[no-untyped-def]
    sync_documents(seed_store, graph_db)
    graph_db.write("MATCH ()-[r:WARNED]->() DELETE r")
    assert differences(seed_store, graph_db) == ["type:WARNED: RDF store 1, graph 0"]


def test_cli_sync_verify_and_read_only_cypher(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("ingest", str(SEED_YAML)).code == 0
    done = cli("sync", "--verify")
    assert done.code == 0, done.stderr
    assert "verified" in done.stdout
    rows = json.loads(
        cli("query", "cypher", "MATCH (a:Actor) RETURN count(a) AS n", "--format", "json").stdout
    )
    assert rows == [{"n": 16}]
    refused = cli("query", "cypher", "CREATE (n:Actor {label: 'x'}) RETURN n")
    assert refused.code == 2 and "read-only" in refused.stderr
    rows = json.loads(
        cli("query", "cypher", "MATCH (a:Actor) RETURN count(a) AS n", "--format", "json").stdout
    )
    assert rows == [{"n": 16}]


def test_awkward_characters_survive_the_trip(store: RDFStore, graph_db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    doc = minimal()
    title = 'He said "no" \\ then: `left`\nÉmigré ✓ {braces} $param'
    doc["title"] = title
    ingest_paths(store, [write(tmp_path / "d.json", doc)])
    sync_documents(store, graph_db)
    [row] = graph_db.read("MATCH (d:Document) RETURN d.title AS title")
    assert row["title"] == title


def test_sync_in_steps_builds_what_a_full_sync_builds(
    store: RDFStore,
    graph_db,  # type: ignore[no-untyped-def]
    other_graph,  # type: ignore[no-untyped-def]
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """New documents' nodes and edges are created, shared actors merged across batches,
    changed and removed documents withdrawn: the result is what one full sync gives."""
    monkeypatch.setattr("graph.sync.run.BATCH_DOCUMENTS", 16)
    first, second = tmp_path / "first", tmp_path / "second"
    write_corpus(80, first, seed=5)
    write_corpus(12, second, seed=6)  # the same ids as the first 12, other contents
    paths = sorted(first.glob("*.json"))
    assert ingest_paths(store, paths[:40], shacl=False).ok
    sync_documents(store, graph_db)
    assert ingest_paths(store, [*paths[40:], *sorted(second.glob("*.json"))], shacl=False).ok
    for path in paths[30:35]:
        store.remove_graph(document_iri(path.stem))
    report = sync_documents(store, graph_db)
    assert (report.added, report.changed, report.removed) == (40, 12, 5)
    assert differences(store, graph_db) == []
    sync_documents(store, other_graph, full=True)
    assert graph_dump(graph_db) == graph_dump(other_graph)
    # A withdrawal releases a subject's own edges by every type but these: none is owned by
    # its source, and there are such edges to own.
    skipped = {"types": list(cypher.NOT_OWNED_BY_SOURCE)}
    owned = "MATCH (n)-[r]->() WHERE type(r) IN $types AND r.owner = n.iri RETURN count(r) AS n"
    assert graph_db.read(owned, skipped) == [{"n": 0}]
    counted = "MATCH ()-[r]->() WHERE type(r) IN $types RETURN count(r) AS n"
    assert graph_db.read(counted, skipped)[0]["n"] > 1000


def test_a_node_left_by_a_cut_off_sync_is_not_written_twice(
    store: RDFStore,
    graph_db,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    ingest_paths(store, [write(tmp_path / "d.json", minimal() | {"id": "d"})])
    statement = str(document_iri("d")).replace("/document/", "/statement/") + "/s1"
    graph_db.write("CREATE (:Resource:Statement {iri: $iri})", {"iri": statement})
    sync_documents(store, graph_db)
    count = "MATCH (n:Resource {iri: $iri}) RETURN count(n) AS n"
    assert graph_db.read(count, {"iri": statement}) == [{"n": 1}]
    assert differences(store, graph_db) == []


def test_a_sync_from_kept_texts_builds_what_reading_the_store_builds(
    store: RDFStore,
    graph_db,  # type: ignore[no-untyped-def]
    other_graph,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    """The sync reads each document from the text ingest kept of it; without those texts
    it reads the store, and the two graphs must be the same."""
    write_corpus(60, tmp_path / "corpus", seed=7)
    awkward = minimal() | {"id": "awkward", "title": 'He said "no" \\ then\nÉmigré ✓ `x`'}
    paths = [SEED_YAML, write(tmp_path / "awkward.json", awkward)]
    assert ingest_paths(store, [*paths, *sorted((tmp_path / "corpus").glob("*.json"))]).ok
    documents = [document_iri(d) for d in store.document_ids()]
    hashes = {str(d): store.graph_hash(d) or "" for d in documents}
    assert all(store.texts.text(d, h) is not None for d, h in hashes.items())
    sync_documents(store, graph_db)
    assert store.texts.directory is not None
    shutil.rmtree(store.texts.directory)
    assert all(store.texts.text(d, h) is None for d, h in hashes.items())
    sync_documents(store, other_graph)
    assert graph_dump(other_graph) == graph_dump(graph_db)


def test_a_sync_pauses_the_garbage_collector_only_while_it_runs(
    seed_store: RDFStore,
    tmp_path: Path,
) -> None:
    from graph.property.backend import open_backend
    from loaders.errors import AllegraphError

    backend = open_backend("falkordb", tmp_path / "gc-data")
    sync_documents(seed_store, backend)
    assert gc.isenabled()
    backend.close()
    with pytest.raises(AllegraphError):
        sync_documents(seed_store, backend)  # the connection is closed: the sync fails
    assert gc.isenabled()
