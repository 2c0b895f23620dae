"""Sync benchmark: graph elements (nodes + relationships) per second into the embedded
FalkorDB, beside a naive sync that sends one MERGE per row, and the latency of `chains`
up to 4 hops (as /chains?max_hops=4 asks), of the 4-hop query alone and of `mirrors()`;
then the time of building the rolled-up accusation network whole (part of the first
sync), and of an incremental sync of --more new documents and of withdrawing them again.

Usage: python bench/sync.py [--sizes 10000,100000] [--naive-documents 2000] [--workdir DIR]
                           [--more 100] [--queries-only | --incremental-only]
The naive sync runs on the first --naive-documents documents of each corpus (it is slow).
The new documents are a small corpus of the same seed (so about the same, busiest, actors)
under other ids; they are withdrawn again, so a --workdir stays as it was.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graph import queries  # noqa: E402
from graph.property.backend import CypherBackend  # noqa: E402
from graph.property.falkordb_backend import FalkorDBBackend  # noqa: E402
from graph.rdf.ingest import ingest_paths  # noqa: E402
from graph.rdf.mapping import document_iri  # noqa: E402

try:  # absent before the sync kept the rolled-up network (to time older versions)
    from graph.sync import rolled_up_graph
except ImportError:
    rolled_up_graph = None  # type: ignore[assignment]
from graph.rdf.store import RDFStore  # noqa: E402
from graph.sync.mapping import document_rows, ontology_nodes  # noqa: E402
from graph.sync.run import sync_documents  # noqa: E402
from loaders import discover  # noqa: E402
from loaders.synthetic import write_corpus  # noqa: E402

NAIVE_NODE = """MERGE (n:Resource {iri: $iri}) SET n += $props
SET n.documents = coalesce(n.documents, []) + $documents"""
NAIVE_EDGE = """MATCH (a:Resource {iri: $source}), (b:Resource {iri: $target})
MERGE (a)-[r:`%s` {owner: $owner}]->(b) SET r += $props"""


def naive_sync(store: RDFStore, backend: CypherBackend, documents: list[str]) -> tuple[int, float]:
    """One statement per node and per relationship: what the batched sync is measured against."""
    started = time.perf_counter()
    elements = 0
    for node in ontology_nodes():
        backend.write(NAIVE_NODE, node.as_param())
    for document in documents:
        rows = document_rows(store.oxigraph, document)
        for node in rows.nodes:
            backend.write(NAIVE_NODE, node.as_param())
        for edge in rows.edges:
            backend.write(NAIVE_EDGE % edge.type, edge.as_param())
        elements += len(rows.nodes) + len(rows.edges)
    return elements, time.perf_counter() - started


def percentiles(run: Any, repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.95))]


def query_latencies(store: RDFStore, backend: CypherBackend) -> dict[str, Any]:
    # Chains between actors of middling activity (ranks 100 to 105), as investigators ask.
    top = store.solutions(
        "SELECT ?a (COUNT(?b) AS ?n) WHERE { ?a ag:accused ?b } GROUP BY ?a "
        "ORDER BY DESC(?n) ?a OFFSET 100 LIMIT 6"
    )
    actors = [row["a"].value for row in top]
    pairs = [(a, b) for a in actors for b in actors if a != b]
    found = [len(queries.chains_cypher(backend, a, b, 4)) for a, b in pairs]
    index = iter(range(10**9))

    def chain() -> None:
        a, b = pairs[next(index) % len(pairs)]
        queries.chains_cypher(backend, a, b, 4)

    def chain_of_four() -> None:  # only the 4-hop query, which the limit above may spare
        a, b = pairs[next(index) % len(pairs)]
        queries.chains_of_length_cypher(backend, a, b, 4)

    chain_p50, chain_p95 = percentiles(chain, 60)
    exact_p50, exact_p95 = percentiles(chain_of_four, 30)
    mirrors_p50, mirrors_p95 = percentiles(lambda: queries.mirrors_cypher(backend), 10)
    any_p50, any_p95 = percentiles(lambda: queries.mirrors_cypher(backend, False), 10)
    return {
        "chain_pairs": len(pairs),
        "chains_found": sum(found),
        "chain4_p50_ms": chain_p50,
        "chain4_p95_ms": chain_p95,
        "chain_exactly4_p50_ms": exact_p50,
        "chain_exactly4_p95_ms": exact_p95,
        "mirrors_p50_ms": mirrors_p50,
        "mirrors_p95_ms": mirrors_p95,
        "mirrors": len(queries.mirrors_cypher(backend)),
        "mirrors_any_type_p50_ms": any_p50,
        "mirrors_any_type_p95_ms": any_p95,
        "mirrors_any_type": len(queries.mirrors_cypher(backend, False)),
    }


def more_documents(size: int, count: int, scratch: Path) -> list[Path]:
    """`count` documents new to the corpus of `size`: the first of a corpus of the same seed
    (its actors are the big corpus's busiest), under ids of their own."""
    folder = scratch / f"more-{size}-{count}"
    if not folder.exists():
        write_corpus(count, folder, seed=2)
        for path in folder.glob("doc-*.json"):
            data = json.loads(path.read_text(encoding="utf-8"))
            data["id"] = "more-" + data["id"]
            (folder / f"{data['id']}.json").write_text(json.dumps(data), encoding="utf-8")
            os.remove(path)
    return sorted(folder.glob("*.json"))


def incremental(store: RDFStore, backend: CypherBackend, paths: list[Path]) -> dict[str, Any]:
    """An incremental sync of new documents (ingested without SHACL, not timed), then one
    that withdraws them again."""
    assert ingest_paths(store, paths, shacl=False).ok
    added = sync_documents(store, backend)
    assert added.added == len(paths) and not added.built_in_bulk
    for path in paths:
        store.remove_graph(document_iri(path.stem))
    removed = sync_documents(store, backend)
    assert removed.removed == len(paths)
    return {
        "more": len(paths),
        "add_seconds": added.seconds,
        "add_rolled_up_seconds": getattr(added, "rolled_up_seconds", 0.0),
        "remove_seconds": removed.seconds,
        "remove_rolled_up_seconds": getattr(removed, "rolled_up_seconds", 0.0),
    }


def rolled_up_build(backend: CypherBackend) -> dict[str, Any]:
    """The rolled-up network built whole again, as a first sync ends by doing."""
    if rolled_up_graph is None:
        return {}
    started = time.perf_counter()
    pairs = rolled_up_graph.rebuild(backend)
    return {"rolled_up_pairs": pairs, "rolled_up_seconds": time.perf_counter() - started}


def measure(
    size: int, naive_documents: int, scratch: Path, more: int, only: str | None = None
) -> dict[str, Any]:
    """Sync a generated corpus from scratch; the corpus and its RDF store are kept in
    `scratch` (a --workdir) and reused by a later run, which then only syncs again (or,
    with `only`, only times the queries or the incremental syncs on the graph an earlier
    run left)."""
    corpus, data = scratch / f"corpus-{size}", scratch / f"data-{size}"
    ingested = data / "ingested"
    if not ingested.exists():
        shutil.rmtree(data, ignore_errors=True)
        write_corpus(size, corpus, seed=2)
    with RDFStore.in_data_dir(data) as store:
        if not ingested.exists():
            assert ingest_paths(store, discover([corpus]), shacl=False).ok
            ingested.touch()
        backend = FalkorDBBackend.from_environment(data)
        try:
            paths = more_documents(size, more, scratch)
            if only == "queries":
                return {"documents": size} | query_latencies(store, backend)
            if only == "incremental":
                return {"documents": size} | incremental(store, backend, paths)
            report = sync_documents(store, backend, full=True)
            row: dict[str, Any] = {
                "documents": size,
                "elements": report.elements,
                "seconds": report.seconds,
                "sync_rolled_up_seconds": getattr(report, "rolled_up_seconds", 0.0),
            }
            print(json.dumps(row), flush=True)
            naive = FalkorDBBackend(backend.address, graph="naive")
            try:
                documents = sorted(store.document_ids())[:naive_documents]
                iris = [str(document_iri(d)) for d in documents]
                row["naive_elements"], row["naive_seconds"] = naive_sync(store, naive, iris)
                naive.clear()
            finally:
                naive.close()
            row |= query_latencies(store, backend)
            row |= rolled_up_build(backend) | incremental(store, backend, paths)
        finally:
            backend.close()
    return row


def _ms(row: dict[str, Any], name: str) -> str:
    return f"{row[name + '_p50_ms']:.1f} / {row[name + '_p95_ms']:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--naive-documents", type=int, default=2000)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "sync.json")
    parser.add_argument("--workdir", type=Path, help="Keep (or reuse) corpora and stores here.")
    parser.add_argument("--more", type=int, default=100, help="Documents added incrementally.")
    only = parser.add_mutually_exclusive_group()
    only.add_argument(
        "--queries-only",
        action="store_const",
        const="queries",
        dest="only",
        help="Only time the queries, on the graphs an earlier run left in --workdir.",
    )
    only.add_argument(
        "--incremental-only",
        action="store_const",
        const="incremental",
        dest="only",
        help="Only time the incremental syncs, on the graphs an earlier run left in --workdir.",
    )
    args = parser.parse_args()
    if args.only and args.workdir is None:
        parser.error(f"--{args.only}-only needs the --workdir of an earlier run")
    sizes = [int(s) for s in args.sizes.split(",")]
    rows = []
    with tempfile.TemporaryDirectory(prefix="allegraph-sync-") as tmp:
        for size in sizes:
            scratch = args.workdir or Path(tmp)
            rows.append(measure(size, args.naive_documents, scratch, args.more, args.only))
            print(json.dumps(rows[-1]), flush=True)
    if args.only:
        return
    print(
        f"\n{'documents':>10} {'elements':>11} {'elements/s':>11} {'naive el/s':>11} "
        f"{'ratio':>6} {'chains ≤4 p50/p95':>18} {'exactly 4 p50/p95':>18} {'mirrors p50/p95':>16}"
    )
    for row in rows:
        rate = row["elements"] / row["seconds"]
        naive = row["naive_elements"] / row["naive_seconds"]
        print(
            f"{row['documents']:>10,} {row['elements']:>11,} {rate:>11,.0f} {naive:>11,.0f} "
            f"{rate / naive:>5.1f}x {_ms(row, 'chain4'):>18} {_ms(row, 'chain_exactly4'):>18} "
            f"{_ms(row, 'mirrors'):>16}"
        )
    print(
        f"\n{'documents':>10} {'any-type mirrors':>18} {'rolled-up build':>16} "
        f"{'add (rolled-up)':>16} {'remove (rolled-up)':>19}"
    )
    for row in rows:
        build = f"{row.get('rolled_up_seconds', 0):.1f} s"
        add = f"{row['add_seconds']:.2f} ({row['add_rolled_up_seconds']:.2f}) s"
        remove = f"{row['remove_seconds']:.2f} ({row['remove_rolled_up_seconds']:.2f}) s"
        print(
            f"{row['documents']:>10,} {_ms(row, 'mirrors_any_type'):>18} {build:>16} "
            f"{add:>16} {remove:>19}"
        )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
