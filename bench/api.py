"""API benchmark: requests/s and p50/p99 latency of `/actors/{id}`, `/chains` and a `/sparql`
query with 1, 8 and 32 concurrent clients, on a generated corpus (10,000 documents by default).

The server is `allegraph serve` in its own process (uvicorn, one worker, embedded FalkorDB);
the clients are asyncio tasks sharing one httpx connection pool in this process. Both run
on the same machine, so the clients' own work is counted in the latencies.

Usage: python bench/api.py [--documents 10000] [--seconds 10] [--clients 1,8,32]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graph.backend import open_backend  # noqa: E402
from graph.ingest import ingest_paths  # noqa: E402
from graph.store import RDFStore  # noqa: E402
from graph.sync import sync_documents  # noqa: E402
from loaders import discover  # noqa: E402
from loaders.synthetic import write_corpus  # noqa: E402

ALLEGRAPH = Path(sys.executable).parent / "allegraph"


def prepare(folder: Path, documents: int) -> tuple[Path, list[str]]:
    """Generate, ingest and sync a corpus; return the data directory and busy actors' ids."""
    corpus, data = folder / "corpus", folder / "data"
    write_corpus(documents, corpus, seed=7)
    started = time.perf_counter()
    with RDFStore.in_data_dir(data) as store:
        report = ingest_paths(store, list(discover([corpus])), shacl=False)
        print(
            f"ingested {len(report.ingested):,} documents in {time.perf_counter() - started:.0f} s"
        )
        backend = open_backend("falkordb", data)
        try:
            synced = sync_documents(store, backend)
            print(f"synced {synced.elements:,} elements in {synced.seconds:.0f} s")
        finally:
            backend.close()
        rows = store.solutions(
            "SELECT ?a (COUNT(?b) AS ?n) WHERE { ?a ag:accused ?b } GROUP BY ?a "
            "ORDER BY DESC(?n) ?a LIMIT 200"
        )
    prefix = "https://w3id.org/allegraph/id/actor/"
    return data, [row["a"].value.removeprefix(prefix) for row in rows]


def serve(data: Path, port: int) -> subprocess.Popen[bytes]:
    log = (data.parent / "server.log").open("wb")
    server = subprocess.Popen(
        [str(ALLEGRAPH), "--data", str(data), "serve", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "ALLEGRAPH_QUERY_TIMEOUT_S": "30"},
    )
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and server.poll() is None:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/actors?limit=1").status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.5)
    server.kill()
    output = (data.parent / "server.log").read_text(errors="replace")
    raise SystemExit(f"the server did not start:\n{output}")


async def load(url: Callable[[random.Random], str], clients: int, seconds: float) -> list[float]:
    """Latencies (ms) of requests sent back to back by `clients` tasks for `seconds`."""
    latencies: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(limits=limits, timeout=60) as client:
        stop = time.monotonic() + seconds

        async def one_client(seed: int) -> None:
            nonlocal errors
            chance = random.Random(seed)
            while time.monotonic() < stop:
                started = time.perf_counter()
                response = await client.get(url(chance))
                latencies.append((time.perf_counter() - started) * 1000)
                errors += response.status_code >= 400

        await asyncio.gather(*(one_client(i) for i in range(clients)))
    if errors:
        print(f"  ({errors} error responses)")
    return latencies


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", default="1,8,32")
    parser.add_argument("--port", type=int, default=8719)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="allegraph-bench-api-") as folder:
        data, actors = prepare(Path(folder), args.documents)
        base = f"http://127.0.0.1:{args.port}"
        middling = actors[100:110] or actors
        cases: dict[str, Callable[[random.Random], str]] = {
            "/actors/{id}": lambda r: f"{base}/actors/{r.choice(actors)}",
            "/chains (4 hops)": lambda r: (
                f"{base}/chains?from={r.choice(middling)}&to={r.choice(middling)}&max_hops=4"
            ),
            "/sparql": lambda r: (
                f"{base}/sparql?query="
                + httpx.QueryParams(
                    {
                        "query": "SELECT ?b WHERE { <https://w3id.org/allegraph/id/actor/"
                        f"{r.choice(actors)}> ag:accused ?b }} LIMIT 100"
                    }
                )["query"]
            ),
        }
        server = serve(data, args.port)
        try:
            print(f"\n{'endpoint':<18} {'clients':>7} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}")
            for name, url in cases.items():
                asyncio.run(load(url, 4, 2))  # warm up: caches, connections, workers
                for clients in (int(c) for c in args.clients.split(",")):
                    latencies = asyncio.run(load(url, clients, args.seconds))
                    rate = len(latencies) / args.seconds
                    p50, p99 = percentile(latencies, 0.5), percentile(latencies, 0.99)
                    print(f"{name:<18} {clients:>7} {rate:>8,.0f} {p50:>8.1f} {p99:>8.1f}")
        finally:
            server.terminate()
            server.wait(timeout=60)


if __name__ == "__main__":
    main()
