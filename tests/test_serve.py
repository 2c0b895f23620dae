"""`allegraph serve`: the console script starts uvicorn, prints its URLs, answers, and stops;
a graph database it cannot reach is one clear message, not a traceback."""

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


def test_serve_prints_its_urls_and_answers(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert cli("ingest", str(SEED_YAML)).code == 0
    port = _free_port()
    server = subprocess.Popen(
        [str(ALLEGRAPH), "--data", str(cli.data), "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/mirrors")
                break
            except httpx.HTTPError:
                assert server.poll() is None, server.communicate()[1]
                time.sleep(0.2)
        assert {m["act_type"] for m in response.json()} >= {"false-flag"}
    finally:
        server.send_signal(signal.SIGINT)
        _, stderr = server.communicate(timeout=60)
    assert f"http://127.0.0.1:{port}/docs" in stderr
    assert f"http://127.0.0.1:{port}/sparql" in stderr
    assert "Traceback" not in stderr


def test_serve_with_an_unreachable_graph_database_is_a_clear_error(cli) -> None:  # type: ignore[no-untyped-def]
    closed = f"redis://127.0.0.1:{_free_port()}"
    run = cli("serve", "--port", str(_free_port()), env={"ALLEGRAPH_FALKORDB_URL": closed})
    assert run.code == 3
    assert "cannot reach FalkorDB" in run.stderr and "Traceback" not in run.stderr
    assert os.path.isdir(cli.data)
