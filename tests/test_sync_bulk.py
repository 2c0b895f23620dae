"""A graph made from nothing is built with FalkorDB's GRAPH.BULK: the same graph as the
Cypher statements give, values of every kind intact, a cut-off build started again."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

import pytest

from graph.property import cypher
from graph.property.falkordb_backend import FalkorDBBackend
from graph.property.falkordb_bulk import FalkorDBGraphBuilder, encode_local, value_bytes
from graph.property.rows import EdgeRow, NodeRow
from graph.rdf.ingest import ingest_document, ingest_paths
from graph.rdf.store import RDFStore
from graph.sync import readers as sync_readers
from graph.sync import run as sync_module
from graph.sync.bulk import batch_parts
from graph.sync.run import sync_documents
from graph.sync.verify import differences
from loaders.errors import BackendError, StoreError
from loaders.model import AnnotatedDocument
from loaders.synthetic import write_corpus
from loaders.validation import check_document
from tests.conftest import SEED_YAML, graph_dump
from tests.docs import minimal, write


@pytest.fixture
def corpus_store(store: RDFStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> RDFStore:
    """80 generated documents, the seed and an awkward one, synced 16 documents a batch:
    actors and their part-of edges come back batch after batch."""
    monkeypatch.setattr("graph.sync.run.BATCH_DOCUMENTS", 16)
    write_corpus(80, tmp_path / "corpus", seed=5)
    awkward = minimal() | {"id": "awkward", "title": 'He said "no" \\ then\nÉmigré ✓ `x`'}
    paths = [SEED_YAML, write(tmp_path / "awkward.json", awkward)]
    assert ingest_paths(store, [*paths, *sorted((tmp_path / "corpus").glob("*.json"))]).ok
    return store


def test_a_bulk_build_makes_the_graph_cypher_makes(
    corpus_store: RDFStore,
    graph_db: FalkorDBBackend,
    other_graph: FalkorDBBackend,
) -> None:
    built = sync_documents(corpus_store, graph_db)
    written = sync_documents(corpus_store, other_graph, bulk=False)
    assert built.built_in_bulk and not written.built_in_bulk
    assert (built.nodes, built.edges, built.added) == (written.nodes, written.edges, 82)
    assert graph_dump(graph_db) == graph_dump(other_graph)
    assert differences(corpus_store, graph_db) == []
    again = sync_documents(corpus_store, graph_db)
    assert (again.added, again.changed, again.removed, again.built_in_bulk) == (0, 0, 0, False)


def test_a_build_cut_off_is_started_again_by_the_next_sync(
    corpus_store: RDFStore,
    graph_db: FalkorDBBackend,
    other_graph: FalkorDBBackend,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = []
    add = FalkorDBGraphBuilder.add

    def failing_add(self: FalkorDBGraphBuilder, *args: Any) -> int:
        calls.append(1)
        if len(calls) == 3:
            raise BackendError("FalkorDB at 0 failed: connection lost")
        return add(self, *args)

    monkeypatch.setattr(FalkorDBGraphBuilder, "add", failing_add)
    with pytest.raises(BackendError):
        sync_documents(corpus_store, graph_db)
    assert graph_db.read("MATCH (d:Document) RETURN count(d) AS n")[0]["n"] > 0
    assert graph_db.read(cypher.ANY_SYNCED_DOCUMENT) == []
    monkeypatch.setattr(FalkorDBGraphBuilder, "add", add)
    report = sync_documents(corpus_store, graph_db)
    assert report.built_in_bulk and report.added == 82
    sync_documents(corpus_store, other_graph, bulk=False)
    assert graph_dump(graph_db) == graph_dump(other_graph)


def test_values_of_every_kind_arrive_as_cypher_writes_them(
    graph_db: FalkorDBBackend, other_graph: FalkorDBBackend
) -> None:
    props = {
        "text": 'quotes " \\ `ticks` Émigré ✓ \n',
        "empty": "",
        "count": -(2**62),
        "ratio": 0.1,
        "yes": True,
        "no": False,
        "mixed": ["a", 2, 2.5, False, []],
        "none": [],
    }
    nodes = [
        NodeRow("urn:a", ("Actor", "Person"), props, ["urn:d"]),
        NodeRow("urn:b", ("Actor",), {"name": "b"}, []),
    ]
    edges = [
        EdgeRow("ACCUSED", "urn:a", "urn:b", "urn:a", ["urn:d"], {"act": "x", "n": 1}),
        EdgeRow("ACCUSED", "urn:a", "urn:missing", "urn:a", ["urn:d"]),
    ]
    graph_db.clear()  # opening the server asked the graph a question, which made it
    builder = graph_db.graph_builder()
    assert builder is not None
    assert builder.add(nodes, edges) == 1  # the edge to a node that is not there
    assert graph_db.graph_builder() is None  # the graph exists now
    for node in nodes:
        other_graph.write(cypher.create_nodes(node.labels), {"rows": [node.as_param()]})
    for edge in edges:
        other_graph.write(cypher.create_edges(edge.type), {"rows": [edge.as_param()]})
    assert graph_dump(graph_db) == graph_dump(other_graph)
    [row] = graph_db.read("MATCH (n:Person) RETURN properties(n) AS p")
    assert row["p"] == {**props, "iri": "urn:a", "documents": ["urn:d"]}


def test_value_bytes_follow_the_bulk_format() -> None:
    assert value_bytes("é") == b"\x03\xc3\xa9\x00"
    assert value_bytes(1) == b"\x04" + (1).to_bytes(8, "little")
    assert value_bytes(True) == b"\x01\x01"
    assert value_bytes(None) == b"\x00"
    assert value_bytes(["a"]) == b"\x05" + (1).to_bytes(8, "little") + b"\x03a\x00"
    with pytest.raises(BackendError, match="NUL"):
        value_bytes("a\0b")


@pytest.mark.parametrize("bulk", [True, False])
def test_a_text_falkordb_cannot_hold_is_a_clear_error(
    store: RDFStore, graph_db: FalkorDBBackend, tmp_path: Path, bulk: bool
) -> None:
    """Ingest refuses such a text; a store written by an earlier version may hold one."""
    data = minimal() | {"id": "nul", "title": "before\u0000after"}
    doc = AnnotatedDocument.model_validate(data)
    assert check_document(doc) == []  # the checks but the NUL one (they complete spans)
    ingest_document(store, "nul.json", doc)
    with pytest.raises(BackendError, match="cannot hold a text with a NUL character"):
        sync_documents(store, graph_db, bulk=bulk)


def test_worker_processes_read_the_rows_the_sync_reads_itself(
    corpus_store: RDFStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    wanted = sync_module._rdf_documents(corpus_store)
    batches = [list(wanted.items())[i : i + 8] for i in range(0, len(wanted), 8)]
    used: list[int] = []
    in_workers = sync_readers._read_in_workers

    def recorded(*args: Any) -> Any:
        used.append(args[3])  # how many workers
        return in_workers(*args)

    monkeypatch.setattr(sync_readers, "_read_in_workers", recorded)
    encoded = partial(batch_parts, encode_local)
    from_workers = list(sync_readers.read_batches(corpus_store, batches, sync_readers.as_read))
    parts_from_workers = list(
        sync_readers.read_batches(corpus_store, batches, encoded, unite=False)
    )
    assert len(used) == 2 and used[0] >= 1  # the worker processes did read
    monkeypatch.setattr(sync_readers, "MAX_WORKERS", 0)
    in_process = list(sync_readers.read_batches(corpus_store, batches, sync_readers.as_read))
    assert in_process == from_workers
    own = list(sync_readers.read_batches(corpus_store, batches, encoded, unite=False))
    assert own == parts_from_workers
    assert len(used) == 2


def test_a_reader_that_cannot_open_the_store_is_a_clear_error(
    store: RDFStore, tmp_path: Path
) -> None:
    with pytest.raises(StoreError, match="process reading documents"):
        batches = [[("d", "h")]]
        list(sync_readers._read_in_workers(tmp_path / "none", store.texts, batches, 1, list))


def test_an_actor_gets_what_every_document_says_of_it(
    store: RDFStore,
    graph_db: FalkorDBBackend,
    other_graph: FalkorDBBackend,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A build unites an actor's names and kinds itself, as the documents come: the GRU
    only in the first batch's two documents, the SVR in every batch, each time named
    anew. The incremental sync asks the store for the union instead."""
    monkeypatch.setattr("graph.sync.run.BATCH_DOCUMENTS", 2)
    paths = []
    for i in range(5):
        doc = minimal() | {"id": f"u{i}"}
        doc["entities"][0]["aliases"] = [f"the service {i}"]
        if i < 2:
            kind = ("IntelligenceService", "Person")[i]
            gru = {"id": "gru", "kind": kind, "name": "GRU", "aliases": [f"gru {i}"]}
            doc["entities"].append(gru | {"mentions": [{"start": 26, "end": 30}]})
        paths.append(write(tmp_path / f"u{i}.json", doc))
    assert ingest_paths(store, paths).ok
    assert sync_documents(store, graph_db).built_in_bulk
    sync_documents(store, other_graph, bulk=False)
    assert graph_dump(graph_db) == graph_dump(other_graph)
    [gru] = graph_db.read(
        "MATCH (a:Actor {label: 'GRU'}) RETURN a.altLabel AS names, labels(a) AS kinds"
    )
    assert gru["names"] == ["gru 0", "gru 1"]
    assert {"IntelligenceService", "Person"} <= set(gru["kinds"])
    [svr] = graph_db.read("MATCH (a:Actor {label: 'SVR'}) RETURN a.altLabel AS names")
    assert svr["names"] == [f"the service {i}" for i in range(5)]
