"""Scale benchmark: the whole pipeline in one run, at each corpus size, beside the raw engines.

For each size (100,000 documents by default, about a million statements): ingest with SHACL
validation on and off, beside Oxigraph's own bulk loader given the same quads; the first sync,
beside FalkorDB's GRAPH.BULK given the same blobs; adding 100 more documents and syncing them;
the questions (chains, rolled-up mirrors); `allegraph serve`'s first answer; the API under 32
clients (`wrk`). Each step runs in a fresh process, so its peak memory is its own; disk sizes
are read after the step that wrote them. Give several sizes to see memory stay flat.

Usage: python bench/scale.py [--sizes 100000] [--workdir DIR] [--seconds 10]
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

EXTRA = 100  # documents added to the store after the first sync
ALLEGRAPH = Path(sys.executable).parent / "allegraph"


# steps, each run in a process of its own -------------------------------------------------


def step_ingest(corpus: str, data: str, shacl: bool) -> dict[str, Any]:
    from graph.rdf.ingest import ingest_paths
    from graph.rdf.store import RDFStore
    from loaders import discover

    with RDFStore.in_data_dir(Path(data)) as store:
        report = ingest_paths(store, discover([Path(corpus)]), shacl=shacl)
    assert report.ok, [e.describe() for e in report.failed[:3]]
    return {"documents": len(report.ingested), "triples": report.triples, "s": report.seconds}


def step_export(data: str, quads: str) -> dict[str, Any]:
    """The store's quads as N-Quads, for the raw loader (not timed)."""
    import pyoxigraph as ox

    from graph.rdf.store import RDF_DIR

    store = ox.Store.read_only(str(Path(data) / RDF_DIR))
    with open(quads, "wb") as out:
        store.dump(out, format=ox.RdfFormat.N_QUADS)
    return {"quads": len(store)}


def step_oxigraph(quads: str, target: str) -> dict[str, Any]:
    """Oxigraph's bulk loader on the same quads, then the same compaction ingest ends with."""
    import pyoxigraph as ox

    started = time.perf_counter()
    store = ox.Store(target)
    store.bulk_load(path=quads, format=ox.RdfFormat.N_QUADS)
    store.optimize()
    return {"quads": len(store), "s": time.perf_counter() - started}


def step_sync(data: str, blobs: str) -> dict[str, Any]:
    """The first sync, recording each GRAPH.BULK it sends (to replay them raw)."""
    from graph.property.falkordb_backend import FalkorDBBackend
    from graph.rdf.store import RDFStore
    from graph.sync.run import sync_documents

    original = FalkorDBBackend._bulk
    with open(blobs, "wb") as record:

        def recorded(self: FalkorDBBackend, args: list[bytes | str | int]) -> None:
            pickle.dump(args, record)
            original(self, args)

        FalkorDBBackend._bulk = recorded  # type: ignore[method-assign]
        with RDFStore.in_data_dir(Path(data)) as store:
            backend = FalkorDBBackend.from_environment(Path(data))
            try:
                report = sync_documents(store, backend)
                server = _falkordb_peak_mb(backend)
            finally:
                backend.close()
    assert report.built_in_bulk
    return {"elements": report.elements, "s": report.seconds, "falkordb_peak_mb": server}


def step_bulk(data: str, blobs: str) -> dict[str, Any]:
    """The recorded GRAPH.BULK commands sent again, into a new graph: FalkorDB's own speed."""
    from graph.property.falkordb_backend import FalkorDBBackend

    backend = FalkorDBBackend.from_environment(Path(data))
    raw = FalkorDBBackend(backend.address, graph="raw-bulk")
    try:
        calls = []
        with open(blobs, "rb") as record:
            while True:
                try:
                    calls.append(pickle.load(record))
                except EOFError:
                    break
        started = time.perf_counter()
        for args in calls:
            raw._bulk(args)
        seconds = time.perf_counter() - started
        raw.clear()
    finally:
        raw.close()
        backend.close()
    return {"calls": len(calls), "s": seconds}


