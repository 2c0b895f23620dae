"""The store keeps each document whole: across reopening, and across a crash mid-load."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

from graph.rdf.ingest import ingest_paths
from graph.rdf.mapping import document_iri
from graph.rdf.store import JOURNAL, JOURNALS, RDFStore
from tests.conftest import ROOT, SEED_YAML
from tests.docs import minimal, write

COUNT_PER_GRAPH = """SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } ?g a ag:Document }
GROUP BY ?g"""


def test_documents_persist_across_reopening(tmp_path: Path) -> None:
    with RDFStore.in_data_dir(tmp_path) as store:
        assert ingest_paths(store, [SEED_YAML]).ok
        quads = store.quad_count()
    with RDFStore.in_data_dir(tmp_path) as store:
        assert store.quad_count() == quads
        assert store.document_ids() == ["svr-nato-false-flag"]


def test_a_graph_named_in_the_journal_is_rolled_back_on_open(tmp_path: Path) -> None:
    with RDFStore.in_data_dir(tmp_path) as store:
        assert ingest_paths(store, [SEED_YAML, write(tmp_path / "d.json", minimal())]).ok
    # As if the process died after bulk-loading `mini` but before clearing the journal.
    (tmp_path / JOURNAL).write_text(f"{document_iri('mini')}\n", encoding="utf-8")
    with RDFStore.in_data_dir(tmp_path) as store:
        assert store.document_ids() == ["svr-nato-false-flag"]
    assert not (tmp_path / JOURNAL).exists()


def test_every_journal_is_rolled_back_on_open(tmp_path: Path) -> None:
    """Loads of new documents run two at a time, each with a journal of its own."""
    docs = [write(tmp_path / f"{n}.json", minimal() | {"id": n}) for n in ("a", "b", "c")]
    with RDFStore.in_data_dir(tmp_path) as store:
        assert ingest_paths(store, docs).ok
    for number, doc_id in enumerate(("a", "c")):
        journal = tmp_path / JOURNALS.replace("*", f"-{number}")
        journal.write_text(f"{document_iri(doc_id)}\n", encoding="utf-8")
    with RDFStore.in_data_dir(tmp_path) as store:
        assert store.document_ids() == ["b"]
    assert list(tmp_path.glob(JOURNALS)) == []


def test_killed_ingest_leaves_only_whole_documents(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    seed = json.loads(json.dumps(__import__("yaml").safe_load(SEED_YAML.read_text()), default=str))
    for i in range(400):
        write(corpus / f"d{i:03}.json", seed | {"id": f"doc-{i:03}"})
    with RDFStore.in_data_dir(tmp_path / "one") as store:
        assert ingest_paths(store, [SEED_YAML]).ok
        [(_, whole)] = store.rows(store.query(COUNT_PER_GRAPH))
    data = tmp_path / "data"
    script = (
        f"import sys; sys.path.insert(0, {str(ROOT)!r}); from api.cli import main; "
        f"sys.argv = ['allegraph', '--data', {str(data)!r}, 'ingest', '--no-shacl', "
        f"{str(corpus)!r}]; main()"
    )
    process = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT)
    deadline = time.monotonic() + 60
    while not any(data.glob(JOURNALS)) and time.monotonic() < deadline:
        time.sleep(0.005)  # kill it while a bulk load is under way
    process.send_signal(signal.SIGKILL)
    process.wait()
    with RDFStore.in_data_dir(data) as store:
        counts = [int(n) for _, n in store.rows(store.query(COUNT_PER_GRAPH))]
    assert all(n == int(whole) for n in counts), sorted(set(counts))
    assert len(counts) < 400


def test_kept_graph_texts_follow_the_store(tmp_path: Path) -> None:
    """Each version's text is kept under its graph hash and goes when the version goes;
    a copy that is damaged or belongs elsewhere is not handed out."""
    with RDFStore.in_data_dir(tmp_path) as store:
        assert ingest_paths(store, [write(tmp_path / "d.json", minimal() | {"id": "d"})]).ok
        graph = str(document_iri("d"))
        first = store.graph_hash(document_iri("d"))
        assert first is not None
        kept = store.texts.text(graph, first)
        assert kept is not None and kept.endswith(f'"{first}" .\n')
        assert store.texts.text(str(document_iri("other")), first) is None
        changed = minimal() | {"id": "d", "title": "Another title"}
        assert ingest_paths(store, [write(tmp_path / "d.json", changed)]).ok
        second = store.graph_hash(document_iri("d"))
        assert second is not None and second != first
        assert store.texts.text(graph, first) is None
        assert store.texts.text(graph, second) is not None
        assert ingest_paths(store, [write(tmp_path / "d.json", changed)]).ok  # the same again
        assert store.texts.text(graph, second) is not None
        assert store.texts.directory is not None
        [path] = store.texts.directory.rglob("*.nt.z")
        packed = path.read_bytes()
        path.write_bytes(packed[: len(packed) // 2])
        assert store.texts.text(graph, second) is None
        path.write_bytes(packed)
        assert store.texts.text(graph, second) is not None
        assert store.remove_graph(document_iri("d"))
        assert list(store.texts.directory.rglob("*.nt.z")) == []
