"""What the annotation-tool format tests share: the seed in each format, and one
document's graph out of a store, to compare formats by graph isomorphism."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph
from rdflib.compare import isomorphic

from graph.rdf.ingest import ingest_paths
from graph.rdf.mapping import document_iri
from graph.rdf.store import RDFStore
from loaders.errors import InputError
from loaders.mapping import DEFAULT, LabelMapping
from tests.conftest import ROOT, SEED_YAML

FORMATS_DIR = ROOT / "examples" / "formats"
SEED_ID = "svr-nato-false-flag"
SEED_IN = {
    "native": SEED_YAML,
    "brat": FORMATS_DIR / "brat" / f"{SEED_ID}.ann",
    "labelstudio": FORMATS_DIR / "labelstudio" / f"{SEED_ID}.json",
    "doccano": FORMATS_DIR / "doccano" / f"{SEED_ID}.jsonl",
    "webanno": FORMATS_DIR / "webanno" / f"{SEED_ID}.jsonld",
}


def ingest_ok(
    store: RDFStore, path: Path, format: str = "auto", mapping: LabelMapping = DEFAULT
) -> list[str]:
    """Ingest one file, insisting it is accepted; the document ids it gave."""
    report = ingest_paths(store, [path], format=format, mapping=mapping)
    assert report.ok, [e.describe() for e in report.failed]
    return report.ingested


def refused(store: RDFStore, path: Path, place: str, reason: str) -> InputError:
    """Ingest one bad file, insisting it is refused with a problem at `place` (a prefix)
    for `reason`, and that nothing is written; the refusal, for further checks."""
    before = store.quad_count()
    report = ingest_paths(store, [path])
    [failure] = report.failed
    assert failure.source == str(path)
    assert any(p.place.startswith(place) and reason in p.reason for p in failure.problems), (
        failure.problems
    )
    assert store.quad_count() == before and not report.ingested
    return failure


def document_graph(store: RDFStore, doc_id: str) -> Graph:
    graph = Graph()
    for s, p, o in store.dataset.graph(document_iri(doc_id)):
        graph.add((s, p, o))
    return graph


def same_graph_as_native(store: RDFStore, path: Path, tmp_path: Path) -> bool:
    """Whether the file yields, in a fresh store, the graph the native seed yields."""
    assert ingest_ok(store, path) == [SEED_ID]
    with RDFStore.in_data_dir(tmp_path / "native") as reference:
        ingest_ok(reference, SEED_YAML)
        expected = document_graph(reference, SEED_ID)
    found = document_graph(store, SEED_ID)
    return len(found) > 1000 and isomorphic(found, expected)