def step_incremental(data: str, extra: str) -> dict[str, Any]:
    """`EXTRA` more documents ingested (validated) and synced, as `allegraph ingest` and
    `allegraph sync` do, without the commands' start-up."""
    from graph.property.falkordb_backend import FalkorDBBackend
    from graph.rdf.ingest import ingest_paths
    from graph.rdf.store import RDFStore
    from graph.sync.run import sync_documents
    from loaders import discover

    backend = FalkorDBBackend.from_environment(Path(data))  # running, as under `serve`
    try:
        with RDFStore.in_data_dir(Path(data)) as store:
            started = time.perf_counter()
            report = ingest_paths(store, discover([Path(extra)]))
            ingested = time.perf_counter() - started
            synced = sync_documents(store, backend)
            total = time.perf_counter() - started
    finally:
        backend.close()
    assert report.ok and synced.added == len(report.ingested), (report, synced)
    return {"documents": synced.added, "ingest_s": ingested, "sync_s": synced.seconds, "s": total}


def step_withdraw(data: str, extra: str) -> dict[str, Any]:
    """The `EXTRA` documents removed again and the removal synced, as `allegraph remove`
    and `allegraph sync` do."""
    from graph.property.falkordb_backend import FalkorDBBackend
    from graph.rdf.mapping import document_iri
    from graph.rdf.store import RDFStore
    from graph.sync.run import sync_documents

    backend = FalkorDBBackend.from_environment(Path(data))
    try:
        with RDFStore.in_data_dir(Path(data)) as store:
            started = time.perf_counter()
            for path in sorted(Path(extra).glob("*.json")):
                store.remove_graph(document_iri(path.stem))
            removed = time.perf_counter() - started
            synced = sync_documents(store, backend)
            total = time.perf_counter() - started
    finally:
        backend.close()
    assert synced.removed == EXTRA, synced
    return {"documents": synced.removed, "remove_s": removed, "sync_s": synced.seconds, "s": total}


def step_queries(data: str) -> dict[str, Any]:
    from bench.sync import query_latencies
    from graph.property.falkordb_backend import FalkorDBBackend
    from graph.rdf.store import RDFStore

    backend = FalkorDBBackend.from_environment(Path(data))
    try:
        with RDFStore.in_data_dir(Path(data)) as store:
            return query_latencies(store, backend)
    finally:
        backend.close()


def _falkordb_peak_mb(backend: Any) -> float | None:
    pid = backend.address.pid
    return None if pid is None else _peak_mb(pid)


