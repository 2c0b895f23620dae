"""`allegraph serve`: the console script starts uvicorn, prints its URLs, answers, and stops;
a graph database it cannot reach is one clear message, not a traceback, and a 503 for what
needs it while the rest answers."""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import time
from pathlib import Path

import httpx

from tests.conftest import ALLEGRAPH, ROOT, SEED_YAML


def _free_port() -> int:
    """A free port the system would not hand out itself: below the ephemeral range, so the
    embedded FalkorDB, started by `serve` on a system-chosen port, cannot take it first."""
    low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    for port in random.Random().sample(range(20_000, min(low, 32_000)), 200):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port below the ephemeral range")


def _serve(data: Path, port: int, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [str(ALLEGRAPH), "--data", str(data), "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
    )


def _first_answer(server: subprocess.Popen[str], url: str) -> httpx.Response:
    deadline = time.monotonic() + 120
    while True:
        try:
            return httpx.get(url)
        except httpx.HTTPError:
            assert server.poll() is None, server.communicate()[1]
            assert time.monotonic() < deadline, "the server did not answer"
            time.sleep(0.2)


def _stop(server: subprocess.Popen[str]) -> str:
    server.send_signal(signal.SIGINT)
    _, stderr = server.communicate(timeout=60)
    return stderr


def test_serve_prints_its_urls_and_answers(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert cli("ingest", str(SEED_YAML)).code == 0
    port = _free_port()
    server = _serve(cli.data, port)
    try:
        response = _first_answer(server, f"http://127.0.0.1:{port}/mirrors")
        assert {m["act_type"] for m in response.json()} >= {"false-flag"}
    finally:
        stderr = _stop(server)
    assert f"http://127.0.0.1:{port}/docs" in stderr
    assert f"http://127.0.0.1:{port}/sparql" in stderr
    assert "Traceback" not in stderr


def test_serve_with_an_unreachable_graph_database_is_a_clear_error(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("ingest", str(SEED_YAML)).code == 0
    closed = f"redis://127.0.0.1:{_free_port()}"
    port = _free_port()
    server = _serve(cli.data, port, {"ALLEGRAPH_FALKORDB_URL": closed})
    try:
        actors = _first_answer(server, f"http://127.0.0.1:{port}/actors?limit=1")
        assert actors.status_code == 200  # the store's reads do not need the graph
        cypher = httpx.post(f"http://127.0.0.1:{port}/cypher", json={"query": "RETURN 1"})
        assert cypher.status_code == 503
        assert "cannot reach FalkorDB" in cypher.json()["detail"]
    finally:
        stderr = _stop(server)
    assert stderr.count("cannot reach FalkorDB") == 1 and "Traceback" not in stderr
