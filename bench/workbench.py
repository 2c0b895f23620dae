"""Workbench benchmark: the time to each workbench view's HTML on a generated corpus (10,000
documents by default), one client, the server in its own process (`allegraph serve`).

For each view: the first request (nothing cached), then `--repeat` requests of the same URL
(served from the page cache, as a second visitor gets them), and `--repeat` requests that each
miss the cache (a throw-away parameter makes each URL new: the work of a first visit, every
time). The target is p95 under 100 ms. The busiest actor's page is included.

Usage: python bench/workbench.py [--documents 10000] [--repeat 30] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graph.rdf.store import RDFStore  # noqa: E402

_spec = importlib.util.spec_from_file_location("bench_api", ROOT / "bench" / "api.py")
assert _spec and _spec.loader
bench_api = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_api)

TARGET_MS = 100.0


def views(data: Path, actors: list[str]) -> dict[str, str]:
    """The URL of each view on this corpus: the busiest actor, a chain between two busy ones,
    a document."""
    with RDFStore.in_data_dir(data) as store:
        document = store.document_ids()[0]
    busiest, other = actors[0], actors[1]
    cypher = "MATCH (a:Actor)-[:ACCUSED]->(b:Actor) RETURN a.label AS a, b.label AS b LIMIT 50"
    sparql = "SELECT ?a ?b WHERE { ?a ag:accused ?b } LIMIT 50"
    return {
        "home": "/",
        "search": "/ui/search?q=a",
        "actor (busiest)": f"/ui/actors/{busiest}",
        "actor (busiest), page 10": f"/ui/actors/{busiest}?offset=225",
        "chains (4 hops)": f"/ui/chains?{urlencode({'from': busiest, 'to': other})}",
        "mirrors": "/ui/mirrors",
        "documents": "/ui/documents",
        "document reader": f"/ui/documents/{document}",
        "SPARQL console": f"/ui/sparql?{urlencode({'query': sparql})}",
        "Cypher console": f"/ui/cypher?{urlencode({'query': cypher})}",
    }


def timed(client: httpx.Client, url: str) -> float:
    started = time.perf_counter()
    answer = client.get(url)
    if answer.status_code != 200:
        raise SystemExit(f"{url}: {answer.status_code} {answer.text[:300]}")
    return (time.perf_counter() - started) * 1000


def p95(values: list[float]) -> float:
    return bench_api.percentile(values, 0.95)  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--port", type=int, default=8721)
    parser.add_argument("--workdir", type=Path, help="Keep (or reuse) the corpus and data here.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="allegraph-bench-workbench-") as scratch:
        data, actors = bench_api.prepare(args.workdir or Path(scratch), args.documents)
        base = f"http://127.0.0.1:{args.port}"
        urls = views(data, actors)  # asked of the store before the server holds it
        server = bench_api.serve(data, args.port)
        try:
            with httpx.Client(base_url=base, timeout=120) as client:
                print(f"\n{args.documents:,} documents, one client, p95 target {TARGET_MS:g} ms")
                print(
                    f"{'view':<26} {'first':>8} {'cached p50':>11} {'cached p95':>11} "
                    f"{'uncached p50':>13} {'uncached p95':>13}"
                )
                for name, url in urls.items():
                    first = timed(client, url)
                    cached = [timed(client, url) for _ in range(args.repeat)]
                    joiner = "&" if "?" in url else "?"
                    fresh = [timed(client, f"{url}{joiner}_={i}") for i in range(args.repeat)]
                    print(
                        f"{name:<26} {first:>8.1f} {bench_api.percentile(cached, 0.5):>11.1f} "
                        f"{p95(cached):>11.1f} {bench_api.percentile(fresh, 0.5):>13.1f} "
                        f"{p95(fresh):>13.1f}"
                    )
        finally:
            server.terminate()
            server.wait(timeout=60)


if __name__ == "__main__":
    main()