def _peak_mb(pid: int) -> float | None:
    """A process's peak resident memory (VmHWM), in MB."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    line = next((x for x in status.splitlines() if x.startswith("VmHWM:")), None)
    return None if line is None else int(line.split()[1]) / 1024


STEPS: dict[str, Callable[..., dict[str, Any]]] = {
    "ingest": step_ingest,
    "export": step_export,
    "oxigraph": step_oxigraph,
    "sync": step_sync,
    "bulk": step_bulk,
    "incremental": step_incremental,
    "withdraw": step_withdraw,
    "queries": step_queries,
}


def run_step(name: str, *args: Any) -> dict[str, Any]:
    """A step in a fresh process; its answer with the process's peak memory."""
    output = subprocess.run(
        [sys.executable, __file__, "--step", name, json.dumps(args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if output.returncode != 0:
        raise SystemExit(f"step {name} failed:\n{output.stderr[-4000:]}")
    result: dict[str, Any] = json.loads(output.stdout.strip().splitlines()[-1])
    print(f"  {name}: {result}", flush=True)
    return result


def _step_main(name: str, args: str) -> None:
    result = STEPS[name](*json.loads(args))
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


# the server --------------------------------------------------------------------------------


def serve_and_load(data: Path, port: int, seconds: float) -> dict[str, Any]:
    """`allegraph serve`'s first answer after start, then the API under 32 clients."""
    from bench.api import measure as api_measure
    from graph.rdf.catalog import ACTOR_PREFIX

    started = time.perf_counter()
    server = subprocess.Popen(
        [str(ALLEGRAPH), "--data", str(data), "serve", "--port", str(port)],
        stdout=(data.parent / "server.log").open("wb"),
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        first = _first_answer(server, base + "/actors?limit=1", started)
        actors = _busiest_accusers(base)
        middling = actors[100:110]
        results: dict[str, Any] = {"first_answer_s": first}
        cases = {
            "chains": [
                f"{base}/chains?from={a}&to={b}&max_hops=4" for a in middling for b in middling
            ],
            "sparql": [
                f"{base}/sparql?query="
                + _quoted(f"SELECT ?b WHERE {{ <{ACTOR_PREFIX}{a}> ag:accused ?b }} LIMIT 100")
                for a in actors
            ],
            "actor": [f"{base}/actors/{a}" for a in actors],
        }
        for name, urls in cases.items():
            for answers in ("computed", "kept"):
                rate, p50, p99 = api_measure(_picker(urls), urls, 32, seconds, answers)
                results[f"{name}_{answers}"] = {"rps": rate, "p50_ms": p50, "p99_ms": p99}
                print(f"  {name} {answers}: {results[f'{name}_{answers}']}", flush=True)
        results["server_peak_mb"] = _peak_mb(server.pid)
        return results
    finally:
        server.terminate()
        server.wait(timeout=120)


def _picker(urls: list[str]) -> Callable[[random.Random], str]:
    return lambda chance: chance.choice(urls)


def _busiest_accusers(base: str) -> list[str]:
    """The 200 actors who accuse most, busiest first (as bench/api.py picks them)."""
    from graph.rdf.catalog import actor_id
    from graph.rdf.network import NETWORK_GRAPH

    query = (
        f"SELECT ?a (COUNT(?b) AS ?n) WHERE {{ GRAPH <{NETWORK_GRAPH}> {{ ?a ag:accused ?b }} }} "
        "GROUP BY ?a ORDER BY DESC(?n) ?a LIMIT 200"
    )
    rows = httpx.get(base + "/sparql", params={"query": query}, timeout=120).json()
    return [actor_id(b["a"]["value"]) for b in rows["results"]["bindings"]]


def _first_answer(server: subprocess.Popen[bytes], url: str, started: float) -> float:
    while server.poll() is None and time.perf_counter() - started < 600:
        try:
            if httpx.get(url, timeout=60).status_code == 200:
                return time.perf_counter() - started
        except httpx.HTTPError:
            time.sleep(0.02)
    raise SystemExit(f"the server did not answer: see {url}")


def _quoted(text: str) -> str:
    from urllib.parse import quote

    return quote(text, safe="")


# one size, the table ---------------------------------------------------------------------


def disk_mb(path: Path) -> float:
    if path.is_file():
        return path.stat().st_size / 1e6
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


def pipeline(size: int, work: Path, seconds: float, port: int) -> dict[str, Any]:
    from loaders.synthetic import write_corpus

    corpus, extra = work / f"corpus-{size}", work / f"extra-{size}"
    if not corpus.exists():
        write_corpus(size + EXTRA, corpus, seed=11)
        extra.mkdir()
        for n in range(size + 1, size + EXTRA + 1):
            (corpus / f"doc-{n:06d}.json").rename(extra / f"doc-{n:06d}.json")
    data, checked, quads = work / f"data-{size}", work / f"shacl-{size}", work / f"{size}.nq"
    row: dict[str, Any] = {"documents": size}
    print(f"{size:,} documents", flush=True)
    for folder in (data, checked, work / f"oxigraph-{size}"):
        shutil.rmtree(folder, ignore_errors=True)
    row["ingest_off"] = run_step("ingest", str(corpus), str(data), False)
    row["ingest_on"] = run_step("ingest", str(corpus), str(checked), True)
    shutil.rmtree(checked)
    row["store_mb"] = disk_mb(data / "rdf")
    run_step("export", str(data), str(quads))
    row["oxigraph"] = run_step("oxigraph", str(quads), str(work / f"oxigraph-{size}"))
    row["oxigraph_mb"] = disk_mb(work / f"oxigraph-{size}")
    shutil.rmtree(work / f"oxigraph-{size}")
    quads.unlink()
    blobs = work / f"blobs-{size}.pickle"
    row["sync"] = run_step("sync", str(data), str(blobs))
    row["bulk"] = run_step("bulk", str(data), str(blobs))
    blobs.unlink()
    row["falkordb_mb"] = disk_mb(data / "falkordb")
    row["incremental"] = run_step("incremental", str(data), str(extra))
    row["withdraw"] = run_step("withdraw", str(data), str(extra))
    row["queries"] = run_step("queries", str(data))
    row["serve"] = serve_and_load(data, port, seconds)
    return row


def print_table(rows: list[dict[str, Any]]) -> None:
    print()
    for row in rows:
        off, on, raw = row["ingest_off"], row["ingest_on"], row["oxigraph"]
        sync, bulk, inc = row["sync"], row["bulk"], row["incremental"]
        q, srv = row["queries"], row["serve"]
        print(f"== {row['documents']:,} documents, {off['triples']:,} triples ==")
        print(
            f"ingest, SHACL off  {off['triples'] / off['s']:>10,.0f} triples/s  "
            f"{off['s']:>7.1f} s  peak {off['peak_rss_mb']:,.0f} MB   "
            f"x{raw['s'] / off['s']:.2f} of Oxigraph's loader"
        )
        print(
            f"ingest, SHACL on   {on['triples'] / on['s']:>10,.0f} triples/s  "
            f"{on['s']:>7.1f} s  peak {on['peak_rss_mb']:,.0f} MB   "
            f"x{off['s'] / on['s']:.2f} of SHACL off"
        )
        print(
            f"Oxigraph bulk load {raw['quads'] / raw['s']:>10,.0f} quads/s    "
            f"{raw['s']:>7.1f} s  peak {raw['peak_rss_mb']:,.0f} MB   disk "
            f"{row['oxigraph_mb']:,.0f} MB (allegraph's store {row['store_mb']:,.0f} MB)"
        )
        print(
            f"first sync         {sync['elements'] / sync['s']:>10,.0f} elements/s "
            f"{sync['s']:>7.1f} s  peak {sync['peak_rss_mb']:,.0f} MB, FalkorDB "
            f"{sync['falkordb_peak_mb'] or 0:,.0f} MB   x{bulk['s'] / sync['s']:.2f} of "
            f"GRAPH.BULK alone ({bulk['s']:.1f} s)   disk {row['falkordb_mb']:,.0f} MB"
        )
        print(
            f"+{inc['documents']} documents     ingest {inc['ingest_s']:.2f} s + sync "
            f"{inc['sync_s']:.2f} s = {inc['s']:.2f} s"
        )
        out = row["withdraw"]
        print(
            f"-{out['documents']} documents     remove {out['remove_s']:.2f} s + sync "
            f"{out['sync_s']:.2f} s = {out['s']:.2f} s"
        )
        print(
            f"queries            chains <=4 p50 {q['chain4_p50_ms']:.1f} ms, rolled-up mirrors "
            f"p50 {q['mirrors_p50_ms']:,.0f} ms ({q['mirrors']:,} pairs)"
        )
        print(
            f"serve              first answer {srv['first_answer_s']:.2f} s after start, "
            f"peak {srv['server_peak_mb'] or 0:,.0f} MB"
        )
        for name in ("chains", "sparql", "actor"):
            for answers in ("computed", "kept"):
                m = srv[f"{name}_{answers}"]
                print(
                    f"API 32 clients     {name:<7} {answers:<9} {m['rps']:>7,.0f} req/s"
                    f"  p50 {m['p50_ms']:>6.1f} ms  p99 {m['p99_ms']:>6.1f} ms"
                )


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--step":
        _step_main(sys.argv[2], sys.argv[3])
        return
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="100000")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--port", type=int, default=8731)
    parser.add_argument("--workdir", type=Path, help="Keep the corpora here (reused).")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "scale.json")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed for the API under load (Debian: apt-get install wrk)")
    rows = []
    with tempfile.TemporaryDirectory(prefix="allegraph-scale-") as tmp:
        work = args.workdir or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        for size in (int(s) for s in args.sizes.split(",")):
            rows.append(pipeline(size, work, args.seconds, args.port))
            args.out.parent.mkdir(parents=True, exist_ok=True)
            args.out.write_text(json.dumps(rows, indent=2))
    print_table(rows)
    print(f"\n{time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores; figures in {args.out}")


if __name__ == "__main__":
    main()
