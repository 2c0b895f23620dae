"""The store's change log (graph/rdf/changes.py) and the sync reading only what it names."""

from __future__ import annotations

from pathlib import Path

from graph.property import cypher
from graph.rdf.changes import CHANGE_LOG, ChangeLog, Position, forget
from graph.rdf.ingest import ingest_paths
from graph.rdf.mapping import document_iri
from graph.rdf.store import RDFStore
from graph.sync.run import sync_documents, unsynced_documents
from tests.docs import minimal, write


def _documents(folder: Path, *ids: str) -> list[Path]:
    folder.mkdir(exist_ok=True)
    paths = []
    for doc_id in ids:
        doc = minimal()
        doc["id"] = doc_id
        paths.append(write(folder / f"{doc_id}.json", doc))
    return paths


def test_the_log_names_what_was_recorded_after_a_position(tmp_path: Path) -> None:
    log = ChangeLog(tmp_path / CHANGE_LOG)
    log.record(["urn:a"])
    start = log.end()
    log.record(["urn:b", "urn:c"])
    log.record([])
    end = log.end()
    log.record(["urn:d"])  # after the end asked about
    assert log.named_between(start, end) == {"urn:b", "urn:c"}
    assert log.named_between(end, end) == set()
    again = ChangeLog(tmp_path / CHANGE_LOG)  # reopened: the same log
    assert again.identity == log.identity
    assert again.named_between(start, again.end()) == {"urn:b", "urn:c", "urn:d"}


def test_a_position_from_elsewhere_names_nothing_so_all_is_compared(tmp_path: Path) -> None:
    log = ChangeLog(tmp_path / CHANGE_LOG)
    end = log.end()
    assert log.named_between(None, end) is None
    assert log.named_between(Position("another log", end.read), end) is None
    assert log.named_between(Position(log.identity, end.read + 1), end) is None  # past its end
    forget(tmp_path)
    assert not (tmp_path / CHANGE_LOG).exists()
    assert ChangeLog(tmp_path / CHANGE_LOG).identity != log.identity


def test_a_damaged_log_is_started_again(tmp_path: Path) -> None:
    (tmp_path / CHANGE_LOG).write_bytes(b"\xff\xfe not a log\nurn:a\n")
    log = ChangeLog(tmp_path / CHANGE_LOG)
    assert (tmp_path / CHANGE_LOG).read_text(encoding="utf-8") == (
        f"# allegraph change log {log.identity}\n"
    )


def test_an_in_memory_store_keeps_its_log_in_memory(tmp_path: Path) -> None:
    log = ChangeLog(None)
    start = log.end()
    log.record(["urn:a"])
    assert log.named_between(start, log.end()) == {"urn:a"}
    assert list(tmp_path.iterdir()) == []


def test_writes_and_withdrawals_are_named_before_they_happen(
    store: RDFStore, tmp_path: Path
) -> None:
    start = store.changes.end()
    assert ingest_paths(store, _documents(tmp_path / "in", "one", "two")).ok
    assert store.changes.named_between(start, store.changes.end()) == {
        str(document_iri("one")),
        str(document_iri("two")),
    }
    middle = store.changes.end()
    assert store.remove_graph(document_iri("one"))
    assert not store.remove_graph(document_iri("one"))  # nothing there: nothing named
    assert store.changes.named_between(middle, store.changes.end()) == {str(document_iri("one"))}


def _tamper(graph_db, doc_id: str) -> None:  # type: ignore[no-untyped-def]
    """A synced document's hash made wrong behind the sync's back (as if a sync had been
    cut off before it): only a sync that compares that document notices."""
    graph_db.write(
        "MATCH (d:Document {iri: $iri}) SET d.graphHash = 'tampered'",
        {"iri": str(document_iri(doc_id))},
    )


def test_a_sync_compares_only_what_the_log_names_since_the_last(
    store: RDFStore,
    graph_db,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    assert ingest_paths(store, _documents(tmp_path / "in", "one", "two")).ok
    assert sync_documents(store, graph_db).added == 2
    _tamper(graph_db, "one")
    assert ingest_paths(store, _documents(tmp_path / "more", "three")).ok
    assert unsynced_documents(store, graph_db) == 1
    report = sync_documents(store, graph_db)
    assert (report.added, report.changed, report.removed) == (1, 0, 0)  # "one" not compared
    assert not report.rolled_up_built_whole  # kept: the graph held documents already
    store.remove_graph(document_iri("two"))
    report = sync_documents(store, graph_db)
    assert (report.added, report.changed, report.removed) == (0, 0, 1)
    assert graph_db.read(cypher.SYNCED_DOCUMENTS_OF, {"iris": [str(document_iri("two"))]}) == []


def test_without_a_position_of_this_log_a_sync_compares_everything(
    tmp_path: Path,
    graph_db,  # type: ignore[no-untyped-def]
) -> None:
    data = tmp_path / "data"
    with RDFStore.in_data_dir(data) as store:
        assert ingest_paths(store, _documents(tmp_path / "in", "one", "two")).ok
        sync_documents(store, graph_db)
    _tamper(graph_db, "one")
    forget(data)  # as a restore does: the store's next log is another one
    with RDFStore.in_data_dir(data) as store:
        assert unsynced_documents(store, graph_db) == 1
        report = sync_documents(store, graph_db)
        assert (report.added, report.changed, report.removed) == (0, 1, 0)
        assert unsynced_documents(store, graph_db) == 0


def test_a_graph_synced_empty_is_filled_as_a_first_sync_fills_it(
    store: RDFStore,
    graph_db,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    """A sync of an empty store leaves a position in the log; the documents ingested after
    it are still built in bulk, their rolled-up network whole, as a first sync would."""
    assert sync_documents(store, graph_db).added == 0
    assert ingest_paths(store, _documents(tmp_path / "in", "one", "two")).ok
    report = sync_documents(store, graph_db)
    assert report.added == 2 and report.built_in_bulk and report.rolled_up_built_whole
