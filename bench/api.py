"""API benchmark: requests/s and p50/p99 latency of `/actors/{id}`, `/chains` and a `/sparql`
query with 1, 8 and 32 concurrent clients, on a generated corpus (10,000 documents by default).

The server is `allegraph serve` in its own process (uvicorn, one worker, embedded FalkorDB).
The clients are `wrk` (Debian's package) when it is installed, else asyncio tasks sharing one
httpx connection pool in this process, whose own work then weighs on the latencies (a
Python client costs about as much CPU per request as the server). Both share the 2 cores.
Each is measured twice: answers computed for every request (`Cache-Control: no-cache`) and
answers the server keeps until the next write (`api.answer_cache`), once each URL was asked.

Usage: python bench/api.py [--documents 10000] [--seconds 10] [--clients 1,8,32] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graph.property.backend import open_backend  # noqa: E402
from graph.rdf.catalog import ACTOR_PREFIX, actor_id  # noqa: E402
from graph.rdf.ingest import ingest_paths  # noqa: E402
from graph.rdf.network import NETWORK_GRAPH  # noqa: E402
from graph.rdf.store import RDFStore  # noqa: E402
from graph.sync.run import sync_documents  # noqa: E402
from loaders import discover  # noqa: E402
from loaders.synthetic import write_corpus  # noqa: E402

ALLEGRAPH = Path(sys.executable).parent / "allegraph"


def prepare(folder: Path, documents: int) -> tuple[Path, list[str]]:
    """Generate, ingest and sync a corpus (unless `folder` holds one from an earlier run);
    return the data directory and the ids of the busiest accusers."""
    corpus, data = folder / "corpus", folder / "data"
    fresh = not data.exists()
    if fresh:
        write_corpus(documents, corpus, seed=7)
    with RDFStore.in_data_dir(data) as store:
        if fresh:
            ingest_and_sync(store, corpus, data)
        rows = store.solutions(
            f"SELECT ?a (COUNT(?b) AS ?n) WHERE {{ GRAPH <{NETWORK_GRAPH}> "
            "{ ?a ag:accused ?b } } GROUP BY ?a ORDER BY DESC(?n) ?a LIMIT 200"
        )
    return data, [actor_id(row["a"].value) for row in rows]


def ingest_and_sync(store: RDFStore, corpus: Path, data: Path) -> None:
    started = time.perf_counter()
    report = ingest_paths(store, list(discover([corpus])), shacl=False)
    seconds = time.perf_counter() - started
    print(f"ingested {len(report.ingested):,} documents in {seconds:.0f} s")
    backend = open_backend("falkordb", data)
    try:
        synced = sync_documents(store, backend)
        print(f"synced {synced.elements:,} elements in {synced.seconds:.0f} s")
    finally:
        backend.close()


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


async def load(
    url: Callable[[random.Random], str], clients: int, seconds: float, fresh: bool = False
) -> list[float]:
    """Latencies (ms) of requests sent back to back by `clients` tasks for `seconds`."""
    latencies: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    headers = {"Cache-Control": "no-cache"} if fresh else {}
    async with httpx.AsyncClient(limits=limits, timeout=60, headers=headers) as client:
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


def wrk(
    urls: list[str], clients: int, seconds: float, fresh: bool = False
) -> tuple[float, float, float]:
    """(requests/s, p50 ms, p99 ms) measured by wrk over the given URLs, picked at random;
    `fresh` asks for answers computed anew (`Cache-Control: no-cache`), not kept ones."""
    base = urls[0].split("/", 3)[:3]
    paths = ["/" + u.split("/", 3)[3] for u in urls]
    headers = '{["Cache-Control"]="no-cache"}' if fresh else "nil"
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write("paths = {" + ",".join(f"[[{p}]]" for p in paths) + "}\n")
        script.write(
            "request = function() return wrk.format"
            f'("GET", paths[math.random(#paths)], {headers}) end\n'
        )
    output = subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{clients}",
            f"-d{seconds:g}s",
            "--latency",
            "-s",
            script.name,
            "/".join(base),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    os.unlink(script.name)
    for problem in re.findall(r"(Non-2xx.*|Socket errors.*)", output):
        print(f"  ({problem.strip()})")
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    return rate, _wrk_ms(output, "50%"), _wrk_ms(output, "99%")


def _wrk_ms(output: str, label: str) -> float:
    value, unit = re.search(rf"{label}\s+([\d.]+)(us|ms|s)", output).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def measure(
    url: Callable[[random.Random], str], urls: list[str], clients: int, seconds: float, answers: str
) -> tuple[float, float, float]:
    """(requests/s, p50 ms, p99 ms) of answers computed for each request (`no-cache`) or of
    the server's kept ones (after one request of each URL, as a team repeating questions)."""
    fresh = answers == "computed"
    if not fresh:
        for each in set(urls):
            httpx.get(each, timeout=60)
    if shutil.which("wrk"):
        return wrk(urls, clients, seconds, fresh)
    latencies = asyncio.run(load(url, clients, seconds, fresh))
    return len(latencies) / seconds, percentile(latencies, 0.5), percentile(latencies, 0.99)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", default="1,8,32")
    parser.add_argument("--port", type=int, default=8719)
    parser.add_argument("--workdir", type=Path, help="Keep (or reuse) the corpus and data here.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="allegraph-bench-api-") as scratch:
        data, actors = prepare(args.workdir or Path(scratch), args.documents)
        base = f"http://127.0.0.1:{args.port}"
        middling = actors[100:110] or actors
        cases: dict[str, Callable[[random.Random], str]] = {
            "/actors/{id}": lambda r: f"{base}/actors/{r.choice(actors)}",
            "/chains (4 hops)": lambda r: (
                f"{base}/chains?from={r.choice(middling)}&to={r.choice(middling)}&max_hops=4"
            ),
            "/sparql": lambda r: (
                f"{base}/sparql?"
                + urlencode(
                    {
                        "query": f"SELECT ?b WHERE {{ <{ACTOR_PREFIX}{r.choice(actors)}> "
                        "ag:accused ?b } LIMIT 100"
                    }
                )
            ),
        }
        server = serve(data, args.port)
        try:
            client = "wrk" if shutil.which("wrk") else "httpx (Python)"
            print(f"\nclients: {client}")
            print(
                f"{'endpoint':<18} {'answers':<9} {'clients':>7} {'req/s':>8} "
                f"{'p50 ms':>8} {'p99 ms':>8}"
            )
            for name, url in cases.items():
                asyncio.run(load(url, 4, 2))  # warm up: connections, workers
                urls = [url(random.Random(i)) for i in range(500)]
                for answers in ("computed", "kept"):
                    for clients in (int(c) for c in args.clients.split(",")):
                        rate, p50, p99 = measure(url, urls, clients, args.seconds, answers)
                        print(
                            f"{name:<18} {answers:<9} {clients:>7} {rate:>8,.0f} "
                            f"{p50:>8.1f} {p99:>8.1f}"
                        )
        finally:
            server.terminate()
            server.wait(timeout=60)


if __name__ == "__main__":
    main()
