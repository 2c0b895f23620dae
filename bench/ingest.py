"""Ingest benchmark: documents/s and triples/s with SHACL off and on (and the ratio of the
two), peak memory, and the time of a transitive `ag:accused+` query on allegraph's store
beside rdflib's memory store.

Each measurement runs in a fresh worker process, so peak memory (ru_maxrss) is its own.
Usage: python bench/ingest.py [--sizes 1000,10000] [--shacl-sizes 1000]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TRANSITIVE = "SELECT (COUNT(DISTINCT ?b) AS ?n) WHERE { GRAPH <%s> { ?a ag:accused+ ?b } }"
# The most-accusing actor is the start: its closure is the largest one in the corpus.
START = """SELECT ?a WHERE { ?a ag:accused ?b } GROUP BY ?a ORDER BY DESC(COUNT(?b)) LIMIT 1"""


def worker_ingest(corpus: Path, data: Path, shacl: bool) -> dict[str, Any]:
    from graph.rdf.ingest import ingest_paths
    from graph.rdf.store import RDFStore
    from loaders import discover

    with RDFStore(data) as store:
        report = ingest_paths(store, discover([corpus]), shacl=shacl)
    assert report.ok, [e.describe() for e in report.failed[:3]]
    return {
        "documents": len(report.ingested),
        "triples": report.triples,
        "seconds": report.seconds,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _median_ms(run: Any, repeat: int = 7) -> float:
    run()  # warm-up
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def worker_query(data: Path) -> dict[str, Any]:
    from rdflib import Dataset
    from rdflib.plugins.sparql import prepareQuery

    from graph.rdf.network import NETWORK_GRAPH
    from graph.rdf.store import RDFStore
    from ontology import AG
    from ontology.namespace import PREFIXES

    with RDFStore(data) as store:
        [(start,)] = store.rows(store.query(START))
        query = (TRANSITIVE % NETWORK_GRAPH).replace("?a ag:accused+", f"<{start}> ag:accused+")
        oxigraph_ms = _median_ms(lambda: store.rows(store.query(query)))
        [(reached,)] = store.rows(store.query(query))
        # The same closure over the union of all document graphs, for comparison.
        union = query.replace(f"GRAPH <{NETWORK_GRAPH}> {{", "{")
        union_ms = _median_ms(lambda: store.rows(store.query(union)), repeat=3)
        # rdflib's memory store gets only the ag:accused triples it needs: a head start.
        memory = Dataset(default_union=True)
        edges = store.rows(store.query("SELECT DISTINCT ?a ?b WHERE { ?a ag:accused ?b }"))
    graph = memory.graph(NETWORK_GRAPH)
    for a, b in edges:
        graph.add((a, AG.accused, b))
    prepared = prepareQuery(query, initNs=PREFIXES)
    try:
        rdflib_ms: float | None = _median_ms(lambda: list(memory.query(prepared)), repeat=3)
        rdflib_error = None
    except RecursionError:
        rdflib_ms, rdflib_error = None, "RecursionError"
    return {
        "oxigraph_union_ms": union_ms,
        "reached": int(reached),
        "edges": len(edges),
        "oxigraph_ms": oxigraph_ms,
        "rdflib_memory_ms": rdflib_ms,
        "rdflib_error": rdflib_error,
    }


def spawn(*args: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, "--worker", *args], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"worker {args} failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def measure(size: int, shacl: bool, scratch: Path) -> dict[str, Any]:
    from loaders.synthetic import write_corpus

    corpus = scratch / f"corpus-{size}"
    if not corpus.exists():
        write_corpus(size, corpus, seed=1)
    row: dict[str, Any] = {"size": size}
    fast = spawn("ingest", str(corpus), str(scratch / f"data-{size}"), "off")
    row["no_shacl"] = fast
    row["query"] = spawn("query", str(scratch / f"data-{size}"))
    if shacl:
        row["shacl"] = spawn("ingest", str(corpus), str(scratch / f"data-{size}-shacl"), "on")
    return row


def print_table(rows: list[dict[str, Any]]) -> None:
    print(
        f"{'documents':>10} {'triples':>11} {'docs/s':>8} {'triples/s':>10} "
        f"{'SHACL triples/s':>16} {'on ÷ off':>9} {'peak MB':>8} {'accused+ ms':>12} "
        f"{'union ms':>9} {'rdflib ms':>10} {'ratio':>7}"
    )
    for row in rows:
        fast, query = row["no_shacl"], row["query"]
        shacl = row.get("shacl")
        shacl_rate = f"{shacl['triples'] / shacl['seconds']:,.0f}" if shacl else "-"
        on_off = f"{fast['seconds'] / shacl['seconds']:.2f}" if shacl else "-"
        rdflib_ms = query["rdflib_memory_ms"]
        ratio = f"{rdflib_ms / query['oxigraph_ms']:.1f}x" if rdflib_ms else query["rdflib_error"]
        print(
            f"{fast['documents']:>10,} {fast['triples']:>11,} "
            f"{fast['documents'] / fast['seconds']:>8,.0f} "
            f"{fast['triples'] / fast['seconds']:>10,.0f} {shacl_rate:>16} {on_off:>9} "
            f"{fast['peak_rss_mb']:>8,.0f} {query['oxigraph_ms']:>12.2f} "
            f"{query['oxigraph_union_ms']:>9.1f} "
            f"{(f'{rdflib_ms:.1f}' if rdflib_ms else '-'):>10} {ratio:>7}"
        )


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        kind, *rest = sys.argv[2:]
        if kind == "ingest":
            result = worker_ingest(Path(rest[0]), Path(rest[1]), rest[2] == "on")
        else:
            result = worker_query(Path(rest[0]))
        print(json.dumps(result))
        return
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--shacl-sizes", default="1000,10000")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "ingest.json")
    args = parser.parse_args()
    shacl_sizes = {int(s) for s in args.shacl_sizes.split(",") if s}
    with tempfile.TemporaryDirectory(prefix="allegraph-bench-") as tmp:
        rows = [
            measure(int(size), int(size) in shacl_sizes, Path(tmp))
            for size in args.sizes.split(",")
        ]
    print_table(rows)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(rows, indent=2))
    print(f"(figures also in {args.out})")


if __name__ == "__main__":
    main()
